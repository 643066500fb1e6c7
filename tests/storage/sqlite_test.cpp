// The RAII wrappers: a Connection owns its handle, a Statement owns its prepared statement and
// finalizes it, a Transaction rolls back unless committed. All on ":memory:" databases except
// where a file is the point.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "storage/sqlite.hpp"
#include "temp_db.hpp"

namespace boardwalk::test {
namespace {

using storage::Connection;
using storage::Statement;
using storage::Transaction;

Connection memory_db() {
  auto db = Connection::open(":memory:");
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

std::int64_t count_rows(const Connection& db, const std::string& table) {
  auto q = Statement::prepare(db, "SELECT COUNT(*) FROM " + table);
  if (!q) throw std::runtime_error(q.error().message);
  auto row = q->step();
  if (!row || !*row) throw std::runtime_error("no count");
  return q->column_int(0);
}

int open_statements(const Connection& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.handle(), s)) {
    ++n;
  }
  return n;
}

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
  }
  Connection db = memory_db();
};

// --- Connection ---------------------------------------------------------------------------

TEST(ConnectionTest, OpenCreatesAFileAndMoveTransfersOwnership) {
  TempDb file;
  auto db = Connection::open(file.path());
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_NE(db->handle(), nullptr);
  ASSERT_TRUE(db->exec("CREATE TABLE x (a INTEGER)"));
  EXPECT_TRUE(std::filesystem::exists(file.path()));

  sqlite3* const raw = db->handle();
  Connection moved(std::move(*db));
  EXPECT_EQ(moved.handle(), raw);
  EXPECT_EQ(db->handle(), nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state is the point

  Connection other = memory_db();
  other = std::move(moved);  // closes other's old handle, takes over the file connection
  EXPECT_EQ(other.handle(), raw);
  EXPECT_TRUE(other.exec("INSERT INTO x VALUES (1)"));
}

TEST(ConnectionTest, OpenFailureIsAClearStorageError) {
  auto db = Connection::open("/nonexistent-dir-boardwalk/sub/x.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "storage_error");
  EXPECT_NE(db.error().message.find("/nonexistent-dir-boardwalk/sub/x.db"), std::string::npos)
      << db.error().message;
}

TEST(ConnectionTest, ReadOnlyConnectionRefusesWrites) {
  TempDb file;
  {
    auto db = Connection::open(file.path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE x (a INTEGER)"));
  }
  auto ro = Connection::open(file.path(), /*read_only=*/true);
  ASSERT_TRUE(ro) << ro.error().message;
  auto s = ro->exec("INSERT INTO x VALUES (1)");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "storage_error");
  EXPECT_NE(s.error().message.find("readonly"), std::string::npos) << s.error().message;
}

TEST_F(SqliteTest, ExecReportsTheSqliteMessage) {
  auto s = db.exec("INSERT INTO no_such_table VALUES (1)");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "storage_error");
  EXPECT_NE(s.error().message.find("no_such_table"), std::string::npos) << s.error().message;
}

// --- Statement ----------------------------------------------------------------------------

TEST_F(SqliteTest, StatementIsFinalizedWhenItGoesOutOfScope) {
  EXPECT_EQ(open_statements(db), 0);
  {
    auto q = Statement::prepare(db, "SELECT k, v FROM t");
    ASSERT_TRUE(q);
    EXPECT_EQ(open_statements(db), 1);
    Statement moved(std::move(*q));  // the moved-from one owns nothing and finalizes nothing
    EXPECT_EQ(open_statements(db), 1);
    auto row = moved.step();
    ASSERT_TRUE(row);
    EXPECT_FALSE(*row);
  }
  EXPECT_EQ(open_statements(db), 0);
}

TEST_F(SqliteTest, PrepareFailureIsAnErrorNamingTheProblem) {
  auto q = Statement::prepare(db, "SELEKT 1");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, "storage_error");
  EXPECT_NE(q.error().message.find("syntax error"), std::string::npos) << q.error().message;
  EXPECT_EQ(open_statements(db), 0);
}

