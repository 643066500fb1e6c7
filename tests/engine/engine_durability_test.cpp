// Group commit and storage faults: many commands from many threads all get acks with gap-free
// seqs; when the disk refuses a write, the request gets storage_error, nobody hears of the
// change, the board is as it was, and the engine recovers when the fault goes away.
#include <latch>
#include <set>
#include <thread>

#include "engine_fixture.hpp"
#include "storage/sqlite.hpp"

namespace boardwalk::test {
namespace {

using domain::Id;
using domain::Seq;

using EngineDurabilityTest = EngineTest;

TEST_F(EngineDurabilityTest, ManyCommandsFromManyThreadsAllGetAcksWithGapFreeSeqs) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  const Conn screen = connect();
  ASSERT_EQ(subscribe(screen)["type"], "ack");
  std::vector<Participant> people;
  for (int t = 0; t < kThreads; ++t) people.push_back(participant("P" + std::to_string(t)));
  const Seq base = setup_seq_ + kThreads;

  std::latch go(kThreads);
  std::vector<std::vector<json>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      go.arrive_and_wait();  // all threads submit at the same time
      for (int i = 0; i < kPerThread; ++i) {
        json id = "t" + std::to_string(t) + "-" + std::to_string(i);
        engine_->submit(people[static_cast<std::size_t>(t)].conn,
                        protocol::Request{
                            id, protocol::CommandRequest{domain::ProposeTopic{"Topic " + id.get<std::string>(), ""}}});
        ids[static_cast<std::size_t>(t)].push_back(std::move(id));
      }
    });
  }
  for (auto& th : threads) th.join();

  std::vector<Seq> all;
  for (int t = 0; t < kThreads; ++t) {
    const Participant& p = people[static_cast<std::size_t>(t)];
    Seq previous = 0;
    for (const json& id : ids[static_cast<std::size_t>(t)]) {
      const auto answer = p.conn->wait_answer(id);
      ASSERT_TRUE(answer) << id.dump();
      ASSERT_EQ((*answer)["type"], "ack") << answer->dump();
      const Seq seq = (*answer)["seq"].get<Seq>();
      EXPECT_GT(seq, previous) << "one connection's commands keep their order";
      previous = seq;
      all.push_back(seq);
      EXPECT_EQ(p.conn->answers_to(id), 1);
    }
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, range(base + 1, base + kThreads * kPerThread));

  const Seq last = base + kThreads * kPerThread;
  ASSERT_TRUE(screen->wait_change(last));
  sync();
  EXPECT_EQ(screen->change_seqs(), range(setup_seq_ + 1, last));
  EXPECT_EQ(snapshot()["board"]["topics"].size(), static_cast<std::size_t>(kThreads * kPerThread));

  // Everything acknowledged is stored, without gaps: a restart rebuilds the same board.
  const json before = snapshot();
  restart();
  EXPECT_EQ(snapshot(), before);
}

// Held writer: everything below is queued, then decided and committed as one group, rejections
// mixed in. Each accepted command gets the next seq in queue order; rejected ones use none.
TEST_F(EngineDurabilityTest, AQueuedGroupIsDecidedInOrderAndCommittedWithGapFreeSeqs) {
  const Participant ada = participant("Ada");
  const Participant bob = participant("Bob");
  const Conn screen = connect();
  ASSERT_EQ(subscribe(screen)["type"], "ack");
  std::vector<std::pair<Conn, json>> sent;
  {
    Hold hold(*engine_);
    ASSERT_TRUE(hold.held());
    for (int i = 0; i < 40; ++i) {
      const Participant& who = i % 2 == 0 ? ada : bob;
      sent.emplace_back(who.conn, post_command(who.conn, domain::ProposeTopic{"T" + std::to_string(i), ""}));
      if (i % 10 == 0) sent.emplace_back(who.conn, post_command(who.conn, domain::Vote{999}));  // rejected
      if (i == 20) sent.emplace_back(who.conn, post_command(who.conn, domain::Vote{1}));  // decided against the group
    }
  }
  Seq expected = setup_seq_ + 2;
  for (const auto& [conn, id] : sent) {
    const auto answer = conn->wait_answer(id);
    ASSERT_TRUE(answer) << id.dump();
    if ((*answer)["type"] == "error") {
      EXPECT_EQ((*answer)["code"], "not_found") << answer->dump();
      continue;
    }
    EXPECT_EQ((*answer)["seq"], ++expected) << answer->dump();
  }
  EXPECT_EQ(expected, setup_seq_ + 2 + 41);
  ASSERT_TRUE(screen->wait_change(expected));
  sync();
  EXPECT_EQ(screen->change_seqs(), range(setup_seq_ + 3, expected));
  EXPECT_EQ(snapshot()["board"]["topics"][0]["votes"], 1);
  EXPECT_EQ(auth(connect(), ada.secret)["me"]["votes"], json::array({1}));
}

class EngineStorageFaultTest : public EngineTest {
 protected:
  // A second connection to the same file changes the schema under the engine: safe with WAL,
  // and the engine's writer thread never shares a connection with the test.
  void set_fault(bool on) {
    auto side = storage::Connection::open(file_.path());
    ASSERT_TRUE(side) << side.error().message;
    const auto s = side->exec(on ? "CREATE TRIGGER fail_insert BEFORE INSERT ON events "
                                   "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
                                 : "DROP TRIGGER fail_insert");
    ASSERT_TRUE(s) << s.error().message;
  }
};

