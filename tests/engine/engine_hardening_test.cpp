// Issue 11 through the engine: limits per client address (failed sign-ins, new joins), what a
// participant learns of their own votes while broadcasts name nobody, participants-only events,
// organizer codes made by the engine, the organizer-only reads, and answers in request order.
#include <atomic>

#include "engine/secrets.hpp"
#include "engine_fixture.hpp"

namespace boardwalk::test {
namespace {

// A connection from a given client address (sessions report theirs; FakeSubscriber has none).
class AddressedSubscriber : public FakeSubscriber {
 public:
  explicit AddressedSubscriber(std::string address) : address_(std::move(address)) {}
  [[nodiscard]] std::string client_address() const override { return address_; }

 private:
  std::string address_;
};

class EngineHardeningTest : public EngineTest {
 protected:
  engine::EngineOptions options() override {
    engine::EngineOptions o = EngineTest::options();
    o.monotonic = [this] { return now_.load(); };
    return o;
  }
  Conn from(const std::string& address) {
    alive_.push_back(std::make_shared<AddressedSubscriber>(address));
    return alive_.back();
  }
  json join_with(const Conn& c, protocol::JoinRequest request) {
    return send(c, protocol::Request{next_id(), std::move(request)});
  }
  Participant organizer() {
    Participant p{connect(), 0, {}};
    // The event's code is set through the engine's own path, as an organizer would rotate it.
    const json ack = join(p.conn, "Olga");
    p.id = ack["participant"]["id"].get<domain::Id>();
    p.secret = ack["secret"].get<std::string>();
    return p;
  }

