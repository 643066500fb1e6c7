#include "engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include "engine/board_loader.hpp"
#include "engine/secrets.hpp"
#include "protocol/codec.hpp"

namespace boardwalk::engine {

using nlohmann::json;
using protocol::Audience;
using protocol::Frame;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// What a participant may know of their own: the topics they vote for and the projects they
// joined (the public board has counts only).
json me_json(const domain::Board& board, domain::Id participant) {
  return {{"votes", board.votes_of(participant)}, {"projects", board.projects_joined_by(participant)}};
}

bool changes_my_choices(const domain::ChangeBody& body) {
  return std::holds_alternative<domain::VoteAdded>(body) || std::holds_alternative<domain::VoteRemoved>(body) ||
         std::holds_alternative<domain::ProjectJoined>(body) || std::holds_alternative<domain::ProjectLeft>(body);
}

Error retry_later(std::string message, double seconds) {
  Error e = make_error("rate_limited", std::move(message));
  e.retry_after = seconds;
  return e;
}

// What an ack tells the requester besides seq: the id of the thing it created.
json ack_extra_for(const domain::ChangeBody& body) {
  if (const auto* c = std::get_if<domain::TopicProposed>(&body)) return {{"topic_id", c->topic.id}};
  if (const auto* c = std::get_if<domain::ProjectCreated>(&body)) return {{"project_id", c->project.id}};
  if (const auto* c = std::get_if<domain::RoomAdded>(&body)) return {{"room_id", c->room.id}};
  if (const auto* c = std::get_if<domain::SlotAdded>(&body)) return {{"slot_id", c->slot.id}};
  return json::object();
}

storage::StoredChange to_stored(const std::string& slug, const domain::Change& change) {
  return storage::StoredChange{slug, change.seq, std::string(domain::change_kind(change.body)), change.at,
                               dump(protocol::encode_change(change, slug, Audience::storage))};
}

}  // namespace

Engine::Engine(storage::Store& store, EngineOptions options)
    : store_(store), options_(std::move(options)), sign_ins_(options_.sign_in_limits) {
  if (!options_.clock) options_.clock = [] { return static_cast<domain::UnixTime>(std::time(nullptr)); };
  if (!options_.monotonic) {
    options_.monotonic = [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    };
  }
  if (options_.replay_window == 0) options_.replay_window = 1;
}

Engine::~Engine() { stop(); }

// --- loading ------------------------------------------------------------------------------

Status Engine::rebuild(const std::string& slug) {
  // The newest stored board snapshot plus the changes after it (engine/board_loader).
  auto loaded =
      load_board(store_, slug, LoadOptions{options_.replay_window, options_.snapshot_interval, options_.clock()});
  if (!loaded) return loaded.error();
  BoardSlot fresh;
  fresh.board = std::move(loaded->board);
  fresh.recent = std::move(loaded->recent);
  fresh.recent_first = loaded->recent_first;
  auto& slot = boards_[slug];
  fresh.feed = std::move(slot.feed);  // subscribers keep reading where they are
  slot = std::move(fresh);
  event_count_ = boards_.size();
  return Ok{};
}

Status Engine::load() {
  auto heads = store_.events();
  if (!heads) return heads.error();
  for (const auto& h : *heads) {
    if (auto s = rebuild(h.slug); !s) return s;
    spdlog::info("loaded event '{}' at seq {}", h.slug, boards_[h.slug].board.seq());
  }
  return Ok{};
}

Result<domain::Seq> Engine::apply_now(const std::string& slug, const std::vector<Step>& steps) {
  if (thread_.joinable()) throw std::logic_error("apply_now after start()");
  const auto it = boards_.find(slug);
  domain::Board copy = it == boards_.end() ? domain::Board{} : it->second.board;
  std::vector<storage::StoredChange> stored;
  std::vector<domain::Change> changes;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    auto body = copy.decide(steps[i].command, steps[i].actor);
    if (!body) {
      Error e = body.error();
      e.message = "step " + std::to_string(i + 1) + " (" + std::string(domain::command_type(steps[i].command)) +
                  "): " + e.message;
      return e;
    }
    domain::Change change{copy.seq() + 1, options_.clock(), std::nullopt, std::move(*body)};
    if (steps[i].actor.kind == domain::Actor::Kind::participant) change.actor = steps[i].actor.participant;
    copy.apply(change);
    stored.push_back(to_stored(slug, change));
    changes.push_back(std::move(change));
  }
  if (auto s = store_.append(stored); !s) return s.error();
  BoardSlot& slot = boards_[slug];
  slot.board = std::move(copy);
  for (const auto& c : changes) {
    record_committed(slot, protocol::make_frame(dump(protocol::encode_change(c, slug, Audience::clients))));
  }
  appended_ = false;  // nobody can be subscribed before start()
  event_count_ = boards_.size();
  return slot.board.seq();
}

