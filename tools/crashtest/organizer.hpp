// An organizer for the reliability tools: the server caps every participant at a few live
// topics (docs/protocol.md, "Caps"), but the tools propose far more than a person would. At the
// first start the server prints the event's organizer link on stdout (into the launcher's
// log); with its code a blocking client joins as organizer and lifts the caps (`set_caps` 0/0).
// Both are acknowledged changes of the event, returned so a tool can check them like its own.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>

namespace boardwalk::tools {

// The organizer code of `slug` from a server's output ("organizer link for 'SLUG':
// http://.../e/SLUG#code=CODE"); nullopt when the output has none (not the first start).
inline std::optional<std::string> organizer_code_from_log(const std::string& log_path, const std::string& slug) {
  std::ifstream in(log_path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string out = text.str();
  const std::string prefix = "organizer link for '" + slug + "': ";
  std::size_t at = out.find(prefix);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t end = out.find('\n', at);
  const std::string line = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex("#code=([A-Za-z0-9_-]+)"))) return std::nullopt;
  return m[1].str();
}

struct CapsLifted {
  std::int64_t participant_id = 0;  // the organizer
  std::string name;
  std::string secret;
  std::int64_t join_seq = 0;  // participant_joined
  std::int64_t caps_seq = 0;  // caps_set
};

// Joins `slug` as organizer `name` with `code` and sets both caps to 0 (no cap). Throws
// std::runtime_error with the server's answer on any failure.
inline CapsLifted lift_caps(unsigned short port, const std::string& slug, const std::string& code,
                            const std::string& name) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  using nlohmann::json;
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  auto& tcp = beast::get_lowest_layer(ws);
  tcp.expires_after(std::chrono::seconds(10));
  tcp.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  ws.text(true);
  long long next_id = 0;
  const auto ask = [&](json message) {
    const long long id = ++next_id;
    message["id"] = id;
    tcp.expires_after(std::chrono::seconds(30));
    ws.write(asio::buffer(message.dump()));
    for (;;) {
      beast::flat_buffer buffer;
      ws.read(buffer);
      std::istringstream lines(beast::buffers_to_string(buffer.data()));
      std::string line;
      while (std::getline(lines, line)) {
        const json m = json::parse(line, nullptr, false);
        if (!m.is_object() || m.value("id", json()) != json(id)) continue;
        if (m.value("type", "") != "ack") {
          throw std::runtime_error("lifting the caps: " + message.value("type", "") + ": " + m.dump());
        }
        return m;
      }
    }
  };
  CapsLifted out;
  out.name = name;
  const json joined = ask({{"type", "join"}, {"event", slug}, {"name", name}, {"code", code}});
  if (joined.at("participant").value("role", "") != "organizer") {
    throw std::runtime_error("lifting the caps: the join did not make an organizer: " + joined.dump());
  }
  out.participant_id = joined.at("participant").at("id").get<std::int64_t>();
  out.secret = joined.value("secret", "");
  out.join_seq = joined.at("seq").get<std::int64_t>();
  out.caps_seq = ask({{"type", "set_caps"}, {"topic_cap", 0}, {"project_cap", 0}}).at("seq").get<std::int64_t>();
  beast::error_code ignored;
  ws.close(websocket::close_code::normal, ignored);
  return out;
}

}  // namespace boardwalk::tools
