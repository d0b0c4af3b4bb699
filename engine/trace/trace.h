// The one structured event stream of a run: packets sent, received and dropped, TCP state
// changes, timers, application and middlebox events, parameter changes.
//
// Events get consecutive indexes from 0. A reader keeps a cursor (the next index it wants) and
// asks for what came after it, so a UI polling every frame never copies the history. Retention
// bounds memory on long runs: old events (and their packets) are dropped from the front, and
// first_index() says how many were dropped, so a reader can show that the trace was cut.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ring_buffer.h"
#include "core/time.h"
#include "trace/label_table.h"
#include "trace/packet_store.h"
#include "wire/packet.h"

namespace tcpplay {

enum class TraceKind : std::uint8_t {
  packet_sent,      ///< a packet left `host` on `link` (this is what pcap and text show)
  packet_received,  ///< a packet arrived at `host` from `link`
  packet_dropped,   ///< a packet was dropped; `name` is the reason
  state_change,     ///< a TCP connection changed state: `from`, `to`, `detail` = cause
  timer_set,        ///< `name` = timer, `deadline`
  timer_fired,
  timer_cancelled,
  app,                ///< an application or middlebox event: `name` = app, `detail` = what
  param_change,       ///< a parameter changed while running: `name` = path, `detail` = value
  note,               ///< anything else worth showing: `detail`
  packet_duplicated,  ///< a link made a copy of packet `original`; `packet_id` is the copy's id
  /// A lesson's "watch" item whose trigger ("when") matched the event just before this one
  /// (index - 1): `original` = the item's number counted from 1, `detail` = its text; host,
  /// link and conn are the matched event's. Only in JSON Lines and the feed: the tcpdump text
  /// and pcap leave it out (engine/scenario/watch.h).
  lesson_point,
  /// What a socket call returned to the application as an error (errno): `name` = the errno
  /// ("ECONNREFUSED", "EAGAIN", ...; trace/socket_error.h), `from` = the call that failed or
  /// that the pending error is reported to ("connect", "read", "send", ...), `detail` = why.
  /// Host, conn and tuple are the socket's (conn -1 for a UDP socket or a failed listen).
  socket_error,
};
const char* to_string(TraceKind kind);

/// Drop reasons used by the network and the stacks (TraceEvent::name of packet_dropped).
namespace drop_reason {
constexpr const char* loss = "loss";
constexpr const char* queue_full = "queue_full";
constexpr const char* link_down = "link_down";
constexpr const char* no_route = "no_route";
constexpr const char* ttl = "ttl_expired";
constexpr const char* too_big = "exceeds_mtu";
constexpr const char* not_for_host = "not_for_host";
}  // namespace drop_reason

struct FourTuple {
  Ipv4Addr local_addr = 0;
  Ipv4Addr remote_addr = 0;
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  bool operator==(const FourTuple&) const = default;
  bool operator<(const FourTuple& o) const {
    if (local_addr != o.local_addr) return local_addr < o.local_addr;
    if (remote_addr != o.remote_addr) return remote_addr < o.remote_addr;
    if (local_port != o.local_port) return local_port < o.local_port;
    return remote_port < o.remote_port;
  }
};
/// "10.0.0.1:40000 > 10.0.0.2:80"
std::string format_tuple(const FourTuple& t);

struct TraceEvent {
  std::uint64_t index = 0;
  SimTime time = 0;
  TraceKind kind = TraceKind::note;
  std::int32_t host = -1;       ///< host index, -1 if none
  std::int32_t link = -1;       ///< link index for packet events, -1 if none
  std::int32_t conn = -1;       ///< connection id for TCP events; packet events: the sending
                                ///< connection (kept when a router forwards it; -1 for the stack's
                                ///< RSTs, crafted segments, UDP, ICMP, a load balancer's copies)
  std::int32_t peer_conn = -1;  ///< packet events: the receiving connection, -1 if none (yet)
  FourTuple tuple;              ///< connection 4-tuple (state and timer events)
  std::uint64_t packet_id = 0;  ///< packet events: the transmission (see Trace::packet)
  std::uint64_t original = 0;   ///< packet_duplicated: the id of the packet copied
  /// Packet events: why TCP sent it, when that is worth showing: "retransmission",
  /// "zero_window_probe", "keepalive", "challenge_ack", "window_update", "rst_reply" ("" for
  /// ordinary; see PacketTag). A link's duplicate keeps its original's tag.
  const char* tag = "";
  const char* from = "";      ///< state_change: previous state
  const char* to = "";        ///< state_change: new state
  const char* name = "";      ///< timer name, drop reason, app name, or parameter path
  SimTime deadline = kNever;  ///< timer_set
  std::string detail;         ///< cause of a state change, app message, new parameter value
};

class Trace;

/// Told of every event as it is added (after retention), for watchers such as a lesson's
/// triggers. It may add events itself; those are not reported to it.
class TraceListener {
 public:
  virtual ~TraceListener() = default;
  virtual void on_trace_event(Trace& trace, std::uint64_t index) = 0;
};

class Trace {
 public:
  struct Retention {
    std::size_t max_events = 1'000'000;  ///< 0 = unlimited
    std::size_t max_bytes = 0;           ///< approximate (see approx_bytes); 0 = unlimited
  };