TEST_F(EngineStorageFaultTest, AFailedCommitIsAnErrorChangesNothingAndTheEngineRecovers) {
  const Conn screen = connect();
  ASSERT_EQ(subscribe(screen)["type"], "ack");
  const Participant ada = participant("Ada");
  const Id t1 = propose(ada, "Typing");
  ASSERT_TRUE(screen->wait_change(setup_seq_ + 2));
  sync();
  const json before = snapshot();
  const Seq seq = before["seq"].get<Seq>();
  const std::size_t seen = screen->size();

  set_fault(true);
  // One command alone, then several pipelined (decided against each other, committed as one
  // group that fails as a whole).
  const json alone = command(ada.conn, domain::ProposeTopic{"Lost", ""});
  EXPECT_EQ(alone["type"], "error") << alone.dump();
  EXPECT_EQ(alone["code"], "storage_error");
  EXPECT_FALSE(alone["message"].get<std::string>().empty());
  EXPECT_FALSE(alone.contains("seq"));
  std::vector<json> ids;
  ids.push_back(post_command(ada.conn, domain::Vote{t1}));
  ids.push_back(post_command(ada.conn, domain::ProposeTopic{"Lost too", ""}));
  ids.push_back(post_command(ada.conn, domain::ScheduleTopic{t1, 1, 1}));
  for (const auto& id : ids) {
    const auto answer = ada.conn->wait_answer(id);
    ASSERT_TRUE(answer) << id.dump();
    EXPECT_EQ((*answer)["code"], "storage_error") << answer->dump();
  }
  sync();
  EXPECT_EQ(screen->size(), seen) << "nobody may hear of a change that is not stored";
  EXPECT_TRUE(ada.conn->of_type("change").empty());
  EXPECT_EQ(snapshot(), before);  // the in-memory board is as it was

  set_fault(false);
  const json ok = command(ada.conn, domain::ProposeTopic{"Stored", ""});
  ASSERT_EQ(ok["type"], "ack") << ok.dump();
  EXPECT_EQ(ok["seq"], seq + 1);  // gap-free: the failed ones used up nothing
  EXPECT_EQ(ok["topic_id"], t1 + 1);
  ASSERT_TRUE(screen->wait_change(seq + 1));
  sync();
  EXPECT_EQ(screen->change_seqs(), range(setup_seq_ + 1, seq + 1));
  const json vote = command(ada.conn, domain::Vote{t1});
  EXPECT_EQ(vote["type"], "ack") << vote.dump();  // the failed vote really did not count
  EXPECT_EQ(vote["seq"], seq + 2);

  // Replay still serves exactly the stored changes, and so does a restart.
  const Conn late = connect();
  const json replay = subscribe(late, kSlug, seq - 1);
  EXPECT_EQ(replay["mode"], "replay");
  EXPECT_EQ(late->change_seqs(), range(seq, seq + 2));
  const json after = snapshot();
  restart();
  EXPECT_EQ(snapshot(), after);
}

TEST_F(EngineStorageFaultTest, AJoinThatCouldNotBeStoredDoesNotJoin) {
  set_fault(true);
  const Conn phone = connect();
  const json j = join(phone, "Ada");
  EXPECT_EQ(j["code"], "storage_error");
  EXPECT_FALSE(j.contains("secret"));
  EXPECT_EQ(command(phone, domain::ProposeTopic{"x", ""})["code"], "not_joined");
  EXPECT_EQ(current_seq(), setup_seq_);
  // The same, pipelined in one group: the command waits for the join's (failed) commit.
  std::vector<json> ids;
  {
    Hold hold(*engine_);
    ASSERT_TRUE(hold.held());
    ids.push_back(post(phone, {next_id(), protocol::JoinRequest{kSlug, "Ada", std::nullopt}}));
    ids.push_back(post_command(phone, domain::ProposeTopic{"x", ""}));
  }
  ASSERT_TRUE(phone->wait_answer(ids[0]));
  ASSERT_TRUE(phone->wait_answer(ids[1]));
  EXPECT_EQ((*phone->wait_answer(ids[0]))["code"], "storage_error");
  EXPECT_EQ((*phone->wait_answer(ids[1]))["code"], "not_joined");
  EXPECT_EQ(current_seq(), setup_seq_);
  set_fault(false);
  const json again = join(phone, "Ada");
  ASSERT_EQ(again["type"], "ack") << again.dump();
  EXPECT_EQ(again["seq"], setup_seq_ + 1);
  EXPECT_EQ(again["participant"]["id"], 1);
}

TEST_F(EngineStorageFaultTest, AFaultInOneEventLeavesOtherEventsAndRejectionsAlone) {
  const Participant ada = participant("Ada");
  set_fault(true);
  // A rejection needs no storage: it is answered with its own code, not storage_error.
  EXPECT_EQ(command(ada.conn, domain::Vote{42})["code"], "not_found");
  EXPECT_EQ(command(ada.conn, domain::ProposeTopic{"x", ""})["code"], "storage_error");
  // Subscribing and reading keep working while writes fail.
  const Conn screen = connect();
  EXPECT_EQ(subscribe(screen, kOther)["mode"], "snapshot");
  set_fault(false);
  EXPECT_EQ(command(ada.conn, domain::ProposeTopic{"x", ""})["type"], "ack");
}

}  // namespace
}  // namespace boardwalk::test
