#include "field_reader.hpp"

#include <limits>

namespace boardwalk::protocol {
namespace {

// Longest string accepted before domain rules look at it: generous for every field (the
// domain counts characters), small enough that a hostile client cannot make us copy much.
constexpr std::size_t max_raw_string = 8192;
constexpr long long max_safe_integer = 9007199254740991LL;  // 2^53 - 1, exact in JS

}  // namespace

const nlohmann::json* FieldReader::find(const char* name) {
  seen_.insert(name);
  if (failed()) return nullptr;
  const auto it = obj_.find(name);
  if (it == obj_.end()) return nullptr;
  return &*it;
}

void FieldReader::fail(std::string code, std::string message, const char* field) {
  if (!error_) error_ = make_error(std::move(code), std::move(message), field);
}

void FieldReader::text(const char* name, std::optional<std::string>& out) {
  const auto* v = find(name);
  if (v == nullptr) return;
  if (!v->is_string()) return fail("bad_request", std::string(name) + " must be a string", name);
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_raw_string) return fail("too_long", std::string(name) + " is too long", name);
  out = s;
}

void FieldReader::text(const char* name, std::string& out) {
  std::optional<std::string> v;
  const bool was_ok = !failed();
  text(name, v);
  if (was_ok && !failed() && !v) return fail("bad_request", std::string(name) + " is required", name);
  if (v) out = std::move(*v);
}

void FieldReader::text_or_empty(const char* name, std::string& out) {
  std::optional<std::string> v;
  text(name, v);
  out = v.value_or("");
}

void FieldReader::id(const char* name, domain::Id& out) {
  const auto* v = find(name);
  if (failed()) return;
  if (v == nullptr) return fail("bad_request", std::string(name) + " is required", name);
  if (!v->is_number_integer()) {
    return fail("bad_request", std::string(name) + " must be an integer id", name);
  }
  if (v->is_number_unsigned() ? v->get<unsigned long long>() > max_safe_integer
                              : (v->get<long long>() < 1 || v->get<long long>() > max_safe_integer)) {
    return fail("invalid_value", std::string(name) + " must be a positive id", name);
  }
  out = v->get<domain::Id>();
  if (out < 1) fail("invalid_value", std::string(name) + " must be a positive id", name);
}

void FieldReader::integer(const char* name, std::optional<int>& out, int min, int max) {
  const auto* v = find(name);
  if (v == nullptr) return;
  if (!v->is_number_integer()) {
    return fail("bad_request", std::string(name) + " must be an integer", name);
  }
  const bool too_big = v->is_number_unsigned() && v->get<unsigned long long>() >
                                                     static_cast<unsigned long long>(max);
  const long long x = too_big ? max + 1LL : v->get<long long>();
  if (x < min || x > max) {
    return fail("invalid_value",
                std::string(name) + " must be between " + std::to_string(min) + " and " +
                    std::to_string(max),
                name);
  }
  out = static_cast<int>(x);
}

void FieldReader::integer(const char* name, int& out, int min, int max) {
  std::optional<int> v;
  const bool was_ok = !failed();
  integer(name, v, min, max);
  if (was_ok && !failed() && !v) return fail("bad_request", std::string(name) + " is required", name);
  if (v) out = *v;
}

void FieldReader::seq(const char* name, std::optional<domain::Seq>& out) {
  const auto* v = find(name);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_number_integer()) return fail("bad_request", std::string(name) + " must be an integer", name);
  if (v->is_number_unsigned() ? v->get<unsigned long long>() > max_safe_integer
                              : v->get<long long>() < 0) {
    return fail("invalid_value", std::string(name) + " must be a seq (>= 0)", name);
  }
  out = v->get<domain::Seq>();
}

void FieldReader::nullable_integer(const char* name, std::optional<std::optional<int>>& out) {
  const auto* v = find(name);
  if (v == nullptr) return;
  if (v->is_null()) {
    out = std::optional<int>{};
    return;
  }
  std::optional<int> x;
  integer(name, x, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  if (x) out = x;
}

void FieldReader::boolean(const char* name, std::optional<bool>& out) {
  const auto* v = find(name);
  if (v == nullptr) return;
  if (!v->is_boolean()) return fail("bad_request", std::string(name) + " must be true or false", name);
  out = v->get<bool>();
}

void FieldReader::text_list(const char* name, std::optional<std::vector<std::string>>& out,
                            std::size_t max_items) {
  const auto* v = find(name);
  if (v == nullptr) return;
  if (!v->is_array()) return fail("bad_request", std::string(name) + " must be a list of strings", name);
  if (v->size() > max_items) {
    return fail("invalid_value", std::string(name) + " has more than " + std::to_string(max_items) +
                                     " entries", name);
  }
  std::vector<std::string> list;
  for (const auto& item : *v) {
    if (!item.is_string()) return fail("bad_request", std::string(name) + " must be a list of strings", name);
    if (item.get_ref<const std::string&>().size() > max_raw_string) {
      return fail("too_long", std::string(name) + " has an entry that is too long", name);
    }
    list.push_back(item.get<std::string>());
  }
  out = std::move(list);
}

Status FieldReader::finish() {
  if (error_) return *error_;
  for (const auto& [key, value] : obj_.items()) {
    if (!seen_.contains(key)) {
      const std::string shown = key.size() > 64 ? key.substr(0, 64) + "..." : key;
      return make_error("bad_request", "unknown field '" + shown + "'", shown);
    }
  }
  return Ok{};
}

}  // namespace boardwalk::protocol
