#include "ws_frame.hpp"

#include <cstring>

namespace loadgen {

const char* to_string(FrameError e) {
  switch (e) {
    case FrameError::none:
      return "none";
    case FrameError::reserved_bits:
      return "reserved bits set";
    case FrameError::bad_opcode:
      return "reserved opcode";
    case FrameError::masked:
      return "masked frame from the server";
    case FrameError::control_fragment:
      return "fragmented control frame";
    case FrameError::control_size:
      return "control frame over 125 bytes";
    case FrameError::bad_size:
      return "frame length not in shortest form";
    case FrameError::bad_continuation:
      return "continuation frame outside a message";
    case FrameError::bad_data_frame:
      return "data frame inside a fragmented message";
    case FrameError::too_big:
      return "message too big";
    case FrameError::bad_utf8:
      return "text not valid UTF-8";
    case FrameError::bad_close_size:
      return "close frame of 1 byte";
    case FrameError::bad_close_code:
      return "invalid close code";
  }
  return "?";
}

bool valid_utf8(const char* text, std::size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  const auto* const end = p + n;
  while (p < end) {
    // Server output is almost all ASCII: test 8 bytes at a time for a high bit.
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    const unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // Lead byte: sequence length and the allowed range of the first continuation byte
    // (which excludes overlongs, surrogates and code points above U+10FFFF).
    std::size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
      len = 2;
    else if (c == 0xE0)
      len = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC)
      len = 3;
    else if (c == 0xED)
      len = 3, hi = 0x9F;
    else if (c >= 0xEE && c <= 0xEF)
      len = 3;
    else if (c == 0xF0)
      len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3)
      len = 4;
    else if (c == 0xF4)
      len = 4, hi = 0x8F;
    else
      return false;
    if (static_cast<std::size_t>(end - p) < len) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if ((p[k] & 0xC0) != 0x80) return false;
    p += len;
  }
  return true;
}

bool decode_header(const unsigned char* p, std::size_t n, FrameHeader& h, FrameError& error) {
  error = FrameError::none;
  if (n < 2) return false;
  const unsigned b0 = p[0], b1 = p[1];
  h.fin = (b0 & 0x80) != 0;
  h.opcode = static_cast<std::uint8_t>(b0 & 0x0F);
  if (b0 & 0x70) {
    error = FrameError::reserved_bits;
    return false;
  }
  if (b1 & 0x80) {
    error = FrameError::masked;
    return false;
  }
  switch (h.opcode) {
    case 0:
    case 1:
    case 2:
      break;
    case 8:
    case 9:
    case 10:
      if (!h.fin) {
        error = FrameError::control_fragment;
        return false;
      }
      if ((b1 & 0x7F) > 125) {
        error = FrameError::control_size;
        return false;
      }
      break;
    default:
      error = FrameError::bad_opcode;
      return false;
  }
  const unsigned len7 = b1 & 0x7F;
  if (len7 < 126) {
    h.payload = len7;
    h.size = 2;
    return true;
  }
  if (len7 == 126) {
    if (n < 4) return false;
    h.payload = (std::uint64_t{p[2]} << 8) | p[3];
    h.size = 4;
    if (h.payload < 126) {
      error = FrameError::bad_size;
      return false;
    }
    return true;
  }
  if (n < 10) return false;
  std::uint64_t v = 0;
  for (int i = 2; i < 10; ++i) v = (v << 8) | p[i];
  h.payload = v;
  h.size = 10;
  if (v <= 0xFFFF || (v >> 63) != 0) {
    error = FrameError::bad_size;
    return false;
  }
  return true;
}

namespace {
bool valid_close_code(std::uint16_t v) {
  if (v >= 1000 && v <= 1013) return v != 1004 && v != 1005 && v != 1006;
  return v >= 3000 && v <= 4999;
}
}  // namespace

FrameError FrameReader::on_frame(const FrameHeader& h, std::string_view payload, WsMessage& out, bool& complete) {
  complete = false;
  switch (h.opcode) {
    case 8: {  // close
      out.kind = WsMessage::Kind::close;
      out.close_code = 1005;  // "no status received"
      if (payload.size() == 1) return FrameError::bad_close_size;
      if (payload.size() >= 2) {
        const auto* u = reinterpret_cast<const unsigned char*>(payload.data());
        out.close_code = static_cast<std::uint16_t>((u[0] << 8) | u[1]);
        if (!valid_close_code(out.close_code)) return FrameError::bad_close_code;
        payload.remove_prefix(2);
        if (!valid_utf8(payload.data(), payload.size())) return FrameError::bad_utf8;
      }
      out.payload = payload;  // the reason
      complete = true;
      return FrameError::none;
    }
    case 9:
    case 10:
      out.kind = h.opcode == 9 ? WsMessage::Kind::ping : WsMessage::Kind::pong;
      out.payload = payload;
      complete = true;
      return FrameError::none;
    case 0:
      if (!in_message_) return FrameError::bad_continuation;
      if (partial_.size() + payload.size() > max_message_) return FrameError::too_big;
      partial_.append(payload);
      if (!h.fin) return FrameError::none;
      in_message_ = false;
      out.kind = text_ ? WsMessage::Kind::text : WsMessage::Kind::binary;
      out.payload = partial_;
      break;
    default:  // 1 text, 2 binary
      if (in_message_) return FrameError::bad_data_frame;
      text_ = h.opcode == 1;
      if (!h.fin) {
        in_message_ = true;
        partial_.assign(payload);
        return FrameError::none;
      }
      out.kind = text_ ? WsMessage::Kind::text : WsMessage::Kind::binary;
      out.payload = payload;
      break;
  }
  if (out.kind == WsMessage::Kind::text && !valid_utf8(out.payload.data(), out.payload.size()))
    return FrameError::bad_utf8;
  complete = true;
  return FrameError::none;
}

}  // namespace loadgen
