#include "board_fill.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

namespace loadgen {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using nlohmann::json;

constexpr int kTopicsPerParticipant = 5;
constexpr std::size_t kTopicBytes = 8000 + 200;  // description plus the topic's other fields

// One blocking WebSocket connection that sends a request and waits for its answer.
class Client {
 public:
  explicit Client(const Options& o) : ws_(ioc_) {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(ws_).connect(boost::asio::ip::tcp::endpoint(o.address, o.port));
    ws_.handshake(o.address.to_string() + ":" + std::to_string(o.port), o.path);
  }
  ~Client() {
    beast::error_code ec;
    ws_.close(websocket::close_code::normal, ec);
  }
  // The ack, or throws with the error answer.
  json request(json message) {
    message["id"] = ++id_;
    ws_.text(true);
    const std::string text = message.dump();
    ws_.write(boost::asio::buffer(text));
    for (;;) {
      beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
      beast::flat_buffer buf;
      ws_.read(buf);
      const std::string frame = beast::buffers_to_string(buf.data());
      // Frames are JSON Lines; the answer is the line with our id.
      std::size_t start = 0;
      while (start <= frame.size()) {
        const std::size_t end = std::min(frame.find('\n', start), frame.size());
        const json m = json::parse(frame.substr(start, end - start), nullptr, false);
        if (m.is_object() && m.value("id", json()) == json(id_)) {
          if (m.value("type", "") != "ack") throw std::runtime_error(message.value("type", "") + ": " + m.dump());
          return m;
        }
        start = end + 1;
      }
    }
  }

 private:
  boost::asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  long long id_ = 0;
};

}  // namespace

std::optional<BoardInfo> fetch_board(const Options& o, std::string* error) {
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(boost::asio::ip::tcp::endpoint(o.address, o.port));
    http::request<http::empty_body> req{http::verb::get, "/api/events/" + o.event, 11};
    req.set(http::field::host, o.address.to_string());
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 30);
    http::read(stream, buf, parser);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    const auto& res = parser.get();
    if (res.result() != http::status::ok) {
      if (error) *error = "GET /api/events/" + o.event + ": HTTP " + std::to_string(res.result_int());
      return std::nullopt;
    }
    const auto j = json::parse(res.body());
    const auto& event = j.at("board").at("event");
    return BoardInfo{res.body().size(), j.at("seq").get<std::int64_t>(), event.value("topic_cap", 0),
                     event.value("project_cap", 0)};
  } catch (const std::exception& e) {
    if (error) *error = "GET /api/events/" + o.event + ": " + e.what();
  }
  return std::nullopt;
}

bool lift_caps(const Options& o, std::string* error) {
  try {
    Client c(o);
    const json joined = c.request(
        {{"type", "join"}, {"event", o.event}, {"name", o.name_prefix + " organizer"}, {"code", o.organizer_code}});
    if (joined.at("participant").value("role", "") != "organizer") {
      if (error) *error = "lifting the caps: the join with --organizer-code did not make an organizer";
      return false;
    }
    c.request({{"type", "set_caps"}, {"topic_cap", 0}, {"project_cap", 0}});
    return true;
  } catch (const std::exception& e) {
    if (error) *error = std::string("lifting the caps: ") + e.what();
  }
  return false;
}

std::optional<BoardInfo> grow_board(const Options& o, std::size_t target_bytes, std::string* error) {
  auto board = fetch_board(o, error);
  if (!board) return std::nullopt;
  std::string description;
  for (int i = 0; i < 2000; ++i) description += "\xF0\x9F\x99\x82";  // U+1F642, 4 bytes in UTF-8
  try {
    int p = 0;
    while (board->bytes < target_bytes) {
      // Estimated from the topic size, then checked: GET is as slow as the board is big.
      const std::size_t missing = target_bytes - board->bytes;
      const std::size_t people =
          (missing + kTopicsPerParticipant * kTopicBytes - 1) / (kTopicsPerParticipant * kTopicBytes);
      for (std::size_t n = 0; n < people; ++n, ++p) {
        Client c(o);
        const std::string name = o.name_prefix + " board " + std::to_string(board->seq) + "-" + std::to_string(p);
        c.request({{"type", "join"}, {"event", o.event}, {"name", name}});
        for (int t = 0; t < kTopicsPerParticipant; ++t) {
          c.request({{"type", "propose_topic"},
                     {"title", name + " topic " + std::to_string(t)},
                     {"description", description}});
        }
      }
      board = fetch_board(o, error);
      if (!board) return std::nullopt;
    }
  } catch (const std::exception& e) {
    if (error) *error = std::string("growing the board: ") + e.what();
    return std::nullopt;
  }
  return board;
}

}  // namespace loadgen
