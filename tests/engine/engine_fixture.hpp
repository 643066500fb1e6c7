// An engine on a fresh database file with one standard event ("conf": two rooms, two slots)
// and a second small one ("other"), set up through apply_now before start(), plus helpers that
// speak to it the way a session does: submit a request, wait for its one answer.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "fake_subscriber.hpp"
#include "protocol/codec.hpp"
#include "storage/store.hpp"
#include "temp_db.hpp"

namespace boardwalk::test {

inline constexpr domain::UnixTime kAt = 1778868000;  // 2026-05-15T18:00:00Z
inline const std::string kSlug = "conf";
inline const std::string kOther = "other";

using Conn = std::shared_ptr<FakeSubscriber>;

struct Participant {
  Conn conn;
  domain::Id id = 0;
  std::string secret;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    open_store();
    engine_ = std::make_unique<engine::Engine>(*store_, options());
    using domain::Actor;
    const domain::Actor sys = Actor::system();
    // No caps per participant here: tests propose as many topics as they need from one person
    // (tests/domain/hardening_test.cpp checks the caps).
    auto conf = engine_->apply_now(kSlug, {{domain::CreateEvent{kSlug, "Conf", "Europe/Prague", 0, {}, 0, 0}, sys},
                                           {domain::AddRoom{"Room A", domain::RoomKind::open_space, 30}, sys},
                                           {domain::AddRoom{"Room B", domain::RoomKind::open_space, 10}, sys},
                                           {domain::AddSlot{"2026-05-15", kAt, kAt + 3600}, sys},
                                           {domain::AddSlot{"2026-05-15", kAt + 3600, kAt + 7200}, sys}});
    ASSERT_TRUE(conf) << conf.error().message;
    setup_seq_ = *conf;
    ASSERT_EQ(setup_seq_, 5);
    auto other = engine_->apply_now(kOther, {{domain::CreateEvent{kOther, "Other", "Europe/Prague", 0, {}}, sys},
                                             {domain::AddRoom{"Hall", domain::RoomKind::open_space, 30}, sys}});
    ASSERT_TRUE(other) << other.error().message;
    engine_->on_changes([this] { ++change_notices_; });
    engine_->start();
  }

  void TearDown() override {
    if (engine_) engine_->stop();
    engine_.reset();
    store_.reset();
    alive_.clear();
  }

  virtual engine::EngineOptions options() {
    engine::EngineOptions o;
    o.clock = [] { return kAt; };
    return o;
  }

  void open_store() {
    auto opened = storage::Store::open(file_.path());
    if (!opened) throw std::runtime_error(opened.error().message);
    store_ = std::move(opened->store);
  }

  // Stops the engine, closes the database, and starts a new engine on the same file. Leaves
  // the new engine loaded but not started when `start` is false.
  void restart(bool start = true) {
    engine_->stop();
    engine_.reset();
    store_.reset();
    open_store();
    engine_ = std::make_unique<engine::Engine>(*store_, options());
    auto loaded = engine_->load();
    ASSERT_TRUE(loaded) << loaded.error().message;
    engine_->on_changes([this] { ++change_notices_; });
    if (start) engine_->start();
  }

  // --- speaking to the engine ---------------------------------------------------------------

  // The engine knows a connection by its address until disconnect() (as sessions do on close),
  // so every connection of a test stays alive until the test ends: no address is reused.
  Conn connect() {
    alive_.push_back(std::make_shared<FakeSubscriber>());
    return alive_.back();
  }
  json next_id() { return "r" + std::to_string(++ids_); }

  // Submits without waiting; returns the request id.
  json post(const Conn& c, protocol::Request request) {
    json id = request.id;
    engine_->submit(c, std::move(request));
    return id;
  }
  json post_command(const Conn& c, domain::Command command) {
    return post(c, protocol::Request{next_id(), protocol::CommandRequest{std::move(command)}});
  }
  // Submits and waits for the one answer.
  json send(const Conn& c, protocol::Request request) {
    const json id = post(c, std::move(request));
    auto answer = c->wait_answer(id);
    if (!answer) {
      ADD_FAILURE() << "no answer to request " << id.dump();
      return json::object();
    }
    return *answer;
  }
  json subscribe(const Conn& c, const std::string& slug = kSlug, std::optional<domain::Seq> since = std::nullopt) {
    return send(c, protocol::Request{next_id(), protocol::SubscribeRequest{slug, since}});
  }
  json join(const Conn& c, const std::string& name, const std::string& slug = kSlug) {
    return send(c, protocol::Request{next_id(), protocol::JoinRequest{slug, name, std::nullopt}});
  }
  json auth(const Conn& c, const std::string& secret, const std::string& slug = kSlug) {
    return send(c, protocol::Request{next_id(), protocol::AuthRequest{slug, secret}});
  }
  json command(const Conn& c, domain::Command command) {
    return send(c, protocol::Request{next_id(), protocol::CommandRequest{std::move(command)}});
  }
  Participant participant(const std::string& name) {
    Participant p{connect(), 0, {}};
    const json ack = join(p.conn, name);
    EXPECT_EQ(ack.value("type", ""), "ack") << ack.dump();
    if (ack.contains("participant")) p.id = ack["participant"]["id"].get<domain::Id>();
    p.secret = ack.value("secret", "");
    return p;
  }
  domain::Id propose(const Participant& p, const std::string& title) {
    const json ack = command(p.conn, domain::ProposeTopic{title, ""});
    EXPECT_EQ(ack.value("type", ""), "ack") << ack.dump();
    return ack.value("topic_id", domain::Id{0});
  }

  // Runs after everything submitted before it (commits and deliveries included).
  void sync() {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    engine_->snapshot(kSlug, [done](protocol::Frame) { done->set_value(); });
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready) << "engine did not answer";
  }
  // Holds the writer thread (inside a snapshot callback) until release(), so that everything
  // submitted meanwhile is queued and then handled as one group.
  class Hold {
   public:
    explicit Hold(engine::Engine& engine) {
      auto entered = std::make_shared<std::promise<void>>();
      auto started = entered->get_future();
      engine.snapshot(kSlug, [entered, gate = gate_](protocol::Frame) {
        entered->set_value();
        gate->wait();
      });
      held_ = started.wait_for(kWait) == std::future_status::ready;
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold() { release(); }
    void release() {
      if (!released_) gate_->count_down();
      released_ = true;
    }
    [[nodiscard]] bool held() const { return held_; }

   private:
    std::shared_ptr<std::latch> gate_ = std::make_shared<std::latch>(1);
    bool held_ = false;
    bool released_ = false;
  };

  // The snapshot message the engine would send now.
  json snapshot(const std::string& slug = kSlug) {
    auto done = std::make_shared<std::promise<protocol::Frame>>();
    auto future = done->get_future();
    engine_->snapshot(slug, [done](protocol::Frame f) { done->set_value(std::move(f)); });
    if (future.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "engine did not answer";
      return json();
    }
    const protocol::Frame frame = future.get();
    return frame ? json::parse(*frame) : json();
  }
  domain::Seq current_seq() { return snapshot().value("seq", domain::Seq{-1}); }

  TempDb file_;
  std::atomic<int> change_notices_{0};  // Engine::on_changes calls (the network's cue to send)
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  domain::Seq setup_seq_ = 0;
  int ids_ = 0;
  std::vector<Conn> alive_;
};

inline std::vector<std::int64_t> range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (auto s = first; s <= last; ++s) out.push_back(s);
  return out;
}

}  // namespace boardwalk::test
