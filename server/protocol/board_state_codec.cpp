#include "board_state_codec.hpp"

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

namespace boardwalk::protocol {
namespace {

using namespace boardwalk::domain;

constexpr std::string_view kMagic = "BWBS";
// 2: event visibility and caps, organizer invitations. A snapshot of another version is not
// used: the board is then rebuilt from the change log (and a new snapshot stored).
constexpr std::uint64_t kVersion = 2;
constexpr std::size_t kChecksumBytes = 8;

// FNV-1a: a few lines, fast on a board-sized body, and enough to tell a torn or bit-rotten
// snapshot from a good one (it is not a defence against someone forging rows in the file).
std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// The largest value of each enum, so the decoder can refuse anything outside it.
constexpr int max_of(Role) { return static_cast<int>(Role::display); }
constexpr int max_of(JoinMode) { return static_cast<int>(JoinMode::tickets); }
constexpr int max_of(RoomKind) { return static_cast<int>(RoomKind::sprint); }
constexpr int max_of(TopicState) { return static_cast<int>(TopicState::merged); }
constexpr int max_of(Level) { return static_cast<int>(Level::advanced); }
constexpr int max_of(ProjectState) { return static_cast<int>(ProjectState::hidden); }
constexpr int max_of(Visibility) { return static_cast<int>(Visibility::participants); }

// The field lists, written once and used by both directions, so encoder and decoder cannot
// drift apart. The order is the format: append new fields at the end and bump kVersion.
template <typename A>
void io(A& a, EventInfo& e) {
  a(e.slug, e.name, e.timezone, e.vote_cap, e.sprint_days, e.proposals_locked, e.voting_locked, e.join_mode,
    e.organizer_code_hash, e.visibility, e.topic_cap, e.project_cap);
}
template <typename A>
void io(A& a, Invitation& i) {
  a(i.created_by, i.used);
}
template <typename A>
void io(A& a, Room& r) {
  a(r.id, r.name, r.kind, r.capacity);
}
template <typename A>
void io(A& a, Slot& s) {
  a(s.id, s.day, s.start, s.end);
}
template <typename A>
void io(A& a, Participant& p) {
  a(p.id, p.name, p.role, p.removed);
}
template <typename A>
void io(A& a, Topic& t) {
  a(t.id, t.title, t.description, t.convener, t.state, t.room_id, t.slot_id, t.merged_into, t.voters);
}
template <typename A>
void io(A& a, Project& p) {
  a(p.id, p.name, p.repo_url, p.description, p.maintainers, p.skills, p.level, p.first_timers, p.days, p.tables,
    p.attendees, p.capacity, p.state);
}
template <typename A>
void io(A& a, BoardState& s) {
  a(s.seq, s.info, s.rooms, s.slots, s.participants, s.topics, s.projects, s.cells, s.tables, s.secrets, s.tickets,
    s.tickets_used, s.votes_used, s.votes, s.next_room, s.next_slot, s.next_participant, s.next_topic, s.next_project,
    s.invitations);
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  template <typename... T>
  void operator()(T&... xs) {
    (put(xs), ...);
  }
  void put_varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }

