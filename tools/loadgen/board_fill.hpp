// Setup before the timed phase, blocking (one connection at a time): reads the board over
// HTTP, lifts the per-participant caps as organizer, and (bigboard mode) grows the event's
// board to a given size with the real protocol.
#pragma once

#include "options.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace loadgen {

struct BoardInfo {
  std::size_t bytes = 0;  // size of GET /api/events/EVENT (the snapshot every subscriber gets)
  std::int64_t seq = 0;
  int topic_cap = 0;  // live topics per participant (0: no cap)
  int project_cap = 0;
};

// GET /api/events/EVENT; nullopt (and `error`) on any failure.
std::optional<BoardInfo> fetch_board(const Options& o, std::string* error);

// Joins as organizer with o.organizer_code and sets the event's topic and project caps to 0 (no
// cap): two changes. False (and `error`) on any failure.
bool lift_caps(const Options& o, std::string* error);

// Participants join and each proposes 5 topics (the default cap of live topics per participant)
// with a 2,000-character description of 4-byte characters (8,000 bytes), until the board holds
// at least `target_bytes`. The server must allow the rate (--rate-per-participant 0
// --rate-per-connection 0). Returns the board as it is after, or nullopt and `error`.
std::optional<BoardInfo> grow_board(const Options& o, std::size_t target_bytes, std::string* error);

}  // namespace loadgen
