// Organizer links: each event has a secret organizer code (only its hash is stored). A
// join with the code makes that person an organizer.
#pragma once

#include <optional>
#include <string>

#include "engine/engine.hpp"

namespace boardwalk::app {

// Sets a new organizer code for `slug` and returns it (the old one stops working).
Result<std::string> rotate_organizer_code(engine::Engine& engine, const std::string& slug);
// Like rotate, but only for an event that has no code yet; nullopt if it has one.
Result<std::optional<std::string>> ensure_organizer_code(engine::Engine& engine, const std::string& slug);

}  // namespace boardwalk::app
