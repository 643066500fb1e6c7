// Organizers describe an event (rooms, slots in local time, sprint days) in a JSON file;
// this turns it into the commands that create it. See docs/event-file.md.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace boardwalk::app {

struct EventPlan {
  std::string slug;
  std::vector<engine::Engine::Step> steps;
};

// Larger files are refused before parsing: a real conference needs a few kilobytes.
inline constexpr std::size_t max_event_file_bytes = 4 * 1024 * 1024;

// Reads and checks the whole file: its JSON, every field's type and range, and the board
// rules (the steps are tried on an empty board), so a plan it returns imports cleanly into a
// database without that event. Any other input is an error naming the entry and the field,
// e.g. "rooms[3]: 'capacity' must be a whole number from 0 to 100000, not \"ten\"". Never
// throws on bad input (tests/fuzz/fuzz_event_file.cpp).
Result<EventPlan> plan_event_file(const std::string& json_text);

}  // namespace boardwalk::app
