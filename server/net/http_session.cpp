#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "net/origin_check.hpp"
#include "net/qr_svg.hpp"
#include "net/static_files.hpp"
#include "net/websocket_session.hpp"
#include "protocol/messages.hpp"

namespace boardwalk::net {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr auto read_timeout = std::chrono::seconds(30);
constexpr auto tls_handshake_timeout = std::chrono::seconds(15);

// Strict by default: the client loads only its own files and talks only to this origin.
constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void add_security_headers(http::response<http::string_body>& res) {
  res.set(http::field::server, "boardwalk");
  res.set("Content-Security-Policy", content_security_policy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace

template <class Stream>
BasicHttpSession<Stream>::BasicHttpSession(Stream&& stream, ServerContext& context)
    : stream_(std::move(stream)), context_(context) {}

template <class Stream>
void BasicHttpSession<Stream>::run() {
  // Start on the connection's strand: all its handlers run serialized there.
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (tls) {
      beast::get_lowest_layer(self->stream_).expires_after(tls_handshake_timeout);
      self->stream_.async_handshake(net::ssl::stream_base::server,
                                    beast::bind_front_handler(&BasicHttpSession::on_handshake, self));
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void BasicHttpSession<Stream>::on_handshake(beast::error_code ec) {
  if (ec) {
    // Plain HTTP sent to the TLS port, a scanner, or a client that does not trust the certificate.
    spdlog::debug("tls handshake failed: {}", ec.message());
    return;
  }
  do_read();
}

template <class Stream>
void BasicHttpSession<Stream>::do_close() {
  if constexpr (tls) {
    // close_notify, bounded by the timeout; the peer may well just drop the connection.
    beast::get_lowest_layer(stream_).expires_after(tls_handshake_timeout);
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
  } else {
    beast::error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  }
}

template <class Stream>
void BasicHttpSession<Stream>::do_read() {
  parser_.emplace();
  parser_->body_limit(context_.limits.max_http_body_bytes);
  parser_->header_limit(8 * 1024);
  beast::get_lowest_layer(stream_).expires_after(read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&BasicHttpSession::on_read, this->shared_from_this()));
}

template <class Stream>
void BasicHttpSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == http::error::end_of_stream) {
    do_close();
    return;
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != net::error::operation_aborted) {
      spdlog::debug("http read failed: {}", ec.message());
    }
    return;
  }
  auto req = parser_->release();
  if (beast::websocket::is_upgrade(req)) {
    if (req.target() != "/ws") {
      send(json_response(http::status::not_found, protocol::error_body(make_error("not_found", "the WebSocket endpoint is /ws"))));
      return;
    }
    std::vector<std::string> allowed = context_.allowed_origins;
    if (!context_.public_url.empty()) allowed.push_back(context_.public_url);
    if (!origin_allowed(req[http::field::origin], req[http::field::host], allowed)) {
      spdlog::warn("refused a WebSocket from origin '{}' (host '{}')", std::string(req[http::field::origin]),
                   std::string(req[http::field::host]));
      keep_alive_ = false;
      send(json_response(http::status::forbidden,
                         protocol::error_body(make_error("forbidden_origin",
                                                         "WebSocket connections from this origin are not allowed; "
                                                         "start boardwalk with --allowed-origin to allow it",
                                                         "Origin"))));
      return;
    }
    beast::get_lowest_layer(stream_).expires_never();  // the WebSocket session runs its own timeouts
    std::make_shared<BasicWebsocketSession<Stream>>(std::move(stream_), context_)->run(std::move(req));
    return;
  }
  handle(req);
}

template <class Stream>
typename BasicHttpSession<Stream>::Response BasicHttpSession<Stream>::json_response(http::status status,
                                                                                  std::string body) const {
  Response res{status, version_};
  add_security_headers(res);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive_);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

template <class Stream>
void BasicHttpSession<Stream>::handle(const http::request<http::string_body>& req) {
  version_ = req.version();
  keep_alive_ = req.keep_alive();
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = json_response(http::status::method_not_allowed,
                             protocol::error_body(make_error("bad_request", "only GET and HEAD; changes go over the WebSocket")));
    res.set(http::field::allow, "GET, HEAD");
    return send(std::move(res));
  }
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));

  if (path == "/healthz") {
    return send(json_response(http::status::ok, json{{"status", "ok"},
                                                     {"events", context_.engine.event_count()},
                                                     {"connections", context_.connections.load()}}
                                                    .dump()));
  }
  if (path == "/api/events") {
    context_.engine.list_events([self = this->shared_from_this()](std::vector<engine::EventSummary> list) {
      json a = json::array();
      for (const auto& e : list) {
        a.push_back({{"slug", e.slug}, {"name", e.name}, {"timezone", e.timezone}, {"seq", e.seq}});
      }
      auto body = a.dump(-1, ' ', false, json::error_handler_t::replace);
      net::post(self->stream_.get_executor(), [self, body = std::move(body)]() mutable {
        self->send(self->json_response(http::status::ok, std::move(body)));
      });
    });
    return;
  }
  if (path.starts_with("/api/events/")) {
    std::string rest = path.substr(12);
    const bool qr = rest.ends_with("/qr.svg");
    if (qr) rest.resize(rest.size() - 7);
    if (rest.empty() || rest.find('/') != std::string::npos) {
      return send(json_response(http::status::not_found, protocol::error_body(make_error("not_found", "no such API path"))));
    }
    std::string base = context_.public_url;
    if (base.empty()) base = (tls ? "https://" : "http://") + std::string(req[http::field::host]);
    while (!base.empty() && base.back() == '/') base.pop_back();
    context_.engine.snapshot(rest, [self = this->shared_from_this(), rest, qr, base](protocol::Frame frame) {
      net::post(self->stream_.get_executor(), [self, frame, rest, qr, base] {
        if (!frame) {
          self->send(self->json_response(http::status::not_found,
                                         protocol::error_body(make_error("not_found", "no event '" + rest + "'", "event"))));
          return;
        }
        if (!qr) return self->send(self->json_response(http::status::ok, *frame));
        Response res{http::status::ok, self->version_};
        add_security_headers(res);
        res.set(http::field::content_type, "image/svg+xml");
        res.set(http::field::cache_control, "no-cache");
        res.keep_alive(self->keep_alive_);
        res.body() = qr_svg(base + "/e/" + rest);
        res.prepare_payload();
        self->send(std::move(res));
      });
    });
    return;
  }
  serve_file(req);
}

template <class Stream>
void BasicHttpSession<Stream>::serve_file(const http::request<http::string_body>& req) {
  const auto file = resolve_static(context_.web_root, req.target());
  std::string body;
  if (!file || !read_file(*file, body)) {
    Response res{http::status::not_found, version_};
    add_security_headers(res);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(keep_alive_);
    res.body() = "not found\n";
    res.prepare_payload();
    return send(std::move(res));
  }
  Response res{http::status::ok, version_};
  add_security_headers(res);
  res.set(http::field::content_type, mime_type(*file));
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(keep_alive_);
  const auto size = body.size();
  if (req.method() != http::verb::head) res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.content_length(size);
  send(std::move(res));
}

template <class Stream>
void BasicHttpSession<Stream>::send(Response res) {
  response_ = std::make_shared<Response>(std::move(res));
  const bool keep_alive = response_->keep_alive();
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&BasicHttpSession::on_write, this->shared_from_this(), keep_alive));
}

template <class Stream>
void BasicHttpSession<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
  response_.reset();
  if (ec) return;
  if (!keep_alive) {
    do_close();
    return;
  }
  do_read();
}

template class BasicHttpSession<beast::tcp_stream>;
template class BasicHttpSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace boardwalk::net