  void set_retention(Retention r) {
    retention_ = r;
    enforce_retention();
  }
  Retention retention() const { return retention_; }

  /// Stores a packet and returns its new id (ids start at 1). Packet events refer to it; they
  /// all show `info` (the sending connection and the tag) when read back.
  std::uint64_t add_packet(const Packet& p, SendInfo info = {});
  /// Records the connection packet `id` was demultiplexed to at its destination: every event of
  /// the packet shows it as `peer_conn` when read back, its packet_sent event included.
  void set_packet_receiver(std::uint64_t id, std::int32_t conn) {
    packets_.set_peer_conn(id, conn);
  }
  /// The packet with this id (rebuilt from its compact form: a value equal to the one added), or
  /// nothing if it was dropped by retention or never existed.
  std::optional<Packet> packet(std::uint64_t id) const { return packets_.get(id); }
  /// The ids of the retained packets: [first_packet_id(), end_packet_id()).
  std::uint64_t first_packet_id() const { return packets_.first_id(); }
  std::uint64_t end_packet_id() const { return packets_.end_id(); }

  /// Appends an event (its index is assigned here) and returns its index.
  std::uint64_t add(TraceEvent ev);
  /// The same for the two kinds a run records by the million, written in place: a packet event
  /// (packet_sent/received/dropped), and a connection event without a detail (timers).
  std::uint64_t add_packet_event(SimTime time, TraceKind kind, int host, int link,
                                 std::uint64_t packet_id, const char* name);
  std::uint64_t add_conn_event(SimTime time, TraceKind kind, int host, int conn,
                               const FourTuple& tuple, const char* name, SimTime deadline);

  std::uint64_t first_index() const { return first_index_; }  ///< = events dropped so far
  std::uint64_t end_index() const { return first_index_ + records_.size(); }
  /// The event at `index`, rebuilt from its compact record (a value: the trace does not store
  /// TraceEvents). Requires first_index() <= index < end_index(). A packet event's conn,
  /// peer_conn and tag come from its packet (as long as the packet is retained).
  TraceEvent at(std::uint64_t index) const;
  /// Its kind alone, for loops that only look for one kind.
  TraceKind kind_at(std::uint64_t index) const {
    return static_cast<TraceKind>(records_[index - first_index_].kind_flags & 0xF);
  }
  /// What the retained events and packets cost by the fixed rule that max_bytes limits:
  /// kRecordBytes an event, kPacketBytes a packet (plus kWholePacketBytes for one kept whole),
  /// kDetailBytes plus its length for a detail, kSpilledBytes for an event kept whole. Fixed
  /// numbers (today's native sizes) rather than sizeof, so that a run cuts its trace at the same
  /// event natively and in WebAssembly (32-bit pointers).
  std::size_t approx_bytes() const { return bytes_; }
  static constexpr std::size_t kRecordBytes = 24;        // Record
  static constexpr std::size_t kPacketBytes = 48;        // PacketStore's compact slot
  static constexpr std::size_t kWholePacketBytes = 152;  // its id and a Packet, on the side
  static constexpr std::size_t kDetailBytes = 40;        // Detail
  static constexpr std::size_t kSpilledBytes = 128;      // Spilled

