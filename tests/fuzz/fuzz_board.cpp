// libFuzzer target: command validation against a live board. The input is lines; each line's
// first byte picks who sends it (the server, an anonymous connection, the organizer or one of
// three attendees) and the rest is a client message, decoded with protocol::decode_request and
// judged with Board::decide, then applied as the engine does. After every line:
//   * a rejected command has an error code and message and leaves the board exactly as it was;
//   * an accepted change gets seq + 1, and its stored JSON decodes back to the same JSON;
//   * the board's own invariants hold (one topic per cell, one project per table per day,
//     no duplicate voter, scheduled <=> has a cell);
// and at the end a replica rebuilt from the stored JSON (what a restart does) equals the board.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/board.hpp"
#include "protocol/codec.hpp"
#include "protocol/requests.hpp"

namespace {

using namespace boardwalk;
using namespace boardwalk::domain;

constexpr UnixTime kAt = 1778868000;  // 2026-05-15T18:00:00Z

[[noreturn]] void violated(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "invariant violated: %s %s\n", what, detail.c_str());
  std::abort();
}

std::string state_of(const Board& b) {
  return std::to_string(b.seq()) + "|" + protocol::encode_board(b).dump() + "|" + b.info().organizer_code_hash;
}

struct Fixture {
  Board board;
  std::vector<std::string> stored;  // every change as stored (Audience::storage)
  Id org = 0, ada = 0, bob = 0, cy = 0;

  Result<ChangeBody> step(const Command& command, const Actor& actor) {
    auto decided = board.decide(command, actor);
    if (!decided) return decided.error();
    Change change{board.seq() + 1, kAt + board.seq(), std::nullopt, *decided};
    if (actor.kind == Actor::Kind::participant) change.actor = actor.participant;
    board.apply(change);
    stored.push_back(protocol::encode_change(change, board.info().slug, protocol::Audience::storage).dump());
    return change.body;
  }
  Id must_join(const std::string& name, std::optional<Role> role) {
    Join j;
    j.name = name;
    j.secret_hash = "secret-" + name;
    j.role = role;
    auto r = step(j, role ? Actor::system() : Actor::anonymous());
    if (!r) violated("fixture join", r.error().message);
    return std::get<ParticipantJoined>(*r).participant.id;
  }
  void must(const Command& c) {
    if (auto r = step(c, Actor::system()); !r) violated("fixture", r.error().message);
  }
};

// The standard event of the domain tests: two open-space rooms, two sprint rooms, three slots,
// an organizer and three attendees, a topic and a project.
const Fixture& base() {
  static const Fixture f = [] {
    Fixture x;
    CreateEvent e;
    e.slug = "fuzz";
    e.name = "Fuzz Conf";
    e.timezone = "America/Los_Angeles";
    e.vote_cap = 3;
    e.sprint_days = {"2026-05-18", "2026-05-19"};
    x.must(e);
    SetOrganizerCode code;
    code.code_hash = "organizer-code-hash";
    x.must(code);
    const auto room = [&](const char* name, RoomKind kind) {
      AddRoom r;
      r.name = name;
      r.kind = kind;
      r.capacity = 20;
      x.must(r);
    };
    room("Room 101", RoomKind::open_space);
    room("Room 102", RoomKind::open_space);
    room("Sprint A", RoomKind::sprint);
    room("Sprint B", RoomKind::sprint);
    const auto slot = [&](const char* day, UnixTime start) {
      AddSlot s;
      s.day = day;
      s.start = start;
      s.end = start + 3600;
      x.must(s);
    };
    slot("2026-05-15", kAt);
    slot("2026-05-15", kAt + 3600);
    slot("2026-05-16", kAt + 86400);
    x.org = x.must_join("Olga", Role::organizer);
    x.ada = x.must_join("Ada", std::nullopt);
    x.bob = x.must_join("Bob", std::nullopt);
    x.cy = x.must_join("Cy", std::nullopt);
    ProposeTopic t;
    t.title = "Packaging";
    if (auto r = x.step(t, Actor::of(x.ada)); !r) violated("fixture topic", r.error().message);
    return x;
  }();
  return f;
}

