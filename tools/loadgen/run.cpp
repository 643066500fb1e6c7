#include "run.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <iostream>
#include <thread>

namespace loadgen {

Run::Run(const Options& opts)
    : shared(opts),
      opts_(opts),
      start_us_(now_us()),
      deadline_us_(start_us_ + static_cast<std::int64_t>(opts.deadline * 1e6)) {
  for (int i = 0; i < opts.threads; ++i) workers_.push_back(std::make_unique<Worker>(shared, i));
}

Run::~Run() { stop(); }

void Run::build(int clients, int senders) {
  const auto& src = opts_.source_addrs;
  for (int i = 0; i < clients; ++i) {
    std::optional<boost::asio::ip::address_v4> s;
    if (!src.empty()) s = src[static_cast<std::size_t>(i) % src.size()];
    workers_[static_cast<std::size_t>(i) % workers_.size()]->add(i, s, i < senders);
  }
}

void Run::start() {
  for (auto& w : workers_) w->start_thread();
}

void Run::stop() {
  if (stopped_) return;
  stopped_ = true;
  shared.sending.store(false);
  shared.measuring.store(false);
  for (auto& w : workers_) w->stop_and_join();
}

void Run::fail(const std::string& what) {
  failures.push_back(what);
  std::cerr << "FAILURE: " << what << "\n";
}

bool Run::deadline_passed() const { return now_us() >= deadline_us_; }
double Run::elapsed() const { return static_cast<double>(now_us() - start_us_) / 1e6; }

bool Run::wait_until(const std::function<bool()>& pred, double timeout_s) {
  const auto until = now_us() + static_cast<std::int64_t>(timeout_s * 1e6);
  while (!pred()) {
    if (deadline_passed()) {
      fail("global deadline of " + std::to_string(opts_.deadline) + " s passed");
      return false;
    }
    if (now_us() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void Run::sleep_for(double seconds) {
  const auto until = now_us() + static_cast<std::int64_t>(seconds * 1e6);
  wait_until([&] { return now_us() >= until; }, seconds + 1);
}

std::uint64_t Run::sum(std::atomic<std::uint64_t> WorkerStats::*field) const {
  std::uint64_t s = 0;
  for (auto& w : workers_) s += (w->stats.*field).load(std::memory_order_acquire);
  return s;
}

std::uint64_t Run::clients_at_or_after(std::int64_t seq) const {
  std::uint64_t n = 0;
  for_each_connection([&](const Connection& c) {
    if (c.last_seq() >= seq) ++n;
  });
  return n;
}

double Run::connect_phase(int clients) {
  const auto t0 = now_us();
  for (auto& w : workers_) w->connect_all();
  const auto n = static_cast<std::uint64_t>(clients);
  std::uint64_t last_report = 0;
  const bool done = wait_until(
      [&] {
        const auto s = subscribed(), f = failed();
        if (s + f >= last_report + 2000) {
          last_report = s + f;
          std::cerr << "  connected " << s << " / " << n << " (failed " << f << ") after " << elapsed() << " s\n";
        }
        return s + f >= n;
      },
      opts_.connect_timeout);
  const double secs = static_cast<double>(now_us() - t0) / 1e6;
  if (!done)
    fail("only " + std::to_string(subscribed()) + " of " + std::to_string(n) + " clients subscribed within " +
         std::to_string(opts_.connect_timeout) + " s");
  if (failed() > 0) fail(std::to_string(failed()) + " connection attempts failed");
  return secs;
}

bool Run::setup_phase(int senders) {
  for (auto& w : workers_) w->setup_senders();
  const bool ok =
      wait_until([&] { return sum(&WorkerStats::setup_done) >= static_cast<std::uint64_t>(senders); }, 60.0);
  if (!ok) fail("sender setup (join + propose_topic) did not finish within 60 s");
  shared.topic_pool.clear();
  for (auto& w : workers_)
    for (auto* s : w->senders)
      if (s->setup_topic() != 0) shared.topic_pool.push_back(s->setup_topic());
  return ok;
}

void Run::begin_measuring(std::size_t capacity) {
  shared.allocate(capacity);
  shared.measure_from.store(shared.max_acked_seq.load());
}

void Run::start_sending(double rate, bool closed_loop, int window, int senders) {
  shared.measuring.store(true);
  shared.sending.store(true);
  for (auto& w : workers_) {
    const double share = senders > 0 ? rate * static_cast<double>(w->senders.size()) / senders : 0.0;
    w->start_sending(share, closed_loop, window);
  }
}

void Run::drop_all_and_reconnect(double window_s) {
  for (auto& w : workers_) w->drop_and_reconnect(window_s);
}

std::int64_t Run::drain() {
  shared.sending.store(false);
  if (!wait_until([&] { return sum(&WorkerStats::answered) >= sum(&WorkerStats::sent) || closed() > 0; },
                  opts_.drain_timeout))
    fail(std::to_string(sum(&WorkerStats::sent) - sum(&WorkerStats::answered)) + " requests unanswered after " +
         std::to_string(opts_.drain_timeout) + " s");
  const auto target = shared.max_acked_seq.load();
  const auto want = subscribed();
  if (!wait_until([&] { return clients_at_or_after(target) >= want; }, opts_.drain_timeout))
    fail(std::to_string(want - clients_at_or_after(target)) + " subscribed clients had not reached seq " +
         std::to_string(target) + " " + std::to_string(opts_.drain_timeout) + " s after the last ack");
  shared.measuring.store(false);
  return target;
}

void Run::merge_into(WorkerStats& m) const {
  for (auto& w : workers_) {
    const auto& s = w->stats;
    m.ack_latency_us.merge(s.ack_latency_us);
    m.delivery_latency_us.merge(s.delivery_latency_us);
    m.subscribe_latency_us.merge(s.subscribe_latency_us);
    m.send_lag_us.merge(s.send_lag_us);
    m.frames += s.frames;
    m.lines += s.lines;
    m.changes += s.changes;
    m.bytes += s.bytes;
    m.snapshots += s.snapshots;
    m.frames_run += s.frames_run;
    m.changes_run += s.changes_run;
    m.untracked_changes += s.untracked_changes;
    m.scan_cache_hits += s.scan_cache_hits;
    m.bad_lines += s.bad_lines;
    m.scan_mismatches += s.scan_mismatches;
    m.unknown_types += s.unknown_types;
    m.unexpected_acks += s.unexpected_acks;
    m.replay_acks += s.replay_acks;
    m.snapshot_acks += s.snapshot_acks;
    for (auto& [k, v] : s.error_codes) m.error_codes[k] += v;
    for (auto& [k, v] : s.failure_reasons) m.failure_reasons[k] += v;
    for (auto& p : s.problems) m.problem(p);
    m.pending.insert(m.pending.end(), s.pending.begin(), s.pending.end());
    if (m.last_recv.size() < s.last_recv.size()) {
      m.last_recv.resize(s.last_recv.size(), 0);
      m.recv_count.resize(s.recv_count.size(), 0);
    }
    for (std::size_t i = 0; i < s.last_recv.size(); ++i) {
      m.last_recv[i] = std::max(m.last_recv[i], s.last_recv[i]);
      m.recv_count[i] += s.recv_count[i];
    }
    using Counter = std::atomic<std::uint64_t> WorkerStats::*;
    for (Counter f : {&WorkerStats::subscribed, &WorkerStats::failed, &WorkerStats::closed, &WorkerStats::setup_done,
                      &WorkerStats::resubscribed, &WorkerStats::sent, &WorkerStats::answered, &WorkerStats::acked,
                      &WorkerStats::errors})
      (m.*f).fetch_add((s.*f).load());
  }
  // Deliveries that arrived before their ack was seen get their latency now.
  for (auto [slot, t] : m.pending) {
    const auto sent = shared.send_time[static_cast<std::size_t>(slot)].load();
    if (sent != 0) m.delivery_latency_us.record(t - sent);
  }
}

std::optional<ProcStats> Run::server_proc() const {
  if (opts_.server_pid <= 0) return std::nullopt;
  return read_proc(opts_.server_pid);
}

std::optional<std::int64_t> fetch_event_seq(const Options& o, std::string* error) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(boost::asio::ip::tcp::endpoint(o.address, o.port));
    http::request<http::empty_body> req{http::verb::get, "/api/events", 11};
    req.set(http::field::host, o.address.to_string());
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    if (res.result() != http::status::ok) {
      if (error) *error = "GET /api/events: HTTP " + std::to_string(res.result_int());
      return std::nullopt;
    }
    const auto j = nlohmann::json::parse(res.body());
    for (const auto& e : j)
      if (e.value("slug", "") == o.event) return e.at("seq").get<std::int64_t>();
    if (error) *error = "GET /api/events: no event '" + o.event + "'";
  } catch (const std::exception& e) {
    if (error) *error = std::string("GET /api/events: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace loadgen
