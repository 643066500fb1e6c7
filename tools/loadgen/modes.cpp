#include "modes.hpp"

#include "board_fill.hpp"
#include "run.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace loadgen {

namespace {

using nlohmann::json;

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

json counters_json(const WorkerStats& m) {
  json j{{"frames", m.frames},
         {"lines", m.lines},
         {"changes", m.changes},
         {"bytes", m.bytes},
         {"snapshots", m.snapshots},
         {"requests_sent", m.sent.load()},
         {"acks", m.acked.load()},
         {"errors", m.errors.load()},
         {"error_codes", m.error_codes},
         {"connection_failures", m.failure_reasons},
         {"bad_lines", m.bad_lines},
         {"scan_mismatches", m.scan_mismatches},
         {"unknown_types", m.unknown_types},
         {"unexpected_acks", m.unexpected_acks},
         {"scan_cache_hits", m.scan_cache_hits}};
  if (!m.problems.empty()) j["problems"] = m.problems;
  return j;
}

// Common checks on merged statistics.
void check_common(Run& run, const WorkerStats& m) {
  if (m.bad_lines) run.fail(std::to_string(m.bad_lines) + " received lines were not JSON objects or lacked seq");
  if (m.scan_mismatches)
    run.fail(std::to_string(m.scan_mismatches) + " lines where the fast scan and the full parse disagree");
  if (m.unknown_types) run.fail(std::to_string(m.unknown_types) + " messages of unknown type");
  if (m.unexpected_acks) run.fail(std::to_string(m.unexpected_acks) + " acks that matched no request");
  if (m.errors.load()) {
    std::string codes;
    for (auto& [k, v] : m.error_codes) codes += " " + k + "=" + std::to_string(v);
    run.fail(std::to_string(m.errors.load()) + " requests answered with error:" + codes);
  }
}

// Per connection: stream verified exactly-once/in-order and at the final seq.
json verify_streams(Run& run, std::int64_t final_seq, bool count_senders) {
  std::uint64_t ok = 0, bad = 0, behind = 0, missing = 0, dups = 0, ack_mm = 0, not_subscribed = 0;
  std::string first;
  run.for_each_connection([&](const Connection& c) {
    if (c.state() != Connection::State::subscribed) {
      ++not_subscribed;
      return;
    }
    (void)count_senders;
    const auto& t = c.tracker();
    missing += t.missing();
    dups += t.duplicates();
    ack_mm += t.ack_mismatches();
    const bool at_end = c.last_seq() == final_seq;
    if (!at_end) ++behind;
    if (t.ok() && at_end)
      ++ok;
    else {
      ++bad;
      if (first.empty())
        first = "connection " + std::to_string(c.index()) + ": " +
                (t.ok() ? "last seq " + std::to_string(c.last_seq()) + " != final " + std::to_string(final_seq)
                        : t.first_problem());
    }
  });
  if (missing) run.fail(std::to_string(missing) + " changes missing (gaps in seq) across clients");
  if (dups) run.fail(std::to_string(dups) + " duplicated or out-of-order changes across clients");
  if (ack_mm) run.fail(std::to_string(ack_mm) + " subscribe acks whose seq differed from the stream");
  if (behind)
    run.fail(std::to_string(behind) + " subscribed clients not at the final seq " + std::to_string(final_seq));
  if (not_subscribed)
    run.fail(std::to_string(not_subscribed) + " connections not subscribed at the end (closed or failed)");
  json j{{"clients_verified_ok", ok},
         {"clients_bad", bad},
         {"missing", missing},
         {"duplicates", dups},
         {"ack_mismatches", ack_mm},
         {"behind_final_seq", behind},
         {"not_subscribed_at_end", not_subscribed},
         {"final_seq", final_seq}};
  if (!first.empty()) j["first_problem"] = first;
  return j;
}

json server_seq_check(Run& run, const Options& o, std::int64_t final_seq) {
  std::string err;
  const auto s = fetch_event_seq(o, &err);
  if (!s) return json{{"http_seq", nullptr}, {"http_error", err}};
  if (*s != final_seq)
    run.fail("server reports seq " + std::to_string(*s) + " on GET /api/events but clients ended at " +
             std::to_string(final_seq) + " (another writer, or lost changes)");
  return json{{"http_seq", *s}, {"matches", *s == final_seq}};
}

json proc_json(const std::optional<ProcStats>& p) {
  if (!p) return nullptr;
  return json{{"rss_kib", p->rss_kib}, {"peak_rss_kib", p->hwm_kib}, {"cpu_seconds", p->cpu_seconds}};
}

// Senders propose topics for as long as the run lasts, more than the server lets one
// participant hold (`topic_cap`, default 5). With --organizer-code the caps are lifted first
// (two changes, before anything is timed); without it an event that caps topics fails the run
// here, with what to do, instead of later with `cap_reached` answers. False when the run
// cannot go on.
bool prepare_caps(Run& run, const Options& o, bool proposes) {
  std::string err;
  if (!o.organizer_code.empty()) {
    if (lift_caps(o, &err)) {
      std::cerr << o.mode << ": caps on live topics and projects per participant lifted as organizer\n";
      return true;
    }
    run.fail(err);
    return false;
  }
  if (!proposes) return true;
  const auto board = fetch_board(o, &err);
  if (!board) {
    run.fail(err);
    return false;
  }
  if (board->topic_cap != 0) {
    run.fail("event '" + o.event + "' caps live topics at " + std::to_string(board->topic_cap) +
             " per participant and the senders propose more: pass --organizer-code CODE (or BOARDWALK_ORGANIZER_CODE; "
             "the server prints it in the organizer link at its first start) to lift the caps");
    return false;
  }
  return true;
}

int live_connections(const Run& run) {
  int n = 0;
  run.for_each_connection([&](const Connection& c) { n += c.state() == Connection::State::subscribed; });
  return n;
}

}  // namespace

