// decode_request: every client message type, and every kind of bad input, each with the error
// code and field the client gets, and the request id echoed whenever it could be read.
#include <gtest/gtest.h>

#include <string>

#include "protocol/requests.hpp"

namespace boardwalk::protocol {
namespace {

using namespace domain;
using nlohmann::json;

std::string shown(std::string_view text) {
  return text.size() > 160 ? std::string(text.substr(0, 160)) + "...(" + std::to_string(text.size()) + " bytes)"
                           : std::string(text);
}

Request accept(std::string_view text) {
  auto r = decode_request(text);
  if (const auto* f = std::get_if<DecodeFailure>(&r)) {
    ADD_FAILURE() << shown(text) << " -> " << f->error.code << " (" << f->error.message << ", field '" << f->error.field
                  << "')";
    return Request{};
  }
  return std::get<Request>(r);
}

template <typename T>
T command(std::string_view text) {
  const Request r = accept(text);
  const auto* c = std::get_if<CommandRequest>(&r.body);
  if (c == nullptr || !std::holds_alternative<T>(c->command)) {
    ADD_FAILURE() << text << " did not decode to " << T::type;
    return T{};
  }
  return std::get<T>(c->command);
}

// Decoding fails with `code` naming `field` ("" = no field) and echoing `id`.
::testing::AssertionResult refuses(std::string_view text, const std::string& code, const std::string& field,
                                   const json& id = nullptr) {
  auto r = decode_request(text);
  const auto* f = std::get_if<DecodeFailure>(&r);
  if (f == nullptr) return ::testing::AssertionFailure() << shown(text) << " was accepted";
  if (f->error.code != code || f->error.field != field || f->id != id || f->error.message.empty()) {
    return ::testing::AssertionFailure() << shown(text) << " -> code " << f->error.code << ", field '" << f->error.field
                                         << "', id " << f->id.dump() << ", message '" << f->error.message
                                         << "'; expected " << code << ", '" << field << "', " << id.dump();
  }
  return ::testing::AssertionSuccess();
}

// --- session messages ------------------------------------------------------------------

TEST(DecodeRequest, Subscribe) {
  const Request a = accept(R"({"type":"subscribe","id":1,"event":"pycon-us-2026"})");
  EXPECT_EQ(a.id, 1);
  const auto& s = std::get<SubscribeRequest>(a.body);
  EXPECT_EQ(s.event, "pycon-us-2026");
  EXPECT_FALSE(s.since);
  const Request b = accept(R"({"type":"subscribe","id":"c1","event":"e","since":41})");
  EXPECT_EQ(b.id, "c1");
  EXPECT_EQ(std::get<SubscribeRequest>(b.body).since, std::optional<Seq>(41));
  EXPECT_EQ(std::get<SubscribeRequest>(accept(R"({"type":"subscribe","id":1,"event":"e","since":0})").body).since,
            std::optional<Seq>(0));
  EXPECT_FALSE(
      std::get<SubscribeRequest>(accept(R"({"type":"subscribe","id":1,"event":"e","since":null})").body).since);
  EXPECT_EQ(
      std::get<SubscribeRequest>(accept(R"({"type":"subscribe","id":1,"event":"e","since":9007199254740991})").body)
          .since,
      std::optional<Seq>(9007199254740991LL));
}

TEST(DecodeRequest, SubscribeBadInputs) {
  EXPECT_TRUE(refuses(R"({"type":"subscribe","id":1})", "bad_request", "event", 1));
  EXPECT_TRUE(refuses(R"({"type":"subscribe","id":1,"event":7})", "bad_request", "event", 1));
  EXPECT_TRUE(refuses(R"({"type":"subscribe","id":1,"event":"e","since":-1})", "invalid_value", "since", 1));
  EXPECT_TRUE(refuses(R"({"type":"subscribe","id":1,"event":"e","since":1.5})", "bad_request", "since", 1));
  EXPECT_TRUE(refuses(R"({"type":"subscribe","id":1,"event":"e","since":"4"})", "bad_request", "since", 1));
  EXPECT_TRUE(
      refuses(R"({"type":"subscribe","id":1,"event":"e","since":9007199254740992})", "invalid_value", "since", 1));
  EXPECT_TRUE(refuses(R"({"type":"subscribe","id":1,"event":"e","from":4})", "bad_request", "from", 1));
}

TEST(DecodeRequest, JoinAndAuth) {
  const auto j = std::get<JoinRequest>(accept(R"({"type":"join","id":2,"event":"e","name":"Ada"})").body);
  EXPECT_EQ(j.name, "Ada");
  EXPECT_FALSE(j.code);
  const auto c = std::get<JoinRequest>(accept(R"({"type":"join","id":2,"event":"e","name":"Ada","code":"xyz"})").body);
  EXPECT_EQ(c.code, std::optional<std::string>("xyz"));
  const auto a = std::get<AuthRequest>(accept(R"({"type":"auth","id":3,"event":"e","secret":"3q2-7w"})").body);
  EXPECT_EQ(a.event, "e");
  EXPECT_EQ(a.secret, "3q2-7w");
  EXPECT_TRUE(refuses(R"({"type":"join","id":2,"event":"e"})", "bad_request", "name", 2));
  EXPECT_TRUE(refuses(R"({"type":"join","id":2,"name":"Ada"})", "bad_request", "event", 2));
  EXPECT_TRUE(refuses(R"({"type":"join","id":2,"event":"e","name":null})", "bad_request", "name", 2));
  EXPECT_TRUE(refuses(R"({"type":"join","id":2,"event":"e","name":"Ada","code":1})", "bad_request", "code", 2));
  EXPECT_TRUE(
      refuses(R"({"type":"join","id":2,"event":"e","name":"Ada","role":"organizer"})", "bad_request", "role", 2));
  EXPECT_TRUE(refuses(R"({"type":"auth","id":3,"event":"e"})", "bad_request", "secret", 3));
  EXPECT_TRUE(refuses(R"({"type":"auth","id":3,"event":"e","secret":["x"]})", "bad_request", "secret", 3));
}

// --- commands ------------------------------------------------------------------------------

TEST(DecodeRequest, EveryCommandTypeDecodes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"propose_topic", R"("title":"Typing")"},
      {"edit_topic", R"("topic_id":1,"title":"T")"},
      {"withdraw_topic", R"("topic_id":1)"},
      {"schedule_topic", R"("topic_id":1,"room_id":2,"slot_id":3)"},
      {"unschedule_topic", R"("topic_id":1)"},
      {"vote", R"("topic_id":1)"},
      {"unvote", R"("topic_id":1)"},
      {"create_project", R"("name":"CPython","repo_url":"https://github.com/python/cpython")"},
      {"edit_project", R"("project_id":1,"description":"d")"},
      {"withdraw_project", R"("project_id":1)"},
      {"add_maintainer", R"("project_id":1,"participant_id":2)"},
      {"claim_table", R"("project_id":1,"day":"2026-05-18","room_id":3)"},
      {"release_table", R"("project_id":1,"day":"2026-05-18")"},
      {"join_project", R"("project_id":1)"},
      {"leave_project", R"("project_id":1)"},
      {"add_room", R"("name":"Room 101","kind":"open_space","capacity":40)"},
      {"add_slot", R"("day":"2026-05-15","start":"2026-05-15T18:00:00Z","end":"2026-05-15T19:00:00Z")"},
      {"set_vote_cap", R"("vote_cap":5)"},
      {"set_locks", R"("proposals":true)"},
      {"set_role", R"("participant_id":2,"role":"organizer")"},
      {"hide_topic", R"("topic_id":1)"},
      {"unhide_topic", R"("topic_id":1)"},
      {"merge_topic", R"("topic_id":1,"into_topic_id":2)"},
      {"hide_project", R"("project_id":1)"},
      {"unhide_project", R"("project_id":1)"},
  };
  for (const auto& [type, fields] : cases) {
    const std::string text = R"({"type":")" + type + R"(","id":"c7",)" + fields + "}";
    const Request r = accept(text);
    EXPECT_EQ(r.id, "c7") << text;
    const auto* c = std::get_if<CommandRequest>(&r.body);
    ASSERT_NE(c, nullptr) << text;
    EXPECT_EQ(command_type(c->command), type);
    // An unknown field is rejected in every command, and named.
    const std::string extra = R"({"type":")" + type + R"(","id":"c8",)" + fields + R"(,"colour":"red"})";
    EXPECT_TRUE(refuses(extra, "bad_request", "colour", "c8"));
  }
  // Client messages may not create events or set organizer codes.
  EXPECT_TRUE(refuses(R"({"type":"create_event","id":1,"slug":"x"})", "unknown_type", "type", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_organizer_code","id":1,"code_hash":"x"})", "unknown_type", "type", 1));
}

TEST(DecodeRequest, CommandValues) {
  const auto p = command<ProposeTopic>(R"({"type":"propose_topic","id":1,"title":"T"})");
  EXPECT_EQ(p.title, "T");
  EXPECT_EQ(p.description, "");
  EXPECT_EQ(command<ProposeTopic>(R"({"type":"propose_topic","id":1,"title":"T","description":"a\nb"})").description,
            "a\nb");
  const auto e = command<EditTopic>(R"({"type":"edit_topic","id":1,"topic_id":4,"description":"d"})");
  EXPECT_EQ(e.topic_id, 4);
  EXPECT_FALSE(e.title);
  EXPECT_EQ(e.description, std::optional<std::string>("d"));
  const auto s = command<ScheduleTopic>(R"({"type":"schedule_topic","id":1,"topic_id":1,"room_id":2,"slot_id":3})");
  EXPECT_EQ(s.room_id, 2);
  EXPECT_EQ(s.slot_id, 3);
  const auto m = command<MergeTopic>(R"({"type":"merge_topic","id":1,"topic_id":5,"into_topic_id":6})");
  EXPECT_EQ(m.into_topic_id, 6);
  const auto a = command<AddMaintainer>(R"({"type":"add_maintainer","id":1,"project_id":5,"participant_id":9})");
  EXPECT_EQ(a.participant_id, 9);
  const auto c = command<ClaimTable>(R"({"type":"claim_table","id":1,"project_id":5,"day":"2026-05-18","room_id":3})");
  EXPECT_EQ(c.day, "2026-05-18");
  EXPECT_EQ(c.room_id, 3);
  EXPECT_EQ(command<ReleaseTable>(R"({"type":"release_table","id":1,"project_id":5,"day":"2026-05-19"})").day,
            "2026-05-19");
  const auto r = command<AddRoom>(R"({"type":"add_room","id":1,"name":"Hall","kind":"sprint","capacity":0})");
  EXPECT_EQ(r.kind, RoomKind::sprint);
  EXPECT_EQ(r.capacity, 0);
  const auto sl = command<AddSlot>(
      R"({"type":"add_slot","id":1,"day":"2026-05-15","start":"2026-05-15T11:00:00-07:00","end":"2026-05-15T19:00Z"})");
  EXPECT_EQ(sl.start, 1778868000);
  EXPECT_EQ(sl.end, 1778871600);
  EXPECT_EQ(command<SetVoteCap>(R"({"type":"set_vote_cap","id":1,"vote_cap":0})").vote_cap, 0);
  EXPECT_EQ(command<SetVoteCap>(R"({"type":"set_vote_cap","id":1,"vote_cap":1000})").vote_cap, 1000);
  const auto l = command<SetLocks>(R"({"type":"set_locks","id":1,"voting":false})");
  EXPECT_FALSE(l.proposals);
  EXPECT_EQ(l.voting, std::optional<bool>(false));
  EXPECT_FALSE(command<SetLocks>(R"({"type":"set_locks","id":1})").voting);  // the domain rejects this
  const auto sr = command<SetRole>(R"({"type":"set_role","id":1,"participant_id":3,"role":"maintainer"})");
  EXPECT_EQ(sr.participant_id, 3);
  EXPECT_EQ(sr.role, Role::maintainer);
}

TEST(DecodeRequest, ProjectFields) {
  const auto c = command<CreateProject>(
      R"({"type":"create_project","id":1,"name":"CPython","repo_url":"https://x.org","description":"d",)"
      R"("skills":["c","python"],"level":"advanced","first_timers":true,"days":["2026-05-18"],"capacity":12})");
  EXPECT_EQ(c.fields.name, std::optional<std::string>("CPython"));
  EXPECT_EQ(c.fields.skills, (std::optional<std::vector<std::string>>({"c", "python"})));
  EXPECT_EQ(c.fields.level, std::optional<Level>(Level::advanced));
  EXPECT_EQ(c.fields.first_timers, std::optional<bool>(true));
  EXPECT_EQ(c.fields.days, (std::optional<std::vector<std::string>>({"2026-05-18"})));
  EXPECT_EQ(c.fields.capacity, std::optional<std::optional<int>>(std::optional<int>(12)));
  // capacity: absent = unchanged, null = unlimited.
  const auto none = command<EditProject>(R"({"type":"edit_project","id":1,"project_id":2})");
  EXPECT_FALSE(none.fields.capacity);
  EXPECT_FALSE(none.fields.name);
  const auto unlimited = command<EditProject>(R"({"type":"edit_project","id":1,"project_id":2,"capacity":null})");
  ASSERT_TRUE(unlimited.fields.capacity);
  EXPECT_FALSE(*unlimited.fields.capacity);
  // Missing name / repo_url are left to the domain (which says bad_request).
  EXPECT_FALSE(command<CreateProject>(R"({"type":"create_project","id":1})").fields.name);

  const std::string head = R"({"type":"create_project","id":9,"name":"N","repo_url":"https://x.org",)";
  EXPECT_TRUE(refuses(head + R"("skills":"c"})", "bad_request", "skills", 9));
  EXPECT_TRUE(refuses(head + R"("skills":["c",3]})", "bad_request", "skills", 9));
  EXPECT_TRUE(refuses(head + R"("skills":[null]})", "bad_request", "skills", 9));
  std::string many = "[";
  for (int i = 0; i < 41; ++i) many += std::string(i ? "," : "") + "\"s\"";
  EXPECT_TRUE(refuses(head + R"("skills":)" + many + "]}", "invalid_value", "skills", 9));
  EXPECT_TRUE(refuses(head + R"("level":"expert"})", "invalid_value", "level", 9));
  EXPECT_TRUE(refuses(head + R"("level":2})", "bad_request", "level", 9));
  EXPECT_TRUE(refuses(head + R"("first_timers":"yes"})", "bad_request", "first_timers", 9));
  EXPECT_TRUE(refuses(head + R"("first_timers":1})", "bad_request", "first_timers", 9));
  EXPECT_TRUE(refuses(head + R"("days":"2026-05-18"})", "bad_request", "days", 9));
  EXPECT_TRUE(refuses(head + R"("capacity":2.5})", "bad_request", "capacity", 9));
  EXPECT_TRUE(refuses(head + R"("capacity":"5"})", "bad_request", "capacity", 9));
  EXPECT_TRUE(refuses(head + R"("capacity":1e3})", "bad_request", "capacity", 9));
  EXPECT_TRUE(refuses(head + R"("capacity":99999999999})", "invalid_value", "capacity", 9));
  EXPECT_TRUE(refuses(head + R"("name":["N"]})", "bad_request", "name", 9));
  EXPECT_TRUE(refuses(R"({"type":"edit_project","id":9,"level":"any"})", "bad_request", "project_id", 9));
  EXPECT_TRUE(refuses(R"({"type":"edit_project","id":9,"project_id":1,"level":"hard"})", "invalid_value", "level", 9));
}

// Every id field: missing, wrongly typed, floats, zero, negative, huge.
TEST(DecodeRequest, IdFields) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"vote", "topic_id"},
                                                                  {"unvote", "topic_id"},
                                                                  {"withdraw_topic", "topic_id"},
                                                                  {"unschedule_topic", "topic_id"},
                                                                  {"hide_topic", "topic_id"},
                                                                  {"unhide_topic", "topic_id"},
                                                                  {"withdraw_project", "project_id"},
                                                                  {"join_project", "project_id"},
                                                                  {"leave_project", "project_id"},
                                                                  {"hide_project", "project_id"},
                                                                  {"unhide_project", "project_id"}};
  for (const auto& [type, field] : cases) {
    const std::string head = R"({"type":")" + type + R"(","id":4)";
    const auto with = [&](const std::string& v) { return head + R"(,")" + field + "\":" + v + "}"; };
    EXPECT_TRUE(refuses(head + "}", "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("\"1\""), "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("null"), "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("true"), "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("[1]"), "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("1.0"), "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("1.5"), "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("1e2"), "bad_request", field, 4));
    EXPECT_TRUE(refuses(with("0"), "invalid_value", field, 4));
    EXPECT_TRUE(refuses(with("-1"), "invalid_value", field, 4));
    EXPECT_TRUE(refuses(with("-9223372036854775808"), "invalid_value", field, 4));
    EXPECT_TRUE(refuses(with("9007199254740992"), "invalid_value", field, 4));
    EXPECT_TRUE(refuses(with("18446744073709551615"), "invalid_value", field, 4));
    EXPECT_TRUE(refuses(with("18446744073709551616"), "bad_request", field, 4));  // beyond 64 bits: a float
    EXPECT_TRUE(refuses(with("99999999999999999999999999"), "bad_request", field, 4));
    const Request ok = accept(with("9007199254740991"));
    EXPECT_EQ(ok.id, 4);
  }
  EXPECT_TRUE(refuses(R"({"type":"schedule_topic","id":1,"topic_id":1,"room_id":2})", "bad_request", "slot_id", 1));
  EXPECT_TRUE(refuses(R"({"type":"schedule_topic","id":1,"topic_id":1,"room_id":0,"slot_id":1})", "invalid_value",
                      "room_id", 1));
  EXPECT_TRUE(refuses(R"({"type":"merge_topic","id":1,"topic_id":1})", "bad_request", "into_topic_id", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_maintainer","id":1,"project_id":1,"participant_id":-3})", "invalid_value",
                      "participant_id", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_role","id":1,"role":"organizer"})", "bad_request", "participant_id", 1));
  EXPECT_TRUE(
      refuses(R"({"type":"claim_table","id":1,"project_id":1,"day":"2026-05-18"})", "bad_request", "room_id", 1));
  EXPECT_TRUE(
      refuses(R"({"type":"claim_table","id":1,"project_id":1,"day":20260518,"room_id":1})", "bad_request", "day", 1));
  EXPECT_TRUE(refuses(R"({"type":"release_table","id":1,"project_id":1})", "bad_request", "day", 1));
}

