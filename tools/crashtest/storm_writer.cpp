#include "storm_writer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "json_scan.hpp"

namespace boardwalk::tools {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

}  // namespace

StormWriter::StormWriter(std::string slug, double changes_per_second)
    : slug_(std::move(slug)), rate_(changes_per_second), thread_([this] { loop(); }) {}

StormWriter::~StormWriter() { stop(); }

void StormWriter::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> StormWriter::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

void StormWriter::loop() {
  bool first = true;
  while (!stop_) {
    const unsigned short port = port_;
    if (port == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (!first) ++reconnects_;
    first = false;
    session(port);
    if (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void StormWriter::session(unsigned short port) {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::error_code ec;
  auto& tcp = beast::get_lowest_layer(ws);
  tcp.expires_after(std::chrono::seconds(5));
  tcp.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return;
  ws.handshake("127.0.0.1:" + std::to_string(port), "/ws", ec);
  if (ec) return;
  ws.text(true);
  std::int64_t next_id = 1;
  beast::flat_buffer buffer;

  // Sends one request and reads until its answer; nullopt when the connection broke.
  const auto ask = [&](json message) -> std::optional<json> {
    const std::int64_t id = next_id++;
    message["id"] = id;
    tcp.expires_after(std::chrono::seconds(10));
    ws.write(asio::buffer(message.dump()), ec);
    if (ec) return std::nullopt;
    for (;;) {
      buffer.clear();
      ws.read(buffer, ec);
      if (ec) return std::nullopt;
      std::optional<json> answer;
      const auto data = buffer.cdata();
      loadgen::for_each_line(std::string_view(static_cast<const char*>(data.data()), data.size()),
                             [&](std::string_view line) {
                               const auto s = loadgen::scan_line(line);
                               if (s && s->id == std::to_string(id)) answer = json::parse(line, nullptr, false);
                             });
      if (answer) return answer;
    }
  };
  const auto rejected = [&](const json& answer, const std::string& what) {
    if (answer.value("type", "") == "ack") return false;
    std::lock_guard lock(mutex_);
    if (errors_.size() < 10) errors_.push_back(what + ": " + answer.dump());
    return true;
  };

  // Identity: join once, auth with the secret on every later connection.
  const json hello = secret_.empty() ? json{{"type", "join"}, {"event", slug_}, {"name", "storm writer"}}
                                     : json{{"type", "auth"}, {"event", slug_}, {"secret", secret_}};
  const auto answer = ask(hello);
  if (!answer || rejected(*answer, "join/auth")) return;
  if (secret_.empty()) secret_ = answer->value("secret", "");
  // A vote whose answer the restart swallowed may or may not have counted: `me` says which.
  voted_ = 0;
  if (answer->contains("me") && (*answer)["me"].contains("votes") && !(*answer)["me"]["votes"].empty()) {
    voted_ = (*answer)["me"]["votes"][0].get<std::int64_t>();
  }

  const auto period = std::chrono::duration<double>(1.0 / rate_);
  auto next = Clock::now();
  while (!stop_) {
    next += std::chrono::duration_cast<Clock::duration>(period);
    std::this_thread::sleep_until(next);
    if (port_ != port) return;  // the tool moved on to a restarted server
    ++n_;
    // Proposals, edits of earlier topics, and a vote taken and given back: changes of new and
    // of existing items, and of the vote counts every screen shows.
    json request;
    if (n_ % 4 == 2 && !topics_.empty()) {
      request = voted_ != 0 ? json{{"type", "unvote"}, {"topic_id", voted_}}
                            : json{{"type", "vote"}, {"topic_id", topics_[n_ % topics_.size()]}};
    } else if (n_ % 4 == 0 && !topics_.empty()) {
      const auto topic = topics_[n_ % topics_.size()];
      request = {{"type", "edit_topic"},
                 {"topic_id", topic},
                 {"title", "storm topic " + std::to_string(topic) + " edit " + std::to_string(n_)},
                 {"description", "edited during the storm, step " + std::to_string(n_)}};
    } else {
      request = {{"type", "propose_topic"},
                 {"title", "storm topic step " + std::to_string(n_)},
                 {"description", "proposed by the storm writer"}};
    }
    const auto reply = ask(request);
    if (!reply) return;
    if (rejected(*reply, request["type"].get<std::string>())) continue;
    ++acked_;
    if (reply->contains("topic_id")) topics_.push_back((*reply)["topic_id"].get<std::int64_t>());
    if (request["type"] == "vote") voted_ = request["topic_id"].get<std::int64_t>();
    if (request["type"] == "unvote") voted_ = 0;
  }
}

}  // namespace boardwalk::tools
