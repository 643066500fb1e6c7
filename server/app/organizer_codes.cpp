#include "organizer_codes.hpp"

#include "engine/secrets.hpp"

namespace boardwalk::app {

engine::Engine::Step organizer_code_step(std::string_view secret_key, const std::string& code) {
  return {domain::SetOrganizerCode{engine::hash_secret(secret_key, code)}, domain::Actor::system()};
}

Result<std::optional<std::string>> ensure_organizer_code(engine::Engine& engine, std::string_view secret_key,
                                                         const std::string& slug) {
  const auto* board = engine.board(slug);
  if (board == nullptr) return make_error("not_found", "no event '" + slug + "'", "event");
  if (!board->info().organizer_code_hash.empty()) return std::optional<std::string>{};
  std::string code = engine::new_secret();
  auto seq = engine.apply_now(slug, {organizer_code_step(secret_key, code)});
  if (!seq) return seq.error();
  return std::optional<std::string>{code};
}

std::string organizer_link(const std::string& base_url, const std::string& slug, const std::string& code) {
  return base_url + "/e/" + slug + "#code=" + code;
}

}  // namespace boardwalk::app
