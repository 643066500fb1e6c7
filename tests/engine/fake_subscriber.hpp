// A connection without a socket: records every frame the engine delivers (each deliver is one
// message, parsed as it arrives) and lets the test wait, with a timeout, until what it expects
// has arrived. deliver() runs on the engine's writer thread; everything else on the test's.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/subscriber.hpp"

namespace boardwalk::test {

using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr std::chrono::milliseconds kWait = 5s;

class FakeSubscriber : public engine::Subscriber {
 public:
  using Messages = std::vector<json>;

  // With lines = true the subscriber accepts frames of several messages (JSON Lines, as the
  // engine sends with a broadcast interval) and records each line as one message.
  explicit FakeSubscriber(bool lines = false) : lines_(lines) {}

  void deliver(const protocol::Frame& frame) override {
    {
      std::lock_guard lock(mutex_);
      ++frames_;
      // Without lines, the engine hands over one message per frame; a frame that is null, not
      // one JSON object, or holds a raw newline is a bug the tests must see.
      if (!frame || (!lines_ && frame->find('\n') != std::string::npos)) {
        ++bad_frames_;
      }
      const std::string text = frame ? *frame : std::string();
      std::size_t start = 0;
      do {
        const std::size_t end = lines_ ? std::min(text.find('\n', start), text.size()) : text.size();
        const std::string line = text.substr(start, end - start);
        json j = json::parse(line, nullptr, false);
        if (!j.is_object()) ++bad_frames_;
        texts_.push_back(line);
        messages_.push_back(std::move(j));
        start = end + 1;
      } while (start < text.size());
    }
    changed_.notify_all();
  }
  // Frames delivered (each may hold several messages when lines = true).
  [[nodiscard]] int frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }

  [[nodiscard]] Messages messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  [[nodiscard]] std::vector<std::string> texts() const {
    std::lock_guard lock(mutex_);
    return texts_;
  }
  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }
  [[nodiscard]] int bad_frames() const {
    std::lock_guard lock(mutex_);
    return bad_frames_;
  }

  // Waits until `done(messages)` holds; false after `timeout`.
  bool wait_until(const std::function<bool(const Messages&)>& done, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(messages_); });
  }

  // The answer (ack or error) to request `id`, once it has arrived; nullopt after the timeout.
  std::optional<json> wait_answer(const json& id, std::chrono::milliseconds timeout = kWait) {
    std::optional<json> found;
    wait_until(
        [&](const Messages& ms) {
          for (const auto& m : ms) {
            if (is_answer(m) && m["id"] == id) {
              found = m;
              return true;
            }
          }
          return false;
        },
        timeout);
    return found;
  }

  // Waits until a change with seq >= `seq` has arrived.
  bool wait_change(std::int64_t seq, std::chrono::milliseconds timeout = kWait) {
    return wait_until(
        [&](const Messages& ms) {
          for (const auto& m : ms) {
            if (m.value("type", "") == "change" && m.value("seq", std::int64_t{0}) >= seq) return true;
          }
          return false;
        },
        timeout);
  }

  [[nodiscard]] Messages of_type(const std::string& type) const {
    Messages out;
    for (const auto& m : messages()) {
      if (m.value("type", "") == type) out.push_back(m);
    }
    return out;
  }
  [[nodiscard]] std::vector<std::int64_t> change_seqs() const {
    std::vector<std::int64_t> out;
    for (const auto& m : of_type("change")) out.push_back(m["seq"].get<std::int64_t>());
    return out;
  }
  // Number of answers (ack or error) carrying `id`.
  [[nodiscard]] int answers_to(const json& id) const {
    int n = 0;
    for (const auto& m : messages()) {
      if (is_answer(m) && m["id"] == id) ++n;
    }
    return n;
  }

  static bool is_answer(const json& m) {
    const std::string type = m.value("type", "");
    return (type == "ack" || type == "error") && m.contains("id");
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Messages messages_;
  std::vector<std::string> texts_;
  int bad_frames_ = 0;
  int frames_ = 0;
  bool lines_ = false;
};

}  // namespace boardwalk::test
