#include "engine/change_feed.hpp"

#include <algorithm>

namespace boardwalk::engine {

ChangeFeed::ChangeFeed(std::size_t retain_bytes) : retain_bytes_(retain_bytes) {}

void ChangeFeed::append(std::string_view line) {
  std::lock_guard lock(mutex_);
  // Chunks stay near kChunkBytes so that dropping old bytes frees memory in steps, and no
  // string ever grows by copying everything held.
  if (chunks_.empty() || chunks_.back().bytes.size() + line.size() + 1 > kChunkBytes) {
    Chunk fresh;
    fresh.start = end_.load(std::memory_order_relaxed);
    fresh.bytes.reserve(std::max(kChunkBytes, line.size() + 1));
    chunks_.push_back(std::move(fresh));
  }
  auto& bytes = chunks_.back().bytes;
  bytes.append(line);
  bytes.push_back('\n');
  end_.store(chunks_.back().start + bytes.size(), std::memory_order_release);
  // Drop whole chunks no reader within the retained window can still need.
  while (chunks_.size() > 1 && end_.load(std::memory_order_relaxed) - chunks_[1].start >= retain_bytes_) {
    chunks_.pop_front();
  }
}

ChangeFeed::Offset ChangeFeed::begin() const {
  std::lock_guard lock(mutex_);
  return chunks_.empty() ? end_.load(std::memory_order_relaxed) : chunks_.front().start;
}

ChangeFeed::Read ChangeFeed::read(Offset from, std::string& out) const {
  std::lock_guard lock(mutex_);
  const Offset end = end_.load(std::memory_order_relaxed);
  if (from >= end) return Read{end, from > end};
  if (chunks_.empty() || from < chunks_.front().start) return Read{from, true};
  // The chunk holding `from`: the last one starting at or before it.
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), from,
                             [](Offset offset, const Chunk& chunk) { return offset < chunk.start; });
  --it;
  std::size_t size = 0;
  for (auto c = it; c != chunks_.end(); ++c) size += c->bytes.size();
  out.reserve(out.size() + size - static_cast<std::size_t>(from - it->start));
  out.append(it->bytes, static_cast<std::size_t>(from - it->start));
  for (++it; it != chunks_.end(); ++it) out.append(it->bytes);
  return Read{end, false};
}

}  // namespace boardwalk::engine