  std::atomic<double> now_{1000.0};
};

TEST_F(EngineHardeningTest, TwoThousandPeopleBehindOneAddressJoinWithinFiveMinutes) {
  // The end of a keynote: 2,000 phones behind the venue's one NAT address, over five minutes,
  // with the first 500 in the very first second.
  int joined = 0;
  for (int i = 0; i < 2000; ++i) {
    now_ = 1000.0 + (i < 500 ? 0.0 : (i - 500) * (299.0 / 1500.0));
    const json ack = join(from("203.0.113.7"), "Person " + std::to_string(i));
    if (ack.value("type", "") == "ack") ++joined;
  }
  EXPECT_EQ(joined, 2000);
}

TEST_F(EngineHardeningTest, MadeUpIdentitiesFromOneAddressAreLimited) {
  int joined = 0, limited = 0;
  for (int i = 0; i < 1500; ++i) {
    const json ack = join(from("198.51.100.9"), "Sock " + std::to_string(i));
    if (ack.value("type", "") == "ack") ++joined;
    if (ack.value("code", "") == "rate_limited") {
      ++limited;
      EXPECT_GT(ack.value("retry_after", 0.0), 0.0) << ack.dump();
    }
  }
  EXPECT_EQ(joined, 600);
  EXPECT_EQ(limited, 900);
  // Another address is not affected, and the limited one recovers with time.
  EXPECT_EQ(join(from("198.51.100.10"), "Neighbour").value("type", ""), "ack");
  now_ = now_ + 1.0;
  EXPECT_EQ(join(from("198.51.100.9"), "Later").value("type", ""), "ack");
}

TEST_F(EngineHardeningTest, WrongSecretsBackOffPerAddressAcrossConnections) {
  const Participant ada = participant("Ada");
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(auth(from("192.0.2.1"), "wrong-" + std::to_string(i)).value("code", ""), "bad_secret");
  }
  EXPECT_EQ(auth(from("192.0.2.1"), "wrong-10").value("code", ""), "bad_secret");  // the 11th: back-off starts
  json limited = auth(from("192.0.2.1"), ada.secret);                              // even the right secret waits now
  EXPECT_EQ(limited.value("code", ""), "rate_limited") << limited.dump();
  EXPECT_GT(limited.value("retry_after", 0.0), 0.0);
  // Another address is not held back by this one.
  EXPECT_EQ(auth(from("192.0.2.2"), ada.secret).value("type", ""), "ack");
  // The wait grows with each further failure.
  now_ = now_ + 1.5;
  EXPECT_EQ(auth(from("192.0.2.1"), "wrong-11").value("code", ""), "bad_secret");
  limited = auth(from("192.0.2.1"), ada.secret);
  EXPECT_EQ(limited.value("code", ""), "rate_limited");
  EXPECT_GT(limited.value("retry_after", 0.0), 1.5);
  now_ = now_ + 3;
  EXPECT_EQ(auth(from("192.0.2.1"), ada.secret).value("type", ""), "ack");
}

TEST_F(EngineHardeningTest, GuessingTicketsFromManyAddressesHitsTheEventsBudget) {
  // 50 four-digit codes, ticket-only joining: the attack of the outside review.
  restart(false);
  std::vector<std::string> hashes;
  for (int i = 0; i < 50; ++i) hashes.push_back(engine::hash_secret("", std::to_string(1000 + i * 7)));
  ASSERT_TRUE(engine_->apply_now(kSlug, {{domain::AddTickets{hashes}, domain::Actor::system()},
                                         {domain::SetJoinMode{domain::JoinMode::tickets}, domain::Actor::system()}}));
  engine_->start();
  // Each address stays within its own free failures (5 each); together they spend the event's.
  int wrong = 0, limited = 0, found = 0;
  for (int i = 0; i < 400; ++i) {
    protocol::JoinRequest j{kSlug, "Guess", std::nullopt};
    j.ticket = std::to_string(2000 + i);  // none of these exists
    const json ack = join_with(from("10.0." + std::to_string(i / 5) + ".1"), j);
    const std::string code = ack.value("code", "");
    if (code == "bad_secret") ++wrong;
    if (code == "rate_limited") ++limited;
    if (ack.value("type", "") == "ack") ++found;
  }
  EXPECT_EQ(found, 0);
  EXPECT_EQ(wrong, 120);  // the event's burst
  EXPECT_EQ(limited, 280);
  // A real ticket holder waits too while the event is under attack, then gets in.
  protocol::JoinRequest real{kSlug, "Holder", std::nullopt};
  real.ticket = "1000";
  EXPECT_EQ(join_with(from("172.16.0.1"), real).value("code", ""), "rate_limited");
  now_ = now_ + 2;
  EXPECT_EQ(join_with(from("172.16.0.1"), real).value("type", ""), "ack");
}

class EngineOrganizerTest : public EngineHardeningTest {
 protected:
  void SetUp() override {
    EngineHardeningTest::SetUp();
    restart(false);
    ASSERT_TRUE(engine_->apply_now(
        kSlug, {{domain::SetOrganizerCode{engine::hash_secret("", "the-code")}, domain::Actor::system()}}));
    engine_->start();
  }
  Participant organizer(const std::string& name = "Olga", const std::string& code = "the-code") {
    Participant p{connect(), 0, {}};
    const json ack = join_with(p.conn, protocol::JoinRequest{kSlug, name, code});
    EXPECT_EQ(ack.value("type", ""), "ack") << ack.dump();
    p.id = ack.value("participant", json::object()).value("id", domain::Id{0});
    p.secret = ack.value("secret", "");
    return p;
  }
};

TEST_F(EngineOrganizerTest, VotesArePrivateButTheVoterLearnsTheirOwn) {
  const Participant ada = participant("Ada");
  const Participant bob = participant("Bob");
  const Conn screen = connect();
  subscribe(screen);
  const domain::Id t = propose(ada, "Typing");
  const json ack = command(bob.conn, domain::Vote{t});
  ASSERT_EQ(ack.value("type", ""), "ack") << ack.dump();
  EXPECT_EQ(ack["me"]["votes"], json::array({t}));
  EXPECT_EQ(ack["me"]["projects"], json::array());
  ASSERT_TRUE(screen->wait_change(ack["seq"].get<domain::Seq>()));
  const json change = screen->of_type("change").back();
  EXPECT_EQ(change["kind"], "vote_added");
  EXPECT_EQ(change["votes"], 1);
  EXPECT_FALSE(change.contains("participant_id")) << change.dump();
  EXPECT_FALSE(change.contains("actor")) << change.dump();
  // The snapshot counts votes and lists the convener only.
  const json board = snapshot()["board"];
  EXPECT_EQ(board["topics"][0]["votes"], 1);
  EXPECT_FALSE(board["topics"][0].contains("voters"));
  ASSERT_EQ(board["participants"].size(), 1u);
  EXPECT_EQ(board["participants"][0]["name"], "Ada");
  // Bob's next auth tells him his votes again.
  const json again = auth(connect(), bob.secret);
  EXPECT_EQ(again["me"]["votes"], json::array({t}));
  EXPECT_FALSE(again["participant"].contains("removed"));
}

TEST_F(EngineOrganizerTest, OnlyOrganizersListParticipantsAndOnlyMaintainersSeeWhoJoined) {
  const Participant olga = organizer();
  const Participant ada = participant("Ada");
  const Participant bob = participant("Bob");
  const json list = send(olga.conn, protocol::Request{next_id(), protocol::ListParticipantsRequest{}});
  ASSERT_EQ(list.value("type", ""), "ack") << list.dump();
  EXPECT_EQ(list["participants"].size(), 3u);
  EXPECT_EQ(send(ada.conn, protocol::Request{next_id(), protocol::ListParticipantsRequest{}}).value("code", ""),
            "forbidden");
  const json created = command(ada.conn, domain::CreateProject{[] {
                                 domain::ProjectFields f;
                                 f.name = "CPython";
                                 f.repo_url = "https://github.com/python/cpython";
                                 return f;
                               }()});
  const auto project = created["project_id"].get<domain::Id>();
  EXPECT_EQ(command(bob.conn, domain::JoinProject{project})["me"]["projects"], json::array({project}));
  const json who = send(ada.conn, protocol::Request{next_id(), protocol::ProjectAttendeesRequest{project}});
  ASSERT_EQ(who.value("type", ""), "ack") << who.dump();
  EXPECT_EQ(who["attendees"], json::parse(R"([{"id":)" + std::to_string(bob.id) + R"(,"name":"Bob"}])"));
  EXPECT_EQ(send(bob.conn, protocol::Request{next_id(), protocol::ProjectAttendeesRequest{project}}).value("code", ""),
            "forbidden");
  EXPECT_EQ(send(olga.conn, protocol::Request{next_id(), protocol::ProjectAttendeesRequest{project}}).value("type", ""),
            "ack");
}

TEST_F(EngineOrganizerTest, CodesAreMadeByTheServerAndToldOnlyToTheOrganizer) {
  const Participant olga = organizer();
  const Conn screen = connect();
  subscribe(screen);
  const json rotated = command(olga.conn, domain::RotateOrganizerCode{});
  ASSERT_EQ(rotated.value("type", ""), "ack") << rotated.dump();
  const std::string code = rotated.value("code", "");
  EXPECT_EQ(code.size(), 22u);
  EXPECT_EQ(join_with(connect(), protocol::JoinRequest{kSlug, "Old", std::string("the-code")}).value("code", ""),
            "bad_secret");
  const Participant olga2 = organizer("Olga II", code);
  ASSERT_NE(olga2.id, 0);
  // An invitation makes one organizer, once.
  const json invited = command(olga2.conn, domain::CreateInvitation{});
  const std::string invite = invited.value("code", "");
  ASSERT_FALSE(invite.empty()) << invited.dump();
  protocol::JoinRequest with_invite{kSlug, "Dora", std::nullopt};
  with_invite.invite = invite;
  EXPECT_EQ(join_with(connect(), with_invite)["participant"]["role"], "organizer");
  EXPECT_EQ(join_with(connect(), with_invite).value("code", ""), "bad_secret");
  // Removing an organizer rotates the code; the remover hears the new one.
  const json removed = command(olga.conn, domain::RemoveParticipant{olga2.id});
  ASSERT_EQ(removed.value("type", ""), "ack") << removed.dump();
  const std::string newest = removed.value("code", "");
  EXPECT_EQ(newest.size(), 22u);
  EXPECT_EQ(join_with(connect(), protocol::JoinRequest{kSlug, "Back", code}).value("code", ""), "bad_secret");
  EXPECT_EQ(join_with(connect(), protocol::JoinRequest{kSlug, "New", newest})["participant"]["role"], "organizer");
  // No code ever reaches the broadcast.
  ASSERT_TRUE(screen->wait_change(removed["seq"].get<domain::Seq>()));
  for (const auto& text : screen->texts()) {
    EXPECT_EQ(text.find(code), std::string::npos);
    EXPECT_EQ(text.find(invite), std::string::npos);
    EXPECT_EQ(text.find(newest), std::string::npos);
  }
}

TEST_F(EngineOrganizerTest, AParticipantsOnlyEventIsReadByParticipantsOnly) {
  const Participant olga = organizer();
  const Conn stranger = connect();
  ASSERT_EQ(subscribe(stranger).value("type", ""), "ack");
  const Participant ada = participant("Ada");
  ASSERT_EQ(subscribe(ada.conn).value("type", ""), "ack");
  ASSERT_EQ(command(olga.conn, domain::SetVisibility{domain::Visibility::participants}).value("type", ""), "ack");
  sync();
  EXPECT_TRUE(stranger->closed_with("this event is for participants only"));
  EXPECT_FALSE(ada.conn->closed_with("this event is for participants only"));
  const json refused = subscribe(connect());
  EXPECT_EQ(refused.value("code", ""), "not_joined") << refused.dump();
  EXPECT_EQ(refused.value("field", ""), "event");
  const Conn back = connect();
  ASSERT_EQ(auth(back, ada.secret).value("type", ""), "ack");
  EXPECT_EQ(subscribe(back).value("type", ""), "ack");
  EXPECT_EQ(snapshot()["board"]["event"]["visibility"], "participants");
}

TEST_F(EngineOrganizerTest, AnswersKeepTheOrderOfTheRequests) {
  const Conn c = connect();
  EngineTest::Hold hold(*engine_);
  ASSERT_TRUE(hold.held());
  const json join_id = post(c, protocol::Request{next_id(), protocol::JoinRequest{kSlug, "Ada", std::nullopt}});
  engine_->answer(c, protocol::encode_error(nullptr, make_error("bad_json", "not JSON")));
  hold.release();
  ASSERT_TRUE(c->wait_until([](const FakeSubscriber::Messages& ms) { return ms.size() >= 2; }));
  const auto ms = c->messages();
  EXPECT_EQ(ms[0].value("id", json()), join_id);
  EXPECT_EQ(ms[1].value("code", ""), "bad_json");
}

}  // namespace
}  // namespace boardwalk::test