void Engine::run_system(std::string slug, std::vector<Step> steps, std::function<void(Result<domain::Seq>)> done) {
  post(Task{[this, slug = std::move(slug), steps = std::move(steps), done = std::move(done)] {
    flush();  // decided on committed state only, after everything queued before it
    BoardSlot* existing = find(slug);
    if (existing != nullptr && existing->needs_reload && !rebuild(slug)) {
      return done(make_error("storage_error", "the event's storage is unavailable; nothing changed, try again"));
    }
    existing = find(slug);
    domain::Board copy = existing == nullptr ? domain::Board{} : existing->board;
    std::vector<storage::StoredChange> stored;
    std::vector<domain::Change> changes;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      auto body = copy.decide(steps[i].command, steps[i].actor);
      if (!body) return done(body.error());
      domain::Change change{copy.seq() + 1, options_.clock(), std::nullopt, std::move(*body)};
      if (steps[i].actor.kind == domain::Actor::Kind::participant) change.actor = steps[i].actor.participant;
      copy.apply(change);
      stored.push_back(to_stored(slug, change));
      changes.push_back(std::move(change));
    }
    if (auto s = store_.append(stored); !s) return done(s.error());
    BoardSlot& slot = boards_[slug];
    slot.board = std::move(copy);
    for (const auto& c : changes) {
      record_committed(slot, protocol::make_frame(dump(protocol::encode_change(c, slug, Audience::clients))));
    }
    event_count_ = boards_.size();
    if (appended_ && on_changes_) on_changes_();
    appended_ = false;
    done(slot.board.seq());
  }});
}

const domain::Board* Engine::board(const std::string& slug) const {
  const auto it = boards_.find(slug);
  return it == boards_.end() ? nullptr : &it->second.board;
}

std::vector<std::string> Engine::event_slugs() const {
  std::vector<std::string> out;
  for (const auto& [slug, slot] : boards_) out.push_back(slug);
  return out;
}

// --- the writer thread --------------------------------------------------------------------

void Engine::on_changes(std::function<void()> listener) {
  if (thread_.joinable()) throw std::logic_error("on_changes after start()");
  on_changes_ = std::move(listener);
}

void Engine::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Engine::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // Everything is committed: a snapshot of each board makes the next start replay nothing.
  for (const auto& [slug, slot] : boards_) {
    if (!slot.needs_reload) store_snapshot_if_due(store_, slug, slot.board, 1, options_.clock());
  }
}

void Engine::release_connections() {
  if (thread_.joinable()) throw std::logic_error("release_connections while running");
  connections_.clear();
  pending_.clear();
}

void Engine::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void Engine::run() {
  std::vector<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;  // stopping, and everything queued has been done
      batch.swap(queue_);
    }
    // Commands are decided in order and committed together; anything that reads state
    // (subscribe, auth, snapshots) first waits for the pending group to be on disk, so it
    // never sees or sends a change that is not yet durable.
    for (auto& job : batch) {
      if (auto* command = std::get_if<CommandJob>(&job)) {
        stage(*command);
      } else if (auto* reply = std::get_if<ReplyJob>(&job)) {
        // Behind the connection's earlier answers in the pending group, like a rejected command.
        Pending p;
        p.connection = std::move(reply->connection);
        p.reply = std::move(reply->frame);
        pending_.push_back(std::move(p));
      } else {
        flush();
        std::get<Task>(job)();
      }
    }
    flush();
    batch.clear();
  }
}

Engine::BoardSlot* Engine::find(const std::string& slug) {
  const auto it = boards_.find(slug);
  return it == boards_.end() ? nullptr : &it->second;
}

