// A connection without a socket: records every frame the engine delivers (each deliver is one
// message, parsed as it arrives) and the changes of the feed it follows, and lets the test wait,
// with a timeout, until what it expects has arrived. Like a session, it reads its feed when it
// writes: before each delivered answer and whenever the test looks. deliver() and follow() run
// on the engine's writer thread; everything else on the test's.
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

  // With lines = true the subscriber accepts delivered frames of several messages (JSON Lines)
  // and records each line as one message; otherwise such a frame counts as bad.
  explicit FakeSubscriber(bool lines = false) : lines_(lines) {}

  void follow(std::shared_ptr<const engine::ChangeFeed> feed, engine::ChangeFeed::Offset from) override {
    {
      std::lock_guard lock(mutex_);
      pull_locked();  // what the old feed still had (a session may or may not have sent it)
      feed_ = std::move(feed);
      from_ = followed_from_ = from;
      ++follows_;
    }
    changed_.notify_all();
  }

  void deliver(const protocol::Frame& frame) override {
    {
      std::lock_guard lock(mutex_);
      pull_locked();
      ++frames_;
      // Without lines, the engine hands over one message per frame; a frame that is null, not
      // one JSON object, or holds a raw newline is a bug the tests must see.
      if (!frame || (!lines_ && frame->find('\n') != std::string::npos)) {
        ++bad_frames_;
      }
      const std::string text = frame ? *frame : std::string();
      record_lines_locked(text, lines_);
    }
    changed_.notify_all();
  }
  void close(const std::string& reason) override {
    std::lock_guard lock(mutex_);
    closes_.push_back(reason);
  }
  // Whether the engine closed this connection with `reason`.
  [[nodiscard]] bool closed_with(const std::string& reason) const {
    std::lock_guard lock(mutex_);
    return std::find(closes_.begin(), closes_.end(), reason) != closes_.end();
  }
  // A snapshot or a replay: one answer that may hold several messages (JSON Lines), whatever
  // `lines` says.
  void deliver_bulk(const protocol::Frame& frame) override {
    {
      std::lock_guard lock(mutex_);
      pull_locked();
      ++frames_;
      ++bulk_frames_;
      if (!frame) ++bad_frames_;
      record_lines_locked(frame ? *frame : std::string(), true);
    }
    changed_.notify_all();
  }
  // Frames delivered (each may hold several messages when lines = true), feed reads not counted.
  [[nodiscard]] int frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  // Of those, the ones delivered with deliver_bulk.
  [[nodiscard]] int bulk_frames() const {
    std::lock_guard lock(mutex_);
    return bulk_frames_;
  }
  // How often the engine told it to follow a feed.
  [[nodiscard]] int follows() const {
    std::lock_guard lock(mutex_);
    return follows_;
  }
  // Where its feed was at follow() (0 before any).
  [[nodiscard]] engine::ChangeFeed::Offset followed_from() const {
    std::lock_guard lock(mutex_);
    return followed_from_;
  }

  [[nodiscard]] Messages messages() const {
    std::lock_guard lock(mutex_);
    pull_locked();
    return messages_;
  }
  [[nodiscard]] std::vector<std::string> texts() const {
    std::lock_guard lock(mutex_);
    pull_locked();
    return texts_;
  }
  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    pull_locked();
    return messages_.size();
  }
  [[nodiscard]] int bad_frames() const {
    std::lock_guard lock(mutex_);
    pull_locked();
    return bad_frames_;
  }

  // Waits until `done(messages)` holds; false after `timeout`. The feed has no way to call the
  // test back, so this looks every millisecond.
  bool wait_until(const std::function<bool(const Messages&)>& done, std::chrono::milliseconds timeout = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    for (;;) {
      pull_locked();
      if (done(messages_)) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      changed_.wait_for(lock, std::chrono::milliseconds(1));
    }
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
  // Records each '\n'-separated line of `text` as one message (the whole text if !lines).
  void record_lines_locked(const std::string& text, bool lines) const {
    std::size_t start = 0;
    do {
      const std::size_t end = lines ? std::min(text.find('\n', start), text.size()) : text.size();
      const std::string line = text.substr(start, end - start);
      json j = json::parse(line, nullptr, false);
      if (!j.is_object()) ++bad_frames_;
      texts_.push_back(line);
      messages_.push_back(std::move(j));
      start = end + 1;
    } while (start < text.size());
  }
  // Takes in what the feed gained since the last read.
  void pull_locked() const {
    if (!feed_) return;
    std::string bytes;
    const auto read = feed_->read(from_, bytes);
    if (read.lost) {
      ++bad_frames_;  // fell behind the feed's window: a test must never get here unnoticed
      return;
    }
    from_ = read.next;
    if (bytes.empty()) return;
    if (bytes.back() != '\n') ++bad_frames_;  // the feed holds whole lines only
    bytes.pop_back();
    record_lines_locked(bytes, true);
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // Mutable: looking at what arrived reads the feed first, as a session would before writing.
  mutable Messages messages_;
  mutable std::vector<std::string> texts_;
  mutable int bad_frames_ = 0;
  int frames_ = 0;
  int bulk_frames_ = 0;
  int follows_ = 0;
  bool lines_ = false;
  std::vector<std::string> closes_;
  std::shared_ptr<const engine::ChangeFeed> feed_;
  mutable engine::ChangeFeed::Offset from_ = 0;
  engine::ChangeFeed::Offset followed_from_ = 0;
};

}  // namespace boardwalk::test
