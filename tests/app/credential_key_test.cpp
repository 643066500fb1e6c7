// Keyed credential hashes: the key file, tying a database to its key, and upgrading a database
// written before keys existed (plain SHA-256 hashes) without anyone losing their identity.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "app/admin_requests.hpp"
#include "app/credential_upgrade.hpp"
#include "app/secret_key_file.hpp"
#include "engine/engine.hpp"
#include "engine/secrets.hpp"
#include "fake_subscriber.hpp"
#include "storage/sqlite.hpp"
#include "temp_db.hpp"

namespace boardwalk::test {
namespace {

using domain::Actor;

TEST(SecretHash, DependsOnTheKey) {
  EXPECT_NE(engine::hash_secret("key one", "s3cret"), engine::hash_secret("key two", "s3cret"));
  EXPECT_EQ(engine::hash_secret("key one", "s3cret"), engine::hash_secret("key one", "s3cret"));
  EXPECT_NE(engine::hash_secret("key one", "s3cret"), engine::plain_hash("s3cret"));
  EXPECT_EQ(engine::hash_secret("key one", "s3cret").size(), 64u);
}

TEST(SecretHash, AStoredPlainHashUpgradesToTheKeyedHashOfTheSameSecret) {
  // SHA-256("abc"), the FIPS 180-2 test vector: what databases before keys hold.
  EXPECT_EQ(engine::plain_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(engine::upgrade_plain_hash("k", engine::plain_hash("abc")), engine::hash_secret("k", "abc"));
}

class KeyFile : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempDb db_;
  std::string path_ = db_.path() + ".key";
};

TEST_F(KeyFile, IsCreatedOnceWith32RandomBytesReadableByItsOwnerOnly) {
  bool created = false;
  auto key = app::load_or_create_secret_key(path_, created);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_TRUE(created);
  EXPECT_EQ(key->size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto again = app::load_or_create_secret_key(path_, created);
  ASSERT_TRUE(again);
  EXPECT_FALSE(created);
  EXPECT_EQ(*again, *key);
}

TEST_F(KeyFile, OfTheWrongSizeIsRefused) {
  std::ofstream(path_) << "too short";
  auto key = app::load_secret_key(path_);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("9 bytes, not 32"), std::string::npos) << key.error().message;
}

// --- a database and its key ----------------------------------------------------------------

const std::string kEvent = "conf";
const std::string kSecret = "old-participant-secret";
const std::string kCode = "old-organizer-code";

class DatabaseKey : public ::testing::Test {
 protected:
  void SetUp() override { spdlog::set_level(spdlog::level::warn); }
  void TearDown() override {
    std::error_code ignored;
    for (const auto& f : {key_file_, other_key_file_}) std::filesystem::remove(f, ignored);
  }

  std::unique_ptr<storage::Store> open_store() {
    auto opened = storage::Store::open(db_.path());
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(opened->store);
  }

  // What boardwalk before keyed hashes left behind: schema version 3, and changes holding
  // plain SHA-256 hashes of a participant secret, the organizer code and two ticket codes
  // (plus a board snapshot holding them too, written by stop()).
  void make_legacy_database() {
    auto store = open_store();
    ASSERT_TRUE(store->connection().exec("DROP TABLE secret_key; DELETE FROM schema_migrations WHERE version = 4"));
    engine::Engine old(*store, engine::EngineOptions{});
    domain::Join ada;
    ada.name = "Ada";
    ada.secret_hash = engine::plain_hash(kSecret);
    auto seq = old.apply_now(
        kEvent,
        {{domain::CreateEvent{kEvent, "Conf", "Europe/Prague", 0, {}}, Actor::system()},
         {domain::SetOrganizerCode{engine::plain_hash(kCode)}, Actor::system()},
         {ada, Actor::anonymous()},
         {domain::AddTickets{{engine::plain_hash("TICKET-1"), engine::plain_hash("TICKET-2")}}, Actor::system()},
         {domain::SetJoinMode{domain::JoinMode::tickets}, Actor::system()}});
    ASSERT_TRUE(seq) << seq.error().message;
    old.stop();
  }

  // A started engine on the database, keyed as the server keys it.
  void start_server() {
    store_ = open_store();
    auto key = app::prepare_secret_key(*store_, key_file_);
    ASSERT_TRUE(key) << key.error().message;
    key_ = *key;
    engine::EngineOptions options;
    options.secret_key = key_;
    engine_ = std::make_unique<engine::Engine>(*store_, options);
    ASSERT_TRUE(engine_->load());
    engine_->start();
  }
  void stop_server() {
    engine_->stop();
    engine_.reset();
    store_.reset();
  }

  json send(decltype(protocol::Request::body) body) {
    auto c = std::make_shared<FakeSubscriber>();
    alive_.push_back(c);
    const json id = "r" + std::to_string(alive_.size());
    engine_->submit(c, protocol::Request{id, std::move(body)});
    auto answer = c->wait_answer(id);
    return answer ? *answer : json::object();
  }
  json join(const std::string& name, std::optional<std::string> code, std::optional<std::string> ticket) {
    return send(protocol::JoinRequest{kEvent, name, std::move(code), std::move(ticket)});
  }

