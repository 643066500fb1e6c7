#include "messages.hpp"

#include <cmath>

namespace boardwalk::protocol {

using json = nlohmann::json;

// dump() with error_handler::replace: a string from a client that slipped through with bad
// UTF-8 must never turn an error reply into an exception.
static std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Frame make_frame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

Frame encode_error(const json& id, const Error& error) {
  json j = {{"type", "error"},
            {"id", id},
            {"code", error.code},
            {"message", error.message},
            {"field", error.field.empty() ? json(nullptr) : json(error.field)}};
  if (error.retry_after > 0) j["retry_after"] = std::ceil(error.retry_after * 10) / 10;
  return make_frame(dump(j));
}

Frame encode_ack(const json& id, domain::Seq seq, json extra) {
  json j = {{"type", "ack"}, {"id", id}, {"seq", seq}};
  for (auto& [k, v] : extra.items()) j[k] = std::move(v);
  return make_frame(dump(j));
}

std::string error_body(const Error& error) {
  return dump(json{{"code", error.code},
                   {"message", error.message},
                   {"field", error.field.empty() ? json(nullptr) : json(error.field)}});
}

}  // namespace boardwalk::protocol
