// Client-side WebSocket (RFC 6455) frame decoding for the hot receive path.
//
// The load generator reads the socket itself into one buffer per connection instead of going
// through Beast's read path: Beast reads a frame through its 1,536-byte internal buffer (header
// and first part, then the rest), copies it into the message buffer, and its composed
// operations cost several Asio dispatches per frame. Reading straight into a 16 KiB buffer takes
// one recv per frame (plus Asio's one probe that finds the socket empty) and decodes in place.
// Beast still does the handshake and all writes (which must be masked).
//
// The decoder applies the checks Beast applies to frames a client receives: reserved bits
// (no extensions are negotiated), known opcodes, unmasked server frames, minimal length
// encoding, control frames final and at most 125 bytes, continuation only inside a fragmented
// message, message size limit, UTF-8 text, and a valid close frame. Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

enum class FrameError : std::uint8_t {
  none,
  reserved_bits,     // RSV1-3 set: no extension was negotiated
  bad_opcode,        // reserved opcode
  masked,            // a server must not mask its frames
  control_fragment,  // ping/pong/close without FIN
  control_size,      // control payload over 125 bytes
  bad_size,          // length not in its shortest form, or 64-bit length with the top bit set
  bad_continuation,  // continuation frame outside a fragmented message
  bad_data_frame,    // new text/binary frame inside a fragmented message
  too_big,           // message over the size limit
  bad_utf8,          // text message (or close reason) not valid UTF-8
  bad_close_size,    // close payload of 1 byte
  bad_close_code,    // close code that must not appear on the wire
};

const char* to_string(FrameError e);

// True when [p, p + n) is valid UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
bool valid_utf8(const char* p, std::size_t n);

struct FrameHeader {
  bool fin = false;
  std::uint8_t opcode = 0;
  std::uint64_t payload = 0;  // payload length
  std::size_t size = 0;       // header length in bytes
};

// Decodes and checks the header at the start of [p, p + n). Returns false with error none when
// more bytes are needed, false with an error when the header is invalid, true when complete.
bool decode_header(const unsigned char* p, std::size_t n, FrameHeader& h, FrameError& error);

struct WsMessage {
  enum class Kind : std::uint8_t { text, binary, ping, pong, close };
  Kind kind;
  std::string_view payload;      // whole message (fragments joined) or control payload
  std::uint16_t close_code = 0;  // close: 1005 when the frame carried no code
};

class FrameReader {
 public:
  explicit FrameReader(std::uint64_t max_message) : max_message_(max_message) {}

  struct Result {
    std::size_t consumed = 0;  // bytes of complete frames decoded from the front of data
    std::size_t need = 0;      // total bytes the next, incomplete frame needs (0: unknown yet)
    FrameError error = FrameError::none;
  };

  // Decodes every complete frame at the front of `data` and calls on(const WsMessage&) for each
  // complete message and control frame, in order. Payload views point into `data` (or into
  // the reader, for a fragmented message) and are valid only during the call. Stops early when
  // on() returns false. After an error the connection must be dropped.
  template <class F>
  Result feed(std::string_view data, F&& on);

  // Forgets a half-received fragmented message (new connection).
  void reset() {
    in_message_ = false;
    partial_.clear();
    partial_.shrink_to_fit();
  }

 private:
  // Checks that depend on the fragmentation state; collects fragments. Sets `complete` and
  // fills `out` when the frame completes a message or is a control frame.
  FrameError on_frame(const FrameHeader& h, std::string_view payload, WsMessage& out, bool& complete);

  std::uint64_t max_message_;
  bool in_message_ = false;  // inside a fragmented message
  bool text_ = false;        // its type
  std::string partial_;      // its fragments so far
};

template <class F>
FrameReader::Result FrameReader::feed(std::string_view data, F&& on) {
  Result r;
  const auto* base = reinterpret_cast<const unsigned char*>(data.data());
  while (r.consumed < data.size()) {
    const std::size_t left = data.size() - r.consumed;
    FrameHeader h;
    if (!decode_header(base + r.consumed, left, h, r.error)) {
      if (r.error == FrameError::none) r.need = 0;
      return r;
    }
    if (h.payload > max_message_) {
      r.error = FrameError::too_big;
      return r;
    }
    const std::uint64_t total = h.size + h.payload;
    if (total > left) {
      r.need = static_cast<std::size_t>(total);
      return r;
    }
    const std::string_view payload(data.data() + r.consumed + h.size, static_cast<std::size_t>(h.payload));
    WsMessage m{WsMessage::Kind::text, {}, 0};
    bool complete = false;
    r.error = on_frame(h, payload, m, complete);
    if (r.error != FrameError::none) return r;
    r.consumed += static_cast<std::size_t>(total);
    if (complete) {
      const bool go_on = on(static_cast<const WsMessage&>(m));
      if (m.payload.data() == partial_.data()) {
        partial_.clear();
        if (partial_.capacity() > 64 * 1024) partial_.shrink_to_fit();  // a joined snapshot
      }
      if (!go_on) return r;
    }
  }
  return r;
}

}  // namespace loadgen
