#include "net/broadcaster.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "net/websocket_session.hpp"

namespace boardwalk::net {

namespace asio = boost::asio;

Broadcaster::Broadcaster(asio::io_context& ioc, std::chrono::milliseconds interval)
    : strand_(asio::make_strand(ioc)), timer_(strand_), interval_(interval) {}

void Broadcaster::add(const std::shared_ptr<WebsocketSession>& session) {
  std::lock_guard lock(mutex_);
  // A connection that is gone leaves an expired entry, and the entry keeps the session's memory
  // allocated (make_shared: one block for the object and its counts) until it is removed. A
  // pass removes them, but passes run only when the board changes: on a quiet board, people
  // connecting and leaving would grow this list (and the memory) without bound. So they are
  // also removed here, whenever the list has doubled since the last time (amortized O(1)), but
  // not during a pass, whose index points into the list.
  if (!in_pass_ && sessions_.size() >= prune_at_) prune_locked();
  sessions_.push_back(session);
}

void Broadcaster::prune_locked() {
  std::erase_if(sessions_, [](const std::weak_ptr<WebsocketSession>& s) { return s.expired(); });
  prune_at_ = std::max(kMinPrune, 2 * sessions_.size());
}

void Broadcaster::wake() {
  generation_.fetch_add(1, std::memory_order_acq_rel);
  if (!running_.exchange(true, std::memory_order_acq_rel)) asio::post(strand_, [this] { begin_pass(); });
}

void Broadcaster::begin_pass() {
  const auto now = std::chrono::steady_clock::now();
  const auto due = paced_from_ + interval_;
  if (now < due) {
    // Under load, passes come once per interval: what arrives meanwhile goes out together.
    timer_.expires_at(due);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) begin_pass();
    });
    return;
  }
  pass_start_ = now;
  pass_generation_ = generation_.load(std::memory_order_acquire);
  {
    std::lock_guard lock(mutex_);
    in_pass_ = true;
  }
  index_ = 0;
  started_ = busy_ = dropped_ = 0;
  step();
}

void Broadcaster::step() {
  batch_.clear();
  bool last = false;
  {
    std::lock_guard lock(mutex_);
    const std::size_t stop = std::min(sessions_.size(), index_ + kBatch);
    for (; index_ < stop; ++index_) {
      if (auto session = sessions_[index_].lock()) batch_.push_back(std::move(session));
    }
    last = index_ >= sessions_.size();
  }
  for (const auto& session : batch_) {
    switch (session->offer_feed()) {
      case FeedOffer::started:
        ++started_;
        break;
      case FeedOffer::busy:
        ++busy_;
        break;
      case FeedOffer::dropped:
        ++dropped_;
        break;
      case FeedOffer::nothing:
        break;
    }
  }
  batch_.clear();  // a session's last reference may go here: not while holding mutex_
  if (last) {
    end_pass();
  } else {
    // The next batch goes behind what is queued now (these writes' completions, reads), so
    // nobody's request waits for a whole pass.
    asio::post(strand_, [this] { step(); });
  }
}

void Broadcaster::end_pass() {
  std::size_t following = 0;
  {
    std::lock_guard lock(mutex_);
    prune_locked();
    in_pass_ = false;
    following = sessions_.size();
  }
  if (started_ + busy_ > 0) paced_from_ = pass_start_;
  if (spdlog::should_log(spdlog::level::trace)) {
    const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - pass_start_);
    spdlog::trace("broadcast pass: {} following, {} writes started, {} still writing, {} dropped, {:.1f} ms", following,
                  started_, busy_, dropped_, took.count());
  }
  if (generation_.load(std::memory_order_acquire) != pass_generation_) {
    begin_pass();  // woken during the pass: go again (paced by the interval)
    return;
  }
  running_.store(false, std::memory_order_release);
  // A wake() between the check above and the store saw running_ still true and posted nothing.
  if (generation_.load(std::memory_order_acquire) != pass_generation_ &&
      !running_.exchange(true, std::memory_order_acq_rel)) {
    begin_pass();
  }
}

}  // namespace boardwalk::net
