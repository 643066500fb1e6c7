// Invariants: gap-free seq, and a property-style run of many random commands after which the
// indexes agree with the state and replaying the recorded changes rebuilds the same board.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "board_fixture.hpp"

namespace boardwalk::test {
namespace {

class SeqTest : public EventTest {};

TEST_F(SeqTest, EveryChangeTakesTheNextSeq) {
  ASSERT_FALSE(log.empty());
  for (std::size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].seq, static_cast<Seq>(i + 1));
  EXPECT_EQ(board.seq(), static_cast<Seq>(log.size()));
}

TEST_F(SeqTest, ApplyingAWrongSeqThrowsAndChangesNothing) {
  const Seq seq = board.seq();
  const std::string before = board_state(board);
  const ChangeBody body = VoteCapSet{7};
  for (const Seq wrong : {Seq{0}, seq - 1, seq, seq + 2, seq + 100}) {
    EXPECT_THROW(board.apply(Change{wrong, kAt, std::nullopt, body}), std::logic_error) << wrong;
  }
  EXPECT_EQ(board_state(board), before);
  board.apply(Change{seq + 1, kAt, std::nullopt, body});
  EXPECT_EQ(board.seq(), seq + 1);
  EXPECT_EQ(board.info().vote_cap, 7);
}

TEST_F(SeqTest, RejectionsDoNotConsumeASeq) {
  const Seq seq = board.seq();
  EXPECT_FALSE(board.decide(Vote{99}, Actor::of(ada)));
  const Id t = propose(ada);
  EXPECT_EQ(board.seq(), seq + 1);
  EXPECT_EQ(log.back().seq, seq + 1);
  EXPECT_EQ(t, 1);
}

TEST(FreshBoard, FirstChangeMustBeSeqOne) {
  Board b;
  EXPECT_THROW(b.apply(Change{2, kAt, std::nullopt, EventCreated{"e", "E", "UTC", 0, {}}}),
               std::logic_error);
  b.apply(Change{1, kAt, std::nullopt, EventCreated{"e", "E", "UTC", 0, {}}});
  EXPECT_EQ(b.seq(), 1);
}

// --- property-style run ------------------------------------------------------------------

const std::vector<std::string> kDays = {"2026-05-18", "2026-05-19", "2026-05-20"};

// Checks every invariant of the board against its own indexes. Returns a description of the
// first violation, or "" when all hold.
std::string check_invariants(const Board& b) {
  // One topic per cell, and the cell index matches the topics.
  std::set<std::pair<Id, Id>> cells;
  for (const auto& [id, t] : b.topics()) {
    if (t.state == TopicState::scheduled) {
      if (!t.room_id || !t.slot_id) return "scheduled topic " + std::to_string(id) + " has no cell";
      if (!cells.insert({*t.room_id, *t.slot_id}).second) return "two topics in one cell";
      if (b.cell_holder(*t.room_id, *t.slot_id) != std::optional<Id>(id)) return "cell index out of step";
      if (b.rooms().at(*t.room_id).kind != RoomKind::open_space) return "topic in a sprint room";
    } else if (t.room_id || t.slot_id) {
      return "unscheduled topic " + std::to_string(id) + " holds a cell";
    }
    if ((t.state == TopicState::merged) != t.merged_into.has_value()) return "merged_into out of step";
    if (t.state == TopicState::merged && !t.voters.empty()) return "merged topic keeps voters";
    std::set<Id> voters(t.voters.begin(), t.voters.end());
    if (voters.size() != t.voters.size()) return "two votes of one participant on one topic";
  }
  for (const auto& [rid, r] : b.rooms()) {
    for (const auto& [sid, s] : b.slots()) {
      if (b.cell_holder(rid, sid) && !cells.contains({rid, sid})) return "stale cell index entry";
    }
  }
  // votes_used equals the live votes (on topics neither withdrawn nor merged).
  for (const auto& [pid, p] : b.participants()) {
    int live = 0;
    for (const auto& [tid, t] : b.topics()) {
      if (t.state == TopicState::withdrawn || t.state == TopicState::merged) continue;
      live += static_cast<int>(std::count(t.voters.begin(), t.voters.end(), pid));
    }
    if (b.votes_used(pid) != live) {
      return "votes_used(" + std::to_string(pid) + ")=" + std::to_string(b.votes_used(pid)) +
             " but live votes " + std::to_string(live);
    }
  }
  // One table per project per day (a map) and one project per table per day.
  std::set<std::pair<std::string, Id>> tables;
  for (const auto& [id, p] : b.projects()) {
    if (p.state != ProjectState::active && !p.tables.empty()) return "inactive project holds tables";
    for (const auto& [day, room] : p.tables) {
      if (!tables.insert({day, room}).second) return "two projects on one table on " + day;
      if (b.table_holder(day, room) != std::optional<Id>(id)) return "table index out of step";
      if (std::find(p.days.begin(), p.days.end(), day) == p.days.end()) return "table on a non-sprint day";
      if (b.rooms().at(room).kind != RoomKind::sprint) return "table in an open-space room";
    }
    std::set<Id> att(p.attendees.begin(), p.attendees.end());
    if (att.size() != p.attendees.size()) return "participant joined a project twice";
  }
  for (const auto& day : kDays) {
    for (const auto& [rid, r] : b.rooms()) {
      if (b.table_holder(day, rid) && !tables.contains({day, rid})) return "stale table index entry";
    }
  }
  return "";
}

// Everything decide() may depend on, including the private indexes seen through accessors.
std::string fingerprint(const Board& b) {
  std::string s = board_state(b);
  for (const auto& [pid, p] : b.participants()) s += "|v" + std::to_string(b.votes_used(pid));
  for (const auto& [rid, r] : b.rooms()) {
    for (const auto& [sid, sl] : b.slots()) {
      if (auto h = b.cell_holder(rid, sid)) s += "|c" + std::to_string(*h);
    }
    for (const auto& day : kDays) {
      if (auto h = b.table_holder(day, rid)) s += "|t" + std::to_string(*h);
    }
  }
  return s;
}

class RandomRun {
 public:
  explicit RandomRun(unsigned seed) : rng_(seed) {}

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(1, 100) <= percent; }

