#include "engine/change_feed.hpp"

#include <algorithm>
#include <cstring>

namespace boardwalk::engine {

ChangeFeed::ChangeFeed(std::size_t retain_bytes) : retain_bytes_(retain_bytes) {}

void ChangeFeed::append(std::string_view line) {
  std::lock_guard lock(mutex_);
  // Chunks stay near kChunkBytes so that dropping old bytes frees memory in steps; a chunk never
  // moves or grows, so what readers hold stays valid.
  const std::size_t need = line.size() + 1;
  if (chunks_.empty() || chunks_.back()->size + need > chunks_.back()->capacity) {
    auto fresh = std::make_shared<Chunk>();
    fresh->start = end_.load(std::memory_order_relaxed);
    fresh->capacity = std::max(kChunkBytes, need);
    fresh->bytes = std::make_unique_for_overwrite<char[]>(fresh->capacity);
    chunks_.push_back(std::move(fresh));
  }
  Chunk& chunk = *chunks_.back();
  std::memcpy(chunk.bytes.get() + chunk.size, line.data(), line.size());
  chunk.bytes[chunk.size + line.size()] = '\n';
  chunk.size += need;
  end_.store(chunk.start + chunk.size, std::memory_order_release);
  // Drop whole chunks no reader within the retained window can still need (a reader still
  // writing from one keeps it alive through its Piece).
  while (chunks_.size() > 1 && end_.load(std::memory_order_relaxed) - chunks_[1]->start >= retain_bytes_) {
    chunks_.pop_front();
  }
}

ChangeFeed::Offset ChangeFeed::begin() const {
  std::lock_guard lock(mutex_);
  return chunks_.empty() ? end_.load(std::memory_order_relaxed) : chunks_.front()->start;
}

ChangeFeed::Read ChangeFeed::view(Offset from, std::vector<Piece>& out) const {
  std::lock_guard lock(mutex_);
  const Offset end = end_.load(std::memory_order_relaxed);
  if (from >= end) return Read{end, from > end};
  if (chunks_.empty() || from < chunks_.front()->start) return Read{from, true};
  // The chunk holding `from`: the last one starting at or before it.
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), from,
                             [](Offset offset, const std::shared_ptr<Chunk>& chunk) { return offset < chunk->start; });
  --it;
  auto skip = static_cast<std::size_t>(from - (*it)->start);
  for (; it != chunks_.end(); ++it, skip = 0) {
    const Chunk& chunk = **it;
    if (chunk.size > skip) out.push_back(Piece{*it, std::string_view(chunk.bytes.get() + skip, chunk.size - skip)});
  }
  return Read{end, false};
}

ChangeFeed::Read ChangeFeed::read(Offset from, std::string& out) const {
  std::vector<Piece> pieces;
  const Read result = view(from, pieces);
  for (const auto& piece : pieces) out.append(piece.bytes);
  return result;
}

}  // namespace boardwalk::engine
