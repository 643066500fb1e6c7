// A board driven by random commands from a fixed seed, recording every accepted change as the
// engine would (seq = seq() + 1). It reaches every kind of state apply() maintains: tickets
// used and unused, organizer code, removed participants (their secrets dropped), displays,
// votes moved by merges, scheduled cells, claimed tables, locks and vote caps. Used by the
// board-snapshot tests to compare a board rebuilt from a snapshot with a full replay.
#pragma once

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/board.hpp"
#include "protocol/codec.hpp"

namespace boardwalk::test {

class RandomBoard {
 public:
  static constexpr domain::UnixTime kAt = 1778868000;  // 2026-05-15T18:00:00Z

  explicit RandomBoard(unsigned seed, std::string slug = "prop") : rng_(seed), slug_(std::move(slug)) {
    using namespace domain;
    const Actor sys = Actor::system();
    must(CreateEvent{slug_, "Property", "Europe/Prague", 3, {kDays[0], kDays[1]}}, sys);
    must(SetOrganizerCode{"org-code"}, sys);
    must(AddRoom{"A", RoomKind::open_space, 10}, sys);
    must(AddRoom{"B", RoomKind::open_space, 10}, sys);
    must(AddRoom{"S1", RoomKind::sprint, 10}, sys);
    must(AddRoom{"S2", RoomKind::sprint, 10}, sys);
    must(AddSlot{"2026-05-15", kAt, kAt + 3600}, sys);
    must(AddSlot{"2026-05-15", kAt + 3600, kAt + 7200}, sys);
    must(Join{"Org", "s-org", std::nullopt, Role::organizer}, sys);  // participant 1
    must(AddTickets{{"t-1", "t-2", "t-3", "t-4", "t-5", "t-6"}}, sys);
    for (int i = 0; i < 4; ++i) {
      must(Join{"P" + std::to_string(i), "s-p" + std::to_string(i), std::nullopt, std::nullopt}, Actor::anonymous());
    }
  }

  // Decides one random command and applies it if accepted; returns whether it was.
  bool step() {
    const domain::Command c = command();
    // Joins come from connections that have not joined yet, mostly (tickets are checked then).
    if (std::holds_alternative<domain::Join>(c) && chance(80)) return try_apply(c, domain::Actor::anonymous());
    return try_apply(c, actor());
  }

  [[nodiscard]] const domain::Board& board() const { return board_; }
  [[nodiscard]] const std::vector<domain::Change>& log() const { return log_; }
  [[nodiscard]] const std::string& slug() const { return slug_; }

 private:
  inline static const std::vector<std::string> kDays = {"2026-05-18", "2026-05-19", "2026-05-20"};

  bool try_apply(const domain::Command& c, const domain::Actor& a) {
    auto decided = board_.decide(c, a);
    if (!decided) return false;
    domain::Change change{board_.seq() + 1, kAt + board_.seq(), std::nullopt, std::move(*decided)};
    if (a.kind == domain::Actor::Kind::participant) change.actor = a.participant;
    board_.apply(change);
    log_.push_back(std::move(change));
    return true;
  }
  void must(const domain::Command& c, const domain::Actor& a) {
    if (!try_apply(c, a))
      throw std::logic_error(std::string("set-up command refused: ") + std::string(domain::command_type(c)));
  }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(1, 100) <= percent; }
  domain::Id any(std::size_t n) { return pick(1, static_cast<int>(n) + 1); }
  std::string day() { return kDays[static_cast<std::size_t>(pick(0, 2))]; }
  std::string text() {
    static const char* words[] = {"py", "typing", "\xC3\xA9t\xC3\xA9", " ", "\n", "async", "x"};
    std::string s;
    for (int i = pick(0, 4); i > 0; --i) s += words[pick(0, 6)];
    return s;
  }

  domain::Actor actor() {
    const int k = pick(0, 29);
    if (k < 3) return domain::Actor::system();
    if (k == 3) return domain::Actor::anonymous();
    if (k < 10) return domain::Actor::of(1);  // the organizer
    return domain::Actor::of(any(board_.participants().size()));
  }

  domain::ProjectFields fields(bool create) {
    domain::ProjectFields f;
    if (create || chance(30)) f.name = "proj " + text() + "x";
    if (create || chance(20)) f.repo_url = "https://github.com/x/y" + std::to_string(pick(0, 9));
    if (chance(30)) f.description = text();
    if (chance(20)) f.skills = std::vector<std::string>{"c", "python"};
    if (chance(20)) f.level = static_cast<domain::Level>(pick(0, 3));
    if (chance(20)) f.first_timers = chance(50);
    if (create || chance(25)) f.days = std::vector<std::string>{kDays[0], kDays[1]};
    if (chance(25)) f.capacity = chance(30) ? std::optional<int>() : std::optional<int>(pick(1, 4));
    return f;
  }

