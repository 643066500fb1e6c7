// The load modes. Each returns the run's JSON object (with "failures").
#pragma once

#include "options.hpp"

#include <nlohmann/json.hpp>

namespace loadgen {

nlohmann::json run_idle(const Options& o);
nlohmann::json run_fanout(const Options& o);  // fanout and ingest
nlohmann::json run_reconnect(const Options& o);
nlohmann::json run_bigboard(const Options& o);

// Latency summary in milliseconds: p50, p90, p99, max, mean, count.
nlohmann::json latency_json(const class Histogram& h);

}  // namespace loadgen
