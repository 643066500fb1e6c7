// The pieces every mode is built from: the workers, phase waits bounded by the global
// deadline, progress sums, merged statistics after the threads stopped, and /proc readings.
#pragma once

#include "shared.hpp"
#include "sysinfo.hpp"
#include "worker.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace loadgen {

class Run {
public:
    explicit Run(const Options& opts);
    ~Run();

    // Creates `clients` connections spread over the workers and source addresses; the first
    // `senders` of them (by index) also make changes.
    void build(int clients, int senders);
    void start();
    void stop();  // idempotent

    // Waits until pred() holds, `timeout_s` passes or the global deadline passes.
    bool wait_until(const std::function<bool()>& pred, double timeout_s);
    void sleep_for(double seconds);
    bool deadline_passed() const;
    double elapsed() const;

    std::uint64_t sum(std::atomic<std::uint64_t> WorkerStats::*field) const;
    std::uint64_t subscribed() const { return sum(&WorkerStats::subscribed); }
    std::uint64_t failed() const { return sum(&WorkerStats::failed); }
    std::uint64_t closed() const { return sum(&WorkerStats::closed); }
    // Number of connections (optionally only non-senders) whose last seq is >= seq.
    std::uint64_t clients_at_or_after(std::int64_t seq) const;
    template <class F>
    void for_each_connection(F&& f) const {
        for (auto& w : workers_)
            for (auto& c : w->conns) f(*c);
    }

    // Connect all and wait; returns seconds taken.
    double connect_phase(int clients);
    // Join + propose one topic for each sender; fills the topic pool. False on timeout.
    bool setup_phase(int senders);
    // Starts timing changes after everything acknowledged so far.
    void begin_measuring(std::size_t capacity);
    void start_sending(double rate, bool closed_loop, int window, int senders);
    // Drops every non-sender connection; each reconnects within `window_s` with its last seq.
    void drop_all_and_reconnect(double window_s);
    // Waits for outstanding answers, then for every subscribed client to reach the last acked
    // seq. Returns that seq.
    std::int64_t drain();

    // Valid after stop().
    void merge_into(WorkerStats& out) const;

    Shared shared;
    std::optional<ProcStats> server_proc() const;
    nlohmann::json failures = nlohmann::json::array();
    void fail(const std::string& what);

private:
    const Options& opts_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::int64_t start_us_;
    std::int64_t deadline_us_;
    bool stopped_ = false;
};

// GET /api/events on the server and return the seq of `event`; nullopt on any failure.
std::optional<std::int64_t> fetch_event_seq(const Options& opts, std::string* error);

}  // namespace loadgen