TEST(DecodeRequest, FirstProblemWins) {
  EXPECT_TRUE(refuses(R"({"type":"vote","id":1,"zzz":1,"topic_id":"x"})", "bad_request", "topic_id", 1));
  EXPECT_TRUE(refuses(R"({"type":"schedule_topic","id":1,"topic_id":0,"room_id":"r","slot_id":1})", "invalid_value",
                      "topic_id", 1));
}

TEST(DecodeRequest, RoomSlotCapLocksRole) {
  EXPECT_TRUE(
      refuses(R"({"type":"add_room","id":1,"name":"R","kind":"hall","capacity":1})", "invalid_value", "kind", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_room","id":1,"name":"R","capacity":1})", "bad_request", "kind", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_room","id":1,"name":"R","kind":"sprint"})", "bad_request", "capacity", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_room","id":1,"kind":"sprint","capacity":1})", "bad_request", "name", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_room","id":1,"name":"R","kind":"sprint","capacity":-1})", "invalid_value",
                      "capacity", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_room","id":1,"name":"R","kind":"sprint","capacity":100001})", "invalid_value",
                      "capacity", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_room","id":1,"name":"R","kind":"sprint","capacity":4294967296})", "invalid_value",
                      "capacity", 1));
  EXPECT_TRUE(refuses(R"({"type":"add_room","id":1,"name":"R","kind":"sprint","capacity":40.0})", "bad_request",
                      "capacity", 1));
  const std::string slot = R"({"type":"add_slot","id":1,"day":"2026-05-15",)";
  EXPECT_TRUE(
      refuses(slot + R"("start":"2026-05-15T18:00:00","end":"2026-05-15T19:00:00Z"})", "invalid_value", "start", 1));
  EXPECT_TRUE(
      refuses(slot + R"("start":"2026-02-30T18:00:00Z","end":"2026-05-15T19:00:00Z"})", "invalid_value", "start", 1));
  EXPECT_TRUE(refuses(slot + R"("start":"2026-05-15T18:00:00Z","end":"7pm"})", "invalid_value", "end", 1));
  EXPECT_TRUE(refuses(slot + R"("start":"2026-05-15T18:00:00Z"})", "bad_request", "end", 1));
  EXPECT_TRUE(refuses(slot + R"("start":1778868000,"end":"2026-05-15T19:00:00Z"})", "bad_request", "start", 1));
  EXPECT_TRUE(refuses(slot + R"("start":"2026-05-15T18:00:00Z","end":"2026-05-15T19:00:00Z","room":1})", "bad_request",
                      "room", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_vote_cap","id":1,"vote_cap":1001})", "invalid_value", "vote_cap", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_vote_cap","id":1,"vote_cap":-1})", "invalid_value", "vote_cap", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_vote_cap","id":1,"vote_cap":"3"})", "bad_request", "vote_cap", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_vote_cap","id":1,"vote_cap":3.0})", "bad_request", "vote_cap", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_vote_cap","id":1})", "bad_request", "vote_cap", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_locks","id":1,"proposals":"true"})", "bad_request", "proposals", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_locks","id":1,"voting":0})", "bad_request", "voting", 1));
  EXPECT_TRUE(
      refuses(R"({"type":"set_role","id":1,"participant_id":2,"role":"superuser"})", "invalid_value", "role", 1));
  EXPECT_TRUE(
      refuses(R"({"type":"set_role","id":1,"participant_id":2,"role":"Organizer"})", "invalid_value", "role", 1));
  EXPECT_TRUE(refuses(R"({"type":"set_role","id":1,"participant_id":2})", "bad_request", "role", 1));
  EXPECT_TRUE(refuses(R"({"type":"edit_topic","id":1,"topic_id":2,"title":5})", "bad_request", "title", 1));
  EXPECT_TRUE(refuses(R"({"type":"propose_topic","id":1})", "bad_request", "title", 1));
  EXPECT_TRUE(
      refuses(R"({"type":"propose_topic","id":1,"title":"t","description":null})", "bad_request", "description", 1));
}