json latency_json(const Histogram& h) {
  return json{{"count", h.count()},
              {"p50_ms", ms(h.percentile(50))},
              {"p90_ms", ms(h.percentile(90))},
              {"p99_ms", ms(h.percentile(99))},
              {"max_ms", ms(h.max())},
              {"mean_ms", h.mean() / 1000.0}};
}

json run_idle(const Options& o) {
  Run run(o);
  const auto before = run.server_proc();
  const auto self_before = read_proc(getpid());
  run.build(o.clients, 0);
  run.start();
  std::cerr << "idle: connecting " << o.clients << " clients\n";
  const double secs = run.connect_phase(o.clients);
  const auto connected = run.subscribed();
  std::cerr << "idle: " << connected << " subscribed in " << secs << " s; holding " << o.hold << " s\n";
  run.sleep_for(o.hold);
  const auto after = run.server_proc();
  const auto self_after = read_proc(getpid());
  const auto still = run.subscribed();
  if (still < connected) run.fail(std::to_string(connected - still) + " connections closed while idle");
  run.stop();
  WorkerStats m;
  run.merge_into(m);
  check_common(run, m);
  json j{{"connected", connected},
         {"still_connected_after_hold", still},
         {"connect_seconds", secs},
         {"connects_per_second", secs > 0 ? static_cast<double>(connected) / secs : 0.0},
         {"subscribe_latency", latency_json(m.subscribe_latency_us)},
         {"server_before", proc_json(before)},
         {"server_after", proc_json(after)},
         {"loadgen_rss_kib", self_after ? self_after->rss_kib : 0},
         {"counters", counters_json(m)}};
  if (before && after && connected > 0) {
    const double per = (static_cast<double>(after->rss_kib) - static_cast<double>(before->rss_kib)) * 1024.0 /
                       static_cast<double>(connected);
    j["server_rss_bytes_per_connection"] = per;
    j["server_rss_kib_per_connection"] = per / 1024.0;
  }
  if (self_before && self_after && connected > 0)
    j["loadgen_rss_bytes_per_connection"] =
        (static_cast<double>(self_after->rss_kib) - static_cast<double>(self_before->rss_kib)) * 1024.0 /
        static_cast<double>(connected);
  j["failures"] = run.failures;
  return j;
}