void Engine::stage(CommandJob& job) {
  Pending p;
  p.connection = job.connection;
  p.id = job.request.id;
  const auto reject = [&](const Error& e) {
    p.reply = protocol::encode_error(p.id, e);
    pending_.push_back(std::move(p));
  };
  Connection& conn = connections_[job.connection.get()];
  conn.handle = job.connection;
  // This connection's join is not committed yet: commit it first, so this request sees the
  // connection joined (or not), as it would in a later group. Requests keep their order.
  if (conn.joining) flush();

  domain::Command command;
  domain::Actor actor = domain::Actor::anonymous();
  std::string secret;
  std::string new_code;     // a code this request makes, told to the requester in the ack
  bool credential = false;  // the request presents a code or ticket: failures count against its address
  const double now = options_.monotonic();
  if (auto* join = std::get_if<protocol::JoinRequest>(&job.request.body)) {
    p.slug = join->event;
    if (find(p.slug) == nullptr) return reject(make_error("not_found", "no event '" + p.slug + "'", "event"));
    if (conn.participant != 0 && conn.joined == p.slug) actor = domain::Actor::of(conn.participant);
    const std::string address = job.connection->client_address();
    credential = join->code || join->ticket || join->invite;
    if (credential) {
      if (const double wait = sign_ins_.wait(address, p.slug, now); wait > 0) {
        return reject(retry_later("too many wrong codes: wait before trying again", wait));
      }
    }
    if (actor.kind != domain::Actor::Kind::participant) {
      if (const double wait = sign_ins_.take_join(address, now); wait > 0) {
        return reject(retry_later("too many people joined from this address just now: try again in a moment", wait));
      }
    }
    secret = new_secret();
    domain::Join j;
    j.name = join->name;
    j.secret_hash = hash_secret(options_.secret_key, secret);
    if (join->code) j.code_hash = hash_secret(options_.secret_key, *join->code);
    if (join->ticket) j.ticket_hash = hash_secret(options_.secret_key, *join->ticket);
    if (join->invite) j.invite_hash = hash_secret(options_.secret_key, *join->invite);
    command = std::move(j);
  } else if (auto* display = std::get_if<protocol::CreateDisplayRequest>(&job.request.body)) {
    if (conn.participant == 0) return reject(make_error("not_joined", "join the event (or auth) first"));
    p.slug = conn.joined;
    actor = domain::Actor::of(conn.participant);
    secret = new_secret();
    command = domain::CreateDisplay{display->name, hash_secret(options_.secret_key, secret)};
  } else {
    auto& request = std::get<protocol::CommandRequest>(job.request.body);
    if (conn.participant == 0) return reject(make_error("not_joined", "join the event (or auth) first"));
    p.slug = conn.joined;
    actor = domain::Actor::of(conn.participant);
    command = std::move(request.command);
    // Commands that hand out a new code: the engine makes it, the board keeps only its hash.
    if (auto* rotate = std::get_if<domain::RotateOrganizerCode>(&command)) {
      new_code = new_secret();
      rotate->code_hash = hash_secret(options_.secret_key, new_code);
    } else if (auto* invite = std::get_if<domain::CreateInvitation>(&command)) {
      new_code = new_secret();
      invite->code_hash = hash_secret(options_.secret_key, new_code);
    } else if (auto* remove = std::get_if<domain::RemoveParticipant>(&command)) {
      new_code = new_secret();  // used only if an organizer is removed
      remove->new_code_hash = hash_secret(options_.secret_key, new_code);
    } else if (auto* role = std::get_if<domain::SetRole>(&command)) {
      new_code = new_secret();  // used only if an organizer is demoted
      role->new_code_hash = hash_secret(options_.secret_key, new_code);
    }
  }
  BoardSlot* slot = find(p.slug);
  if (slot == nullptr) return reject(make_error("not_found", "no event '" + p.slug + "'", "event"));
  if (slot->needs_reload) {
    if (auto reloaded = rebuild(p.slug); !reloaded) {
      return reject(make_error("storage_error", "the event's storage is unavailable; nothing changed, try again"));
    }
    slot = find(p.slug);
  }

  if (actor.kind == domain::Actor::Kind::participant && !within_rate(p.slug, actor.participant)) {
    return reject(make_error("rate_limited", "too many requests: wait a moment and try again"));
  }
  auto body = slot->board.decide(command, actor);
  if (!body) {
    if (credential && (body.error().code == "bad_secret" || body.error().code == "ticket_used")) {
      sign_ins_.failed(job.connection->client_address(), p.slug, now);
    }
    return reject(body.error());
  }
  domain::Change change{slot->board.seq() + 1, options_.clock(), std::nullopt, std::move(*body)};
  if (actor.kind == domain::Actor::Kind::participant) change.actor = actor.participant;
  // Joining is the new participant's own act (the record names them, not the server).
  if (const auto* joined = std::get_if<domain::ParticipantJoined>(&change.body);
      joined != nullptr && std::holds_alternative<protocol::JoinRequest>(job.request.body)) {
    change.actor = joined->participant.id;
  }
  // Applied now so later commands in this group are decided against it; undone by rebuild()
  // if the group's commit fails.
  slot->board.apply(change);
  p.ack_extra = ack_extra_for(change.body);
  if (const auto* joined = std::get_if<domain::ParticipantJoined>(&change.body)) {
    if (std::holds_alternative<protocol::JoinRequest>(job.request.body)) {
      p.joined_as = joined->participant.id;  // a display's creator stays who they are
      conn.joining = true;
    }
    p.ack_extra = {{"participant", protocol::self_json(joined->participant)}, {"secret", secret}};
    if (joined->participant.role != domain::Role::display)
      p.ack_extra["me"] = me_json(slot->board, joined->participant.id);
  }
  if (changes_my_choices(change.body)) p.ack_extra["me"] = me_json(slot->board, actor.participant);
  const bool code_made = std::holds_alternative<domain::OrganizerCodeSet>(change.body) ||
                         std::holds_alternative<domain::InvitationCreated>(change.body);
  if (const auto* removed = std::get_if<domain::ParticipantRemoved>(&change.body)) {
    p.removed = removed->participant_id;
    if (!removed->new_code_hash.empty()) p.ack_extra["code"] = new_code;
  } else if (const auto* role = std::get_if<domain::ParticipantRoleSet>(&change.body)) {
    if (!role->new_code_hash.empty()) p.ack_extra["code"] = new_code;
  } else if (code_made && !new_code.empty()) {
    p.ack_extra["code"] = new_code;
  }
  if (const auto* visibility = std::get_if<domain::VisibilitySet>(&change.body)) {
    p.private_now = visibility->visibility == domain::Visibility::participants;
  }
  p.public_frame = protocol::make_frame(dump(protocol::encode_change(change, p.slug, Audience::clients)));
  p.change = std::move(change);
  pending_.push_back(std::move(p));
}