// --- the envelope: JSON, id, type -----------------------------------------------------------

TEST(DecodeRequest, MalformedJsonHasNullId) {
  for (const char* text :
       {"", " ", "{", R"({"type":"vote","id":1,"topic_id":1)", R"({"type":"vote","id":1,)", R"({"type":"vote" "id":1})",
        R"({'type':'vote'})", R"({"type":"vote","id":1}x)", R"({"type":"vote","id":1}{"type":"vote","id":2})", "nul",
        "{\"id\":01}", "{\"type\":\"vote\",\"id\":1,\"topic_id\":NaN}"}) {
    EXPECT_TRUE(refuses(text, "bad_json", "")) << text;
  }
}

TEST(DecodeRequest, NonObjectsAreBadJson) {
  for (const char* text : {"[]", R"([{"type":"vote","id":1}])", "42", "\"vote\"", "null", "true"}) {
    EXPECT_TRUE(refuses(text, "bad_json", "")) << text;
  }
}

TEST(DecodeRequest, InvalidUtf8IsRefused) {
  // Anywhere in the frame: a value, a key, the id. (See the report: this answers bad_json.)
  EXPECT_TRUE(refuses("{\"type\":\"propose_topic\",\"id\":1,\"title\":\"a\xFF\"}", "bad_json", ""));
  EXPECT_TRUE(refuses("{\"type\":\"propose_topic\",\"id\":1,\"title\":\"\xC0\xAF\"}", "bad_json", ""));
  EXPECT_TRUE(refuses("{\"type\":\"propose_topic\",\"id\":1,\"title\":\"\xED\xA0\x80\"}", "bad_json", ""));
  EXPECT_TRUE(refuses("{\"type\":\"vote\",\"id\":1,\"topic_id\":1,\"k\xFE\":1}", "bad_json", ""));
  // An escaped lone surrogate is not valid either.
  EXPECT_TRUE(refuses(R"({"type":"propose_topic","id":1,"title":"\ud800"})", "bad_json", ""));
  // Valid multi-byte text passes untouched.
  EXPECT_EQ(
      command<ProposeTopic>("{\"type\":\"propose_topic\",\"id\":1,\"title\":\"\xC3\xA9t\xC3\xA9 \\u00e9\"}").title,
      "\xC3\xA9t\xC3\xA9 \xC3\xA9");
}

