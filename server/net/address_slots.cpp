#include "address_slots.hpp"

namespace boardwalk::net {

AddressSlots::Slot::Slot(Slot&& other) noexcept : owner_(other.owner_), address_(std::move(other.address_)) {
  other.owner_ = nullptr;
}

AddressSlots::Slot& AddressSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    address_ = std::move(other.address_);
    other.owner_ = nullptr;
  }
  return *this;
}

AddressSlots::Slot::~Slot() { release(); }

void AddressSlots::Slot::release() {
  if (owner_ == nullptr) return;
  std::lock_guard lock(owner_->mutex_);
  const auto it = owner_->counts_.find(address_);
  if (it != owner_->counts_.end() && --it->second == 0) owner_->counts_.erase(it);
  owner_ = nullptr;
}

std::optional<AddressSlots::Slot> AddressSlots::try_acquire(const std::string& address, std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto& n = counts_[address];
  if (limit > 0 && n >= limit) return std::nullopt;
  ++n;
  return Slot(this, address);
}

std::size_t AddressSlots::count(const std::string& address) const {
  std::lock_guard lock(mutex_);
  const auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

bool AddressSlots::time_to_warn(std::chrono::steady_clock::duration every, std::size_t& suppressed) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (last_warning_ != std::chrono::steady_clock::time_point{} && now - last_warning_ < every) {
    ++suppressed_;
    return false;
  }
  last_warning_ = now;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace boardwalk::net