 private:
  void put(const bool& b) { out_.push_back(b ? 1 : 0); }
  template <std::integral T>
  void put(const T& v) {
    const auto x = static_cast<std::int64_t>(v);
    put_varint((static_cast<std::uint64_t>(x) << 1) ^ static_cast<std::uint64_t>(x >> 63));  // zigzag
  }
  template <typename E>
  requires std::is_enum_v<E>
  void put(const E& e) { put(static_cast<int>(e)); }
  void put(const std::string& s) {
    put_varint(s.size());
    out_.append(s);
  }
  template <typename T>
  void put(const std::optional<T>& o) {
    put(o.has_value());
    if (o) put(*o);
  }
  template <typename X, typename Y>
  void put(const std::pair<X, Y>& p) {
    put(p.first);
    put(p.second);
  }
  template <typename T>
  void put(const std::vector<T>& v) {
    put_varint(v.size());
    for (const auto& x : v) put(x);
  }
  template <typename K>
  void put(const std::set<K>& s) {
    put_varint(s.size());
    for (const auto& x : s) put(x);
  }
  template <typename K, typename V>
  void put(std::map<K, V>& m) {
    put_varint(m.size());
    for (auto& [k, v] : m) {
      put(k);
      put(v);
    }
  }
  // Hash maps iterate in an order that depends on their history: sort, so equal boards give
  // equal bytes (and the decoder can insist on the order).
  template <typename K, typename V>
  void put(const std::unordered_map<K, V>& m) {
    std::vector<std::pair<K, V>> sorted(m.begin(), m.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    put(sorted);
  }
  // A domain struct: its field list above (a constraint, so that strings and containers,
  // which are classes too, keep their own overloads).
  template <typename T>
  requires requires(Writer& w, T& t) { io(w, t); }
  // io() takes references so one field list serves both directions; the Writer only reads.
  void put(const T& record) { io(*this, const_cast<T&>(record)); }  // NOLINT(cppcoreguidelines-pro-type-const-cast)

  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  template <typename... T>
  void operator()(T&... xs) {
    (get(xs), ...);
  }

  [[nodiscard]] bool ok() const { return error_.empty(); }
  [[nodiscard]] bool at_end() const { return p_ == end_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = why;
    p_ = end_;  // stop reading: every later get() fails fast and changes nothing
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) {
        fail("truncated");
        return 0;
      }
      const auto byte = static_cast<unsigned char>(*p_++);
      // The tenth byte holds only bit 63: more would be silently cut off (found by fuzz_snapshot).
      if (shift == 63 && byte > 1) {
        fail("overlong number");
        return 0;
      }
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        // The encoder writes the shortest form; a padded one (a last byte of 0) is not ours.
        if (byte == 0 && shift > 0) {
          fail("overlong number");
          return 0;
        }
        return v;
      }
    }
    fail("overlong number");
    return 0;
  }

 private:
  // A count of elements that each take at least one byte: more than the bytes left is
  // corruption, and refusing it here keeps a bad count from allocating gigabytes.
  std::size_t count() {
    const std::uint64_t n = varint();
    if (n > static_cast<std::uint64_t>(end_ - p_)) {
      fail("count beyond the end");
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
  void get(bool& b) {
    if (p_ == end_) return fail("truncated");
    const auto byte = static_cast<unsigned char>(*p_++);
    if (byte > 1) return fail("bad boolean");
    b = byte == 1;
  }
  template <std::integral T>
  void get(T& v) {
    const std::uint64_t z = varint();
    const auto x = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));  // un-zigzag
    if (!std::in_range<T>(x)) return fail("number out of range");
    v = static_cast<T>(x);
  }
  template <typename E>
  requires std::is_enum_v<E>
  void get(E& e) {
    int v = 0;
    get(v);
    if (v < 0 || v > max_of(E{})) return fail("unknown enum value");
    e = static_cast<E>(v);
  }
  void get(std::string& s) {
    const std::size_t n = count();
    s.assign(p_, n);
    p_ += n;
  }
  template <typename T>
  void get(std::optional<T>& o) {
    bool has = false;
    get(has);
    if (!has) return o.reset();
    T v{};
    get(v);
    o = std::move(v);
  }
  template <typename X, typename Y>
  void get(std::pair<X, Y>& p) {
    get(p.first);
    get(p.second);
  }
  template <typename T>
  void get(std::vector<T>& v) {
    const std::size_t n = count();
    v.clear();
    v.reserve(n);
    for (std::size_t i = 0; i < n && ok(); ++i) get(v.emplace_back());
  }
  // Ordered containers arrive sorted and without duplicates (the encoder iterates them in
  // order): anything else is corruption. Sorted input also makes each insertion O(1).
  template <typename K>
  void get(std::set<K>& s) {
    const std::size_t n = count();
    for (std::size_t i = 0; i < n && ok(); ++i) {
      K k{};
      get(k);
      if (!s.empty() && !(*s.rbegin() < k)) return fail("set out of order");
      s.emplace_hint(s.end(), std::move(k));
    }
  }
  template <typename K, typename V>
  void get(std::map<K, V>& m) {
    const std::size_t n = count();
    for (std::size_t i = 0; i < n && ok(); ++i) {
      K k{};
      V v{};
      get(k);
      get(v);
      if (!m.empty() && !(m.rbegin()->first < k)) return fail("map out of order");
      m.emplace_hint(m.end(), std::move(k), std::move(v));
    }
  }
  template <typename K, typename V>
  void get(std::unordered_map<K, V>& m) {
    std::vector<std::pair<K, V>> sorted;
    get(sorted);
    // Checked before anything is moved out (a moved-from key would compare as empty; found by
    // fuzz_snapshot).
    for (std::size_t i = 1; i < sorted.size(); ++i) {
      if (!(sorted[i - 1].first < sorted[i].first)) return fail("hash map out of order");
    }
    m.reserve(sorted.size());
    for (auto& [k, v] : sorted) m.emplace(std::move(k), std::move(v));
  }
  template <typename T>
  requires requires(Reader& r, T& t) { io(r, t); }
  void get(T& record) { io(*this, record); }

  const char* p_;
  const char* end_;
  std::string error_;
};

