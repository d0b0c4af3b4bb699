#include "trace/packet_store.h"

#include <algorithm>
#include <cstring>

namespace tcpplay {

namespace {

constexpr std::uint8_t kTimestampHead[4] = {1, 1, 8, 10};  // what write_timestamp_option writes

}  // namespace

std::size_t PacketStore::hash(const Flow& f) {
  std::uint64_t x = ((std::uint64_t{f.src} << 32) | f.dst) * 0x9E3779B97F4A7C15ULL;
  x ^= ((std::uint64_t{f.payload_seed} << 32) | (std::uint64_t{f.src_port} << 16) | f.dst_port) *
       0xC2B2AE3D27D4EB4FULL;
  x ^= (std::uint64_t{f.tos} << 8 | f.ttl) * 0x165667B19E3779F9ULL;
  return static_cast<std::size_t>(x ^ (x >> 32));
}

void PacketStore::grow_flow_slots() {
  flow_slots_.assign(std::max<std::size_t>(64, 2 * flow_slots_.size()), 0);
  const std::size_t mask = flow_slots_.size() - 1;
  for (std::size_t i = 0; i < flows_.size(); ++i) {
    if (flow_uses_[i] == 0) continue;  // forgotten
    std::size_t h = hash(flows_[i]) & mask;
    while (flow_slots_[h]) h = (h + 1) & mask;
    flow_slots_[h] = static_cast<std::uint32_t>(i + 1);
  }
}

std::int64_t PacketStore::flow_id(const Flow& f) {
  // A bulk transfer alternates between two flows (data one way, ACKs the other): look there first.
  for (const std::uint32_t r : recent_flows_)
    if (r && flows_[r - 1] == f) return r - 1;
  const std::int64_t id = find_or_add_flow(f);
  if (id >= 0) {
    recent_flows_[1] = recent_flows_[0];
    recent_flows_[0] = static_cast<std::uint32_t>(id + 1);
  }
  return id;
}

std::int64_t PacketStore::find_or_add_flow(const Flow& f) {
  // At most half full, so that a probe ends soon (and always, once kMaxFlows are taken).
  if (2 * (flows_.size() + 1) > flow_slots_.size() && flows_.size() < kMaxFlows) grow_flow_slots();
  const std::size_t mask = flow_slots_.size() - 1;
  for (std::size_t h = hash(f) & mask;; h = (h + 1) & mask) {
    if (!flow_slots_[h]) {
      std::uint32_t i;
      if (!free_flows_.empty()) {
        i = free_flows_.back();
        free_flows_.pop_back();
        flows_[i] = f;
      } else if (flows_.size() < kMaxFlows) {
        i = static_cast<std::uint32_t>(flows_.size());
        // resize, then assign: GCC 12 with LTO warned falsely (-Wstringop-overflow) about
        // push_back's reallocation here.
        flows_.resize(i + 1);
        flows_[i] = f;
        flow_uses_.push_back(0);
      } else {
        return -1;
      }
      flow_slots_[h] = i + 1;
      return i;
    }
    if (flows_[flow_slots_[h] - 1] == f) return flow_slots_[h] - 1;
  }
}

void PacketStore::release_flow(std::uint32_t i) {
  // Linear probing: empty the flow's slot, then move back each later entry of the run that
  // could not be found past the hole any more (backward-shift deletion).
  const std::size_t mask = flow_slots_.size() - 1;
  std::size_t hole = hash(flows_[i]) & mask;
  while (flow_slots_[hole] != i + 1) hole = (hole + 1) & mask;
  for (std::size_t j = (hole + 1) & mask; flow_slots_[j]; j = (j + 1) & mask) {
    const std::size_t home = hash(flows_[flow_slots_[j] - 1]) & mask;
    // The entry at j stays when its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    flow_slots_[hole] = flow_slots_[j];
    hole = j;
  }
  flow_slots_[hole] = 0;
  for (std::uint32_t& r : recent_flows_)
    if (r == i + 1) r = 0;
  free_flows_.push_back(i);
}

bool PacketStore::encode(const Packet& p, Compact& c) {
  const Ipv4Header& ip = p.ip;
  const TcpHeader& t = p.tcp;
  // Checks first: `c` is a reused slot and is written only for a packet that fits.
  if (!p.is_tcp() || ip.total_length != 0 || ip.checksum != 0 || ip.fragment_offset > 0x1FFF ||
      t.checksum != 0 || t.flags > 0x1FF || t.reserved > 7 || !(p.udp == UdpHeader{}) ||
      !(p.icmp == IcmpHeader{}) || p.payload.size() > 0xFFFF)
    return false;
  const std::uint8_t* opt = t.options.data.data();
  const bool ts = t.options.len == 12 && opt[0] == kTimestampHead[0] &&
                  opt[1] == kTimestampHead[1] && opt[2] == kTimestampHead[2] &&
                  opt[3] == kTimestampHead[3];
  if (!ts && t.options.len != 0) return false;
  // A pattern piece, or the empty payload of a default Payload (what from_bytes({}) and an
  // empty slice give too); an empty pattern piece or real bytes are kept whole.
  if (p.payload.is_pattern() == p.payload.empty()) return false;
  const std::int64_t flow =
      flow_id(Flow{ip.src, ip.dst, p.payload.is_pattern() ? p.payload.pattern_seed() : 0,
                   t.src_port, t.dst_port, ip.tos, ip.ttl});
  if (flow < 0) return false;

  c.payload_offset = p.payload.is_pattern() ? p.payload.pattern_offset() : 0;
  c.seq = t.seq;
  c.ack = t.ack;
  std::memcpy(c.ts, opt + 4, sizeof c.ts);  // copied as they are: no byte swapping either way
  c.flow = static_cast<std::uint32_t>(flow);
  c.payload_len = static_cast<std::uint16_t>(p.payload.size());
  c.ip_id = ip.id;
  c.ip_frag =
      static_cast<std::uint16_t>((ip.reserved_flag ? 0x8000 : 0) | (ip.dont_fragment ? 0x4000 : 0) |
                                 (ip.more_fragments ? 0x2000 : 0) | ip.fragment_offset);
  c.window = t.window;
  c.urgent = t.urgent;
  c.tcp_bits = static_cast<std::uint16_t>(t.flags | (t.reserved << 9) | (ts ? kHasTimestamp : 0));
  return true;
}

Packet PacketStore::decode(const Compact& c) const {
  const Flow& f = flows_[c.flow & kFlowMask];
  Packet p;
  p.ip.tos = f.tos;
  p.ip.id = c.ip_id;
  p.ip.reserved_flag = (c.ip_frag & 0x8000) != 0;
  p.ip.dont_fragment = (c.ip_frag & 0x4000) != 0;
  p.ip.more_fragments = (c.ip_frag & 0x2000) != 0;
  p.ip.fragment_offset = static_cast<std::uint16_t>(c.ip_frag & 0x1FFF);
  p.ip.ttl = f.ttl;
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  p.ip.src = f.src;
  p.ip.dst = f.dst;
  p.tcp.src_port = f.src_port;
  p.tcp.dst_port = f.dst_port;
  p.tcp.seq = c.seq;
  p.tcp.ack = c.ack;
  p.tcp.flags = static_cast<std::uint16_t>(c.tcp_bits & 0x1FF);
  p.tcp.reserved = static_cast<std::uint8_t>((c.tcp_bits >> 9) & 0x7);
  p.tcp.window = c.window;
  p.tcp.urgent = c.urgent;
  if (c.tcp_bits & kHasTimestamp) {  // the bytes write_timestamp_option() wrote
    std::memcpy(p.tcp.options.data.data(), kTimestampHead, 4);
    std::memcpy(p.tcp.options.data.data() + 4, c.ts, sizeof c.ts);
    p.tcp.options.len = 12;
  }
  if (c.payload_len) p.payload = Payload::pattern(f.payload_seed, c.payload_offset, c.payload_len);
  return p;
}

std::uint64_t PacketStore::add(const Packet& p, bool* kept_whole, SendInfo info) {
  const std::uint64_t id = end_id();
  Compact& c = compact_.emplace_back_slot();
  *kept_whole = !encode(p, c);
  if (!*kept_whole) ++flow_uses_[c.flow];
  if (*kept_whole) {
    c.tcp_bits = kWhole;
    c.flow = 0;
    Whole& w = whole_.emplace_back_slot();
    w.id = id;
    w.packet = p;
  }
  c.flow |= static_cast<std::uint32_t>(info.tag) << kTagShift;
  c.conn = info.conn;
  c.peer_conn = -1;
  return id;
}

PacketStore::Meta PacketStore::meta(std::uint64_t id) const {
  if (id < first_id_ || id >= end_id()) return {};
  const Compact& c = compact_[static_cast<std::size_t>(id - first_id_)];
  return {c.conn, c.peer_conn, static_cast<PacketTag>(c.flow >> kTagShift)};
}

void PacketStore::set_peer_conn(std::uint64_t id, std::int32_t conn) {
  if (id < first_id_ || id >= end_id()) return;
  compact_[static_cast<std::size_t>(id - first_id_)].peer_conn = conn;
}

std::optional<Packet> PacketStore::get(std::uint64_t id) const {
  if (id < first_id_ || id >= end_id()) return std::nullopt;
  const Compact& c = compact_[static_cast<std::size_t>(id - first_id_)];
  if (!(c.tcp_bits & kWhole)) return decode(c);
  std::size_t lo = 0, hi = whole_.size();  // the first kept whole with an id >= `id`: this one
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (whole_[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return whole_[lo].packet;
}

std::size_t PacketStore::drop_before(std::uint64_t id) {
  const auto n = static_cast<std::size_t>(id - first_id_);
  for (std::size_t i = 0; i < n; ++i) {
    const Compact& c = compact_[i];
    const std::uint32_t flow = c.flow & kFlowMask;
    if (!(c.tcp_bits & kWhole) && --flow_uses_[flow] == 0) release_flow(flow);
  }
  compact_.drop_front(n);
  first_id_ = id;
  std::size_t whole = 0;
  for (; !whole_.empty() && whole_.front().id < id; ++whole) whole_.pop_front();  // frees payloads
  return whole;
}

void PacketStore::clear() {
  compact_.clear();
  whole_.clear();
  flows_.clear();
  flow_uses_.clear();
  free_flows_.clear();
  flow_slots_.clear();
  recent_flows_ = {0, 0};
  first_id_ = 1;
}

}  // namespace tcpplay