TEST(DecodeRequest, DeepNestingIsRefused) {
  std::string nested = "1";
  for (int i = 0; i < 20; ++i) nested = "[" + nested + "]";
  EXPECT_TRUE(
      refuses(R"({"type":"propose_topic","id":5,"title":"t","description":)" + nested + "}", "bad_request", "", 5));
  EXPECT_TRUE(refuses(R"({"type":"propose_topic","id":"d","x":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}}})",
                      "bad_request", "", "d"));
  // Far deeper than any stack should have to handle: refused, no crash.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_TRUE(refuses(R"({"type":"vote","id":6,"topic_id":)" + deep + "}", "bad_request", "", 6));
  EXPECT_TRUE(refuses(std::string(100000, '['), "bad_json", ""));
  // Shallow structure in a wrong place is just a wrong type.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":7,"topic_id":{"id":1}})", "bad_request", "topic_id", 7));
}

TEST(DecodeRequest, DuplicateKeysAreRefused) {
  // nlohmann::json would keep the last value; the decoder refuses instead, naming the key.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":1,"topic_id":1,"topic_id":2})", "bad_request", "topic_id", 1));
  EXPECT_TRUE(refuses(R"({"type":"vote","type":"unvote","id":2,"topic_id":1})", "bad_request", "type", 2));
  EXPECT_TRUE(refuses(R"({"type":"subscribe","id":3,"event":"a","since":1,"since":null})", "bad_request", "since", 3));
  // The same key twice with the same value is still a repeat.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":4,"topic_id":1,"topic_id":1})", "bad_request", "topic_id", 4));
  // A repeated id is ambiguous: the answer carries no id.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":5,"id":6,"topic_id":1})", "bad_request", "id"));
  // At any depth, in objects inside lists too; the id is still echoed.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":7,"topic_id":1,"x":{"a":1,"b":{"c":1,"c":2}}})", "bad_request", "c", 7));
  EXPECT_TRUE(refuses(R"({"type":"vote","id":8,"topic_id":1,"x":[{"a":1},{"a":2,"a":3}]})", "bad_request", "a", 8));
  // A nested object with the id key does not make the outer id ambiguous.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":9,"topic_id":1,"x":{"id":1,"id":2}})", "bad_request", "id", 9));
  // The first repeat is named; a very long key is shortened as for unknown fields.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":10,"b":1,"a":1,"a":2,"b":2})", "bad_request", "a", 10));
  const std::string key(300, 'k');
  EXPECT_TRUE(refuses(R"({"type":"vote","id":11,")" + key + R"(":1,")" + key + R"(":1})", "bad_request",
                      std::string(64, 'k') + "...", 11));
  // Equal keys in different objects, or equal values under different keys, are fine.
  EXPECT_EQ(command<Vote>(R"({"type":"vote","id":12,"topic_id":3})").topic_id, 3);
  EXPECT_TRUE(refuses(R"({"type":"vote","id":13,"topic_id":1,"x":{"topic_id":1},"y":[{"x":1},{"x":1}]})", "bad_request",
                      "x", 13));  // not a repeat: only the unknown field x is refused
  // Too deep wins over a repeat hidden in the deep part: both are bad_request, depth first.
  EXPECT_TRUE(refuses(R"({"type":"vote","id":14,"x":[[[[[[[[[{"a":1,"a":1}]]]]]]]]]})", "bad_request", "", 14));
}

