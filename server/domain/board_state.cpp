// Board::state / Board::from_state: the board's private fields copied out to, and moved in
// from, a plain BoardState, for stored snapshots. Kept apart from apply() so that a new field
// in Board is one place to extend here (and in protocol/board_state_codec.cpp).
#include "board.hpp"

namespace boardwalk::domain {

BoardState Board::state() const {
  BoardState s;
  s.seq = seq_;
  s.info = info_;
  s.rooms = rooms_;
  s.slots = slots_;
  s.participants = participants_;
  s.topics = topics_;
  s.projects = projects_;
  s.cells = cells_;
  s.tables = tables_;
  s.secrets = secrets_;
  s.tickets = tickets_;
  s.tickets_used = tickets_used_;
  s.votes_used = votes_used_;
  s.votes = votes_;
  s.invitations = invitations_;
  s.next_room = next_room_;
  s.next_slot = next_slot_;
  s.next_participant = next_participant_;
  s.next_topic = next_topic_;
  s.next_project = next_project_;
  return s;
}

Board Board::from_state(BoardState s) {
  Board b;
  b.seq_ = s.seq;
  b.info_ = std::move(s.info);
  b.rooms_ = std::move(s.rooms);
  b.slots_ = std::move(s.slots);
  b.participants_ = std::move(s.participants);
  b.topics_ = std::move(s.topics);
  b.projects_ = std::move(s.projects);
  b.cells_ = std::move(s.cells);
  b.tables_ = std::move(s.tables);
  b.secrets_ = std::move(s.secrets);
  b.tickets_ = std::move(s.tickets);
  b.tickets_used_ = s.tickets_used;
  b.votes_used_ = std::move(s.votes_used);
  b.votes_ = std::move(s.votes);
  b.invitations_ = std::move(s.invitations);
  b.next_room_ = s.next_room;
  b.next_slot_ = s.next_slot;
  b.next_participant_ = s.next_participant;
  b.next_topic_ = s.next_topic;
  b.next_project_ = s.next_project;
  b.rebuild_derived_indexes();
  return b;
}

}  // namespace boardwalk::domain