TEST_F(SqliteTest, BindStepColumnRoundTripIncludingEmbeddedNul) {
  auto insert = Statement::prepare(db, "INSERT INTO t (k, v) VALUES (?1, ?2)");
  ASSERT_TRUE(insert);
  const std::string with_nul("a\0b\xC3\xA9", 5);
  insert->bind(1, std::int64_t{1}).bind(2, std::string_view(with_nul));
  auto done = insert->step();
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_FALSE(*done);
  insert->reset();
  insert->bind(1, std::int64_t{9007199254740993}).bind(2, std::string_view("big"));
  ASSERT_TRUE(insert->step());

  auto q = Statement::prepare(db, "SELECT k, v FROM t ORDER BY k");
  ASSERT_TRUE(q);
  auto row = q->step();
  ASSERT_TRUE(row);
  ASSERT_TRUE(*row);
  EXPECT_EQ(q->column_int(0), 1);
  EXPECT_EQ(q->column_text(1), with_nul);
  row = q->step();
  ASSERT_TRUE(row);
  ASSERT_TRUE(*row);
  EXPECT_EQ(q->column_int(0), std::int64_t{9007199254740993});
  EXPECT_EQ(q->column_text(1), "big");
  row = q->step();
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
}

TEST_F(SqliteTest, StepErrorLeavesTheStatementReusable) {
  auto insert = Statement::prepare(db, "INSERT INTO t (k, v) VALUES (?1, ?2)");
  ASSERT_TRUE(insert);
  insert->bind(1, std::int64_t{1}).bind(2, std::string_view("one"));
  ASSERT_TRUE(insert->step());
  insert->reset();
  insert->bind(1, std::int64_t{1}).bind(2, std::string_view("dup"));
  auto dup = insert->step();
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "storage_error");
  EXPECT_NE(dup.error().message.find("UNIQUE"), std::string::npos) << dup.error().message;
  insert->reset();
  insert->bind(1, std::int64_t{2}).bind(2, std::string_view("two"));
  auto ok = insert->step();
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(count_rows(db, "t"), 2);
}

TEST_F(SqliteTest, ResetClearsBindings) {
  auto q = Statement::prepare(db, "SELECT ?1 IS NULL");
  ASSERT_TRUE(q);
  q->bind(1, std::int64_t{5});
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->column_int(0), 0);
  q->reset();
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->column_int(0), 1);
}

// --- Transaction --------------------------------------------------------------------------

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx) << tx.error().message;
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1, 'lost')"));
    EXPECT_EQ(count_rows(db, "t"), 1);  // visible inside the transaction
  }
  EXPECT_EQ(count_rows(db, "t"), 0);
  EXPECT_TRUE(sqlite3_get_autocommit(db.handle()));

  {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (2, 'kept')"));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(count_rows(db, "t"), 1);
  EXPECT_TRUE(sqlite3_get_autocommit(db.handle()));
}

TEST_F(SqliteTest, MovedTransactionRollsBackExactlyOnce) {
  {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1, 'a')"));
    Transaction moved(std::move(*tx));
  }  // the moved-to one rolls back; the moved-from one does nothing
  EXPECT_EQ(count_rows(db, "t"), 0);
  EXPECT_TRUE(sqlite3_get_autocommit(db.handle()));
  // The connection is usable for a new transaction.
  auto tx = Transaction::begin(db);
  ASSERT_TRUE(tx);
  ASSERT_TRUE(db.exec("INSERT INTO t VALUES (3, 'c')"));
  ASSERT_TRUE(tx->commit());
  EXPECT_EQ(count_rows(db, "t"), 1);
}

TEST_F(SqliteTest, NestedBeginIsRefusedAndTheOuterTransactionIsUnharmed) {
  auto outer = Transaction::begin(db);
  ASSERT_TRUE(outer);
  ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1, 'a')"));
  {
    auto inner = Transaction::begin(db);
    ASSERT_FALSE(inner);
    EXPECT_EQ(inner.error().code, "storage_error");
  }
  ASSERT_TRUE(outer->commit());
  EXPECT_EQ(count_rows(db, "t"), 1);
}

TEST(TransactionFileTest, BeginImmediateTakesTheWriteLock) {
  TempDb file;
  auto a = Connection::open(file.path());
  auto b = Connection::open(file.path());
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->exec("PRAGMA journal_mode=WAL"));
  ASSERT_TRUE(a->exec("CREATE TABLE t (k INTEGER)"));
  sqlite3_busy_timeout(b->handle(), 0);  // fail at once instead of waiting 5 s
  auto tx = Transaction::begin(*a);
  ASSERT_TRUE(tx);
  auto other = Transaction::begin(*b);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("locked"), std::string::npos) << other.error().message;
  ASSERT_TRUE(tx->commit());
  auto after = Transaction::begin(*b);
  EXPECT_TRUE(after);
}

}  // namespace
}  // namespace boardwalk::test