  TempDb db_;
  std::string key_file_ = db_.path() + ".key";
  std::string other_key_file_ = db_.path() + ".other.key";
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  std::string key_;
  std::vector<std::shared_ptr<FakeSubscriber>> alive_;
};

TEST_F(DatabaseKey, ALegacyDatabaseKeepsEveryCredentialAfterTheUpgrade) {
  make_legacy_database();
  start_server();
  EXPECT_TRUE(std::filesystem::exists(key_file_));

  const json authed = send(protocol::AuthRequest{kEvent, kSecret});
  EXPECT_EQ(authed.value("type", ""), "ack") << authed.dump();
  EXPECT_EQ(authed["participant"]["name"], "Ada");
  const json organizer = join("Olga", kCode, "TICKET-1");
  EXPECT_EQ(organizer.value("type", ""), "ack") << organizer.dump();
  EXPECT_EQ(organizer["participant"]["role"], "organizer");
  EXPECT_EQ(join("Bob", std::nullopt, "TICKET-2").value("type", ""), "ack");
  EXPECT_EQ(join("Eve", std::nullopt, "TICKET-3")["code"], "bad_secret");
  EXPECT_EQ(send(protocol::AuthRequest{kEvent, "not-a-secret"})["code"], "bad_secret");

  // The stored hashes are keyed now: none of the plain ones is left, in the log or a snapshot.
  const auto plain = engine::plain_hash(kSecret);
  storage::Connection& db = store_->connection();
  auto rows = storage::Statement::prepare(db, "SELECT count(*) FROM events WHERE instr(body, ?1) > 0");
  ASSERT_TRUE(rows);
  rows->bind(1, plain);
  ASSERT_TRUE(rows->step());
  EXPECT_EQ(rows->column_int(0), 0);
  stop_server();

  // A restart neither upgrades again nor loses anyone.
  start_server();
  EXPECT_EQ(send(protocol::AuthRequest{kEvent, kSecret}).value("type", ""), "ack");
  stop_server();
}

TEST_F(DatabaseKey, ACopyWithAnotherKeyFileIsRefused) {
  start_server();
  stop_server();
  bool created = false;
  ASSERT_TRUE(app::load_or_create_secret_key(other_key_file_, created));  // some other server's key
  auto store = open_store();
  auto key = app::prepare_secret_key(*store, other_key_file_);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("is not the key of the database"), std::string::npos) << key.error().message;
}

TEST_F(DatabaseKey, AKeyedDatabaseWithoutItsKeyFileIsRefusedAndNoNewKeyIsMade) {
  start_server();
  stop_server();
  std::filesystem::remove(key_file_);
  auto store = open_store();
  auto key = app::prepare_secret_key(*store, key_file_);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("restore the file"), std::string::npos) << key.error().message;
  EXPECT_FALSE(std::filesystem::exists(key_file_));
}

// --- live changes (Engine::run_system, through AdminRequests) ------------------------------

TEST_F(DatabaseKey, TicketsAndOrganizerCodesChangeWhileTheEngineRuns) {
  make_legacy_database();
  start_server();
  app::AdminRequests admin(*engine_, key_, "http://example.org");
  const auto ask = [&](const json& request) {
    std::promise<json> answered;
    admin.handle(request, [&](json answer) { answered.set_value(std::move(answer)); });
    return answered.get_future().get();
  };
  // A subscriber hears of the live change like any other.
  auto watcher = std::make_shared<FakeSubscriber>();
  alive_.push_back(watcher);
  engine_->submit(watcher, protocol::Request{"w", protocol::SubscribeRequest{kEvent, std::nullopt}});
  ASSERT_TRUE(watcher->wait_answer("w"));

  const json added = ask({{"op", "tickets"}, {"event", kEvent}, {"codes", {"LIVE-1", "LIVE-2"}}, {"require", true}});
  ASSERT_TRUE(added.value("ok", false)) << added.dump();
  EXPECT_EQ(added["added"], 2);
  EXPECT_EQ(added["total"], 4);
  EXPECT_EQ(added["join_mode"], "tickets");
  EXPECT_TRUE(watcher->wait_until([](const FakeSubscriber::Messages& m) {
    return std::any_of(m.begin(), m.end(), [](const json& x) { return x.value("kind", "") == "tickets_added"; });
  }));
  EXPECT_EQ(join("Live", std::nullopt, "LIVE-1").value("type", ""), "ack");

  const json rotated = ask({{"op", "organizer_code"}, {"event", kEvent}});
  ASSERT_TRUE(rotated.value("ok", false)) << rotated.dump();
  const std::string code = rotated["code"];
  EXPECT_EQ(rotated["link"], "http://example.org/e/conf#code=" + code);
  EXPECT_EQ(join("Old", kCode, "LIVE-2")["code"], "bad_secret");
  EXPECT_EQ(join("New", code, "LIVE-2")["participant"]["role"], "organizer");

  EXPECT_EQ(ask({{"op", "organizer_code"}, {"event", "nope"}})["error"]["message"], "no event 'nope'");
  EXPECT_EQ(ask({{"op", "tickets"}, {"event", kEvent}, {"codes", "LIVE-3"}})["error"]["field"], "codes");
  EXPECT_EQ(ask(json::array())["error"]["code"], "bad_request");
  stop_server();
}

}  // namespace
}  // namespace boardwalk::test