  /// Names used by the exporters (set by the network as hosts and links are created).
  std::vector<std::string> host_names;
  std::vector<std::string> link_names;

  void clear();

  /// One listener (or nullptr); it may call set_listener(nullptr) from inside its callback.
  void set_listener(TraceListener* l) { listener_ = l; }

 private:
  // One event in 24 bytes, no pointer (the same in WebAssembly): the trace of a long run keeps a
  // million of them, and writing them into memory last used a million events ago is most of what
  // tracing costs. Names and state labels are ids in labels_; a connection's 4-tuple is in
  // conn_tuples_; a detail lives in details_. An event whose fields do not fit (a host index past
  // int16, both a link and a connection, a tuple other than its connection's first, a 257th
  // label, a packet id with a deadline...) is kept whole in spilled_.
  struct Record {
    SimTime time;
    std::uint64_t value;  ///< packet id, deadline, or from | to << 8, by the value kind
    std::uint32_t a;      ///< the link (kAIsLink) or the connection id, as int32 bits
    std::int16_t host;
    std::uint8_t kind_flags;  ///< TraceKind in the low 4 bits, flags << 4
    std::uint8_t name;        ///< index in labels_
  };
  static_assert(sizeof(Record) == 24);
  // Flags: the value kind in 2 bits, then kHasDetail and kAIsLink; the unused value kind 3 with
  // both bits set (all four set) marks an event kept whole.
  static constexpr std::uint8_t kValueDeadline = 0, kValuePacket = 1, kValueLabels = 2,
                                kValueMask = 3, kHasDetail = 4, kAIsLink = 8, kSpilled = 15;
  static std::uint8_t flags_of(const Record& r) {
    return static_cast<std::uint8_t>(r.kind_flags >> 4);
  }
  struct Detail {
    std::uint64_t index;
    std::string text;
  };
  struct Spilled {
    std::uint64_t index;
    TraceEvent event;
  };

  void enforce_retention();
  bool over() const {
    return (retention_.max_events && records_.size() > retention_.max_events) ||
           (retention_.max_bytes && bytes_ > retention_.max_bytes);
  }
  /// A slot for the next event, its time and kind written.
  Record& next_record(SimTime time, TraceKind kind, std::uint8_t flags);
  /// Fills `r` (but its time and kind) from `ev` if every field fits a record.
  bool fits(const TraceEvent& ev, Record& r);
  /// Whether `tuple` is what conn_tuples_ holds for `conn` (taking it as the connection's tuple
  /// if this is the connection's first event); conn -1 goes with no tuple.
  bool tuple_fits(std::int32_t conn, const FourTuple& tuple);
  std::uint64_t committed(std::uint64_t index) {
    if (over()) enforce_retention();
    if (listener_ && !notifying_) notify(index);
    return index;  // the event itself may already be gone if retention is tighter than one event
  }
  void notify(std::uint64_t index);
  std::uint64_t packet_id_of(std::uint64_t index) const;
  TraceEvent record_at(std::uint64_t index) const;  // at() without the packet's Meta
  /// The element of `ring` (sorted by index) for event `index`; it must be there.
  template <typename Ring>
  static const auto& find_by_index(const Ring& ring, std::uint64_t index);

  Retention retention_;
  // Chunks of 256: a lesson's trace starts with small rings (every load pays for its first
  // chunks); past 16 chunks the rings take 2 MiB slabs anyway.
  RingBuffer<Record, 256> records_;
  RingBuffer<Detail, 64> details_;   // in index order
  RingBuffer<Spilled, 16> spilled_;  // in index order
  LabelTable labels_;
  // The 4-tuple of each connection id (ids are dense from 1 and unique in a run), set by its
  // first event: 12 bytes (and a bit) per connection ever traced, kept until clear(); not
  // counted by approx_bytes, which bounds what retention can drop. A connection id more than
  // kMaxConnGap past the table's end is not given a slot (its events are kept whole).
  std::vector<FourTuple> conn_tuples_;
  std::vector<bool> conn_tuple_set_;
  static constexpr std::size_t kMaxConnGap = 1 << 16;
  std::uint64_t first_index_ = 0;
  PacketStore packets_;
  std::size_t bytes_ = 0;
  TraceListener* listener_ = nullptr;
  bool notifying_ = false;
};

}  // namespace tcpplay