template <typename M>
bool keys_are_ids(const M& m) {
  return std::all_of(m.begin(), m.end(), [](const auto& kv) { return kv.first == kv.second.id; });
}

// What apply() relies on when it looks things up with .at(): every index points at a record
// that exists. A snapshot that passes its checksum but breaks these was not written by us.
std::string check_references(const BoardState& s) {
  if (!keys_are_ids(s.rooms) || !keys_are_ids(s.slots) || !keys_are_ids(s.participants) || !keys_are_ids(s.topics) ||
      !keys_are_ids(s.projects)) {
    return "a record is filed under another id";
  }
  const auto topic = [&](Id id) { return s.topics.contains(id); };
  const auto person = [&](Id id) { return s.participants.contains(id); };
  for (const auto& [cell, id] : s.cells) {
    if (!topic(id)) return "cell of a missing topic";
  }
  for (const auto& [table, id] : s.tables) {
    if (!s.projects.contains(id)) return "table of a missing project";
  }
  for (const auto& [hash, id] : s.secrets) {
    if (!person(id)) return "secret of a missing participant";
  }
  for (const auto& [hash, id] : s.tickets) {
    if (id != 0 && !person(id)) return "ticket of a missing participant";
  }
  for (const auto& [topic_id, voter] : s.votes) {
    if (!topic(topic_id)) return "vote on a missing topic";
  }
  for (const auto& [id, t] : s.topics) {
    if (t.merged_into && !topic(*t.merged_into)) return "merged into a missing topic";
  }
  if (s.seq < 0 || s.tickets_used > s.tickets.size()) return "counters out of range";
  return {};
}

}  // namespace

std::string encode_board_state(const domain::Board& board) {
  BoardState state = board.state();
  std::string out(kMagic);
  Writer w(out);
  w.put_varint(kVersion);
  io(w, state);
  const std::uint64_t sum = fnv1a(out);
  for (std::size_t i = 0; i < kChecksumBytes; ++i) out.push_back(static_cast<char>(sum >> (8 * i)));
  return out;
}

Result<domain::Board> decode_board_state(std::string_view body) {
  const auto bad = [](const std::string& why) {
    return make_error("invalid_value", "unreadable board snapshot: " + why);
  };
  if (body.size() < kMagic.size() + kChecksumBytes || body.substr(0, kMagic.size()) != kMagic) {
    return bad("not a board snapshot");
  }
  const std::string_view content = body.substr(0, body.size() - kChecksumBytes);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kChecksumBytes; ++i) {
    sum |= static_cast<std::uint64_t>(static_cast<unsigned char>(body[content.size() + i])) << (8 * i);
  }
  if (sum != fnv1a(content)) return bad("checksum mismatch");

  Reader r(content.substr(kMagic.size()));
  if (const std::uint64_t version = r.varint(); r.ok() && version != kVersion) {
    return bad("format version " + std::to_string(version) + " is not " + std::to_string(kVersion));
  }
  BoardState state;
  io(r, state);
  if (!r.ok()) return bad(r.error());
  if (!r.at_end()) return bad("trailing bytes");
  if (auto why = check_references(state); !why.empty()) return bad(why);
  return Board::from_state(std::move(state));
}

}  // namespace boardwalk::protocol
