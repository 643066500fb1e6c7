// Shared helpers of the domain tests: a board with a standard event, a helper that decides and
// applies a command (as the engine does: seq = seq() + 1, a fixed time) and a helper asserting
// that a command is rejected with a given error code (and field) without changing the board.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "domain/board.hpp"
#include "protocol/board_state_codec.hpp"
#include "protocol/codec.hpp"
#include "protocol/iso_time.hpp"

namespace boardwalk::test {

using namespace boardwalk::domain;

inline constexpr UnixTime kAt = 1778868000;  // 2026-05-15T18:00:00Z

inline UnixTime utc(const char* iso) {
  const auto t = protocol::parse_utc(iso);
  if (!t) throw std::invalid_argument(std::string("bad test time ") + iso);
  return *t;
}

// Everything about a board, private fields included, for "nothing changed" checks.
inline std::string board_state(const Board& b) { return protocol::encode_board_state(b); }

inline std::optional<Id> actor_id(const Actor& a) {
  if (a.kind == Actor::Kind::participant) return a.participant;
  return std::nullopt;
}

// Decides `command` as `actor` and applies the change to `board` (appending it to `log`).
// Returns the change body, or the error on rejection (the board is then untouched).
inline Result<ChangeBody> decide_apply(Board& board, std::vector<Change>& log, const Command& command,
                                       const Actor& actor) {
  auto decided = board.decide(command, actor);
  if (!decided) return decided.error();
  Change change{board.seq() + 1, kAt + board.seq(), actor_id(actor), *decided};
  board.apply(change);
  log.push_back(change);
  return change.body;
}

class BoardTest : public ::testing::Test {
 protected:
  Board board;
  std::vector<Change> log;
  int secrets = 0;

  // Succeeds or fails the test; returns the change body.
  ChangeBody run(const Command& command, const Actor& actor = Actor::system()) {
    auto r = decide_apply(board, log, command, actor);
    if (!r) {
      ADD_FAILURE() << "command " << command_type(command) << " rejected: " << r.error().code << " ("
                    << r.error().message << ", field '" << r.error().field << "')";
      return ChangeBody{};
    }
    return *r;
  }
  template <typename T>
  T run_as(const Command& command, const Actor& actor = Actor::system()) {
    const ChangeBody body = run(command, actor);
    const T* t = std::get_if<T>(&body);
    if (t == nullptr) {
      ADD_FAILURE() << "unexpected change kind " << change_kind(body);
      return T{};
    }
    return *t;
  }

  // The command is rejected with `code` (and `field` when given), and the board is unchanged.
  ::testing::AssertionResult rejects(const Command& command, const Actor& actor, const std::string& code,
                                     const std::optional<std::string>& field = std::nullopt) {
    const std::string before = board_state(board);
    const Seq seq_before = board.seq();
    auto r = board.decide(command, actor);
    if (r) {
      return ::testing::AssertionFailure()
             << command_type(command) << " was accepted as " << change_kind(*r) << ", expected " << code;
    }
    if (r.error().code != code) {
      return ::testing::AssertionFailure() << command_type(command) << " rejected with " << r.error().code << " ("
                                           << r.error().message << "), expected " << code;
    }
    if (field && r.error().field != *field) {
      return ::testing::AssertionFailure() << command_type(command) << " " << code << " names field '"
                                           << r.error().field << "', expected '" << *field << "'";
    }
    if (r.error().message.empty()) {
      return ::testing::AssertionFailure() << "error " << code << " has no message";
    }
    if (board.seq() != seq_before || board_state(board) != before) {
      return ::testing::AssertionFailure() << "a rejected command changed the board";
    }
    return ::testing::AssertionSuccess();
  }

  // --- set-up helpers -----------------------------------------------------------------

  void create_event(int vote_cap = 0, std::vector<std::string> sprint_days = {"2026-05-18", "2026-05-19"}) {
    run(CreateEvent{"pycon-us-2026", "PyCon US 2026", "America/Los_Angeles", vote_cap, std::move(sprint_days)});
  }
  Id add_room(const std::string& name, RoomKind kind = RoomKind::open_space, int capacity = 40) {
    return run_as<RoomAdded>(AddRoom{name, kind, capacity}).room.id;
  }
  Id add_slot(const std::string& day, const char* start, const char* end) {
    return run_as<SlotAdded>(AddSlot{day, utc(start), utc(end)}).slot.id;
  }
  std::string next_secret() { return "secret-hash-" + std::to_string(++secrets); }
  Id join(const std::string& name, std::optional<Role> role = std::nullopt) {
    Join j{name, next_secret(), std::nullopt, role};
    if (role) return run_as<ParticipantJoined>(j, Actor::system()).participant.id;
    return run_as<ParticipantJoined>(j, Actor::anonymous()).participant.id;
  }
  Id propose(Id convener, const std::string& title = "A topic") {
    return run_as<TopicProposed>(ProposeTopic{title, ""}, Actor::of(convener)).topic.id;
  }
  Id create_project(Id creator, const std::string& name = "CPython",
                    std::optional<std::optional<int>> capacity = std::nullopt) {
    ProjectFields f;
    f.name = name;
    f.repo_url = "https://github.com/python/cpython";
    f.capacity = capacity;
    return run_as<ProjectCreated>(CreateProject{f}, Actor::of(creator)).project.id;
  }

  const Topic& topic(Id id) const { return board.topics().at(id); }
  const Project& project(Id id) const { return board.projects().at(id); }
  Role role_of(Id id) const { return board.participants().at(id).role; }
};

// A board with the standard event: two open-space rooms, two sprint rooms, three slots on two
// days, an organizer and three attendees.
class EventTest : public BoardTest {
 protected:
  Id r1 = 0, r2 = 0, sprint_a = 0, sprint_b = 0;
  Id s1 = 0, s2 = 0, s3 = 0;
  Id org = 0, ada = 0, bob = 0, cy = 0;

  void SetUp() override {
    create_event();
    run(SetOrganizerCode{"organizer-code-hash"});
    r1 = add_room("Room 101");
    r2 = add_room("Room 102");
    sprint_a = add_room("Sprint A", RoomKind::sprint, 20);
    sprint_b = add_room("Sprint B", RoomKind::sprint, 20);
    s1 = add_slot("2026-05-15", "2026-05-15T18:00:00Z", "2026-05-15T19:00:00Z");
    s2 = add_slot("2026-05-15", "2026-05-15T19:00:00Z", "2026-05-15T20:00:00Z");
    s3 = add_slot("2026-05-16", "2026-05-16T18:00:00Z", "2026-05-16T19:00:00Z");
    org = join("Olga", Role::organizer);
    ada = join("Ada");
    bob = join("Bob");
    cy = join("Cy");
  }
};

}  // namespace boardwalk::test
