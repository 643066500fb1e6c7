// The wire names of commands and changes, read off the types themselves.
#include "changes.hpp"
#include "commands.hpp"

namespace boardwalk::domain {

std::string_view command_type(const Command& command) {
  return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::type; }, command);
}

std::string_view change_kind(const ChangeBody& body) {
  return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::kind; }, body);
}

}  // namespace boardwalk::domain