void check_invariants(const Board& b) {
  std::set<std::pair<Id, Id>> cells;
  for (const auto& [id, t] : b.topics()) {
    const bool has_cell = t.room_id.has_value() && t.slot_id.has_value();
    if ((t.state == TopicState::scheduled) != has_cell) violated("scheduled <=> cell", std::to_string(id));
    if (has_cell && !cells.insert({*t.room_id, *t.slot_id}).second) violated("two topics in one cell");
    if (has_cell && (!b.rooms().contains(*t.room_id) || !b.slots().contains(*t.slot_id))) violated("cell of unknown room/slot");
    std::set<Id> voters(t.voters.begin(), t.voters.end());
    if (voters.size() != t.voters.size()) violated("duplicate voter", std::to_string(id));
    if (t.state == TopicState::merged && !t.merged_into) violated("merged without merged_into");
  }
  std::set<std::pair<std::string, Id>> tables;
  for (const auto& [id, p] : b.projects()) {
    for (const auto& [day, room] : p.tables) {
      if (!tables.insert({day, room}).second) violated("two projects at one table", day);
    }
    std::set<Id> attendees(p.attendees.begin(), p.attendees.end());
    if (attendees.size() != p.attendees.size()) violated("duplicate project attendee");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  Fixture f = base();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Actor actors[] = {Actor::system(), Actor::anonymous(), Actor::of(f.org), Actor::of(f.ada),
                          Actor::of(f.bob), Actor::of(f.cy), Actor::of(999)};
  std::size_t pos = 0;
  int lines = 0;
  while (pos < input.size() && lines++ < 64) {
    std::size_t end = input.find('\n', pos);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    const Actor actor = actors[static_cast<unsigned char>(line[0]) % std::size(actors)];
    const auto decoded = protocol::decode_request(line.substr(1));
    const auto* request = std::get_if<protocol::Request>(&decoded);
    if (request == nullptr) continue;
    Command command;
    if (const auto* join = std::get_if<protocol::JoinRequest>(&request->body)) {
      Join j;
      j.name = join->name;
      j.secret_hash = "secret-" + std::to_string(f.board.seq());
      if (join->code) j.code_hash = *join->code;
      command = std::move(j);
    } else if (const auto* cmd = std::get_if<protocol::CommandRequest>(&request->body)) {
      command = cmd->command;
    } else {
      continue;  // subscribe/auth read the board only
    }
    const std::string before = state_of(f.board);
    const Seq seq = f.board.seq();
    auto r = f.step(command, actor);
    if (!r) {
      if (r.error().code.empty() || r.error().message.empty()) violated("error without code or message");
      if (state_of(f.board) != before) violated("a rejected command changed the board", r.error().code);
      continue;
    }
    if (f.board.seq() != seq + 1) violated("seq did not advance by one");
    // The stored form decodes back to the same change.
    const auto stored = nlohmann::json::parse(f.stored.back());
    auto change = protocol::decode_change(stored);
    if (!change) violated("stored change does not decode", change.error().message + " " + f.stored.back());
    if (protocol::encode_change(*change, f.board.info().slug, protocol::Audience::storage) != stored) {
      violated("stored change does not round-trip", f.stored.back());
    }
    check_invariants(f.board);
  }
  // A restart rebuilds the board from the stored log: it must come out identical.
  Board replica;
  for (const auto& s : f.stored) {
    auto change = protocol::decode_change(nlohmann::json::parse(s));
    if (!change) violated("stored change does not decode", s);
    if (change->seq != replica.seq() + 1) violated("stored log has a gap");
    replica.apply(*change);
  }
  if (state_of(replica) != state_of(f.board)) violated("the board rebuilt from storage differs");
  return 0;
}