  Id topic_id(const Board& b) { return pick(1, static_cast<int>(b.topics().size()) + 1); }
  Id project_id(const Board& b) { return pick(1, static_cast<int>(b.projects().size()) + 1); }
  Id participant_id(const Board& b) { return pick(1, static_cast<int>(b.participants().size()) + 1); }
  Id room_id(const Board& b) { return pick(1, static_cast<int>(b.rooms().size()) + 1); }
  Id slot_id(const Board& b) { return pick(1, static_cast<int>(b.slots().size()) + 1); }
  std::string day() { return kDays[static_cast<std::size_t>(pick(0, 2))]; }
  std::string text(int max_len) {
    static const char* words[] = {"py", "typing", "\xC3\xA9t\xC3\xA9", " ", "\n", "\x01", "async", "x"};
    std::string s;
    const int n = pick(0, max_len);
    for (int i = 0; i < n; ++i) s += words[pick(0, 7)];
    return s;
  }

  Actor actor(const Board& b) {
    const int k = pick(0, 29);
    if (k < 3) return Actor::system();
    if (k == 3) return Actor::anonymous();
    if (k < 12) return Actor::of(1);  // the organizer
    return Actor::of(participant_id(b));
  }

  ProjectFields project_fields(bool create) {
    ProjectFields f;
    if (create || chance(30)) f.name = chance(95) ? "proj " + text(3) + "x" : "";
    if (create || chance(20)) f.repo_url = chance(90) ? "https://github.com/x/y" : "ftp://nope";
    if (chance(30)) f.description = text(5);
    if (chance(20)) f.skills = std::vector<std::string>{"c", "python"};
    if (chance(20)) f.level = static_cast<Level>(pick(0, 3));
    if (chance(20)) f.first_timers = chance(50);
    if (chance(25)) {
      std::vector<std::string> d;
      for (int i = pick(0, 2); i > 0; --i) d.push_back(day());
      f.days = d;
    }
    if (chance(25)) f.capacity = chance(30) ? std::optional<int>() : std::optional<int>(pick(0, 4));
    return f;
  }

  Command command(const Board& b) {
    switch (pick(0, 29)) {
      case 0: return Join{"p" + text(2) + "n", "secret-" + std::to_string(secret_++),
                          chance(10) ? std::optional<std::string>("code") : std::nullopt, std::nullopt};
      case 1: return SetRole{std::max<Id>(2, participant_id(b)), static_cast<Role>(pick(0, 2))};  // keep 1 organizer
      case 2: return ProposeTopic{"t" + text(3), text(4)};
      case 3: return EditTopic{topic_id(b), chance(60) ? std::optional<std::string>(text(3)) : std::nullopt,
                               chance(50) ? std::optional<std::string>(text(3)) : std::nullopt};
      case 4: return WithdrawTopic{topic_id(b)};
      case 5: case 6: case 7: return ScheduleTopic{topic_id(b), room_id(b), slot_id(b)};
      case 8: return UnscheduleTopic{topic_id(b)};
      case 9: case 10: case 11: return Vote{topic_id(b)};
      case 12: return Unvote{topic_id(b)};
      case 13: return HideTopic{topic_id(b)};
      case 14: return UnhideTopic{topic_id(b)};
      case 15: return MergeTopic{topic_id(b), topic_id(b)};
      case 16: return CreateProject{project_fields(true)};
      case 17: return EditProject{project_id(b), project_fields(false)};
      case 18: return WithdrawProject{project_id(b)};
      case 19: return AddMaintainer{project_id(b), participant_id(b)};
      case 20: case 21: return ClaimTable{project_id(b), day(), room_id(b)};
      case 22: return ReleaseTable{project_id(b), day()};
      case 23: return JoinProject{project_id(b)};
      case 24: return LeaveProject{project_id(b)};
      case 25: return HideProject{project_id(b)};
      case 26: return UnhideProject{project_id(b)};
      case 27: return SetVoteCap{pick(0, 4)};
      case 28: return SetLocks{chance(50) ? std::optional<bool>(chance(20)) : std::nullopt,
                               chance(50) ? std::optional<bool>(chance(20)) : std::nullopt};
      default: return chance(50) ? Command{AddSlot{day(), kAt + pick(0, 48) * 1800, kAt + pick(0, 48) * 1800}}
                                 : Command{AddRoom{"room " + std::to_string(pick(1, 8)),
                                                   static_cast<RoomKind>(pick(0, 1)), pick(0, 50)}};
    }
  }

