// Micro-benchmarks of the per-change and per-frame hot paths: deciding and applying a command
// on a Board, encoding a change once for every recipient, appending it to the change feed (the
// writer's fan-out cost), a session's view of its unsent changes (a broadcast pass's cost per
// session), building one contiguous frame from queued answers, and writing WebSocket frames
// through Beast over a real socket: one contiguous frame vs a gathered buffer sequence of the
// same events (the design brief says: measure both ways).
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/demo.hpp"
#include "domain/board.hpp"
#include "engine/change_feed.hpp"
#include "protocol/codec.hpp"
#include "protocol/messages.hpp"

namespace {

using namespace boardwalk;

// The demo event plus `participants` joined attendees and `topics` proposed topics.
struct DemoBoard {
  domain::Board board;
  std::vector<domain::Id> people;
  std::vector<domain::Id> topics;

  void run(const domain::Command& command, const domain::Actor& actor) {
    auto body = board.decide(command, actor);
    if (!body) throw std::runtime_error("setup: " + body.error().message);
    domain::Change change{board.seq() + 1, 1778868000 + board.seq(), std::nullopt, std::move(*body)};
    if (actor.kind == domain::Actor::Kind::participant) change.actor = actor.participant;
    board.apply(change);
    if (const auto* j = std::get_if<domain::ParticipantJoined>(&change.body)) people.push_back(j->participant.id);
    if (const auto* t = std::get_if<domain::TopicProposed>(&change.body)) topics.push_back(t->topic.id);
  }

