#include "organizer_codes.hpp"

#include "engine/secrets.hpp"

namespace boardwalk::app {

Result<std::string> rotate_organizer_code(engine::Engine& engine, const std::string& slug) {
  if (engine.board(slug) == nullptr) return make_error("not_found", "no event '" + slug + "'", "event");
  std::string code = engine::new_secret();
  auto seq = engine.apply_now(slug, {{domain::SetOrganizerCode{engine::hash_secret(code)}, domain::Actor::system()}});
  if (!seq) return seq.error();
  return code;
}

Result<std::optional<std::string>> ensure_organizer_code(engine::Engine& engine, const std::string& slug) {
  const auto* board = engine.board(slug);
  if (board == nullptr) return make_error("not_found", "no event '" + slug + "'", "event");
  if (!board->info().organizer_code_hash.empty()) return std::optional<std::string>{};
  auto code = rotate_organizer_code(engine, slug);
  if (!code) return code.error();
  return std::optional<std::string>{*code};
}

}  // namespace boardwalk::app
