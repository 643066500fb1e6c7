#include "net/address_slots.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace boardwalk::net {
namespace {

TEST(AddressSlots, BoundsEachAddressAndGivesSlotsBack) {
  AddressSlots slots;
  std::vector<AddressSlots::Slot> held;
  for (int i = 0; i < 3; ++i) {
    auto slot = slots.try_acquire("192.0.2.1", 3);
    ASSERT_TRUE(slot.has_value());
    held.push_back(std::move(*slot));
  }
  EXPECT_FALSE(slots.try_acquire("192.0.2.1", 3).has_value());
  EXPECT_TRUE(slots.try_acquire("192.0.2.2", 3).has_value());  // another address has its own bound
  EXPECT_EQ(slots.count("192.0.2.1"), 3u);
  held.pop_back();
  EXPECT_EQ(slots.count("192.0.2.1"), 2u);
  EXPECT_TRUE(slots.try_acquire("192.0.2.1", 3).has_value());
  held.clear();
  EXPECT_EQ(slots.count("192.0.2.1"), 0u);
}

TEST(AddressSlots, AMovedSlotIsCountedOnce) {
  AddressSlots slots;
  auto a = slots.try_acquire("192.0.2.1", 0);
  ASSERT_TRUE(a.has_value());
  AddressSlots::Slot b = std::move(*a);
  a.reset();
  EXPECT_EQ(slots.count("192.0.2.1"), 1u);
  auto c = slots.try_acquire("192.0.2.9", 0);
  ASSERT_TRUE(c.has_value());
  b = std::move(*c);  // gives back the first address's slot
  EXPECT_EQ(slots.count("192.0.2.1"), 0u);
  EXPECT_EQ(slots.count("192.0.2.9"), 1u);
}

TEST(AddressSlots, WarnsAtMostOncePerInterval) {
  AddressSlots slots;
  std::size_t suppressed = 99;
  EXPECT_TRUE(slots.time_to_warn(std::chrono::hours(1), suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_FALSE(slots.time_to_warn(std::chrono::hours(1), suppressed));
  EXPECT_FALSE(slots.time_to_warn(std::chrono::hours(1), suppressed));
  EXPECT_TRUE(slots.time_to_warn(std::chrono::hours(0), suppressed));
  EXPECT_EQ(suppressed, 2u);
}

}  // namespace
}  // namespace boardwalk::net
