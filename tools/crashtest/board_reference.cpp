#include "board_reference.hpp"

#include <sqlite3.h>

#include <exception>
#include <memory>

#include "domain/board.hpp"
#include "protocol/codec.hpp"

namespace boardwalk::tools {
namespace {

using nlohmann::json;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct Finalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

}  // namespace

Result<Reference> build_reference(const std::string& db_path, const std::string& slug,
                                  const std::set<std::int64_t>& snapshot_seqs) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, CloseDb> db(raw);
  if (rc != SQLITE_OK) {
    return make_error("storage_error", "cannot open " + db_path + " read-only: " + sqlite3_errstr(rc));
  }
  sqlite3_busy_timeout(db.get(), 10000);
  if (sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return make_error("storage_error", std::string("BEGIN: ") + sqlite3_errmsg(db.get()));
  }
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT seq, body FROM events WHERE slug = ?1 ORDER BY seq", -1, &q, nullptr) !=
      SQLITE_OK) {
    return make_error("storage_error", std::string("prepare: ") + sqlite3_errmsg(db.get()));
  }
  std::unique_ptr<sqlite3_stmt, Finalize> query(q);
  sqlite3_bind_text(q, 1, slug.c_str(), -1, SQLITE_TRANSIENT);

  Reference ref;
  domain::Board board;
  const auto want_snapshot = [&](std::int64_t seq) {
    if (snapshot_seqs.contains(seq)) ref.snapshots[seq] = protocol::encode_snapshot(board);
  };
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(q)) == SQLITE_ROW) {
    const std::int64_t seq = sqlite3_column_int64(q, 0);
    if (seq != ref.last_seq + 1) {
      return make_error("invalid_value", "the log of '" + slug + "' jumps from seq " + std::to_string(ref.last_seq) +
                                             " to " + std::to_string(seq));
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
    const json body = json::parse(text == nullptr ? "" : text, nullptr, false);
    if (body.is_discarded())
      return make_error("invalid_value", "stored change " + std::to_string(seq) + " is not JSON");
    auto change = protocol::decode_change(body);
    if (!change)
      return make_error(change.error().code, "stored change " + std::to_string(seq) + ": " + change.error().message);
    try {
      board.apply(*change);  // throws only on a seq out of order: a broken log
    } catch (const std::exception& e) {
      return make_error("invalid_value", "applying stored change " + std::to_string(seq) + ": " + e.what());
    }
    ref.changes.push_back(protocol::encode_change(*change, slug, protocol::Audience::clients));
    ref.last_seq = seq;
    want_snapshot(seq);
  }
  if (step != SQLITE_DONE)
    return make_error("storage_error", std::string("reading the log: ") + sqlite3_errmsg(db.get()));
  for (const auto seq : snapshot_seqs) {
    if (seq > ref.last_seq) {
      return make_error("invalid_value", "a client saw seq " + std::to_string(seq) + " but the log ends at " +
                                             std::to_string(ref.last_seq));
    }
  }
  ref.snapshots[ref.last_seq] = protocol::encode_snapshot(board);
  return ref;
}

}  // namespace boardwalk::tools
