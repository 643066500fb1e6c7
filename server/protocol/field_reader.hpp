// Strict reading of one JSON request object: each field is read with the type it must have,
// the first problem is kept as an Error naming the field, and fields nobody read are
// rejected at the end so a typo never silently does nothing.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "domain/types.hpp"

namespace boardwalk::protocol {

class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& object) : obj_(object) {}

  void skip(const char* name) { seen_.insert(name); }  // read elsewhere (type, id)
  void text(const char* name, std::string& out);       // required string
  void text(const char* name, std::optional<std::string>& out);
  void text_or_empty(const char* name, std::string& out);  // optional, "" when absent
  void id(const char* name, domain::Id& out);               // required positive integer
  void integer(const char* name, int& out, int min, int max);  // required
  void integer(const char* name, std::optional<int>& out, int min, int max);
  void seq(const char* name, std::optional<domain::Seq>& out);  // optional, >= 0
  void nullable_integer(const char* name, std::optional<std::optional<int>>& out);
  void boolean(const char* name, std::optional<bool>& out);
  void text_list(const char* name, std::optional<std::vector<std::string>>& out,
                 std::size_t max_items);

  [[nodiscard]] bool failed() const { return error_.has_value(); }
  // The first error, or the first unknown field.
  [[nodiscard]] Status finish();

 private:
  const nlohmann::json* find(const char* name);
  void fail(std::string code, std::string message, const char* field);

  const nlohmann::json& obj_;
  std::set<std::string> seen_;
  std::optional<Error> error_;
};

}  // namespace boardwalk::protocol
