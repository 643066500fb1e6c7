// Errors as values: every boundary (domain decisions, decoding, storage) returns
// Result<T> instead of throwing, so a bad request can never unwind half-applied work.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace boardwalk {

// A rejection that can be shown to a client as-is: a stable machine code, a human
// sentence, and the request field it is about (empty when it is about no field).
struct Error {
  std::string code;
  std::string message;
  std::string field;
  // Seconds after which trying again can succeed (rate limits, sign-in back-off); 0 = not said.
  double retry_after = 0;

  bool operator==(const Error&) const = default;
};

inline Error make_error(std::string code, std::string message, std::string field = {}) {
  return Error{std::move(code), std::move(message), std::move(field)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  // Anything T can be made from (e.g. one alternative of a variant T) converts directly.
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result>) Result(U&& value)
      : v_(std::in_place_index<0>, T(std::forward<U>(value))) {}         // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  [[nodiscard]] const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace boardwalk
