// One io_context on one thread with its share of the connections, the connection launcher,
// the rate scheduler for its senders, and the statistics they record.
#pragma once

#include "connection.hpp"
#include "json_scan.hpp"
#include "shared.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace loadgen {

class Worker {
 public:
  Worker(Shared& shared, int index);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker();

  Connection& add(int index, std::optional<boost::asio::ip::address_v4> source, bool sender);
  void start_thread();
  // Closes every socket, lets the aborted handlers finish, joins the thread.
  void stop_and_join();

  // The following post onto the worker's thread.
  void connect_all();  // subscribe every connection (snapshot), at most `limit` in flight
  void setup_senders();
  void start_sending(double rate, bool closed_loop, int window);
  // Drops every non-sender connection now and reconnects each at now + U(0, window) with since.
  void drop_and_reconnect(double window_s);

  // Called by connections on this thread.
  void connect_finished();
  void record_change(std::int64_t seq, std::int64_t t);
  void record_ack(std::int64_t seq, std::int64_t sent, std::int64_t t, bool timed);
  bool closed_loop() const { return closed_loop_; }

  Shared& shared;
  const int index;
  boost::asio::io_context ioc;
  WorkerStats stats;
  ScanCache scan_cache;  // shared by this thread's connections: they all get the same lines
  std::vector<std::unique_ptr<Connection>> conns;
  std::vector<Connection*> senders;

 private:
  void launch();
  void tick();

  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::thread thread_;
  std::vector<Connection*> to_connect_;
  std::size_t next_connect_ = 0;
  int in_flight_ = 0;
  int limit_ = 1;
  boost::asio::steady_timer timer_;
  std::int64_t rate_t0_ = 0;
  double rate_ = 0;
  std::uint64_t scheduled_ = 0;
  bool closed_loop_ = false;
  bool stopping_ = false;
  std::mt19937_64 rng_;
};

}  // namespace loadgen
