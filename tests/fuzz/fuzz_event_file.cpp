// libFuzzer target: app::plan_event_file (the reader behind `boardwalk event import`) on
// arbitrary bytes. It must never crash, throw, hang or trip a sanitizer; its answer is either a
// plan whose first step creates the event it names, or an error with a code and a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "app/event_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace boardwalk;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto plan = app::plan_event_file(text);
  if (plan) {
    if (plan->steps.empty()) std::abort();
    const auto* create = std::get_if<domain::CreateEvent>(&plan->steps.front().command);
    if (create == nullptr || create->slug != plan->slug) std::abort();
  } else if (plan.error().code.empty() || plan.error().message.empty()) {
    std::abort();
  }
  return 0;
}