// A board of at least --board-bytes (grown first if smaller), then --clients new subscribers
// at once, each without `since`: how long until the last one has the whole board (snapshot and
// ack), and the server's peak memory meanwhile (VmHWM, reset to the RSS of the moment before the
// clients connect when /proc allows it).
json run_bigboard(const Options& o) {
  Run run(o);
  // Each participant proposes 5 topics, the default cap: lifted only when a code is given.
  if (!prepare_caps(run, o, false)) return json{{"failures", run.failures}};
  std::string err;
  std::cerr << "bigboard: growing the board to at least " << o.board_bytes << " bytes\n";
  const auto t0 = now_us();
  const auto board = grow_board(o, o.board_bytes, &err);
  const double fill_secs = static_cast<double>(now_us() - t0) / 1e6;
  if (!board) {
    run.fail(err);
    return json{{"failures", run.failures}};
  }
  std::cerr << "bigboard: board is " << board->bytes << " bytes at seq " << board->seq << " (" << fill_secs << " s); "
            << o.clients << " clients subscribe\n";
  const bool peak_reset = o.server_pid > 0 && reset_peak_rss(o.server_pid);
  const auto before = run.server_proc();
  const auto self_before = read_proc(getpid());
  run.build(o.clients, 0);
  run.start();
  const double secs = run.connect_phase(o.clients);
  const auto after = run.server_proc();
  const auto self_after = read_proc(getpid());
  const auto connected = run.subscribed();
  std::uint64_t wrong_seq = 0;
  run.for_each_connection([&](const Connection& c) {
    if (c.state() == Connection::State::subscribed && c.last_seq() != board->seq) ++wrong_seq;
  });
  run.stop();
  WorkerStats m;
  run.merge_into(m);
  check_common(run, m);
  if (m.snapshots != connected)
    run.fail(std::to_string(m.snapshots) + " snapshots for " + std::to_string(connected) + " subscribed clients");
  if (wrong_seq) run.fail(std::to_string(wrong_seq) + " clients not at the board's seq " + std::to_string(board->seq));
  json j{{"board_bytes", board->bytes},
         {"board_seq", board->seq},
         {"fill_seconds", fill_secs},
         {"subscribed", connected},
         {"seconds_until_last_has_board", secs},
         {"subscribe_latency", latency_json(m.subscribe_latency_us)},
         {"server_before", proc_json(before)},
         {"server_after", proc_json(after)},
         {"server_peak_rss_kib", after ? json(after->hwm_kib) : json(nullptr)},
         {"peak_rss_reset_before_subscribing", peak_reset},
         {"server_cpu_seconds", before && after ? json(after->cpu_seconds - before->cpu_seconds) : json(nullptr)},
         {"loadgen_cpu_seconds",
          self_before && self_after ? json(self_after->cpu_seconds - self_before->cpu_seconds) : json(nullptr)},
         {"counters", counters_json(m)}};
  j["failures"] = run.failures;
  return j;
}

