#include "admin_requests.hpp"

#include <memory>
#include <utility>

#include "app/event_file.hpp"
#include "app/organizer_codes.hpp"
#include "app/ticket_codes.hpp"
#include "engine/secrets.hpp"

namespace boardwalk::app {

using nlohmann::json;
using Reply = std::function<void(json)>;

json admin_error(const Error& e) {
  return {{"ok", false}, {"error", {{"code", e.code}, {"message", e.message}, {"field", e.field}}}};
}

namespace {

Error for_event(Error e, const std::string& slug) {
  if (e.code == "not_found") e.message = "no event '" + slug + "'";
  return e;
}

Result<std::string> text_field(const json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || !it->is_string()) {
    return make_error("bad_request", std::string("'") + key + "' must be text", key);
  }
  return it->get<std::string>();
}

}  // namespace

AdminRequests::AdminRequests(engine::Engine& engine, std::string secret_key, std::string public_url)
    : engine_(engine), secret_key_(std::move(secret_key)), public_url_(std::move(public_url)) {}

void AdminRequests::handle(const json& request, Reply reply) {
  if (!request.is_object()) return reply(admin_error(make_error("bad_request", "a request is a JSON object")));
  auto op = text_field(request, "op");
  if (!op) return reply(admin_error(op.error()));
  if (*op == "import_event") return import_event(request, std::move(reply));
  auto slug = text_field(request, "event");
  if (!slug) return reply(admin_error(slug.error()));
  if (*op == "organizer_code") return organizer_code(*slug, std::move(reply));
  if (*op == "tickets") return tickets(*slug, request, std::move(reply));
  reply(admin_error(make_error("bad_request", "unknown op '" + *op + "'", "op")));
}

void AdminRequests::organizer_code(const std::string& slug, Reply reply) {
  std::string code = engine::new_secret();
  std::string link = organizer_link(public_url_, slug, code);
  engine_.run_system(slug, {organizer_code_step(secret_key_, code)},
                     [slug, code, link, reply = std::move(reply)](Result<domain::Seq> seq) {
                       if (!seq) return reply(admin_error(for_event(seq.error(), slug)));
                       reply({{"ok", true}, {"code", code}, {"link", link}});
                     });
}

void AdminRequests::tickets(const std::string& slug, const json& request, Reply reply) {
  const auto codes = request.find("codes");
  if (codes == request.end() || !codes->is_array()) {
    return reply(admin_error(make_error("bad_request", "'codes' must be a list of text", "codes")));
  }
  std::vector<std::string> hashes;
  for (const auto& c : *codes) {
    if (!c.is_string() || c.get_ref<const std::string&>().empty() ||
        c.get_ref<const std::string&>().size() > max_ticket_code_length) {
      return reply(admin_error(make_error("bad_request", "each code must be text of 1-100 characters", "codes")));
    }
    hashes.push_back(engine::hash_secret(secret_key_, c.get_ref<const std::string&>()));
  }
  const bool require = request.value("require", false);
  const std::size_t added = hashes.size();
  // The summary is read on the writer thread, in the callback, where the board may be read.
  auto summary = [this, slug, added](const Reply& answer) {
    const auto* board = engine_.board(slug);
    answer({{"ok", true},
            {"added", added},
            {"total", board->tickets_total()},
            {"used", board->tickets_used()},
            {"join_mode", board->info().join_mode == domain::JoinMode::tickets ? "tickets" : "open"}});
  };
  engine_.run_system(slug, {{domain::AddTickets{std::move(hashes)}, domain::Actor::system()}},
                     [this, slug, require, summary, reply = std::move(reply)](Result<domain::Seq> seq) {
                       if (!seq) return reply(admin_error(for_event(seq.error(), slug)));
                       if (!require || engine_.board(slug)->info().join_mode == domain::JoinMode::tickets)
                         return summary(reply);
                       engine_.run_system(
                           slug, {{domain::SetJoinMode{domain::JoinMode::tickets}, domain::Actor::system()}},
                           [slug, summary, reply](Result<domain::Seq> set) {
                             if (!set) {
                               Error e = set.error();
                               e.message = "the tickets were added, but the event is not ticket-only: " + e.message;
                               return reply(admin_error(e));
                             }
                             summary(reply);
                           });
                     });
}

void AdminRequests::import_event(const json& request, Reply reply) {
  auto file = text_field(request, "file");
  if (!file) return reply(admin_error(file.error()));
  auto plan = plan_event_file(*file);
  if (!plan) return reply(admin_error(plan.error()));
  // The organizer code is set in the same atomic group: the event never exists without one.
  std::string code = engine::new_secret();
  plan->steps.push_back(organizer_code_step(secret_key_, code));
  std::string link = organizer_link(public_url_, plan->slug, code);
  const std::string slug = plan->slug;
  engine_.run_system(slug, std::move(plan->steps),
                     [this, slug, code, link, reply = std::move(reply)](Result<domain::Seq> seq) {
                       if (!seq) {
                         Error e = seq.error();
                         if (e.code == "conflict" && e.field == "slug")
                           e.message = "event '" + slug + "' already exists";
                         return reply(admin_error(e));
                       }
                       const auto* board = engine_.board(slug);
                       reply({{"ok", true},
                              {"event", slug},
                              {"rooms", board->rooms().size()},
                              {"slots", board->slots().size()},
                              {"code", code},
                              {"link", link}});
                     });
}

}  // namespace boardwalk::app