TEST(DecodeRequest, RequestIds) {
  EXPECT_EQ(accept(R"({"type":"vote","id":"c7","topic_id":1})").id, "c7");
  EXPECT_EQ(accept(R"({"type":"vote","id":0,"topic_id":1})").id, 0);
  EXPECT_EQ(accept(R"({"type":"vote","id":-12,"topic_id":1})").id, -12);
  EXPECT_EQ(accept(R"({"type":"vote","id":"","topic_id":1})").id, "");
  const std::string id64(64, 'i');
  EXPECT_EQ(accept(R"({"type":"vote","id":")" + id64 + R"(","topic_id":1})").id, id64);
  std::string e64;  // 64 characters, 128 bytes
  for (int i = 0; i < 64; ++i) e64 += "\xC3\xA9";
  EXPECT_EQ(accept(R"({"type":"vote","id":")" + e64 + R"(","topic_id":1})").id, e64);
  EXPECT_TRUE(refuses(R"({"type":"vote","id":")" + e64 + R"(x","topic_id":1})", "bad_request", "id"));
  EXPECT_TRUE(refuses(R"({"type":"vote","id":")" + id64 + R"(x","topic_id":1})", "bad_request", "id"));
  EXPECT_TRUE(refuses(R"({"type":"vote","topic_id":1})", "bad_request", "id"));
  for (const char* bad : {"null", "1.5", "1.0", "true", "[1]", "{}", "1e3"}) {
    EXPECT_TRUE(refuses(std::string(R"({"type":"vote","topic_id":1,"id":)") + bad + "}", "bad_request", "id")) << bad;
  }
}

