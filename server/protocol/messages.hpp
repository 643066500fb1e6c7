// Server answers, encoded once into the exact text sent on the wire.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "domain/result.hpp"
#include "domain/types.hpp"

namespace boardwalk::protocol {

using Frame = std::shared_ptr<const std::string>;  // immutable, shared by every recipient

Frame make_frame(std::string text);
Frame encode_error(const nlohmann::json& id, const Error& error);
// {"type":"ack","id":..,"seq":..} plus `extra`'s members.
Frame encode_ack(const nlohmann::json& id, domain::Seq seq, nlohmann::json extra = nlohmann::json::object());
// JSON error body for HTTP answers: {"code","message","field"}.
std::string error_body(const Error& error);

}  // namespace boardwalk::protocol
