// The human-readable summary of a run's JSON object (stderr).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

namespace loadgen {

void print_summary(std::ostream& out, const nlohmann::json& run);

}  // namespace loadgen