json run_fanout(const Options& o) {
  const bool ingest = o.mode == "ingest";
  Run run(o);
  if (!prepare_caps(run, o, o.senders > 0)) return json{{"failures", run.failures}};
  run.build(o.clients, o.senders);
  run.start();
  std::cerr << o.mode << ": connecting " << o.clients << " clients (" << o.senders << " senders)\n";
  const double connect_secs = run.connect_phase(o.clients);
  std::cerr << o.mode << ": " << run.subscribed() << " subscribed in " << connect_secs << " s; senders join\n";
  run.setup_phase(o.senders);
  const double expected = ingest ? 60000.0 * o.duration : o.rate * o.duration * 1.5;
  run.begin_measuring(static_cast<std::size_t>(expected) + 10000);
  const auto from_seq = run.shared.measure_from.load();
  const auto cpu0 = run.server_proc();
  const auto self0 = read_proc(getpid());
  const auto t0 = now_us();
  std::cerr << o.mode << ": sending for " << o.duration << " s from seq " << from_seq << "\n";
  run.start_sending(o.rate, ingest, o.window, o.senders);
  run.sleep_for(o.duration);
  const auto acked_in_window = run.sum(&WorkerStats::acked);
  const auto t1 = now_us();
  const auto final_seq = run.drain();
  const auto t2 = now_us();
  const auto cpu1 = run.server_proc();
  const auto self1 = read_proc(getpid());
  const int live = live_connections(run);
  json seqcheck = server_seq_check(run, o, final_seq);
  std::cerr << o.mode << ": drained at seq " << final_seq << "; verifying\n";
  json verify = verify_streams(run, final_seq, true);
  run.stop();
  WorkerStats m;
  run.merge_into(m);
  check_common(run, m);

  // Per change: latency to the last client, and that every live client got it exactly once.
  Histogram to_last;
  std::uint64_t changes = 0, short_delivered = 0, over_delivered = 0, deliveries = 0;
  std::int64_t last_delivery = t1;
  for (std::size_t i = 0; i < m.recv_count.size(); ++i) {
    const auto sent = run.shared.send_time[i].load();
    if (sent == 0) {
      if (m.recv_count[i] != 0) ++changes;  // a change we did not send (another writer?)
      continue;
    }
    ++changes;
    deliveries += m.recv_count[i];
    if (m.recv_count[i] < static_cast<std::uint32_t>(live)) ++short_delivered;
    if (m.recv_count[i] > static_cast<std::uint32_t>(live)) ++over_delivered;
    if (m.recv_count[i] > 0) {
      to_last.record(m.last_recv[i] - sent);
      last_delivery = std::max(last_delivery, m.last_recv[i]);
    }
  }
  if (short_delivered)
    run.fail(std::to_string(short_delivered) + " changes did not reach all " + std::to_string(live) + " live clients");
  if (over_delivered)
    run.fail(std::to_string(over_delivered) + " changes were delivered more than once to some client");
  if (m.untracked_changes) run.fail(std::to_string(m.untracked_changes) + " deliveries outside the tracked seq range");
  const auto seqs_in_run = final_seq - from_seq;
  if (static_cast<std::int64_t>(changes) != seqs_in_run)
    run.fail("seq advanced by " + std::to_string(seqs_in_run) + " but " + std::to_string(changes) +
             " changes were tracked (another writer on this event?)");

  const double run_s = static_cast<double>(t1 - t0) / 1e6;
  const double deliver_s = static_cast<double>(std::max(last_delivery, t1) - t0) / 1e6;
  json j{
      {"clients", o.clients},
      {"live_clients_at_end", live},
      {"senders", o.senders},
      {"connect_seconds", connect_secs},
      {"first_timed_seq", from_seq + 1},
      {"final_seq", final_seq},
      {"changes", changes},
      {"run_seconds", run_s},
      {"drain_seconds", static_cast<double>(t2 - t1) / 1e6},
      {"ack_latency", latency_json(m.ack_latency_us)},
      {"delivery_latency", latency_json(m.delivery_latency_us)},
      {"change_to_last_client_latency", latency_json(to_last)},
      {"deliveries", deliveries},
      {"deliveries_per_second", deliver_s > 0 ? static_cast<double>(deliveries) / deliver_s : 0.0},
      {"frames_per_second", deliver_s > 0 ? static_cast<double>(m.frames_run) / deliver_s : 0.0},
      {"events_per_frame", m.frames_run ? static_cast<double>(m.changes_run) / static_cast<double>(m.frames_run) : 0.0},
      {"verification", verify},
      {"server_seq", seqcheck},
      {"counters", counters_json(m)}};
  if (ingest) {
    j["window"] = o.window;
    j["acked_in_window"] = acked_in_window;
    j["acked_changes_per_second"] = run_s > 0 ? static_cast<double>(acked_in_window) / run_s : 0.0;
  } else {
    j["rate_requested"] = o.rate;
    j["rate_achieved"] =
        run_s > 0 ? static_cast<double>(m.sent.load() - 2 * static_cast<std::uint64_t>(o.senders)) / run_s : 0.0;
    j["send_lag"] = latency_json(m.send_lag_us);
  }
  if (cpu0 && cpu1) {
    const double cpu = cpu1->cpu_seconds - cpu0->cpu_seconds;
    j["server_cpu_seconds"] = cpu;
    j["server_cpu_us_per_delivery"] = deliveries ? cpu * 1e6 / static_cast<double>(deliveries) : 0.0;
    j["server_cpu_us_per_frame"] = m.frames_run ? cpu * 1e6 / static_cast<double>(m.frames_run) : 0.0;
    j["server_rss_kib"] = cpu1->rss_kib;
  }
  if (self0 && self1) {
    const double cpu = self1->cpu_seconds - self0->cpu_seconds;
    j["loadgen_cpu_seconds"] = cpu;
    // The load generator's own cost; near 1 s of CPU per second of run it lags behind.
    j["loadgen_cpu_us_per_delivery"] = deliveries ? cpu * 1e6 / static_cast<double>(deliveries) : 0.0;
  }
  j["failures"] = run.failures;
  return j;
}

