// `boardwalk backup DEST` while a server keeps writing: the copy is consistent (integrity ok),
// holds a gap-free prefix of the live change log, and a server starts on it and goes on.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "http_get.hpp"
#include "lift_caps.hpp"
#include "run_boardwalk.hpp"
#include "server_process.hpp"
#include "storage_probe.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

// Every change from seq 1 on (the replay window holds them all in these small tests).
std::vector<json> all_changes(unsigned short port) {
  WsClient c(port);
  std::vector<json> got;
  const json ack = c.request({{"type", "subscribe"}, {"event", "demo"}, {"since", 0}}, &got);
  EXPECT_EQ(ack["mode"], "replay") << ack;
  return got;
}

// Waits (bounded) until `counter` reaches `target`.
bool wait_for(const std::atomic<long long>& counter, long long target) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (counter.load() < target) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(Backup, CopyTakenDuringLiveWritesIsAConsistentPrefix) {
  TempDb db, copy;
  // The writer sends as fast as it can: no rate limit (this tests storage, not fairness).
  ServerProcess server(db.path(), {"--rate-per-connection", "0", "--rate-per-participant", "0"});
  lift_caps(server);  // more topics from one participant than the default caps allow
  std::atomic<bool> stop{false};
  std::atomic<long long> acks{0};
  std::atomic<long long> errors{0};
  std::thread writer([&] {
    WsClient c(server.port());
    if (c.request({{"type", "join"}, {"event", "demo"}, {"name", "Writer"}})["type"] != "ack") ++errors;
    for (int i = 0; !stop.load(); ++i) {
      const json ack = c.request({{"type", "propose_topic"}, {"title", "live " + std::to_string(i)}});
      if (ack["type"] == "ack")
        ++acks;
      else
        ++errors;
    }
  });
  ASSERT_TRUE(wait_for(acks, 50));
  const long long before = acks.load();
  const auto r = run_boardwalk("--db " + db.path() + " backup " + copy.path());
  const long long after = acks.load();
  // The server kept committing while and after the copy was taken: the backup holds no lock
  // that stops it.
  const bool kept_writing = wait_for(acks, after + 50);
  stop = true;
  writer.join();
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("integrity ok"), std::string::npos) << r.output;
  EXPECT_TRUE(kept_writing);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(integrity_check(copy.path()), "ok");

  const auto live = all_changes(server.port());
  const auto seqs = stored_seqs(copy.path(), "demo");
  ASSERT_FALSE(seqs.empty());
  for (std::size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], static_cast<long long>(i) + 1);
  // A prefix: at least what was acknowledged before the backup started, at most everything.
  const long long demo_changes = live.size() - static_cast<std::size_t>(acks.load()) - 1;  // demo set-up + join
  EXPECT_GE(static_cast<long long>(seqs.size()), demo_changes + 1 + before);
  EXPECT_LE(static_cast<long long>(seqs.size()), demo_changes + 1 + after + 1);

  // The copy restores: a server starts on it, serves exactly that prefix, and goes on from it.
  // (With the original's secret key file: the copy's credential hashes are keyed with it.)
  ServerProcess restored(copy.path(), {"--no-demo", "--secret-key-file", db.path() + ".key"});
  const auto copied = all_changes(restored.port());
  ASSERT_EQ(copied.size(), seqs.size());
  for (std::size_t i = 0; i < copied.size(); ++i) ASSERT_EQ(copied[i], live[i]) << "seq " << i + 1;
  WsClient c(restored.port());
  c.request({{"type", "join"}, {"event", "demo"}, {"name", "After restore"}});
  const json ack = c.request({{"type", "propose_topic"}, {"title", "after restore"}});
  EXPECT_EQ(ack["seq"], static_cast<long long>(seqs.size()) + 2) << ack;
}

TEST(Backup, RefusesAnExistingDestinationAndAMissingSource) {
  TempDb db, missing;
  { ServerProcess server(db.path()); }
  const std::string existing = db.path() + ".existing";
  std::ofstream(existing) << "keep me";
  auto r = run_boardwalk("--db " + db.path() + " backup " + existing);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("already exists"), std::string::npos) << r.output;
  std::ifstream in(existing);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "keep me");
  std::remove(existing.c_str());
  r = run_boardwalk("--db " + missing.path() + " backup " + missing.path() + ".copy");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("no database"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace boardwalk::testing
