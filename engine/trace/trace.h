// The one structured event stream of a run: packets sent, received and dropped, TCP state
// changes, timers, application and middlebox events, parameter changes.
//
// Events get consecutive indexes from 0. A reader keeps a cursor (the next index it wants) and
// asks for what came after it, so a UI polling every frame never copies the history. Retention
// bounds memory on long runs: old events (and their packets) are dropped from the front, and
// first_index() says how many were dropped, so a reader can show that the trace was cut.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/ring_buffer.h"
#include "core/time.h"
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
  app,              ///< an application or middlebox event: `name` = app, `detail` = what
  param_change,     ///< a parameter changed while running: `name` = path, `detail` = value
  note,             ///< anything else worth showing: `detail`
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
  std::int32_t host = -1;  ///< host index, -1 if none
  std::int32_t link = -1;  ///< link index for packet events, -1 if none
  std::int32_t conn = -1;  ///< connection id for TCP events, -1 if none
  FourTuple tuple;         ///< connection 4-tuple (state and timer events)
  std::uint64_t packet_id = 0;  ///< packet events: the transmission (see Trace::packet)
  const char* from = "";   ///< state_change: previous state
  const char* to = "";     ///< state_change: new state
  const char* name = "";   ///< timer name, drop reason, app name, or parameter path
  SimTime deadline = kNever;  ///< timer_set
  std::string detail;      ///< cause of a state change, app message, new parameter value
};

class Trace {
 public:
  struct Retention {
    std::size_t max_events = 1'000'000;  ///< 0 = unlimited
    std::size_t max_bytes = 0;           ///< approximate; 0 = unlimited
  };

  void set_retention(Retention r) { retention_ = r; enforce_retention(); }
  Retention retention() const { return retention_; }

  /// Stores a packet and returns its new id (ids start at 1). Packet events refer to it.
  std::uint64_t add_packet(const Packet& p);
  /// The packet with this id, or nullptr if it was dropped by retention or never existed.
  const Packet* packet(std::uint64_t id) const;

  /// Appends an event (its index is assigned here) and returns its index.
  std::uint64_t add(TraceEvent ev);
  /// The same for the two kinds a run records by the million, written in place: a packet event
  /// (packet_sent/received/dropped), and a connection event without a detail (timers).
  std::uint64_t add_packet_event(SimTime time, TraceKind kind, int host, int link,
                                 std::uint64_t packet_id, const char* name);
  std::uint64_t add_conn_event(SimTime time, TraceKind kind, int host, int conn,
                               const FourTuple& tuple, const char* name, SimTime deadline);

  std::uint64_t first_index() const { return first_index_; }  ///< = events dropped so far
  std::uint64_t end_index() const { return first_index_ + events_.size(); }
  /// Requires first_index() <= index < end_index().
  const TraceEvent& at(std::uint64_t index) const { return events_[index - first_index_]; }
  std::size_t approx_bytes() const { return bytes_; }

  /// Names used by the exporters (set by the network as hosts and links are created).
  std::vector<std::string> host_names;
  std::vector<std::string> link_names;

  void clear();

 private:
  void enforce_retention();
  bool over() const {
    return (retention_.max_events && events_.size() > retention_.max_events) ||
           (retention_.max_bytes && bytes_ > retention_.max_bytes);
  }
  /// A slot for the next event, every field reset; returns it with its index and time set.
  TraceEvent& next_slot(SimTime time, TraceKind kind);
  std::uint64_t committed(std::uint64_t index) {
    if (over()) enforce_retention();
    return index;  // the event itself may already be gone if retention is tighter than one event
  }

  // Events whose detail has its own allocation (longer than the short-string buffer) count its
  // capacity in bytes_: (index, bytes), in index order, so dropping events need not read them.
  struct DetailBytes {
    std::uint64_t index;
    std::size_t bytes;
  };

  Retention retention_;
  // Chunks of 256: a lesson's trace starts with 30 KB rings instead of 120-150 KB ones (every
  // load pays for its first chunks); past 16 chunks the rings take 2 MiB slabs anyway.
  RingBuffer<TraceEvent, 256> events_;
  RingBuffer<DetailBytes, 256> detail_bytes_;
  std::uint64_t first_index_ = 0;
  RingBuffer<Packet, 256> packets_;
  std::uint64_t first_packet_id_ = 1;
  std::size_t bytes_ = 0;
};

}  // namespace tcpplay
