#include "net/link.h"

#include <algorithm>

#include "net/host.h"
#include "net/network.h"

namespace tcpplay {

Link::Link(Network& net, int index, std::string name, Host& a, Host& b, const LinkParams& params)
    : net_(net),
      index_(index),
      name_(std::move(name)),
      a_(a),
      b_(b),
      params_(params),
      rng_(net.rng("link:" + name_)) {
  handler_ = net_.sched().add_handler(this);
}

Link::~Link() { net_.sched().remove_handler(handler_); }

void Link::set_params(const LinkParams& p) {
  const bool going_down = params_.up && !p.up;
  params_ = p;
  if (!going_down) return;
  ++epoch_;  // what is already on the wire is lost when it arrives
  for (int side = 0; side < 2; ++side) {
    Direction& d = dir_[side];
    while (!d.queue.empty()) {
      std::uint64_t id = net_.trace().add_packet(d.queue.front().packet, d.queue.front().info);
      drop(side, id, drop_reason::link_down);
      d.queue.pop_front();
      net_.packet_released();
    }
    d.queued_bytes = 0;
  }
}

Link::DirectionStats Link::stats(int from_side) const {
  DirectionStats s = dir_[from_side].stats;
  s.queued = dir_[from_side].queue.size();
  s.queued_bytes = dir_[from_side].queued_bytes;
  return s;
}

SimTime Link::serialization_time(std::uint32_t bytes) const {
  if (params_.bandwidth_bps == 0) return 0;
  // Most packets of a run have one of two sizes (full segments, ACKs): remember the last two
  // answers instead of dividing 128-bit numbers twice per packet.
  for (const SerCache& c : ser_cache_)
    if (c.bytes == bytes && c.bandwidth == params_.bandwidth_bps) return c.time;
  const unsigned __int128 bits_ns = static_cast<unsigned __int128>(bytes) * 8 * kSecond;
  const auto t =
      static_cast<SimTime>((bits_ns + params_.bandwidth_bps - 1) / params_.bandwidth_bps);
  ser_cache_[1] = ser_cache_[0];
  ser_cache_[0] = {bytes, params_.bandwidth_bps, t};
  return t;
}

void Link::drop(int at_side, std::uint64_t packet_id, const char* reason) {
  ++dir_[at_side].stats.dropped;
  net_.trace_packet(TraceKind::packet_dropped, end(at_side).index(), index_, packet_id, reason);
}

void Link::send(int from_side, Packet&& packet, SendInfo info) {
  Direction& d = dir_[from_side];
  if (!params_.up) {
    // The sender's own interface still sees the packet leave (as tcpdump there would); it is
    // lost on the dead link.
    const std::uint64_t id = net_.trace().add_packet(packet, info);
    net_.trace_packet(TraceKind::packet_sent, end(from_side).index(), index_, id);
    drop(from_side, id, drop_reason::link_down);
    return;
  }
  const std::uint32_t size = packet.wire_size();
  if (size > params_.mtu) {
    drop(from_side, net_.trace().add_packet(packet, info), drop_reason::too_big);
    return;
  }
  if (!busy(from_side)) {
    start_transmission(from_side, std::move(packet), size, info);
    return;
  }
  const bool full = (params_.queue_packets && d.queue.size() >= params_.queue_packets) ||
                    (params_.queue_bytes && d.queued_bytes + size > params_.queue_bytes);
  if (full) {
    drop(from_side, net_.trace().add_packet(packet, info), drop_reason::queue_full);
    return;
  }
  d.queued_bytes += size;
  Queued& q = d.queue.emplace_back_slot();
  q.packet = std::move(packet);  // one move (push_back takes a copy first)
  q.info = info;
  net_.packet_held();
  if (!d.tx_queued) {
    // Someone waits for the transmitter now: queue its "done" event, under the key it got when
    // the transmission started.
    net_.sched().schedule_keyed(d.busy_until, d.tx_seq, handler_, kTxDone,
                                static_cast<std::uint64_t>(from_side));
    d.tx_queued = true;
  }
}

bool Link::busy(int from_side) {
  Direction& d = dir_[from_side];
  if (!d.tx_pending) return false;
  if (net_.sched().has_run(d.busy_until, d.tx_seq)) {
    d.tx_pending = false;  // its "done" event would have run by now
    return false;
  }
  return true;
}

void Link::start_transmission(int from_side, Packet&& packet, std::uint32_t size, SendInfo info) {
  Direction& d = dir_[from_side];
  const std::uint64_t id = net_.trace().add_packet(packet, info);
  net_.trace_packet(TraceKind::packet_sent, end(from_side).index(), index_, id);
  ++d.stats.sent;
  d.stats.bytes_sent += size;
  const SimTime tx = serialization_time(size);
  if (tx > 0) {
    d.tx_pending = true;
    d.tx_queued = false;
    d.busy_until = net_.now() + tx;
    d.tx_seq = net_.sched().reserve_seq();
  }
  propagate(from_side, std::move(packet), id, tx, info);
}

void Link::script_drops(int from_side, std::vector<std::uint64_t> packet_numbers) {
  std::sort(packet_numbers.begin(), packet_numbers.end());
  dir_[from_side].scripted_drops = std::move(packet_numbers);
}

void Link::propagate(int from_side, Packet&& packet, std::uint64_t id, SimTime tx_time,
                     SendInfo info) {
  // One draw of each kind per packet, whatever the parameters, so that changing one parameter
  // does not shift the random numbers every later packet sees. With all three probabilities at
  // zero the answers are known, and the draws are only counted, to be made when the stream is
  // next used (most links of a run never lose, duplicate or reorder anything).
  bool lost = false, duplicated = false, reordered = false;
  if (params_.loss <= 0 && params_.duplicate <= 0 && params_.reorder <= 0) {
    deferred_draws_ += 3;
  } else {
    Rng& r = rng();
    lost = r.bernoulli(params_.loss);
    duplicated = r.bernoulli(params_.duplicate);
    reordered = r.bernoulli(params_.reorder);
  }
  if (lost) {
    drop(from_side, id, drop_reason::loss);
    return;
  }
  std::vector<std::uint64_t>& script = dir_[from_side].scripted_drops;
  if (!script.empty() && script.front() == dir_[from_side].stats.sent) {
    script.erase(script.begin());
    drop(from_side, id, "scripted_loss");
    return;
  }
  SimTime delay = params_.delay + tx_time;
  if (params_.jitter > 0) {
    delay += static_cast<SimTime>(rng().normal() * static_cast<double>(params_.jitter));
    if (delay < 0) delay = 0;
  }
  if (reordered) delay += params_.reorder_delay > 0 ? params_.reorder_delay : params_.delay;
  const int copies = duplicated ? 2 : 1;
  const SimTime at = net_.now() + delay;
  Direction& d = dir_[from_side];
  for (int i = 0; i < copies; ++i) {
    // The copy is a packet of its own, traced as it is made (the original goes first).
    if (i == 1) id = duplicate(from_side, packet, id, info);
    if (d.arriving.empty() || d.arriving.back().at <= at) {
      // In order with what is already on the wire (always so with a constant delay).
      Arrival& a = d.arriving.emplace_back_slot();  // a reused slot: every field is set
      a.at = at;
      a.seq = net_.sched().reserve_seq();
      a.packet_id = id;
      a.epoch = epoch_;
      a.info = info;
      if (i + 1 == copies) a.packet = std::move(packet);
      else a.packet = packet;
      if (d.arriving.size() == 1)
        net_.sched().schedule_keyed(at, a.seq, handler_, kArriveFifo,
                                    static_cast<std::uint64_t>(from_side));
      net_.packet_held();
      continue;
    }
    const std::uint32_t slot = alloc_slot();
    InFlight& f = in_flight_[slot];
    f.packet = packet;
    f.info = info;
    f.packet_id = id;
    f.to_side = static_cast<std::uint8_t>(1 - from_side);
    f.epoch = epoch_;
    f.used = true;
    net_.sched().schedule(at, handler_, kArrive, slot);
    net_.packet_held();
  }
}

std::uint32_t Link::alloc_slot() {
  if (!free_slots_.empty()) {
    std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  in_flight_.emplace_back();
  return static_cast<std::uint32_t>(in_flight_.size() - 1);
}

void Link::deliver(int to_side, const Packet& packet, std::uint64_t id, std::uint32_t epoch,
                   SendInfo info) {
  net_.packet_released();
  if (epoch != epoch_ || !params_.up) {
    drop(1 - to_side, id, drop_reason::link_down);
    return;
  }
  ++dir_[1 - to_side].stats.delivered;
  end(to_side).receive(packet, index_, id, info);
}

void Link::on_event(std::uint32_t kind, std::uint64_t arg) {
  if (kind == kTxDone) {
    const int side = static_cast<int>(arg);
    Direction& d = dir_[side];
    d.tx_pending = false;
    d.tx_queued = false;
    if (!d.queue.empty() && params_.up) {
      // Moved straight from its queue slot onto the wire: nothing is queued meanwhile (no
      // handler runs while a packet is transmitted).
      Queued& next = d.queue.front();
      const std::uint32_t size = next.packet.wire_size();
      d.queued_bytes -= size;
      net_.packet_released();
      start_transmission(side, std::move(next.packet), size, next.info);
      d.queue.drop_front(1);  // the slot is overwritten when reused
      if (!d.queue.empty() && d.tx_pending && !d.tx_queued) {
        net_.sched().schedule_keyed(d.busy_until, d.tx_seq, handler_, kTxDone, arg);
        d.tx_queued = true;
      }
    }
    return;
  }
  if (kind == kArriveFifo) {
    const int side = static_cast<int>(arg);
    Direction& d = dir_[side];
    {
      // Delivered in place: what the receiver sends meanwhile is appended (a deque keeps
      // references to its elements valid on push_back).
      const Arrival& a = d.arriving.front();
      deliver(1 - side, a.packet, a.packet_id, a.epoch, a.info);
    }
    d.arriving.drop_front(1);  // the slot keeps its packet until it is reused
    if (!d.arriving.empty()) {
      const Arrival& next = d.arriving.front();
      net_.sched().schedule_keyed(next.at, next.seq, handler_, kArriveFifo, arg);
    }
    return;
  }
  const auto slot = static_cast<std::uint32_t>(arg);
  InFlight& f = in_flight_[slot];
  Packet packet = std::move(f.packet);
  const std::uint64_t id = f.packet_id;
  const int to_side = f.to_side;
  const std::uint32_t epoch = f.epoch;
  const SendInfo info = f.info;
  f.used = false;
  f.packet = Packet{};
  free_slots_.push_back(slot);
  deliver(to_side, packet, id, epoch, info);
}

}  // namespace tcpplay
