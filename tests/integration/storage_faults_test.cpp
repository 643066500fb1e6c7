// Storage faults against the real binary: a read-only database, a database another process
// holds locked, and a full disk. Each gives a clear error and no acknowledgement for what was
// not stored, corrupts nothing, and the server recovers once the fault is gone.
// (Full disk and read-only file system use a real tmpfs and need root; they skip otherwise.)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "http_get.hpp"
#include "server_process.hpp"
#include "storage_probe.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

json board(unsigned short port) { return json::parse(http_request(port, "/api/events/demo").body); }

std::set<std::string> titles(const json& snapshot) {
  std::set<std::string> out;
  for (const auto& t : snapshot["board"]["topics"]) out.insert(t["title"].get<std::string>());
  return out;
}

// The answer to the request just sent, waiting up to `timeout` (the busy timeout is 5 s).
json answer(WsClient& c, long long id, std::chrono::seconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = c.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (((*m)["type"] == "ack" || (*m)["type"] == "error") && (*m)["id"] == id) return *m;
  }
  return json{{"type", "no answer"}};
}

json propose(WsClient& c, long long id, const std::string& title, const std::string& description = "") {
  json req = {{"type", "propose_topic"}, {"id", id}, {"title", title}};
  if (!description.empty()) req["description"] = description;
  c.send(req);
  return answer(c, id);
}

void expect_gap_free(const std::string& db_path, long long last) {
  const auto seqs = stored_seqs(db_path, "demo");
  ASSERT_EQ(static_cast<long long>(seqs.size()), last);
  for (std::size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], static_cast<long long>(i) + 1);
}

TEST(StorageFaults, ReadOnlyDatabaseRefusesToStartWithAClearMessageAndRecovers) {
  const bool root = geteuid() == 0;
  std::unique_ptr<TmpfsMount> fs;
  std::unique_ptr<TempDb> temp;
  std::string path;
  if (root) {  // root ignores file permissions: make the file system itself read-only
    fs = std::make_unique<TmpfsMount>("8m");
    if (!fs->mounted()) GTEST_SKIP() << fs->why_not();
    path = fs->dir() + "/board.db";
  } else {
    temp = std::make_unique<TempDb>();
    path = temp->path();
  }
  long long seq = 0;
  {
    ServerProcess first(path);
    seq = board(first.port())["seq"];
    ASSERT_EQ(first.stop(), 0);
  }
  if (root) {
    ASSERT_TRUE(fs->remount(true));
  } else {
    ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  }
  try {
    ServerProcess refused(path);
    FAIL() << "the server started on a read-only database:\n" << refused.output();
  } catch (const std::runtime_error& e) {
    const std::string out = e.what();
    EXPECT_NE(out.find("exited during start-up"), std::string::npos) << out;
    EXPECT_TRUE(out.find("read-only") != std::string::npos || out.find("Read-only") != std::string::npos) << out;
  }
  // Writable again: it serves the same board.
  if (root) {
    ASSERT_TRUE(fs->remount(false));
  } else {
    ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  }
  ServerProcess again(path);
  EXPECT_EQ(board(again.port())["seq"], seq);
  WsClient c(again.port());
  c.request({{"type", "join"}, {"event", "demo"}, {"name", "Back"}});
  EXPECT_EQ(propose(c, 100, "after read-only")["type"], "ack");
  EXPECT_EQ(again.stop(), 0);
  EXPECT_EQ(integrity_check(path), "ok");
}

