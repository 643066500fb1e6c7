// The one writer. Every request that reads or changes a board runs on the engine's own
// thread, in arrival order, so each event's changes get one gap-free order without locks on
// the boards. Commands that arrive while a commit is running are decided together and
// committed in one transaction (group commit); nobody hears of a change (ack or broadcast)
// before its transaction is on disk. Network threads only enqueue; they never wait for
// SQLite, and the writer never waits for the network: answers are queued (Subscriber::deliver)
// and committed changes are appended once to the event's ChangeFeed, which every subscribed
// connection reads at its own pace.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "domain/board.hpp"
#include "engine/sign_in_limits.hpp"
#include "engine/subscriber.hpp"
#include "engine/token_bucket.hpp"
#include "protocol/messages.hpp"
#include "protocol/requests.hpp"
#include "storage/store.hpp"

namespace boardwalk::engine {

struct EngineOptions {
  std::size_t replay_window = 10000;        // recent changes per event kept for resync by seq
  std::function<domain::UnixTime()> clock;  // defaults to the system clock
  // Commands per second per participant (all their connections together), with bursts of
  // three times as many; 0 = unlimited. Reads (subscribe, auth) are not counted here.
  double participant_rate = 0;  // the server's --rate-per-participant sets it (default 10)
  // Connections one participant may have authenticated at once (phone, laptop, a reconnect
  // that overlaps the old connection's timeout).
  std::size_t connections_per_participant = 0;  // 0 = no limit; --max-connections-per-participant
  // Each event's change feed keeps this many bytes of its newest changes for connections to
  // read from (engine/change_feed.hpp); a connection further behind must resync. The server
  // sets it to its per-connection send cap.
  std::size_t feed_retain_bytes = 1024 * 1024;
  // A board snapshot is stored after every this many committed changes of an event (and on
  // stop()), so a restart replays at most this many changes after it. Replay costs about
  // 2.8 us per change (JSON parse + apply), so 50,000 is <= 0.15 s of start-up even after a
  // kill just before the next snapshot; encoding and storing a board costs about a millisecond
  // for the demo board and tens of ms for a big conference, once per 50,000 commits, i.e.
  // well under 1 us per change on the writer thread. 0 = only on stop().
  std::size_t snapshot_interval = 50000;
  // Failed sign-ins and new joins per client address (engine/sign_in_limits.hpp).
  SignInLimitOptions sign_in_limits;
  // Seconds on a monotonic clock, for those limits; defaults to std::chrono::steady_clock.
  std::function<double()> monotonic;
  // The HMAC key of every secret, organizer-code and ticket-code hash (engine/secrets.hpp),
  // from the key file outside the database (app/secret_key_file.hpp). Empty in unit tests.
  std::string secret_key;
};

struct EventSummary {
  std::string slug, name, timezone;
  domain::Seq seq = 0;
  domain::Visibility visibility = domain::Visibility::public_;
};

class Engine {
 public:
  Engine(storage::Store& store, EngineOptions options);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // Rebuilds every board from the store. Call once, before start().
  Status load();
  // `listener` runs on the writer thread after changes were appended to any feed (once per
  // group commit), so the network can go and read them. It must not block. Before start().
  void on_changes(std::function<void()> listener);
  void start();
  // Finishes every queued request (commits included), then stops the writer thread.
  void stop();
  // Forgets every connection (after stop(), before the network that owns them goes away).
  void release_connections();

  // --- from any thread (after start) ------------------------------------------------------
  void submit(SubscriberPtr connection, protocol::Request request);
  // An answer decided outside the engine (a message that could not be decoded): queued behind
  // this connection's earlier requests, so answers keep the order of the requests.
  void answer(SubscriberPtr connection, protocol::Frame frame);
  void disconnect(const Subscriber* connection);
  // `done` runs on the writer thread with the snapshot frame, or nullptr for no such event.
  void snapshot(std::string slug, std::function<void(protocol::Frame)> done);
  // The snapshot for an HTTP reader holding `bearer` (a participant's or display's secret, or
  // empty): refused with not_found, or not_joined for a participants-only event without a
  // valid secret. `done` runs on the writer thread.
  void read_board(std::string slug, std::string bearer, std::function<void(Result<protocol::Frame>)> done);
  void list_events(std::function<void(std::vector<EventSummary>)> done);

  // --- before start() only (set-up, CLI) ---------------------------------------------------
  struct Step {
    domain::Command command;
    domain::Actor actor;
  };
  // Applies all steps to one event atomically: all are stored or none (on a copy of the
  // board). Returns the resulting seq, or the first step's error (with its index in field).
  Result<domain::Seq> apply_now(const std::string& slug, const std::vector<Step>& steps);
  [[nodiscard]] const domain::Board* board(const std::string& slug) const;