void Engine::flush() {
  if (pending_.empty()) return;
  std::vector<storage::StoredChange> stored;
  for (const auto& p : pending_) {
    if (p.change) stored.push_back(to_stored(p.slug, *p.change));
  }
  const Status committed = store_.append(stored);
  if (!committed) {
    spdlog::error("commit of {} change(s) failed: {}", stored.size(), committed.error().message);
  } else {
    // Group commit at work: how many changes shared this transaction (and its fsync).
    spdlog::debug("committed {} change(s) in one transaction ({} answers)", stored.size(), pending_.size());
  }
  std::vector<std::string> to_rebuild;
  for (auto& p : pending_) {
    if (!p.change) {
      p.connection->deliver(p.reply);
      continue;
    }
    if (p.joined_as) connections_[p.connection.get()].joining = false;
    if (!committed) {
      p.connection->deliver(protocol::encode_error(
          p.id, make_error("storage_error", "the change could not be stored; nothing changed, try again")));
      if (std::find(to_rebuild.begin(), to_rebuild.end(), p.slug) == to_rebuild.end()) to_rebuild.push_back(p.slug);
      continue;
    }
    if (p.joined_as) bind(p.connection.get(), p.slug, *p.joined_as);
    // The ack is queued before the change reaches the feed: the sender hears of its own change
    // first, and never sees it without knowing it is the answer to its request.
    p.connection->deliver(protocol::encode_ack(p.id, p.change->seq, std::move(p.ack_extra)));
    if (BoardSlot* slot = find(p.slug)) record_committed(*slot, p.public_frame);
    if (p.removed) close_participant(p.slug, *p.removed);
    if (p.private_now) close_unjoined_subscribers(p.slug);
  }
  pending_.clear();
  if (appended_ && on_changes_) on_changes_();
  appended_ = false;
  // The in-memory boards ran ahead of the disk: put them back to what is stored.
  for (const auto& slug : to_rebuild) {
    if (auto s = rebuild(slug); !s) {
      spdlog::critical("cannot reload event '{}' after a failed commit: {}", slug, s.error().message);
      if (BoardSlot* slot = find(slug)) slot->needs_reload = true;
    }
  }
  // After the answers went out: a periodic board snapshot, of committed state only (a board
  // waiting for a reload may hold changes that are not stored). Never fails the commit.
  if (committed) {
    for (const auto& [slug, slot] : boards_) {
      if (!slot.needs_reload)
        store_snapshot_if_due(store_, slug, slot.board, options_.snapshot_interval, options_.clock());
    }
  }
}

