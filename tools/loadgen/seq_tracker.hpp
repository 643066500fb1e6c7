// Per-connection verification of the change stream: every change exactly once, in seq order.
#pragma once

#include <cstdint>
#include <string>

namespace loadgen {

class SeqTracker {
public:
    // Start (or restart after a snapshot) at `seq`: the next change must be seq + 1.
    void reset(std::int64_t seq);
    // Resume after a reconnect with `since`: replayed changes must continue at since + 1.
    void resume(std::int64_t since) { reset(since); }

    // A change arrived. Returns true when it is exactly the next expected seq.
    bool on_change(std::int64_t seq);
    // The subscribe ack arrived with the board's seq; it must equal the last seq seen.
    bool on_subscribe_ack(std::int64_t seq);

    bool started() const { return started_; }
    std::int64_t last() const { return last_; }
    std::uint64_t received() const { return received_; }
    std::uint64_t missing() const { return missing_; }        // seqs skipped over (gaps)
    std::uint64_t duplicates() const { return duplicates_; }  // seq <= last seen
    std::uint64_t ack_mismatches() const { return ack_mismatches_; }
    bool ok() const { return missing_ == 0 && duplicates_ == 0 && ack_mismatches_ == 0; }
    // First problem seen, for the report ("" when ok).
    const std::string& first_problem() const { return first_problem_; }

private:
    void note(std::string what);

    bool started_ = false;
    std::int64_t last_ = 0;
    std::uint64_t received_ = 0;
    std::uint64_t missing_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t ack_mismatches_ = 0;
    std::string first_problem_;
};

}  // namespace loadgen
