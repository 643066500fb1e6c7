// For tests that propose more topics (or create more projects) from one participant than the
// default caps allow (5 and 3): an organizer, joined with the code the server printed, sets
// the event's caps to 0 (none). The caps themselves are tested in tests/domain and
// tests/engine; these tests are about something else (storage, broadcast, resync).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {

inline void lift_caps(const ServerProcess& server, const std::string& slug = "demo") {
  WsClient organizer(server.port());
  const std::string code = server.organizer_code(slug);
  ASSERT_FALSE(code.empty()) << "no organizer link printed for " << slug;
  const json joined =
      organizer.request({{"type", "join"}, {"event", slug}, {"name", "Test organizer"}, {"code", code}});
  ASSERT_EQ(joined.value("type", ""), "ack") << joined.dump();
  const json set = organizer.request({{"type", "set_caps"}, {"topic_cap", 0}, {"project_cap", 0}});
  ASSERT_EQ(set.value("type", ""), "ack") << set.dump();
}

}  // namespace boardwalk::testing