  domain::Command command() {
    using namespace domain;
    const Id topic = any(board_.topics().size());
    const Id project = any(board_.projects().size());
    const Id person = any(board_.participants().size());
    switch (pick(0, 36)) {
      case 0:
        return Join{"p" + text() + "n", "secret-" + std::to_string(secret_++),
                    chance(10) ? std::optional<std::string>("org-code") : std::nullopt, std::nullopt,
                    chance(40) ? std::optional<std::string>("t-" + std::to_string(pick(1, 7))) : std::nullopt};
      case 1:
        return SetRole{std::max<Id>(2, person), static_cast<Role>(pick(0, 2))};  // keep 1 organizer
      case 2:
      case 3:
        return ProposeTopic{"t" + text(), text()};
      case 4:
        return EditTopic{topic, std::optional<std::string>("e" + text()), std::nullopt};
      case 5:
        return WithdrawTopic{topic};
      case 6:
      case 7:
        return ScheduleTopic{topic, any(board_.rooms().size()), any(board_.slots().size())};
      case 8:
        return UnscheduleTopic{topic};
      case 9:
      case 10:
      case 11:
      case 12:
        return Vote{topic};
      case 13:
      case 14:
        return Unvote{topic};
      case 15:
        return HideTopic{topic};
      case 16:
        return UnhideTopic{topic};
      case 17:
        return MergeTopic{topic, any(board_.topics().size())};
      case 18:
        return CreateProject{fields(true)};
      case 19:
        return EditProject{project, fields(false)};
      case 20:
        return WithdrawProject{project};
      case 21:
        return AddMaintainer{project, person};
      case 22:
      case 23:
        return ClaimTable{project, day(), any(board_.rooms().size())};
      case 24:
        return ReleaseTable{project, day()};
      case 25:
      case 26:
        return JoinProject{project};
      case 27:
        return LeaveProject{project};
      case 28:
        return HideProject{project};
      case 29:
        return UnhideProject{project};
      case 30:
        return SetVoteCap{pick(0, 4)};
      case 31:
        return SetLocks{std::optional<bool>(chance(15)), std::optional<bool>(chance(15))};
      case 32:
        return SetJoinMode{chance(50) ? JoinMode::tickets : JoinMode::open};
      case 33:
        return std::max<Id>(2, person) == person && chance(30)
                   ? Command{RemoveParticipant{person}}
                   : Command{CreateDisplay{"screen", "d-" + std::to_string(secret_++)}};
      case 34:
        return AddTickets{{"t-" + std::to_string(100 + secret_++)}};
      case 35:
        return SetOrganizerCode{"org-code"};
      default:
        return chance(50) ? Command{AddSlot{day(), kAt + pick(0, 48) * 1800, kAt + pick(1, 48) * 1800 + 3600}}
                          : Command{AddRoom{"room " + std::to_string(pick(1, 8)), static_cast<RoomKind>(pick(0, 1)),
                                            pick(1, 50)}};
    }
  }

  std::mt19937 rng_;
  std::string slug_;
  domain::Board board_;
  std::vector<domain::Change> log_;
  int secret_ = 0;
};

// Everything about a board that its public interface shows, private state included: the
// public JSON, the organizer code, which secrets and tickets work, votes used, cells and
// tables held, and the ids the next records would get.
inline std::string observable_state(const domain::Board& b, const std::vector<domain::Change>& log) {
  using namespace domain;
  std::string s = std::to_string(b.seq()) + "|" + protocol::encode_board(b).dump() +
                  "|code=" + b.info().organizer_code_hash +
                  "|join=" + std::to_string(static_cast<int>(b.info().join_mode)) +
                  "|tickets=" + std::to_string(b.tickets_total()) + "/" + std::to_string(b.tickets_used());
  std::set<std::string> secrets, tickets;
  for (const Change& c : log) {
    if (const auto* j = std::get_if<ParticipantJoined>(&c.body)) {
      secrets.insert(j->secret_hash);
      if (!j->ticket_hash.empty()) tickets.insert(j->ticket_hash);
    }
    if (const auto* t = std::get_if<TicketsAdded>(&c.body))
      tickets.insert(t->ticket_hashes.begin(), t->ticket_hashes.end());
  }
  for (const auto& h : secrets) {
    const auto who = b.participant_by_secret(h);
    s += "|s" + h + "=" + (who ? std::to_string(*who) : "-");
  }
  // A ticket join as the server would decide it now: unknown, used, or free.
  for (const auto& h : tickets) {
    Board copy = b;
    copy.apply(Change{copy.seq() + 1, 0, std::nullopt, JoinModeSet{JoinMode::tickets}});
    auto r = copy.decide(Join{"T", "probe-secret", std::nullopt, std::nullopt, h}, Actor::anonymous());
    s += "|t" + h + "=" + (r ? "free" : r.error().code);
  }
  for (const auto& [pid, p] : b.participants())
    s += "|v" + std::to_string(pid) + "=" + std::to_string(b.votes_used(pid));
  for (const auto& [rid, r] : b.rooms()) {
    for (const auto& [sid, sl] : b.slots()) {
      if (auto h = b.cell_holder(rid, sid))
        s += "|c" + std::to_string(rid) + "," + std::to_string(sid) + "=" + std::to_string(*h);
    }
    for (const char* day : {"2026-05-18", "2026-05-19", "2026-05-20"}) {
      if (auto h = b.table_holder(day, rid))
        s += "|t" + std::string(day) + std::to_string(rid) + "=" + std::to_string(*h);
    }
  }
  // The next ids come from private counters (not from the maps' sizes).
  const auto next = [&](const Command& c) {
    auto r = b.decide(c, Actor::system());
    return r ? protocol::encode_change(Change{b.seq() + 1, 0, std::nullopt, *r}, "x", protocol::Audience::storage)
                   .dump()
             : r.error().code;
  };
  s += "|" + next(AddRoom{"N", RoomKind::open_space, 1}) + "|" + next(AddSlot{"2026-05-15", 100, 200});
  s += "|" + next(Join{"N", "next-secret", std::nullopt, Role::attendee});
  if (b.participant(1) != nullptr) {
    auto t = b.decide(ProposeTopic{"N", ""}, Actor::of(1));
    s += "|" + (t ? std::to_string(std::get<TopicProposed>(*t).topic.id) : t.error().code);
    ProjectFields f;
    f.name = "N";
    f.repo_url = "https://example.org/n";
    auto p = b.decide(CreateProject{f}, Actor::of(1));
    s += "|" + (p ? std::to_string(std::get<ProjectCreated>(*p).project.id) : p.error().code);
  }
  return s;
}

}  // namespace boardwalk::test