  // --- from any thread, while running (the CLI through the admin socket) -------------------
  // Applies `steps` like apply_now, on the writer thread after everything queued before it
  // is committed: all stored or none, then handed to subscribers like any change. `done`
  // runs on the writer thread with the new seq or the error.
  void run_system(std::string slug, std::vector<Step> steps, std::function<void(Result<domain::Seq>)> done);
  [[nodiscard]] std::vector<std::string> event_slugs() const;

  [[nodiscard]] std::size_t event_count() const { return event_count_.load(); }

 private:
  struct BoardSlot {
    domain::Board board;
    std::deque<protocol::Frame> recent;  // public change frames, seq recent_first..board.seq()
    domain::Seq recent_first = 1;
    // Every committed change, for the subscribers to read; survives rebuild() (it only ever
    // holds stored changes).
    std::shared_ptr<ChangeFeed> feed;
    protocol::Frame snapshot;  // cached for snapshot_seq
    domain::Seq snapshot_seq = -1;
    // Set when the board could not be reloaded after a failed commit: its memory may hold
    // changes that are not stored, so nothing is decided on it until a reload succeeds.
    bool needs_reload = false;
  };
  struct Connection {
    std::string joined;  // event slug the participant belongs to
    domain::Id participant = 0;
    bool joining = false;              // a join of this connection waits in the pending group
    std::string subscribed;            // event slug whose changes it follows
    std::weak_ptr<Subscriber> handle;  // to close it (participant removed, event made private)
  };
  struct CommandJob {
    SubscriberPtr connection;
    protocol::Request request;
  };
  using Task = std::function<void()>;
  struct ReplyJob {
    SubscriberPtr connection;
    protocol::Frame frame;
  };
  using Job = std::variant<CommandJob, Task, ReplyJob>;

  // A decided change waiting for its group's commit, or an answer that must keep its place
  // in the reply order behind such changes.
  struct Pending {
    SubscriberPtr connection;
    nlohmann::json id;
    std::string slug;
    std::optional<domain::Change> change;
    protocol::Frame public_frame;  // the broadcast, encoded once
    nlohmann::json ack_extra;
    protocol::Frame reply;                // an error decided without touching storage
    std::optional<domain::Id> joined_as;  // bind the connection to this participant
    std::optional<domain::Id> removed;    // close this participant's connections
    bool private_now = false;             // the event became participants-only
  };

  void post(Job job);
  void run();
  void stage(CommandJob& job);
  void flush();
  // A stored change: into the replay window and the event's feed.
  void record_committed(BoardSlot& slot, const protocol::Frame& frame);
  ChangeFeed& feed(BoardSlot& slot);
  Status rebuild(const std::string& slug);

  void do_subscribe(const SubscriberPtr& connection, const nlohmann::json& id,
                    const protocol::SubscribeRequest& request);
  void do_auth(const SubscriberPtr& connection, const nlohmann::json& id, const protocol::AuthRequest& request);
  void do_list_participants(const SubscriberPtr& connection, const nlohmann::json& id);
  void do_project_attendees(const SubscriberPtr& connection, const nlohmann::json& id, domain::Id project_id);
  // The participant this connection is joined as, with its board; an error answer otherwise.
  struct Joined {
    BoardSlot* slot = nullptr;
    const domain::Participant* participant = nullptr;
  };
  Result<Joined> joined(const Subscriber* connection);
  // Closes the connections following `slug` that did not join it (it became participants-only).
  void close_unjoined_subscribers(const std::string& slug);
  // Connection <-> participant binding, with a count per participant to cap connections.
  void bind(const Subscriber* connection, const std::string& slug, domain::Id participant);
  void unbind(const Subscriber* connection);
  void close_participant(const std::string& slug, domain::Id participant);
  bool within_rate(const std::string& slug, domain::Id participant);
  protocol::Frame snapshot_frame(BoardSlot& slot);
  BoardSlot* find(const std::string& slug);

  storage::Store& store_;
  EngineOptions options_;
  std::map<std::string, BoardSlot> boards_;
  std::unordered_map<const Subscriber*, Connection> connections_;
  std::map<std::pair<std::string, domain::Id>, std::size_t> bound_count_;
  std::map<std::pair<std::string, domain::Id>, TokenBucket> rates_;
  SignInLimits sign_ins_;
  std::vector<Pending> pending_;
  std::atomic<std::size_t> event_count_{0};
  std::function<void()> on_changes_;
  bool appended_ = false;  // a feed grew since on_changes_ last ran

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace boardwalk::engine
