#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "domain/names.hpp"
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

// With TLS: browsers use only HTTPS for this host for a year (RFC 6797). Without
// includeSubDomains: the server does not speak for other names under its domain.
constexpr const char* strict_transport_security = "max-age=31536000";

// RFC 9112 6.1 and 3.2: what a request's framing and Host must be before anything else is
// looked at. A Transfer-Encoding other than exactly "chunked" leaves the body length unknown
// (a proxy in front may have read it differently: request smuggling), so it is refused and the
// connection closed. Empty = fine.
std::string framing_problem(const http::request<http::string_body>& req) {
  const auto codings = req.equal_range(http::field::transfer_encoding);
  if (codings.first != codings.second) {
    std::string all;
    for (auto it = codings.first; it != codings.second; ++it) {
      if (!all.empty()) all += ',';
      all += std::string(it->value());
    }
    std::string token;
    for (const char c : all) {
      if (c != ' ' && c != '\t') token.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (token != "chunked") return "Transfer-Encoding must be 'chunked' or absent";
    if (req.version() < 11) return "Transfer-Encoding is not allowed in HTTP/1.0";
    if (req.count(http::field::content_length) > 0) return "Transfer-Encoding and Content-Length together";
  }
  const auto hosts = req.count(http::field::host);
  if (hosts > 1) return "more than one Host header";
  if (hosts == 0 && req.version() >= 11) return "HTTP/1.1 needs a Host header";
  return {};
}

// X-Forwarded-For may come as several header lines: one list, in order.
std::string forwarded_for(const http::request<http::string_body>& req) {
  std::string all;
  const auto lines = req.equal_range("X-Forwarded-For");
  for (auto it = lines.first; it != lines.second; ++it) {
    if (!all.empty()) all += ',';
    all += std::string(it->value());
  }
  return all;
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
    : stream_(std::move(stream)), context_(context) {
  beast::error_code ec;
  const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) peer_ = normalize_address(remote.address());
  client_ = ec ? "?" : peer_.to_string();
  peer_is_proxy_ = !ec && context_.trusted_proxies.contains(peer_);
}

template <class Stream>
void BasicHttpSession<Stream>::run() {
  // Start on the connection's strand: all its handlers run serialized there.
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    // A trusted proxy carries many clients: its connections count against the client of each
    // request instead (on_read). Anyone else is counted now, before any TLS work.
    if (!self->peer_is_proxy_ && !self->count_connection()) {
      self->warn_refused(self->client_);
      return;  // the last reference goes: the socket closes unanswered
    }
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
bool BasicHttpSession<Stream>::count_connection() {
  const std::size_t limit = context_.limits.http_connections_per_ip;
  if (limit == 0) return true;
  if (slot_ && slot_->address() == client_) return true;
  slot_.reset();  // a proxy's connection that now carries another client
  slot_ = context_.http_connections_by_ip.try_acquire(client_, limit);
  return slot_.has_value();
}

template <class Stream>
void BasicHttpSession<Stream>::warn_refused(const std::string& address) {
  std::size_t suppressed = 0;
  if (!context_.http_connections_by_ip.time_to_warn(std::chrono::seconds(10), suppressed)) return;
  spdlog::warn(
      "refused an HTTP connection from {}: {} HTTP connections from this address already "
      "(--max-http-connections-per-ip){}",
      address, context_.limits.http_connections_per_ip,
      suppressed > 0 ? fmt::format("; {} more refused since the last warning", suppressed) : std::string());
}

template <class Stream>
void BasicHttpSession<Stream>::refuse_unreadable(beast::error_code ec) {
  keep_alive_ = false;
  head_ = false;
  if (ec == http::error::body_limit) {
    return send(json_response(http::status::payload_too_large,
                              protocol::error_body(make_error("too_long", "the request body is too large"))));
  }
  if (ec == http::error::header_limit) {
    return send(json_response(http::status::request_header_fields_too_large,
                              protocol::error_body(make_error("too_long", "the request headers are too large"))));
  }
  send(json_response(http::status::bad_request,
                     protocol::error_body(make_error("bad_request", "malformed HTTP request: " + ec.message()))));
}

template <class Stream>
void BasicHttpSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == http::error::end_of_stream) {
    do_close();
    return;
  }
  if (ec) {
    // A request that cannot be parsed gets a 400 and a close (what follows cannot be trusted
    // to be the next request). A client that went away or timed out gets nothing.
    if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
        ec != http::error::partial_message) {
      spdlog::debug("unreadable http request from {}: {}", client_, ec.message());
      refuse_unreadable(ec);
    } else if (ec != beast::error::timeout && ec != net::error::operation_aborted) {
      spdlog::debug("http read failed: {}", ec.message());
    }
    return;
  }
  auto req = parser_->release();
  version_ = req.version();
  keep_alive_ = req.keep_alive();
  head_ = req.method() == http::verb::head;
  if (const auto problem = framing_problem(req); !problem.empty()) {
    keep_alive_ = false;
    send(json_response(http::status::bad_request, protocol::error_body(make_error("bad_request", problem))));
    return;
  }
  if (peer_is_proxy_) {
    client_ = context_.trusted_proxies.client_address(peer_, forwarded_for(req)).to_string();
    if (!count_connection()) {
      warn_refused(client_);
      keep_alive_ = false;
      send(json_response(http::status::service_unavailable,
                         protocol::error_body(make_error("too_many_connections",
                                                         "too many connections from this address: close some and "
                                                         "try again"))));
      return;
    }
  }
  if (!host_allowed(req[http::field::host], context_.allowed_hosts)) {
    spdlog::debug("refused a request for host '{}' from {}", std::string(req[http::field::host]), client_);
    keep_alive_ = false;
    send(json_response(http::status::misdirected_request,
                       protocol::error_body(make_error("unknown_host",
                                                       "this server does not serve that host name; start boardwalk "
                                                       "with --allowed-host to serve it",
                                                       "Host"))));
    return;
  }
  if (beast::websocket::is_upgrade(req)) {
    if (req.target() != "/ws") {
      send(json_response(http::status::not_found,
                         protocol::error_body(make_error("not_found", "the WebSocket endpoint is /ws"))));
      return;
    }
    OriginPolicy policy{context_.allowed_origins, context_.allowed_hosts, tls};
    if (!context_.public_url.empty()) policy.allowed_origins.push_back(context_.public_url);
    if (!origin_allowed(req[http::field::origin], req[http::field::host], policy)) {
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
    // This connection's HTTP slot goes with this session; the WebSocket counts on its own.
    std::make_shared<BasicWebsocketSession<Stream>>(std::move(stream_), context_, client_)->run(std::move(req));
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
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = json_response(
        http::status::method_not_allowed,
        protocol::error_body(make_error("bad_request", "only GET and HEAD; changes go over the WebSocket")));
    res.set(http::field::allow, "GET, HEAD");
    return send(std::move(res));
  }
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));

  if (path == "/healthz") {
    return send(json_response(
        http::status::ok,
        json{{"status", "ok"}, {"events", context_.engine.event_count()}, {"connections", context_.connections.load()}}
            .dump()));
  }
  if (path == "/api/events") {
    context_.engine.list_events([self = this->shared_from_this()](std::vector<engine::EventSummary> list) {
      json a = json::array();
      for (const auto& e : list) {
        a.push_back({{"slug", e.slug},
                     {"name", e.name},
                     {"timezone", e.timezone},
                     {"seq", e.seq},
                     {"visibility", domain::to_string(e.visibility)}});
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
      return send(
          json_response(http::status::not_found, protocol::error_body(make_error("not_found", "no such API path"))));
    }
    std::string base = context_.public_url;
    if (base.empty()) base = (tls ? "https://" : "http://") + std::string(req[http::field::host]);
    while (!base.empty() && base.back() == '/') base.pop_back();
    // The join link's QR code is public whatever the event's visibility (it is on the lobby
    // screen for everyone to scan); the board needs a secret in a participants-only event.
    std::string bearer;
    if (!qr) {
      const std::string_view auth = req[http::field::authorization];
      if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
        bearer = std::string(auth.substr(7));
      }
    }
    context_.engine.read_board(
        rest, qr ? std::string() : bearer,
        [self = this->shared_from_this(), rest, qr, base](Result<protocol::Frame> board) {
          net::post(self->stream_.get_executor(), [self, board = std::move(board), rest, qr, base] {
            if (!board && (!qr || board.error().code == "not_found")) {
              const bool missing = board.error().code == "not_found";
              auto res = self->json_response(missing ? http::status::not_found : http::status::unauthorized,
                                             protocol::error_body(board.error()));
              if (!missing) res.set(http::field::www_authenticate, "Bearer");
              self->send(std::move(res));
              return;
            }
            if (!qr) return self->send(self->json_response(http::status::ok, **board));
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
  const auto file = find_static_file(context_.web_root, req.target());
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
  res.body() = std::move(body);
  res.prepare_payload();
  send(std::move(res));
}

template <class Stream>
void BasicHttpSession<Stream>::send(Response res) {
  if constexpr (tls) res.set(http::field::strict_transport_security, strict_transport_security);
  if (head_) {
    // RFC 9110 9.3.2: the GET's headers, no content. Every response passes here, so no path
    // can send a body that the client would read as the start of the next response.
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
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
