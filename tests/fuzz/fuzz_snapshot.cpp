// libFuzzer target: protocol::decode_board_state (stored board snapshots, read at start-up) on
// arbitrary bodies. The input is the part after the "BWBS" magic and before the checksum; the
// target adds both, so the fuzzer explores the decoder itself instead of failing the checksum.
// It must never crash, hang or trip a sanitizer, and a body it accepts must be canonical:
// encoding the decoded board gives back the same bytes (so a snapshot means one board). The two
// findings so far (unsorted hash-map keys, a number over 64 bits silently cut) are fixed, and
// their inputs are in the seed corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/board_state_codec.hpp"

namespace {

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string body = "BWBS";
  body.append(reinterpret_cast<const char*>(data), size);
  const std::uint64_t sum = fnv1a(body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>(sum >> (8 * i)));
  const auto board = boardwalk::protocol::decode_board_state(body);
  if (!board) {
    if (board.error().message.empty()) std::abort();
    return 0;
  }
  if (boardwalk::protocol::encode_board_state(*board) != body) std::abort();
  return 0;
}
