#include "seq_tracker.hpp"

namespace loadgen {

void SeqTracker::reset(std::int64_t seq) {
    started_ = true;
    last_ = seq;
}

void SeqTracker::note(std::string what) {
    if (first_problem_.empty()) first_problem_ = std::move(what);
}

bool SeqTracker::on_change(std::int64_t seq) {
    ++received_;
    if (!started_) {
        note("change seq " + std::to_string(seq) + " before snapshot or subscribe");
        started_ = true;
        last_ = seq;
        return false;
    }
    if (seq == last_ + 1) {
        last_ = seq;
        return true;
    }
    if (seq <= last_) {
        ++duplicates_;
        note("duplicate or out-of-order change seq " + std::to_string(seq) + " after " + std::to_string(last_));
        return false;
    }
    missing_ += static_cast<std::uint64_t>(seq - last_ - 1);
    note("gap: expected seq " + std::to_string(last_ + 1) + ", got " + std::to_string(seq));
    last_ = seq;
    return false;
}

bool SeqTracker::on_subscribe_ack(std::int64_t seq) {
    if (!started_) {
        // Replay of zero changes with an empty tracker: take the ack's seq as the start.
        reset(seq);
        return true;
    }
    if (seq == last_) return true;
    ++ack_mismatches_;
    note("subscribe ack seq " + std::to_string(seq) + " but last change/snapshot seq " + std::to_string(last_));
    if (seq > last_) last_ = seq;
    return false;
}

}  // namespace loadgen