 private:
  std::mt19937 rng_;
  int secret_ = 0;
};

TEST(Property, RandomCommandsKeepInvariantsAndReplayIdentically) {
  Board board;
  std::vector<Change> log;
  const auto must = [&](const Command& c, const Actor& a) {
    ASSERT_TRUE(decide_apply(board, log, c, a).ok()) << command_type(c);
  };
  must(CreateEvent{"prop", "Property", "Europe/Prague", 3, {kDays[0], kDays[1]}}, Actor::system());
  must(SetOrganizerCode{"code"}, Actor::system());
  must(AddRoom{"A", RoomKind::open_space, 10}, Actor::system());
  must(AddRoom{"B", RoomKind::open_space, 10}, Actor::system());
  must(AddRoom{"S1", RoomKind::sprint, 10}, Actor::system());
  must(AddRoom{"S2", RoomKind::sprint, 10}, Actor::system());
  must(AddSlot{"2026-05-15", kAt, kAt + 3600}, Actor::system());
  must(AddSlot{"2026-05-15", kAt + 3600, kAt + 7200}, Actor::system());
  must(Join{"Org", "s-org", std::nullopt, Role::organizer}, Actor::system());
  for (int i = 0; i < 5; ++i) must(Join{"P" + std::to_string(i), "s-p" + std::to_string(i), std::nullopt, std::nullopt}, Actor::anonymous());

  RandomRun run(20260515u);
  std::set<std::string> kinds, codes;
  int accepted = 0;
  std::map<std::string, int> code_counts;
  constexpr int kSteps = 4000;
  for (int step = 0; step < kSteps; ++step) {
    const Command c = run.command(board);
    const Actor a = run.actor(board);
    const int cap = board.info().vote_cap;
    const bool full_check = step % 64 == 0;
    const Seq seq_before = board.seq();
    const std::string before = full_check ? fingerprint(board) : std::string();
    auto r = decide_apply(board, log, c, a);
    if (!r) {
      codes.insert(r.error().code);
      ++code_counts[std::string(command_type(c)) + ":" + r.error().code];
      ASSERT_EQ(board.seq(), seq_before);
      if (full_check) {
        ASSERT_EQ(fingerprint(board), before) << "rejected " << command_type(c) << " changed the board";
      }
      continue;
    }
    ++accepted;
    kinds.insert(std::string(change_kind(*r)));
    const std::string bad = check_invariants(board);
    ASSERT_EQ(bad, "") << "after step " << step << " (" << command_type(c) << ", seq " << board.seq() << ")";
    if (const auto* v = std::get_if<VoteAdded>(&*r); v != nullptr && cap > 0) {
      ASSERT_LE(board.votes_used(v->participant_id), cap) << "vote beyond the cap at step " << step;
    }
    if (const auto* j = std::get_if<ProjectJoined>(&*r)) {
      const Project& p = board.projects().at(j->project_id);
      if (p.capacity) {
        ASSERT_LE(static_cast<int>(p.attendees.size()), *p.capacity);
      }
    }
  }
  // The run must have exercised most of the board, or it proves little.
  std::string rejections;
  for (const auto& [k, n] : code_counts) rejections += k + "=" + std::to_string(n) + " ";
  EXPECT_GT(accepted, kSteps / 5) << "rejections: " << rejections;
  std::string seen;
  for (const auto& k : kinds) seen += k + " ";
  for (const auto& k : codes) seen += "/" + k + " ";
  EXPECT_GE(kinds.size(), 24u) << "only " << kinds.size() << " change kinds were produced: " << seen;
  EXPECT_GE(codes.size(), 12u) << "only " << codes.size() << " error codes were produced";
  EXPECT_EQ(board.seq(), static_cast<Seq>(log.size()));

  // Replay the recorded changes on a fresh board, directly and through the storage codec.
  Board direct, stored;
  for (const Change& c : log) {
    direct.apply(c);
    auto decoded = protocol::decode_change(
        nlohmann::json::parse(protocol::encode_change(c, "prop", protocol::Audience::storage).dump()));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    stored.apply(*decoded);
  }
  EXPECT_EQ(protocol::encode_board(direct).dump(), protocol::encode_board(board).dump());
  EXPECT_EQ(fingerprint(direct), fingerprint(board));
  EXPECT_EQ(fingerprint(stored), fingerprint(board));
  EXPECT_EQ(stored.participant_by_secret("s-p3"), board.participant_by_secret("s-p3"));
  EXPECT_EQ(check_invariants(direct), "");
}

}  // namespace
}  // namespace boardwalk::test