TEST(StorageFaults, LockedDatabaseGivesStorageErrorThenRecovers) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient watcher(server.port());
  watcher.request({{"type", "subscribe"}, {"event", "demo"}});
  WsClient c(server.port());
  c.request({{"type", "join"}, {"event", "demo"}, {"name", "Locked out"}});
  const json first = propose(c, 100, "before the lock");
  ASSERT_EQ(first["type"], "ack") << first;
  const long long s1 = first["seq"];

  {
    WriteLockHolder other(db.path());  // another process's write transaction
    ASSERT_TRUE(other.holding());
    const auto t0 = std::chrono::steady_clock::now();
    const json blocked = propose(c, 101, "while locked");
    const auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(blocked["type"], "error") << blocked;
    EXPECT_EQ(blocked["code"], "storage_error") << blocked;
    EXPECT_GE(waited, std::chrono::seconds(4)) << "the server waits its busy timeout before giving up";
    // Nothing changed: not in memory, not served.
    const json b = board(server.port());
    EXPECT_EQ(b["seq"], s1);
    EXPECT_FALSE(titles(b).contains("while locked"));
  }
  // Released: the next command is stored with the next seq (the failed one used none).
  const json after = propose(c, 102, "after the lock");
  ASSERT_EQ(after["type"], "ack") << after;
  EXPECT_EQ(after["seq"], s1 + 1);
  // Subscribers saw exactly the stored changes: the failed one was never broadcast.
  const auto seen = watcher.changes_until(s1 + 1);
  std::vector<std::string> kinds_titles;
  for (const auto& m : seen) {
    if (m["kind"] == "topic_proposed") kinds_titles.push_back(m["topic"]["title"]);
  }
  EXPECT_EQ(kinds_titles, (std::vector<std::string>{"before the lock", "after the lock"}));

  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(integrity_check(db.path()), "ok");
  expect_gap_free(db.path(), s1 + 1);
  ServerProcess restarted(db.path());
  const auto t = titles(board(restarted.port()));
  EXPECT_TRUE(t.contains("before the lock"));
  EXPECT_TRUE(t.contains("after the lock"));
  EXPECT_FALSE(t.contains("while locked"));
}

TEST(StorageFaults, FullDiskGivesStorageErrorAcknowledgesOnlyWhatIsStoredAndRecovers) {
  TmpfsMount fs("4m");
  if (!fs.mounted()) GTEST_SKIP() << fs.why_not();
  const std::string path = fs.dir() + "/board.db";
  std::vector<std::string> acked;
  std::string failed;
  long long last_acked = 0;
  {
    ServerProcess server(path, {"--rate-per-connection", "0", "--rate-per-participant", "0"});
    WsClient c(server.port());
    last_acked = c.request({{"type", "join"}, {"event", "demo"}, {"name", "Filler"}})["seq"];
    ASSERT_GT(fs.fill("filler"), 0);
    // Each topic carries a 2,000-character description, so the log outgrows any space the
    // WAL already had within a bounded number of commits.
    const std::string description(2000, 'd');
    json error;
    for (int i = 0; i < 3000 && failed.empty(); ++i) {
      const std::string title = "full " + std::to_string(i);
      const json a = propose(c, 1000 + i, title, description);
      if (a["type"] == "ack") {
        acked.push_back(title);
        last_acked = a["seq"];
      } else {
        failed = title;
        error = a;
      }
    }
    ASSERT_FALSE(failed.empty()) << "the disk never filled up";
    EXPECT_EQ(error["type"], "error") << error;
    EXPECT_EQ(error["code"], "storage_error") << error;
    // The log names the cause (the line may reach the pipe a moment after the answer).
    const auto log_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (server.output().find("database or disk is full") == std::string::npos &&
           std::chrono::steady_clock::now() < log_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_NE(server.output().find("database or disk is full"), std::string::npos) << server.output();
    const json b = board(server.port());
    EXPECT_EQ(b["seq"], last_acked);
    EXPECT_FALSE(titles(b).contains(failed));
    // Still full: still refused, still alive.
    EXPECT_EQ(propose(c, 9000, "still full", description)["code"], "storage_error");
    EXPECT_EQ(http_request(server.port(), "/healthz").status, 200);

    // Space again: the server recovers without a restart.
    std::filesystem::remove(fs.dir() + "/filler");
    const json a = propose(c, 9001, "space again", description);
    ASSERT_EQ(a["type"], "ack") << a;
    EXPECT_EQ(a["seq"], last_acked + 1);
    acked.push_back("space again");
    last_acked = a["seq"];
    EXPECT_EQ(server.stop(), 0);
  }
  EXPECT_EQ(integrity_check(path), "ok");
  expect_gap_free(path, last_acked);
  ServerProcess restarted(path);
  const json b = board(restarted.port());
  EXPECT_EQ(b["seq"], last_acked);
  const auto t = titles(b);
  for (const auto& title : acked) EXPECT_TRUE(t.contains(title)) << title;
  EXPECT_FALSE(t.contains(failed));
  EXPECT_FALSE(t.contains("still full"));
}

}  // namespace
}  // namespace boardwalk::testing
