// Connections counted per client address, with a bound: an RAII Slot per connection, so a
// connection that ends in any way gives its slot back.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace boardwalk::net {

class AddressSlots {
 public:
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();
    [[nodiscard]] const std::string& address() const { return address_; }

   private:
    friend class AddressSlots;
    Slot(AddressSlots* owner, std::string address) : owner_(owner), address_(std::move(address)) {}
    void release();
    AddressSlots* owner_;
    std::string address_;
  };

  // A slot for `address`, or nullopt when it holds `limit` already (limit 0: no bound).
  std::optional<Slot> try_acquire(const std::string& address, std::size_t limit);
  [[nodiscard]] std::size_t count(const std::string& address) const;
  // True at most once per `every`, for a warning about refused connections that an attacker
  // could otherwise turn into a flood of log lines; `suppressed` is how many were not logged.
  bool time_to_warn(std::chrono::steady_clock::duration every, std::size_t& suppressed);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> counts_;
  std::chrono::steady_clock::time_point last_warning_{};
  std::size_t suppressed_ = 0;
};

}  // namespace boardwalk::net
