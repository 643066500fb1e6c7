#include "board_loader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "protocol/board_state_codec.hpp"
#include "protocol/codec.hpp"

namespace boardwalk::engine {

using nlohmann::json;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Error log_error(const std::string& slug, const std::string& what) {
  return make_error("storage_error", "event " + slug + ": " + what);
}

Result<domain::Seq> last_stored_seq(storage::Store& store, const std::string& slug) {
  auto heads = store.events();
  if (!heads) return heads.error();
  for (const auto& h : *heads) {
    if (h.slug == slug) return h.last_seq;
  }
  return domain::Seq{0};
}

// Replays onto `start` the changes after its seq, up to the end of the log. Rows from
// `window_first` on also become client frames; the rows of the window that the start board
// already holds are only decoded for their frames, so one ordered read covers both.
Result<LoadedBoard> replay(storage::Store& store, const std::string& slug, domain::Board start,
                           domain::Seq window_first) {
  LoadedBoard out{std::move(start), {}, 1};
  const domain::Seq from = out.board.seq();
  domain::Seq expected = std::min(from, window_first - 1) + 1;
  auto status = store.for_each_change(slug, expected - 1, [&](const storage::StoredChange& stored) -> Status {
    if (stored.seq != expected) return log_error(slug, "gap in the log before seq " + std::to_string(stored.seq));
    ++expected;
    const json j = json::parse(stored.body, nullptr, false);
    if (j.is_discarded()) return log_error(slug, "unreadable change " + std::to_string(stored.seq));
    auto change = protocol::decode_change(j);
    if (!change) return log_error(slug, "change " + std::to_string(stored.seq) + ": " + change.error().message);
    if (change->seq != stored.seq)
      return log_error(slug,
                       "change stored as seq " + std::to_string(stored.seq) + " says " + std::to_string(change->seq));
    if (change->seq > from) {
      // apply() trusts that the change was decided on this very board; a board from a
      // snapshot that is not what the log built could make it throw: an error, not a crash.
      try {
        out.board.apply(*change);
      } catch (const std::exception& e) {
        return log_error(slug, "change " + std::to_string(change->seq) + " does not apply: " + e.what());
      }
    }
    if (change->seq >= window_first) {
      bool replayable = true;
      auto frame = protocol::encode_change(*change, slug, protocol::Audience::clients, replayable);
      if (replayable) {
        out.recent.push_back(protocol::make_frame(dump(frame)));
      } else {
        // Stored before changes carried their public counts: clients that missed it get a
        // snapshot instead, so the window starts after it.
        out.recent.clear();
      }
    }
    return Ok{};
  });
  if (!status) return status.error();
  out.recent_first = out.board.seq() - static_cast<domain::Seq>(out.recent.size()) + 1;
  return out;
}

// The newest snapshot that decodes, at or below `last`; older ones are tried when a newer one
// is unreadable. `saw_bad` tells the caller to store a good one in its place.
std::optional<domain::Board> newest_readable_snapshot(storage::Store& store, const std::string& slug, domain::Seq last,
                                                      bool& saw_bad) {
  for (domain::Seq at_most = last; at_most > 0;) {
    auto found = store.latest_snapshot(slug, at_most);
    if (!found) {
      spdlog::warn("event '{}': cannot read board snapshots ({}); replaying the whole log", slug,
                   found.error().message);
      return std::nullopt;
    }
    if (!*found) return std::nullopt;
    const storage::StoredSnapshot& snap = **found;
    auto board = protocol::decode_board_state(snap.body);
    if (board && board->seq() == snap.seq) return std::move(*board);
    spdlog::warn("event '{}': board snapshot at seq {} is unusable ({}); trying an older one or the whole log", slug,
                 snap.seq, board ? "it holds seq " + std::to_string(board->seq()) : board.error().message);
    saw_bad = true;
    at_most = snap.seq - 1;
  }
  return std::nullopt;
}

void save(storage::Store& store, const std::string& slug, const domain::Board& board, domain::UnixTime now) {
  const std::string body = protocol::encode_board_state(board);
  if (auto saved = store.save_snapshot(slug, board.seq(), body, now); !saved) {
    spdlog::warn("event '{}': board snapshot at seq {} not stored ({}); the log still has every change", slug,
                 board.seq(), saved.error().message);
    store.note_snapshot_attempt(slug, board.seq());
    return;
  }
  spdlog::debug("event '{}': stored a board snapshot at seq {} ({} bytes)", slug, board.seq(), body.size());
}

}  // namespace

Result<LoadedBoard> load_board(storage::Store& store, const std::string& slug, const LoadOptions& options) {
  auto last = last_stored_seq(store, slug);
  if (!last) return last.error();
  const auto window = static_cast<domain::Seq>(std::max<std::size_t>(options.replay_window, 1));
  const domain::Seq window_first = std::max<domain::Seq>(1, *last - window + 1);

  // Never written by boardwalk (it stores a snapshot only after its changes are committed),
  // but a log restored without its snapshots would leave some: they must not be used later.
  if (auto newest = store.newest_snapshot_seq(slug); newest && *newest > *last) {
    spdlog::warn("event '{}': board snapshot at seq {} is ahead of the log (seq {}); dropping it", slug, *newest,
                 *last);
    if (auto dropped = store.drop_snapshots_after(slug, *last); !dropped) {
      spdlog::warn("event '{}': cannot drop it: {}", slug, dropped.error().message);
    }
  }
  bool saw_bad = false;
  domain::Seq base = 0;  // the seq the replay started from
  std::optional<Result<LoadedBoard>> loaded;
  if (auto snapshot = newest_readable_snapshot(store, slug, *last, saw_bad)) {
    base = snapshot->seq();
    loaded = replay(store, slug, std::move(*snapshot), window_first);
    if (!*loaded) {
      spdlog::warn("event '{}': the log does not continue the board snapshot at seq {} ({}); replaying the whole log",
                   slug, base, loaded->error().message);
      saw_bad = true;
      base = 0;
      loaded.reset();
    }
  }
  if (!loaded) loaded = replay(store, slug, domain::Board{}, window_first);
  if (!*loaded) return std::move(*loaded);

  // A long replay (a database from before snapshots, or an interval's worth of changes after
  // a kill) or a bad snapshot: store a good one now, so that the next start is fast again.
  const domain::Board& board = loaded->value().board;
  const domain::Seq replayed = board.seq() - base;
  spdlog::debug("event '{}': loaded from seq {} plus {} change(s)", slug, base, replayed);
  const auto interval = static_cast<domain::Seq>(options.snapshot_interval);
  if (board.seq() > 0 && (saw_bad || (interval > 0 && replayed >= interval))) {
    save(store, slug, board, options.now);
  }
  return std::move(*loaded);
}

void store_snapshot_if_due(storage::Store& store, const std::string& slug, const domain::Board& board,
                           std::size_t interval, domain::UnixTime now) {
  auto newest = store.newest_snapshot_seq(slug);
  if (!newest) {
    spdlog::warn("event '{}': cannot read board snapshots: {}", slug, newest.error().message);
    return;
  }
  if (interval == 0 || board.seq() <= 0 || board.seq() - *newest < static_cast<domain::Seq>(interval)) return;
  save(store, slug, board, now);
}

}  // namespace boardwalk::engine
