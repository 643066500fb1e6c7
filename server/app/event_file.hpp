// Organizers describe an event (rooms, slots in local time, sprint days) in a JSON file;
// this turns it into the commands that create it. See docs/event-file.md.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace boardwalk::app {

struct EventPlan {
  std::string slug;
  std::vector<engine::Engine::Step> steps;
};

Result<EventPlan> plan_event_file(const std::string& json_text);

}  // namespace boardwalk::app
