#include "ws_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <sstream>
#include <stdexcept>

namespace boardwalk::testing {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

WsClient::WsClient(unsigned short port, const std::string& target, const std::string& origin, int receive_buffer)
    : ws_(ioc_) {
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.open(endpoint.protocol());
  if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws_).connect(endpoint);
  if (!origin.empty()) {
    ws_.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(beast::http::field::origin, origin); }));
  }
  ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  beast::get_lowest_layer(ws_).expires_never();
}

WsClient::~WsClient() {
  beast::error_code ec;
  if (!closed_) {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(2));
    ws_.close(websocket::close_code::normal, ec);
  }
}

void WsClient::send(const json& message) { send_text(message.dump()); }

void WsClient::send_text(const std::string& text) {
  ws_.text(true);
  ws_.write(asio::buffer(text));
}

void WsClient::send_fragmented(const std::string& text, std::size_t piece) {
  ws_.text(true);
  for (std::size_t at = 0; at < text.size(); at += piece) {
    const std::size_t n = std::min(piece, text.size() - at);
    ws_.write_some(at + n == text.size(), asio::buffer(text.data() + at, n));
  }
}

void WsClient::ping() { ws_.ping({}); }

void WsClient::send_binary(const std::string& data) {
  ws_.binary(true);
  ws_.write(asio::buffer(data));
  ws_.text(true);
}

bool WsClient::read_frame(std::chrono::milliseconds timeout) {
  if (closed_) return false;
  beast::flat_buffer buffer;
  beast::error_code ec;
  bool done = false;
  ws_.async_read(buffer, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!done) {
    // Timed out: cancel the read (this also ends the stream; tests treat it as final).
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    ioc_.run();
    if (ec == asio::error::operation_aborted || !ec) {
      closed_ = true;  // a cancelled Beast read leaves the stream unusable
      close_reason_ = "timeout";
    }
    return false;
  }
  if (ec) {
    closed_ = true;
    close_reason_.assign(ws_.reason().reason.data(), ws_.reason().reason.size());
    return false;
  }
  ++frames_read_;
  std::istringstream lines(beast::buffers_to_string(buffer.data()));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) backlog_.push_back(json::parse(line));
  }
  return true;
}

std::optional<json> WsClient::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (backlog_.empty()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !read_frame(left)) return std::nullopt;
  }
  json j = std::move(backlog_.front());
  backlog_.pop_front();
  return j;
}

json WsClient::request(json message, std::vector<json>* others) {
  const long long id = next_id_++;
  message["id"] = id;
  send(message);
  for (;;) {
    auto m = next();
    if (!m) throw std::runtime_error("no answer to " + message.dump());
    if (((*m)["type"] == "ack" || (*m)["type"] == "error") && (*m)["id"] == id) return *m;
    if (others) others->push_back(*m);
  }
}

std::vector<json> WsClient::changes_until(long long seq) {
  std::vector<json> out;
  for (;;) {
    auto m = next();
    if (!m) throw std::runtime_error("change " + std::to_string(seq) + " never arrived");
    if ((*m)["type"] != "change") continue;
    out.push_back(*m);
    if ((*m)["seq"].get<long long>() >= seq) return out;
  }
}

bool WsClient::silent_for(std::chrono::milliseconds quiet) {
  if (!backlog_.empty()) return false;
  return !read_frame(quiet) && backlog_.empty();
}

}  // namespace boardwalk::testing
