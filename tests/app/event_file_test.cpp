// The event-file reader answers every input with a plan or an error naming the entry and the
// field; it never throws (issue 11 §7: `"capacity": "ten"` used to abort the CLI).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "app/event_file.hpp"

namespace boardwalk::app {
namespace {

const std::string kHead = R"("slug":"conf","name":"Conf","timezone":"UTC")";

std::string event_with(const std::string& more) { return "{" + kHead + (more.empty() ? "" : "," + more) + "}"; }

struct BadFile {
  std::string text;
  std::string message;  // a part of the error message
  std::string field;
};

class EventFileRefuses : public ::testing::TestWithParam<BadFile> {};

TEST_P(EventFileRefuses, WithAMessageNamingTheEntryAndTheField) {
  const BadFile& bad = GetParam();
  Result<EventPlan> plan = make_error("unset", "");
  ASSERT_NO_THROW(plan = plan_event_file(bad.text)) << bad.text;
  ASSERT_FALSE(plan) << bad.text;
  EXPECT_NE(plan.error().message.find(bad.message), std::string::npos)
      << "message: " << plan.error().message << "\nexpected: " << bad.message;
  EXPECT_EQ(plan.error().field, bad.field) << plan.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, EventFileRefuses,
    ::testing::Values(
        BadFile{event_with(R"("rooms":[{"name":"A"},{"name":"B"},{"name":"C"},{"name":"D","capacity":"ten"}])"),
                R"(rooms[3]: 'capacity' must be a whole number from 0 to 100000, not "ten")", "capacity"},
        BadFile{event_with(R"("rooms":[{"name":"A","kind":5}])"), "rooms[0]: 'kind' must be text, not a number 5",
                "kind"},
        BadFile{event_with(R"("rooms":[{"name":"A","kind":"garden"}])"),
                R"(rooms[0]: 'kind' must be "open_space" or "sprint", not "garden")", "kind"},
        BadFile{event_with(R"("rooms":[{"kind":"sprint"}])"), "rooms[0]: 'name' is required", "name"},
        BadFile{event_with(R"("rooms":[{"name":null}])"), "rooms[0]: 'name' must be text, not null", "name"},
        BadFile{event_with(R"("rooms":[{"name":"A","capcity":3}])"), "rooms[0]: 'capcity' is not a field", "capcity"},
        BadFile{event_with(R"("rooms":[{"name":"A","capacity":1e30}])"), "rooms[0]: 'capacity' must be a whole number",
                "capacity"},
        BadFile{event_with(R"("rooms":[{"name":"A","capacity":18446744073709551615}])"), "not 18446744073709551615",
                "capacity"},
        BadFile{event_with(R"("rooms":[{"name":"A","capacity":-9223372036854775808}])"), "'capacity' must be",
                "capacity"},
        BadFile{event_with(R"("rooms":[{"name":"A","capacity":4.5}])"), "not 4.5", "capacity"},
        BadFile{event_with(R"("rooms":[{"name":"A"},{"name":"A"}])"), "rooms[1]: a room named", "name"},
        BadFile{event_with(R"("rooms":[{"name":"A"}, 7])"), "rooms[1] must be an object", "rooms"},
        BadFile{event_with(R"("rooms":{"name":"A"})"), "event: 'rooms' must be a list of objects, not an object",
                "rooms"},
        BadFile{event_with(R"("vote_cap":"10")"),
                R"(event: 'vote_cap' must be a whole number from 0 to 1000, not "10")", "vote_cap"},
        BadFile{event_with(R"("vote_cap":4294967297)"), "'vote_cap' must be a whole number", "vote_cap"},
        BadFile{event_with(R"("sprint_days":"2026-05-18")"), "'sprint_days' must be a list of text", "sprint_days"},
        BadFile{event_with(R"("sprint_days":[20260518])"), "'sprint_days' [0] must be text", "sprint_days"},
        BadFile{event_with(R"("slots":[{"day":"2026-05-15","start":"11:00"}])"), "slots[0]: 'end' is required", "end"},
        BadFile{event_with(R"("slots":[{"day":"2026-05-15","start":"11:00","end":1200}])"),
                "slots[0]: 'end' must be text, not a number 1200", "end"},
        BadFile{event_with(R"("slots":[{"day":"2026-05-15","start":"25:00","end":"12:00"}])"),
                "slots[0]: 'start' is wrong", "start"},
        BadFile{event_with(R"("slots":[{"day":"15.5.2026","start":"11:00","end":"12:00"}])"),
                "slots[0]: 'day' is wrong", "day"},
        BadFile{event_with(R"("slots":[{"day":"2026-05-15","start":"12:00","end":"11:00"}])"), "slots[0]: ", "end"},
        BadFile{R"({"slug":"conf","name":"Conf"})", "event: 'timezone' is required", "timezone"},
        BadFile{R"({"slug":7,"name":"Conf","timezone":"UTC"})", "event: 'slug' must be text", "slug"},
        BadFile{R"({"slug":"Not A Slug","name":"Conf","timezone":"UTC"})", "event: slug must be", "slug"},
        BadFile{R"({"slug":"conf","name":"Conf","timezone":"Mars/Olympus"})", "unknown time zone", "timezone"},
        BadFile{R"([1,2,3])", "must be one JSON object {...}, not a list", ""},
        BadFile{R"("conf")", "must be one JSON object {...}, not text", ""},
        BadFile{R"({"slug":)", "not valid JSON", ""}, BadFile{R"({"vote_cap":1e400})", "not valid JSON", ""},
        BadFile{"", "not valid JSON", ""}, BadFile{"{\"slug\":\"\xff\"}", "not valid JSON", ""}));

TEST(EventFile, TooLargeIsRefusedBeforeParsing) {
  auto plan = plan_event_file(std::string(max_event_file_bytes + 1, ' '));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, "too_long");
}

TEST(EventFile, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = event_with(R"("rooms":)" + std::string(100000, '[') + std::string(100000, ']'));
  auto plan = plan_event_file(deep);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().field, "rooms");
}

TEST(EventFile, TheExampleBecomesOneStepPerEntry) {
  std::ifstream in(std::string(BOARDWALK_SOURCE_DIR) + "/docs/examples/pycon-us-2026.json");
  std::stringstream text;
  text << in.rdbuf();
  auto plan = plan_event_file(text.str());
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->slug, "pycon-us-2026");
  EXPECT_EQ(plan->steps.size(), 1u + 14u + 21u);
}

TEST(EventFile, DefaultsWhenOptionalFieldsAreAbsent) {
  auto plan = plan_event_file(event_with(R"("rooms":[{"name":"A"}])"));
  ASSERT_TRUE(plan) << plan.error().message;
  const auto& room = std::get<domain::AddRoom>(plan->steps[1].command);
  EXPECT_EQ(room.kind, domain::RoomKind::open_space);
  EXPECT_EQ(room.capacity, 0);
}

}  // namespace
}  // namespace boardwalk::app