json run_reconnect(const Options& o) {
  Run run(o);
  const int n = o.clients;
  const bool writer = o.senders > 0;
  if (!prepare_caps(run, o, writer)) return json{{"failures", run.failures}};
  // The writer is connection index 0 and never drops; clients 1..N are the reconnecting ones.
  run.build(n + (writer ? 1 : 0), writer ? 1 : 0);
  run.start();
  std::cerr << "reconnect: connecting " << n << " clients" << (writer ? " + 1 writer" : "") << "\n";
  const double connect_secs = run.connect_phase(n + (writer ? 1 : 0));
  if (writer) run.setup_phase(1);
  run.begin_measuring(static_cast<std::size_t>(o.rate * (o.reconnect_window + o.drain_timeout)) + 10000);
  const auto from_seq = run.shared.measure_from.load();
  const auto before = run.subscribed();
  const auto t0 = now_us();
  std::cerr << "reconnect: dropping " << n << " clients at seq " << from_seq << ", reconnecting over "
            << o.reconnect_window << " s" << (writer ? " while the writer changes the board" : "") << "\n";
  run.start_sending(writer ? o.rate : 0.0, false, 1, writer ? 1 : 0);
  run.drop_all_and_reconnect(o.reconnect_window);
  const auto failed0 = run.failed();
  const auto total = static_cast<std::uint64_t>(n);
  const auto resubscribed = [&] { return run.sum(&WorkerStats::resubscribed); };
  const bool all = run.wait_until([&] { return resubscribed() + run.failed() - failed0 >= total; },
                                  o.reconnect_window + o.drain_timeout + 5.0);
  const auto t_all = now_us();
  if (!all) run.fail(std::to_string(total - resubscribed()) + " of " + std::to_string(n) + " clients not resubscribed");
  if (before != total + (writer ? 1 : 0))
    run.fail("only " + std::to_string(before) + " connections subscribed before the drop");
  // The writer keeps going for the whole window even when everyone was quicker.
  run.wait_until([&] { return now_us() >= t0 + static_cast<std::int64_t>(o.reconnect_window * 1e6); },
                 o.reconnect_window + 1);
  const auto final_seq = run.drain();
  json seqcheck = server_seq_check(run, o, final_seq);
  json verify = verify_streams(run, final_seq, false);
  Histogram resync;
  std::int64_t last_ack = t0;
  std::uint64_t replayed = 0, snapshotted = 0;
  run.for_each_connection([&](const Connection& c) {
    if (writer && c.index() == 0) return;
    if (c.state() != Connection::State::subscribed) return;
    resync.record(c.subscribed_us() - c.resync_started_us());
    last_ack = std::max(last_ack, c.subscribed_us());
    if (c.subscribed_by_replay())
      ++replayed;
    else
      ++snapshotted;
  });
  run.stop();
  WorkerStats m;
  run.merge_into(m);
  check_common(run, m);
  const double all_s = static_cast<double>(last_ack - t0) / 1e6;
  json j{{"clients", n},
         {"writer", writer},
         {"writer_rate", writer ? o.rate : 0.0},
         {"connect_seconds", connect_secs},
         {"reconnect_window_seconds", o.reconnect_window},
         {"seq_at_drop", from_seq},
         {"all_resynced_seconds", all_s},
         {"all_resynced_by_poll_seconds", static_cast<double>(t_all - t0) / 1e6},
         {"resynced_by_replay", replayed},
         {"resynced_by_snapshot", snapshotted},
         {"per_client_resync_latency", latency_json(resync)},
         {"verification", verify},
         {"server_seq", seqcheck},
         {"counters", counters_json(m)}};
  j["failures"] = run.failures;
  return j;
}

}  // namespace loadgen