  DemoBoard(int participants, int topic_count) {
    auto plan = app::plan_demo_event();
    if (!plan) throw std::runtime_error("demo: " + plan.error().message);
    for (const auto& step : plan->steps) run(step.command, step.actor);
    people.clear();  // only our own attendees and topics: the demo's have votes already
    topics.clear();
    for (int i = 0; i < participants; ++i) {
      domain::Join join;
      join.name = "bench " + std::to_string(i);
      join.secret_hash = std::string(64, static_cast<char>('a' + i % 26)) + std::to_string(i);
      run(join, domain::Actor::anonymous());
    }
    for (int i = 0; i < topic_count; ++i) {
      run(domain::ProposeTopic{"Topic number " + std::to_string(i), "A topic to vote on"},
          domain::Actor::of(people[static_cast<std::size_t>(i) % people.size()]));
    }
  }
};

// One vote or unvote: decide (validation) + apply, as the writer does per command.
void BM_DecideApplyVote(benchmark::State& state) {
  DemoBoard demo(100, 20);
  std::size_t i = 0;
  bool voted = false;
  for (auto _ : state) {
    const auto who = domain::Actor::of(demo.people[0]);
    const auto topic = demo.topics[i % demo.topics.size()];
    domain::Command command = voted ? domain::Command(domain::Unvote{topic}) : domain::Command(domain::Vote{topic});
    auto body = demo.board.decide(command, who);
    if (!body) {
      state.SkipWithError(body.error().message.c_str());
      break;
    }
    domain::Change change{demo.board.seq() + 1, 1778868000, demo.people[0], std::move(*body)};
    demo.board.apply(change);
    if (voted) ++i;
    voted = !voted;
  }
}
BENCHMARK(BM_DecideApplyVote);

// Encoding one change for clients, once (the frame every subscriber shares).
void BM_EncodeChange(benchmark::State& state) {
  DemoBoard demo(10, 5);
  auto body = demo.board.decide(domain::Vote{demo.topics[0]}, domain::Actor::of(demo.people[1]));
  if (!body) throw std::runtime_error(body.error().message);
  const domain::Change change{demo.board.seq() + 1, 1778868000, demo.people[1], std::move(*body)};
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto frame = protocol::make_frame(protocol::encode_change(change, "demo", protocol::Audience::clients).dump());
    bytes += frame->size();
    benchmark::DoNotOptimize(frame);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeChange);

protocol::Frame sample_frame() {
  return protocol::make_frame(
      R"({"at":"2026-05-15T18:00:00Z","body":{"topic_id":17,"votes":42},"event":"demo","kind":"topic_voted","seq":12345,"type":"change"})");
}

// The writer's cost per stored change: one append to the event's change feed, however many
// subscribers there are.
void BM_FeedAppend(benchmark::State& state) {
  engine::ChangeFeed feed(1024 * 1024);
  const auto frame = sample_frame();
  for (auto _ : state) feed.append(*frame);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FeedAppend);

// A broadcast pass's cost per session before the socket: take a view of the `n` changes the
// session has not sent (10,000 sessions at the same offset, as at 10,000 clients), as do_write
// does under load.
void BM_FeedViewPerSession(benchmark::State& state) {
  constexpr std::size_t kSessions = 10000;
  const auto n = static_cast<int>(state.range(0));
  engine::ChangeFeed feed(1024 * 1024);
  const auto frame = sample_frame();
  for (int i = 0; i < 2000; ++i) feed.append(*frame);
  const auto from = feed.end();
  for (int i = 0; i < n; ++i) feed.append(*frame);
  std::vector<std::vector<engine::ChangeFeed::Piece>> pieces(kSessions);
  for (auto _ : state) {
    for (auto& p : pieces) {
      p.clear();
      benchmark::DoNotOptimize(feed.view(from, p));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kSessions));
}
BENCHMARK(BM_FeedViewPerSession)->Arg(1)->Arg(24)->Arg(128)->Unit(benchmark::kMillisecond);

// Joining queued answers (and changes) into one contiguous JSON Lines frame, the path taken
// when a write carries answers.
void BM_FrameBuild(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<protocol::Frame> queued(n, sample_frame());
  std::string frame;
  for (auto _ : state) {
    std::size_t size = n - 1;
    for (const auto& f : queued) size += f->size();
    frame.clear();
    frame.reserve(size);
    for (const auto& f : queued) {
      if (!frame.empty()) frame.push_back('\n');
      frame.append(*f);
    }
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_FrameBuild)->Arg(1)->Arg(8)->Arg(32)->Arg(128);

// Beast WebSocket writes (server role, unmasked) of `n` events over a real socket pair, a
// thread draining the other end: one contiguous frame vs a gathered sequence of 2n-1 buffers.
struct WsPair {
  boost::asio::io_context ioc;
  boost::beast::websocket::stream<boost::asio::local::stream_protocol::socket> ws{ioc};
  std::thread drain;

  WsPair() {
    using local = boost::asio::local::stream_protocol;
    local::socket server(ioc), client(ioc);
    boost::asio::local::connect_pair(server, client);
    ws.next_layer() = std::move(server);
    // The peer: a Beast client that completes the handshake, then only drains the socket.
    drain = std::thread([client = std::move(client)]() mutable {
      boost::beast::websocket::stream<local::socket> peer(std::move(client));
      peer.handshake("localhost", "/");
      std::vector<char> buf(1 << 16);
      boost::system::error_code ec;
      while (!ec) peer.next_layer().read_some(boost::asio::buffer(buf), ec);
    });
    ws.accept();
  }
  ~WsPair() {
    boost::system::error_code ec;
    ws.next_layer().shutdown(boost::asio::socket_base::shutdown_both, ec);
    drain.join();
  }
};

void BM_WsWriteContiguous(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  WsPair pair;
  pair.ws.text(true);
  std::vector<protocol::Frame> queued(n, sample_frame());
  std::string frame;
  for (auto _ : state) {
    frame.clear();
    for (const auto& f : queued) {
      if (!frame.empty()) frame.push_back('\n');
      frame.append(*f);
    }
    pair.ws.write(boost::asio::buffer(frame));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void BM_WsWriteGathered(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  WsPair pair;
  pair.ws.text(true);
  std::vector<protocol::Frame> queued(n, sample_frame());
  std::vector<boost::asio::const_buffer> buffers;
  for (auto _ : state) {
    buffers.clear();
    for (const auto& f : queued) {
      if (!buffers.empty()) buffers.emplace_back("\n", 1);
      buffers.emplace_back(f->data(), f->size());
    }
    pair.ws.write(buffers);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_WsWriteContiguous)->Arg(1)->Arg(8)->Arg(32)->Arg(128);
BENCHMARK(BM_WsWriteGathered)->Arg(1)->Arg(8)->Arg(32)->Arg(128);

}  // namespace

BENCHMARK_MAIN();
