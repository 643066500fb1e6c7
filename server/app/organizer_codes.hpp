// Organizer links: each event has a secret organizer code (only its keyed hash is stored). A
// join with the code makes that person an organizer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

namespace boardwalk::app {

// The step that makes `code` the event's organizer code (the old one stops working).
engine::Engine::Step organizer_code_step(std::string_view secret_key, const std::string& code);
// For an event that has no code yet (before the engine starts): sets one and returns it;
// nullopt if it has one.
Result<std::optional<std::string>> ensure_organizer_code(engine::Engine& engine, std::string_view secret_key,
                                                         const std::string& slug);
// The link that carries the code: BASE/e/SLUG#code=CODE (the fragment never reaches a server).
std::string organizer_link(const std::string& base_url, const std::string& slug, const std::string& code);

}  // namespace boardwalk::app
