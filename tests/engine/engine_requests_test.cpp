// Requests through the engine: join and auth, exactly one answer per request, broadcasts to
// every subscriber in seq order (the sender's ack before its change), rejections that change
// nothing, subscriptions replaced and removed.
#include <algorithm>

#include "engine/secrets.hpp"
#include "engine_fixture.hpp"
#include "storage/sqlite.hpp"

namespace boardwalk::test {
namespace {

using domain::Id;
using domain::Seq;

std::ptrdiff_t index_of(const FakeSubscriber::Messages& ms, const std::function<bool(const json&)>& match) {
  const auto it = std::find_if(ms.begin(), ms.end(), match);
  return it == ms.end() ? -1 : it - ms.begin();
}

using EngineRequestsTest = EngineTest;

TEST_F(EngineRequestsTest, SetUpThroughApplyNowIsVisibleAfterStart) {
  const json snap = snapshot();
  EXPECT_EQ(snap["type"], "snapshot");
  EXPECT_EQ(snap["event"], kSlug);
  EXPECT_EQ(snap["seq"], setup_seq_);
  EXPECT_EQ(snap["board"]["rooms"].size(), 2u);
  EXPECT_EQ(snap["board"]["slots"].size(), 2u);
  EXPECT_EQ(engine_->event_count(), 2u);
  EXPECT_TRUE(snapshot("missing").is_null());
}

TEST_F(EngineRequestsTest, ApplyNowIsRefusedOnceTheWriterRuns) {
  EXPECT_THROW((void)engine_->apply_now(
                   kSlug, {{domain::AddRoom{"Late", domain::RoomKind::open_space, 1}, domain::Actor::system()}}),
               std::logic_error);
}

TEST_F(EngineRequestsTest, ApplyNowStoresAllStepsOrNone) {
  engine_->stop();
  const domain::Actor sys = domain::Actor::system();
  auto r = engine_->apply_now(kSlug, {{domain::AddRoom{"Room C", domain::RoomKind::open_space, 5}, sys},
                                      {domain::AddRoom{"Room A", domain::RoomKind::open_space, 5}, sys}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "conflict");
  EXPECT_NE(r.error().message.find("step 2"), std::string::npos) << r.error().message;
  EXPECT_EQ(engine_->board(kSlug)->seq(), setup_seq_);
  EXPECT_EQ(engine_->board(kSlug)->rooms().size(), 2u);
  restart(/*start=*/false);
  EXPECT_EQ(engine_->board(kSlug)->seq(), setup_seq_);
  EXPECT_EQ(engine_->board(kSlug)->rooms().size(), 2u);
}

TEST_F(EngineRequestsTest, JoinAcksWithParticipantAndASecretThatAuthenticatesANewConnection) {
  const Conn phone = connect();
  const json ack = join(phone, "Ada");
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  EXPECT_EQ(ack["seq"], setup_seq_ + 1);
  EXPECT_EQ(ack["participant"]["name"], "Ada");
  EXPECT_EQ(ack["participant"]["role"], "attendee");
  const Id ada = ack["participant"]["id"].get<Id>();
  EXPECT_GT(ada, 0);
  const std::string secret = ack["secret"].get<std::string>();
  EXPECT_EQ(secret.size(), 22u);  // 128 bits, base64url without padding
  EXPECT_EQ(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  // The secret never travels in a broadcast or a snapshot, not even as a hash.
  const std::string snap = snapshot().dump();
  EXPECT_EQ(snap.find(secret), std::string::npos);
  EXPECT_EQ(snap.find(engine::hash_secret("", secret)), std::string::npos);  // the fixture has no key

  // The phone reconnects: a new connection proves who it is with the secret.
  const Conn again = connect();
  const json authed = auth(again, secret);
  ASSERT_EQ(authed["type"], "ack") << authed.dump();
  EXPECT_EQ(authed["seq"], setup_seq_ + 1);
  EXPECT_EQ(authed["participant"]["id"], ada);
  EXPECT_EQ(authed["participant"]["name"], "Ada");
  EXPECT_FALSE(authed.contains("secret"));
  const json proposed = command(again, domain::ProposeTopic{"Typing", ""});
  ASSERT_EQ(proposed["type"], "ack") << proposed.dump();
  const json topic = snapshot()["board"]["topics"][0];
  EXPECT_EQ(topic["convener"], ada);
  EXPECT_EQ(again->bad_frames(), 0);
  EXPECT_EQ(phone->bad_frames(), 0);
}

TEST_F(EngineRequestsTest, EachJoinGetsItsOwnParticipantAndSecret) {
  const Participant a = participant("Ada");
  const Participant b = participant("Bob");
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.secret, b.secret);
  // Joining twice on one connection is refused and changes nothing.
  const json twice = join(a.conn, "Ada again");
  EXPECT_EQ(twice["type"], "error");
  EXPECT_EQ(twice["code"], "conflict");
  EXPECT_EQ(current_seq(), setup_seq_ + 2);
}

TEST_F(EngineRequestsTest, AuthWithAnUnknownSecretOrEventIsRefused) {
  const Participant ada = participant("Ada");
  const Conn c = connect();
  const json wrong = auth(c, "not-a-secret");
  EXPECT_EQ(wrong["type"], "error");
  EXPECT_EQ(wrong["code"], "bad_secret");
  EXPECT_EQ(wrong["field"], "secret");
  const json elsewhere = auth(c, ada.secret, kOther);  // a secret belongs to one event
  EXPECT_EQ(elsewhere["code"], "bad_secret");
  const json missing = auth(c, ada.secret, "missing");
  EXPECT_EQ(missing["code"], "not_found");
  EXPECT_EQ(missing["field"], "event");
  // Still not authenticated.
  const json cmd = command(c, domain::ProposeTopic{"x", ""});
  EXPECT_EQ(cmd["code"], "not_joined");
}

TEST_F(EngineRequestsTest, CommandsBeforeJoiningAndJoiningAMissingEventAreRefused) {
  const Conn c = connect();
  const json cmd = command(c, domain::ProposeTopic{"Typing", ""});
  EXPECT_EQ(cmd["type"], "error");
  EXPECT_EQ(cmd["code"], "not_joined");
  EXPECT_FALSE(cmd["message"].get<std::string>().empty());
  const json j = join(c, "Ada", "missing");
  EXPECT_EQ(j["code"], "not_found");
  EXPECT_EQ(j["field"], "event");
  EXPECT_EQ(current_seq(), setup_seq_);
}

// Requests of one connection are handled in the order sent, even when they end up in one
// group commit: a command sent right behind a join (without waiting for its ack) acts as the
// participant that join creates, and a second join is refused as on its own.
TEST_F(EngineRequestsTest, ACommandPipelinedBehindAJoinActsAsTheNewParticipant) {
  const Conn phone = connect();
  std::vector<json> ids;
  {
    Hold hold(*engine_);
    ASSERT_TRUE(hold.held());
    ids.push_back(post(phone, {next_id(), protocol::JoinRequest{kSlug, "Ada", std::nullopt}}));
    ids.push_back(post_command(phone, domain::ProposeTopic{"Typing", ""}));
    ids.push_back(post(phone, {next_id(), protocol::JoinRequest{kSlug, "Ada twice", std::nullopt}}));
    ids.push_back(post_command(phone, domain::Vote{1}));
  }
  for (const auto& id : ids) ASSERT_TRUE(phone->wait_answer(id)) << id.dump();
  const json joined = *phone->wait_answer(ids[0]);
  const json proposed = *phone->wait_answer(ids[1]);
  const json twice = *phone->wait_answer(ids[2]);
  const json voted = *phone->wait_answer(ids[3]);
  ASSERT_EQ(joined["type"], "ack") << joined.dump();
  EXPECT_EQ(proposed["type"], "ack") << proposed.dump();
  EXPECT_EQ(proposed["seq"], setup_seq_ + 2);
  EXPECT_EQ(twice["code"], "conflict") << twice.dump();
  EXPECT_EQ(voted["type"], "ack") << voted.dump();
  const json board = snapshot()["board"];
  EXPECT_EQ(board["participants"].size(), 1u);
  ASSERT_EQ(board["topics"].size(), 1u);
  EXPECT_EQ(board["topics"][0]["convener"], joined["participant"]["id"]);
}

TEST_F(EngineRequestsTest, EveryRequestGetsExactlyOneAnswerCarryingItsId) {
  const Participant ada = participant("Ada");
  const Conn c = ada.conn;
  std::vector<json> ids;
  // Pipelined without waiting: successes, rejections, reads, integer and string ids.
  ids.push_back(post(c, {json(7), protocol::CommandRequest{domain::ProposeTopic{"One", ""}}}));
  ids.push_back(post(c, {json("x-1"), protocol::CommandRequest{domain::ProposeTopic{"", ""}}}));
  ids.push_back(post(c, {json(8), protocol::SubscribeRequest{kSlug, std::nullopt}}));
  ids.push_back(post(c, {json("x-2"), protocol::CommandRequest{domain::Vote{1}}}));
  ids.push_back(post(c, {json("x-3"), protocol::CommandRequest{domain::Vote{1}}}));
  ids.push_back(post(c, {json(9), protocol::CommandRequest{domain::Vote{999}}}));
  ids.push_back(post(c, {json("x-4"), protocol::AuthRequest{kSlug, ada.secret}}));
  ids.push_back(post(c, {json(10), protocol::CommandRequest{domain::ScheduleTopic{1, 1, 1}}}));
  ids.push_back(post(c, {json("x-5"), protocol::SubscribeRequest{"missing", std::nullopt}}));
  for (const auto& id : ids) ASSERT_TRUE(c->wait_answer(id)) << id.dump();
  sync();  // anything still to come would have come by now

  for (const auto& id : ids) EXPECT_EQ(c->answers_to(id), 1) << id.dump();
  // Answers come in request order.
  std::vector<json> answered;
  for (const auto& m : c->messages()) {
    if (FakeSubscriber::is_answer(m) && std::find(ids.begin(), ids.end(), m["id"]) != ids.end()) {
      answered.push_back(m["id"]);
    }
  }
  EXPECT_EQ(answered, ids);

  const auto code_of = [&](const json& id) { return c->wait_answer(id)->value("code", "ack"); };
  EXPECT_EQ(code_of(json(7)), "ack");
  EXPECT_EQ(code_of(json("x-1")), "invalid_value");
  EXPECT_EQ(code_of(json(8)), "ack");
  EXPECT_EQ(code_of(json("x-2")), "ack");
  EXPECT_EQ(code_of(json("x-3")), "already_voted");
  EXPECT_EQ(code_of(json(9)), "not_found");
  EXPECT_EQ(code_of(json("x-4")), "ack");
  EXPECT_EQ(code_of(json(10)), "ack");
  EXPECT_EQ(code_of(json("x-5")), "not_found");
  EXPECT_EQ(c->wait_answer(json(7))->value("topic_id", Id{0}), 1);
  EXPECT_EQ(current_seq(), setup_seq_ + 4);  // join, propose, vote, schedule
  EXPECT_EQ(c->bad_frames(), 0);
}

TEST_F(EngineRequestsTest, BroadcastsReachEverySubscriberOnceInSeqOrderAndTheAckComesFirst) {
  std::vector<Conn> screens = {connect(), connect(), connect()};
  for (const auto& s : screens) ASSERT_EQ(subscribe(s)["type"], "ack");
  const Participant ada = participant("Ada");  // not subscribed: gets answers only
  const Participant bob = participant("Bob");
  ASSERT_EQ(subscribe(bob.conn)["type"], "ack");
  screens.push_back(bob.conn);

  // Interleaved senders, pipelined.
  std::vector<std::pair<Conn, json>> sent;
  for (int i = 0; i < 10; ++i) {
    const Participant& who = i % 2 == 0 ? ada : bob;
    sent.emplace_back(who.conn, post_command(who.conn, domain::ProposeTopic{"Topic " + std::to_string(i), ""}));
  }
  for (const auto& [conn, id] : sent) ASSERT_TRUE(conn->wait_answer(id));
  const Seq last = setup_seq_ + 2 + 10;
  for (const auto& s : screens) ASSERT_TRUE(s->wait_change(last));
  sync();

  for (std::size_t k = 0; k < screens.size(); ++k) {
    // Bob joined after the first three subscribed: they also saw his and Ada's joins.
    const Seq first = k < 3 ? setup_seq_ + 1 : setup_seq_ + 3;
    EXPECT_EQ(screens[k]->change_seqs(), range(first, last)) << "screen " << k;
    EXPECT_EQ(screens[k]->bad_frames(), 0);
  }
  // Every screen received the very same bytes for the same change.
  const auto texts0 = screens[0]->texts();
  const auto texts1 = screens[1]->texts();
  EXPECT_EQ(texts0.back(), texts1.back());

  // Ada is not subscribed: acks, no changes.
  EXPECT_TRUE(ada.conn->of_type("change").empty());
  // On Bob's connection each ack precedes the change it produced.
  const auto ms = bob.conn->messages();
  for (const auto& [conn, id] : sent) {
    if (conn != bob.conn) continue;
    const json ack = *bob.conn->wait_answer(id);
    ASSERT_EQ(ack["type"], "ack");
    const Seq seq = ack["seq"].get<Seq>();
    const auto ack_at = index_of(ms, [&](const json& m) { return m["type"] == "ack" && m["id"] == id; });
    const auto change_at = index_of(ms, [&](const json& m) { return m["type"] == "change" && m["seq"] == seq; });
    ASSERT_GE(change_at, 0) << "no change " << seq;
    EXPECT_LT(ack_at, change_at) << "seq " << seq;
    // Broadcasts do not say who made a change (that would tell everyone who voted).
    EXPECT_FALSE(ms[static_cast<std::size_t>(change_at)].contains("actor"));
  }
}

TEST_F(EngineRequestsTest, ARejectedCommandChangesNothingAndBroadcastsNothing) {
  const Participant ada = participant("Ada");
  const Participant bob = participant("Bob");
  const Id t1 = propose(ada, "Typing");
  const Id t2 = propose(bob, "Packaging");
  ASSERT_EQ(command(ada.conn, domain::ScheduleTopic{t1, 1, 1})["type"], "ack");
  const Conn screen = connect();
  ASSERT_EQ(subscribe(screen)["type"], "ack");
  const json before = snapshot();
  const std::size_t seen = screen->size();

  const json taken = command(bob.conn, domain::ScheduleTopic{t2, 1, 1});
  EXPECT_EQ(taken["type"], "error");
  EXPECT_EQ(taken["code"], "cell_taken");
  EXPECT_EQ(taken["field"], "slot_id");
  EXPECT_FALSE(taken.contains("seq"));
  const json forbidden = command(bob.conn, domain::WithdrawTopic{t1});
  EXPECT_EQ(forbidden["code"], "forbidden");
  sync();

  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(screen->size(), seen);
  EXPECT_TRUE(bob.conn->of_type("change").empty());
  // The next accepted change takes the next seq: nothing was used up by the rejections.
  const json ok = command(bob.conn, domain::ScheduleTopic{t2, 2, 1});
  ASSERT_EQ(ok["type"], "ack");
  EXPECT_EQ(ok["seq"], before["seq"].get<Seq>() + 1);
}

TEST_F(EngineRequestsTest, AnAcknowledgedChangeIsAlreadyOnDisk) {
  const Participant ada = participant("Ada");
  auto side = storage::Connection::open(file_.path(), /*read_only=*/true);
  ASSERT_TRUE(side);
  for (int i = 0; i < 5; ++i) {
    const json ack = command(ada.conn, domain::ProposeTopic{"T" + std::to_string(i), ""});
    ASSERT_EQ(ack["type"], "ack");
    auto q = storage::Statement::prepare(*side, "SELECT MAX(seq) FROM events WHERE slug = 'conf'");
    ASSERT_TRUE(q);
    ASSERT_TRUE(q->step());
    EXPECT_GE(q->column_int(0), ack["seq"].get<Seq>());
  }
}

TEST_F(EngineRequestsTest, TheEngineNeverKeepsAConnectionAlive) {
  const Conn screen = connect();
  const Conn stays = connect();
  ASSERT_EQ(subscribe(screen)["type"], "ack");
  ASSERT_EQ(subscribe(stays)["type"], "ack");
  const Participant ada = participant("Ada");
  ASSERT_TRUE(screen->wait_change(setup_seq_ + 1));
  sync();
  // Only the test holds it (twice): a session whose socket closed is freed at once, whatever
  // the engine still knows of it (subscribers read their feed; the engine keeps no list).
  EXPECT_EQ(screen.use_count(), 2);

  engine_->disconnect(screen.get());
  propose(ada, "After");
  ASSERT_TRUE(stays->wait_change(setup_seq_ + 2));
  sync();
  EXPECT_EQ(screen.use_count(), 2);
  EXPECT_EQ(ada.conn.use_count(), 2);
}

TEST_F(EngineRequestsTest, DisconnectForgetsTheParticipantOfThatConnection) {
  const Participant ada = participant("Ada");
  engine_->disconnect(ada.conn.get());
  sync();
  // A connection object reused after disconnect starts anonymous.
  EXPECT_EQ(command(ada.conn, domain::ProposeTopic{"x", ""})["code"], "not_joined");
}

TEST_F(EngineRequestsTest, SubscribingAgainReplacesTheSubscription) {
  const Conn screen = connect();
  ASSERT_EQ(subscribe(screen, kSlug)["type"], "ack");
  const json other = subscribe(screen, kOther);
  ASSERT_EQ(other["type"], "ack");
  EXPECT_EQ(other["seq"], 2);
  const std::size_t seen = screen->size();

  const Participant ada = participant("Ada");  // a change of conf
  const Conn watcher = connect();
  ASSERT_EQ(subscribe(watcher, kOther)["type"], "ack");
  const Conn zed = connect();
  const json joined = join(zed, "Zed", kOther);  // a change of other
  ASSERT_EQ(joined["type"], "ack");
  EXPECT_EQ(joined["seq"], 3);
  ASSERT_TRUE(screen->wait_change(3));
  sync();
  const auto ms = screen->messages();
  ASSERT_EQ(ms.size(), seen + 1);
  EXPECT_EQ(ms.back()["event"], kOther);
  EXPECT_EQ(ms.back()["kind"], "participant_joined");
}

}  // namespace
}  // namespace boardwalk::test