void Engine::record_committed(BoardSlot& slot, const Frame& frame) {
  slot.recent.push_back(frame);
  while (slot.recent.size() > options_.replay_window) {
    slot.recent.pop_front();
    ++slot.recent_first;
  }
  // Serialized once, for every subscriber: each connection copies it from the feed when it
  // writes, together with whatever else it has not sent yet.
  feed(slot).append(*frame);
  appended_ = true;
}

ChangeFeed& Engine::feed(BoardSlot& slot) {
  if (!slot.feed) slot.feed = std::make_shared<ChangeFeed>(options_.feed_retain_bytes);
  return *slot.feed;
}

Frame Engine::snapshot_frame(BoardSlot& slot) {
  if (slot.snapshot_seq != slot.board.seq()) {
    slot.snapshot = protocol::make_frame(dump(protocol::encode_snapshot(slot.board)));
    slot.snapshot_seq = slot.board.seq();
  }
  return slot.snapshot;
}

// --- requests that read -------------------------------------------------------------------

void Engine::submit(SubscriberPtr connection, protocol::Request request) {
  if (std::holds_alternative<protocol::SubscribeRequest>(request.body)) {
    post(Task([this, connection = std::move(connection), request = std::move(request)] {
      do_subscribe(connection, request.id, std::get<protocol::SubscribeRequest>(request.body));
    }));
  } else if (std::holds_alternative<protocol::AuthRequest>(request.body)) {
    post(Task([this, connection = std::move(connection), request = std::move(request)] {
      do_auth(connection, request.id, std::get<protocol::AuthRequest>(request.body));
    }));
  } else if (std::holds_alternative<protocol::ListParticipantsRequest>(request.body)) {
    post(Task([this, connection = std::move(connection), id = request.id] { do_list_participants(connection, id); }));
  } else if (const auto* attendees = std::get_if<protocol::ProjectAttendeesRequest>(&request.body)) {
    post(Task([this, connection = std::move(connection), id = request.id, project = attendees->project_id] {
      do_project_attendees(connection, id, project);
    }));
  } else {
    post(CommandJob{std::move(connection), std::move(request)});
  }
}

void Engine::answer(SubscriberPtr connection, Frame frame) { post(ReplyJob{std::move(connection), std::move(frame)}); }

void Engine::do_subscribe(const SubscriberPtr& connection, const json& id, const protocol::SubscribeRequest& request) {
  BoardSlot* slot = find(request.event);
  if (slot == nullptr) {
    connection->deliver(
        protocol::encode_error(id, make_error("not_found", "no event '" + request.event + "'", "event")));
    return;
  }
  Connection& conn = connections_[connection.get()];
  conn.handle = connection;
  if (slot->board.info().visibility == domain::Visibility::participants &&
      (conn.participant == 0 || conn.joined != request.event)) {
    connection->deliver(protocol::encode_error(
        id, make_error("not_joined", "this event is for participants only: auth (or join) first, then subscribe",
                       "event")));
    return;
  }
  conn.subscribed = request.event;
  const domain::Seq seq = slot->board.seq();
  const bool can_replay = request.since && *request.since <= seq && *request.since + 1 >= slot->recent_first;
  if (can_replay) {
    // Exactly the missed changes, from the in-memory window, as one answer of JSON Lines (one
    // frame, however many changes): the session writes it whole, whatever its size.
    const auto first = static_cast<std::size_t>(*request.since + 1 - slot->recent_first);
    if (first < slot->recent.size()) {
      std::size_t bytes = 0;
      for (std::size_t i = first; i < slot->recent.size(); ++i) bytes += slot->recent[i]->size() + 1;
      std::string lines;
      lines.reserve(bytes);
      for (std::size_t i = first; i < slot->recent.size(); ++i) {
        if (i > first) lines.push_back('\n');
        lines.append(*slot->recent[i]);
      }
      connection->deliver_bulk(protocol::make_frame(std::move(lines)));
    }
  } else {
    connection->deliver_bulk(snapshot_frame(*slot));  // encoded once per seq, shared by all
  }
  // Every stored change up to `seq` is in the feed (reads run after the pending group's
  // commit), so the feed's end is exactly where the snapshot or replay stops: no gap, no repeat.
  // Nothing is appended before this returns, so following before the ack goes out is safe, and
  // a client that has the ack is following.
  const ChangeFeed& changes = feed(*slot);
  connection->follow(slot->feed, changes.end());
  connection->deliver(protocol::encode_ack(id, seq, {{"mode", can_replay ? "replay" : "snapshot"}}));
}

