// A point-to-point link between two hosts. Each direction has its own transmitter: a drop-tail
// queue feeding a serializer at `bandwidth`, then propagation `delay` (+ jitter), with loss,
// duplication and reordering drawn from the link's own named random stream. Every parameter
// may change while the simulation runs; the change applies to packets transmitted afterwards.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/ring_buffer.h"
#include "core/rng.h"
#include "core/scheduler.h"
#include "trace/packet_meta.h"
#include "wire/packet.h"

namespace tcpplay {

class Host;
class Network;

struct LinkParams {
  SimTime delay = 1 * kMillisecond;    ///< one-way propagation delay
  SimTime jitter = 0;                  ///< standard deviation of extra delay (approx. normal)
  std::uint64_t bandwidth_bps = 0;     ///< 0 = infinitely fast (no serialization, no queue)
  std::uint32_t queue_packets = 1000;  ///< drop-tail limit in packets (0 = no limit)
  std::uint64_t queue_bytes = 0;       ///< drop-tail limit in bytes (0 = no limit)
  double loss = 0;                     ///< probability a packet is lost
  double duplicate = 0;                ///< probability a packet is delivered twice
  double reorder = 0;                  ///< probability a packet is held back by `reorder_delay`
  SimTime reorder_delay = 0;           ///< extra delay of a reordered packet (0 = one more `delay`)
  std::uint32_t mtu = 1500;            ///< largest IPv4 packet the link carries
  bool up = true;                      ///< a downed link black-holes everything
};

class Link : public EventHandler {
 public:
  Link(Network& net, int index, std::string name, Host& a, Host& b, const LinkParams& params);
  ~Link() override;
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  const std::string& name() const { return name_; }
  int index() const { return index_; }
  Host& end(int side) const { return side == 0 ? a_ : b_; }
  /// 0 if `h` is end A, 1 if end B, -1 otherwise.
  int side_of(const Host& h) const { return &h == &a_ ? 0 : &h == &b_ ? 1 : -1; }
  const LinkParams& params() const { return params_; }
  /// Replaces the parameters now. Bringing a link down drops what is queued or in flight.
  void set_params(const LinkParams& p);

  /// Drops the packets with these 1-based numbers among those transmitted from `from_side`
  /// (counting from the start of the run), traced with reason "scripted_loss". For lessons and
  /// tests that need one exact segment lost.
  void script_drops(int from_side, std::vector<std::uint64_t> packet_numbers);

  /// Hands a packet from end `from_side` to the transmitter of that direction; `info` (who sent
  /// it, why) goes with it into the trace when it is transmitted.
  void send(int from_side, Packet&& packet, SendInfo info = {});
  void send(int from_side, const Packet& packet) { send(from_side, Packet(packet)); }

  struct DirectionStats {
    std::uint64_t sent = 0, delivered = 0, dropped = 0, bytes_sent = 0, duplicated = 0;
    std::size_t queued = 0;
    std::uint64_t queued_bytes = 0;
  };
  DirectionStats stats(int from_side) const;

  void on_event(std::uint32_t kind, std::uint64_t arg) override;

 private:
  // Events: kTxDone ends a transmission (arg = side); kArrive delivers one packet of
  // in_flight_ (arg = slot); kArriveFifo delivers the head of a direction's `arriving` queue
  // (arg = side).
  enum EventKind : std::uint32_t { kTxDone = 0, kArrive = 1, kArriveFifo = 2 };
  struct Arrival {
    SimTime at = 0;
    std::uint64_t seq = 0;  // the scheduler sequence number reserved when it was sent
    std::uint64_t packet_id = 0;
    std::uint32_t epoch = 0;
    SendInfo info;  // for a router that forwards it
    Packet packet;
  };
  struct Queued {
    Packet packet;
    SendInfo info;
  };
  struct Direction {
    // Small chunks: a link direction rarely holds more than a few hundred packets, and every
    // scenario load allocates its first chunks (1024 would be 150-180 KB per ring).
    RingBuffer<Queued, 64> queue;  // waiting, not yet on the wire
    std::uint64_t queued_bytes = 0;
    // The transmission in progress ends at (busy_until, tx_seq), the key its "transmission done"
    // event would have. That event is only queued when a packet waits for it (tx_queued);
    // otherwise the next send() finds the transmitter idle by comparing keys.
    bool tx_pending = false;
    bool tx_queued = false;
    SimTime busy_until = 0;
    std::uint64_t tx_seq = 0;
    // Packets on the wire towards the other end, in arrival order, when arrivals are FIFO
    // (constant delay): only the head has a scheduler event. Others (jitter, reordering, a
    // delay cut while packets fly) use in_flight_ with one event each.
    RingBuffer<Arrival, 64> arriving;
    DirectionStats stats;
    std::vector<std::uint64_t> scripted_drops;  // sorted packet numbers still to drop
  };
  struct InFlight {
    Packet packet;
    SendInfo info;
    std::uint64_t packet_id = 0;
    std::uint8_t to_side = 0;
    std::uint32_t epoch = 0;  // packets sent before the link went down are dropped on arrival
    bool used = false;
  };
  bool busy(int from_side);
  void deliver(int to_side, const Packet& packet, std::uint64_t packet_id, std::uint32_t epoch,
               SendInfo info);
  // `size` is packet.wire_size(), computed once per packet.
  void start_transmission(int from_side, Packet&& packet, std::uint32_t size, SendInfo info);
  void propagate(int from_side, Packet&& packet, std::uint64_t packet_id, SimTime tx_time,
                 SendInfo info);
  /// Traces the copy a duplicating link makes (a packet_duplicated event) and returns its id.
  std::uint64_t duplicate(int from_side, const Packet& packet, std::uint64_t original,
                          SendInfo info);
  std::uint32_t alloc_slot();
  void drop(int at_side, std::uint64_t packet_id, const char* reason);
  SimTime serialization_time(std::uint32_t bytes) const;

  Network& net_;
  int index_;
  std::string name_;
  Host& a_;
  Host& b_;
  LinkParams params_;
  /// The link's random stream, after the draws propagate() deferred.
  Rng& rng() {
    for (; deferred_draws_ > 0; --deferred_draws_) rng_.next_u64();
    return rng_;
  }
  Rng rng_;
  std::uint64_t deferred_draws_ = 0;  // uniform() draws owed to rng_ (each is one next_u64)
  HandlerId handler_;
  Direction dir_[2];
  std::vector<InFlight> in_flight_;
  std::vector<std::uint32_t> free_slots_;
  std::uint32_t epoch_ = 0;
  struct SerCache {
    std::uint32_t bytes = 0;
    std::uint64_t bandwidth = 0;
    SimTime time = 0;
  };
  mutable SerCache ser_cache_[2];
};

}  // namespace tcpplay
