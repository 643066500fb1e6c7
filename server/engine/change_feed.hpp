// Every committed change of one event, as the text clients receive: one JSON object per line,
// each line ending in '\n', in seq order, addressed by byte offset since the feed was created.
//
// Fan-out works by pulling, not pushing: the writer thread appends each change once, and every
// connection copies from its own offset when it is ready to write, whatever number of changes
// that covers. So a change costs one append however many subscribers there are, and a busy
// client costs one frame per write, not one per change.
//
// The feed keeps only the newest `retain_bytes` (plus one chunk): a reader further behind than
// that is too slow and must resync by seq (read() tells it so). Thread-safe: one appender, any
// number of readers.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace boardwalk::engine {

class ChangeFeed {
 public:
  using Offset = std::uint64_t;

  explicit ChangeFeed(std::size_t retain_bytes);

  // Adds `line` (one JSON object, without a newline) and a '\n' after it.
  void append(std::string_view line);

  // One past the last byte appended; cheap, lock-free.
  [[nodiscard]] Offset end() const { return end_.load(std::memory_order_acquire); }
  // The oldest byte still held.
  [[nodiscard]] Offset begin() const;

  struct Read {
    Offset next = 0;    // where the next read starts (the end of what was copied)
    bool lost = false;  // `from` was already dropped: nothing copied, the reader must resync
  };
  // Appends the bytes [from, end()) to `out`: whole lines, since `from` is always the end of an
  // earlier read or append. from == end() copies nothing.
  Read read(Offset from, std::string& out) const;

  // The same bytes without copying: pieces of the feed's own storage, each holding its chunk
  // alive, so a connection can hand them to the socket as they are. Bytes once appended never
  // change, so a piece stays valid as long as it is held.
  struct Piece {
    std::shared_ptr<const void> keep;
    std::string_view bytes;
  };
  Read view(Offset from, std::vector<Piece>& out) const;

 private:
  struct Chunk {
    Offset start = 0;
    std::size_t size = 0;  // bytes written; guarded by mutex_ (readers take a view below it)
    std::size_t capacity = 0;
    std::unique_ptr<char[]> bytes;
  };
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  const std::size_t retain_bytes_;
  mutable std::mutex mutex_;
  // Contiguous: each starts where the one before it ends. The appender only writes past a
  // chunk's `size`, never below it, so readers use the bytes below it without the lock.
  std::deque<std::shared_ptr<Chunk>> chunks_;
  std::atomic<Offset> end_{0};
};

}  // namespace boardwalk::engine