void Engine::do_auth(const SubscriberPtr& connection, const json& id, const protocol::AuthRequest& request) {
  BoardSlot* slot = find(request.event);
  if (slot == nullptr) {
    connection->deliver(
        protocol::encode_error(id, make_error("not_found", "no event '" + request.event + "'", "event")));
    return;
  }
  const std::string address = connection->client_address();
  const double now = options_.monotonic();
  if (const double wait = sign_ins_.wait(address, request.event, now); wait > 0) {
    connection->deliver(
        protocol::encode_error(id, retry_later("too many wrong secrets: wait before trying again", wait)));
    return;
  }
  const auto participant = slot->board.participant_by_secret(hash_secret(options_.secret_key, request.secret));
  if (!participant) {
    sign_ins_.failed(address, request.event, now);
    connection->deliver(
        protocol::encode_error(id, make_error("bad_secret", "this secret is not valid for the event", "secret")));
    return;
  }
  Connection& conn = connections_[connection.get()];
  conn.handle = connection;
  const bool already = conn.joined == request.event && conn.participant == *participant;
  const auto count = bound_count_.find({request.event, *participant});
  if (!already && count != bound_count_.end() && options_.connections_per_participant > 0 &&
      count->second >= options_.connections_per_participant) {
    connection->deliver(protocol::encode_error(
        id, make_error("too_many_connections", "this participant already has " + std::to_string(count->second) +
                                                   " open connections; close one and try again")));
    return;
  }
  bind(connection.get(), request.event, *participant);
  const domain::Participant& who = *slot->board.participant(*participant);
  json extra = {{"participant", protocol::self_json(who)}};
  if (who.role != domain::Role::display) extra["me"] = me_json(slot->board, who.id);
  connection->deliver(protocol::encode_ack(id, slot->board.seq(), std::move(extra)));
}

Result<Engine::Joined> Engine::joined(const Subscriber* connection) {
  const auto it = connections_.find(connection);
  if (it == connections_.end() || it->second.participant == 0) {
    return make_error("not_joined", "join the event (or auth) first");
  }
  BoardSlot* slot = find(it->second.joined);
  if (slot == nullptr) return make_error("not_joined", "join the event (or auth) first");
  const domain::Participant* p = slot->board.participant(it->second.participant);
  if (p == nullptr || p->removed) return make_error("not_joined", "you are not a participant of this event");
  return Joined{slot, p};
}

void Engine::do_list_participants(const SubscriberPtr& connection, const json& id) {
  auto me = joined(connection.get());
  if (!me) return connection->deliver(protocol::encode_error(id, me.error()));
  if (me->participant->role != domain::Role::organizer) {
    return connection->deliver(
        protocol::encode_error(id, make_error("forbidden", "only organizers can list the participants")));
  }
  json people = json::array();
  for (const auto& [pid, p] : me->slot->board.participants()) people.push_back(protocol::to_json_value(p));
  connection->deliver(protocol::encode_ack(id, me->slot->board.seq(), {{"participants", std::move(people)}}));
}