TEST(DecodeRequest, MessageType) {
  EXPECT_TRUE(refuses(R"({"id":3,"topic_id":1})", "bad_request", "type", 3));
  EXPECT_TRUE(refuses(R"({"id":3,"type":7})", "bad_request", "type", 3));
  EXPECT_TRUE(refuses(R"({"id":3,"type":null})", "bad_request", "type", 3));
  EXPECT_TRUE(refuses(R"({"id":3,"type":"snapshot"})", "unknown_type", "type", 3));
  EXPECT_TRUE(refuses(R"({"id":3,"type":"Vote","topic_id":1})", "unknown_type", "type", 3));
  EXPECT_TRUE(refuses(R"({"id":3,"type":""})", "unknown_type", "type", 3));
  auto r = decode_request(R"({"id":3,"type":")" + std::string(5000, 'x') + "\"}");
  const auto& f = std::get<DecodeFailure>(r);
  EXPECT_EQ(f.error.code, "unknown_type");
  EXPECT_LT(f.error.message.size(), 200u);  // the long type is not echoed whole
}

TEST(DecodeRequest, OversizedStrings) {
  const std::string big(8193, 'a');
  EXPECT_TRUE(refuses(R"({"type":"propose_topic","id":1,"title":")" + big + "\"}", "too_long", "title", 1));
  EXPECT_TRUE(refuses(R"({"type":"propose_topic","id":1,"title":"t","description":")" + big + "\"}", "too_long",
                      "description", 1));
  EXPECT_TRUE(refuses(R"({"type":"join","id":1,"event":"e","name":")" + big + "\"}", "too_long", "name", 1));
  EXPECT_TRUE(refuses(R"({"type":"create_project","id":1,"name":"n","repo_url":"https://x","skills":[")" + big + "\"]}",
                      "too_long", "skills", 1));
  // The decoder's cap is generous; the real limits are the domain's (counted in characters).
  EXPECT_EQ(command<ProposeTopic>(R"({"type":"propose_topic","id":1,"title":")" + std::string(8192, 'a') + "\"}")
                .title.size(),
            8192u);
  // A very long unknown field name is named, shortened.
  const std::string key(300, 'k');
  EXPECT_TRUE(refuses(R"({"type":"vote","id":1,"topic_id":1,")" + key + "\":1}", "bad_request",
                      std::string(64, 'k') + "...", 1));
}

TEST(DecodeRequest, NeverThrowsOnGarbage) {
  std::string noise;
  for (int i = 0; i < 2000; ++i) {
    noise += static_cast<char>((i * 7919) % 256);
    EXPECT_NO_THROW((void)decode_request(noise));
    EXPECT_NO_THROW((void)decode_request("{\"type\":\"vote\",\"id\":1,\"topic_id\":" + noise + "}"));
  }
}

}  // namespace
}  // namespace boardwalk::protocol
