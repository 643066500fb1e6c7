#include "worker.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cmath>

namespace loadgen {

namespace net = boost::asio;

Worker::Worker(Shared& s, int i) : shared(s), index(i), timer_(ioc), rng_(s.opts.seed + static_cast<unsigned>(i)) {
    limit_ = std::max(1, s.opts.connect_concurrency / s.opts.threads);
}

Worker::~Worker() {
    if (thread_.joinable()) stop_and_join();
}

Connection& Worker::add(int idx, std::optional<net::ip::address_v4> source, bool sender) {
    conns.push_back(std::make_unique<Connection>(*this, idx, source));
    if (sender) senders.push_back(conns.back().get());
    return *conns.back();
}

void Worker::start_thread() {
    guard_.emplace(net::make_work_guard(ioc));
    thread_ = std::thread([this] { ioc.run(); });
}

void Worker::stop_and_join() {
    net::post(ioc, [this] {
        stopping_ = true;
        timer_.cancel();
        for (auto& c : conns) c->drop();
    });
    guard_.reset();
    // Let the aborted handlers run out; bounded in case something never completes.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!ioc.stopped() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ioc.stop();
    if (thread_.joinable()) thread_.join();
}

void Worker::connect_all() {
    net::post(ioc, [this] {
        to_connect_.clear();
        for (auto& c : conns) to_connect_.push_back(c.get());
        next_connect_ = 0;
        launch();
    });
}

void Worker::launch() {
    while (in_flight_ < limit_ && next_connect_ < to_connect_.size()) {
        ++in_flight_;
        to_connect_[next_connect_++]->start(std::nullopt);
    }
}

void Worker::connect_finished() {
    if (in_flight_ > 0) --in_flight_;
    launch();
}

void Worker::setup_senders() {
    net::post(ioc, [this] {
        for (auto* s : senders) s->begin_setup();
    });
}

void Worker::start_sending(double rate, bool closed_loop, int window) {
    net::post(ioc, [this, rate, closed_loop, window] {
        stats.last_recv.assign(shared.capacity, 0);
        stats.recv_count.assign(shared.capacity, 0);
        closed_loop_ = closed_loop;
        if (senders.empty()) return;
        if (closed_loop) {
            for (int i = 0; i < window; ++i)
                for (auto* s : senders) s->send_change(0);
            return;
        }
        if (rate <= 0) return;
        rate_ = rate;
        rate_t0_ = now_us();
        scheduled_ = 0;
        tick();
    });
}

void Worker::tick() {
    if (stopping_ || !shared.sending.load(std::memory_order_relaxed)) return;
    const auto now = now_us();
    const auto due_at = [this](std::uint64_t k) {
        return rate_t0_ + static_cast<std::int64_t>(std::llround(static_cast<double>(k) * 1e6 / rate_));
    };
    std::uniform_int_distribution<std::size_t> pick(0, senders.size() - 1);
    while (due_at(scheduled_) <= now) {
        senders[pick(rng_)]->send_change(due_at(scheduled_));
        ++scheduled_;
    }
    const auto next = due_at(scheduled_);
    timer_.expires_after(std::chrono::microseconds(std::max<std::int64_t>(0, next - now_us())));
    timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) tick();
    });
}

void Worker::drop_and_reconnect(double window_s) {
    net::post(ioc, [this, window_s] {
        std::uniform_int_distribution<std::int64_t> offset(0, static_cast<std::int64_t>(window_s * 1e6));
        for (auto& c : conns) {
            if (std::find(senders.begin(), senders.end(), c.get()) != senders.end()) continue;
            if (c->state() != Connection::State::subscribed) continue;
            const auto since = c->last_seq();
            c->drop();
            auto t = std::make_shared<net::steady_timer>(ioc, std::chrono::microseconds(offset(rng_)));
            Connection* conn = c.get();
            t->async_wait([this, t, conn, since](boost::system::error_code ec) {
                if (ec || stopping_) return;
                ++in_flight_;
                conn->start(since);
            });
        }
    });
}

void Worker::record_change(std::int64_t seq, std::int64_t t) {
    const auto i = shared.slot(seq);
    if (i < 0) {
        if (seq > shared.measure_from.load(std::memory_order_relaxed)) ++stats.untracked_changes;
        return;
    }
    const auto u = static_cast<std::size_t>(i);
    if (u >= stats.recv_count.size()) {
        ++stats.untracked_changes;
        return;
    }
    ++stats.recv_count[u];
    stats.last_recv[u] = std::max(stats.last_recv[u], t);
    const auto sent = shared.send_time[u].load(std::memory_order_acquire);
    if (sent != 0) stats.delivery_latency_us.record(t - sent);
    else stats.pending.emplace_back(i, t);
}

void Worker::record_ack(std::int64_t seq, std::int64_t sent, std::int64_t t, bool timed) {
    atomic_max(shared.max_acked_seq, seq);
    if (!timed) return;
    stats.ack_latency_us.record(t - sent);
    const auto i = shared.slot(seq);
    if (i >= 0) shared.send_time[static_cast<std::size_t>(i)].store(sent, std::memory_order_release);
}

}  // namespace loadgen