void Engine::do_project_attendees(const SubscriberPtr& connection, const json& id, domain::Id project_id) {
  auto me = joined(connection.get());
  if (!me) return connection->deliver(protocol::encode_error(id, me.error()));
  const domain::Board& board = me->slot->board;
  const domain::Project* project = board.project(project_id);
  if (project == nullptr) {
    return connection->deliver(
        protocol::encode_error(id, make_error("not_found", "no project " + std::to_string(project_id), "project_id")));
  }
  const bool maintainer = std::find(project->maintainers.begin(), project->maintainers.end(), me->participant->id) !=
                          project->maintainers.end();
  if (!maintainer && me->participant->role != domain::Role::organizer) {
    return connection->deliver(protocol::encode_error(
        id,
        make_error("forbidden", "only the project's maintainers or an organizer can see who joined", "project_id")));
  }
  json people = json::array();
  for (const domain::Id a : project->attendees) {
    if (const auto* p = board.participant(a)) people.push_back({{"id", p->id}, {"name", p->name}});
  }
  connection->deliver(protocol::encode_ack(id, board.seq(), {{"attendees", std::move(people)}}));
}

void Engine::close_unjoined_subscribers(const std::string& slug) {
  for (auto& [raw, conn] : connections_) {
    if (conn.subscribed != slug || (conn.participant != 0 && conn.joined == slug)) continue;
    conn.subscribed.clear();
    if (auto handle = conn.handle.lock()) handle->close("this event is for participants only");
  }
}

void Engine::disconnect(const Subscriber* connection) {
  post(Task([this, connection] {
    const auto it = connections_.find(connection);
    if (it == connections_.end()) return;
    unbind(connection);
    connections_.erase(it);
  }));
}

void Engine::bind(const Subscriber* connection, const std::string& slug, domain::Id participant) {
  unbind(connection);
  Connection& conn = connections_[connection];
  conn.joined = slug;
  conn.participant = participant;
  ++bound_count_[{slug, participant}];
}

void Engine::unbind(const Subscriber* connection) {
  const auto it = connections_.find(connection);
  if (it == connections_.end() || it->second.participant == 0) return;
  const auto count = bound_count_.find({it->second.joined, it->second.participant});
  if (count != bound_count_.end() && --count->second == 0) bound_count_.erase(count);
  it->second.joined.clear();
  it->second.participant = 0;
}

void Engine::close_participant(const std::string& slug, domain::Id participant) {
  // Their secret stopped working with the change; their open connections end now.
  for (auto& [raw, conn] : connections_) {
    if (conn.joined != slug || conn.participant != participant) continue;
    unbind(raw);
    if (auto handle = conn.handle.lock()) handle->close("removed by an organizer");
  }
  rates_.erase({slug, participant});
}

bool Engine::within_rate(const std::string& slug, domain::Id participant) {
  if (options_.participant_rate <= 0) return true;
  auto it = rates_.find({slug, participant});
  if (it == rates_.end()) {
    it = rates_
             .emplace(std::pair{slug, participant},
                      TokenBucket(options_.participant_rate, options_.participant_rate * 3))
             .first;
  }
  return it->second.take();
}

void Engine::snapshot(std::string slug, std::function<void(Frame)> done) {
  post(Task([this, slug = std::move(slug), done = std::move(done)] {
    BoardSlot* slot = find(slug);
    done(slot ? snapshot_frame(*slot) : nullptr);
  }));
}

void Engine::read_board(std::string slug, std::string bearer, std::function<void(Result<Frame>)> done) {
  post(Task([this, slug = std::move(slug), bearer = std::move(bearer), done = std::move(done)] {
    BoardSlot* slot = find(slug);
    if (slot == nullptr) return done(make_error("not_found", "no event '" + slug + "'", "event"));
    if (slot->board.info().visibility == domain::Visibility::participants &&
        (bearer.empty() || !slot->board.participant_by_secret(hash_secret(options_.secret_key, bearer)))) {
      return done(make_error("not_joined", "this event is for participants only: send Authorization: Bearer SECRET",
                             "Authorization"));
    }
    done(snapshot_frame(*slot));
  }));
}

void Engine::list_events(std::function<void(std::vector<EventSummary>)> done) {
  post(Task([this, done = std::move(done)] {
    std::vector<EventSummary> out;
    for (const auto& [slug, slot] : boards_) {
      const auto& info = slot.board.info();
      out.push_back(EventSummary{slug, info.name, info.timezone, slot.board.seq(), info.visibility});
    }
    done(std::move(out));
  }));
}

}  // namespace boardwalk::engine
