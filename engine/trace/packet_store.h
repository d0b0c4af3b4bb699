// The trace's packets by id (ids start at 1, consecutive). A packet as the engine makes it by the
// hundred thousand (TCP, lengths and checksums left for serialize() to compute, no options or the
// NOP,NOP,TS of nearly every segment, no payload or a piece of a pattern stream) is stored in 40
// bytes instead of a 144-byte Packet: what it shares with the other packets of its flow
// (addresses, ports, TOS, TTL, pattern stream) is kept once in a flow table. Any other packet
// (UDP, ICMP, byte payloads, SACK or SYN options, parsed or crafted packets with stored
// checksums) is kept whole on the side, in id order. get() rebuilds a Packet that compares equal
// (==) to the one added, whichever way it was kept. Every id also has its Meta (sending and
// receiving connection, tag) in its 48-byte slot, however the packet was kept.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/ring_buffer.h"
#include "trace/packet_meta.h"
#include "wire/packet.h"

namespace tcpplay {

class PacketStore {
 public:
  /// What is known of a packet besides its bytes (see packet_meta.h).
  struct Meta {
    std::int32_t conn = -1;       ///< the sending connection
    std::int32_t peer_conn = -1;  ///< the connection it was demultiplexed to, once it arrived
    PacketTag tag = PacketTag::none;
  };

  /// Stores `p` under the next id and returns it; `*kept_whole` says which way it was stored.
  std::uint64_t add(const Packet& p, bool* kept_whole, SendInfo info = {});
  /// The packet with this id, or nothing if it was dropped or never existed.
  std::optional<Packet> get(std::uint64_t id) const;
  /// Its Meta (all -1/none if it was dropped or never existed).
  Meta meta(std::uint64_t id) const;
  /// Records the connection packet `id` was demultiplexed to (ignored if it is gone).
  void set_peer_conn(std::uint64_t id, std::int32_t conn);

  std::uint64_t first_id() const { return first_id_; }
  std::uint64_t end_id() const { return first_id_ + compact_.size(); }
  std::size_t size() const { return compact_.size(); }
  /// Flows the retained compact packets use (for tests).
  std::size_t flows_in_use() const { return flows_.size() - free_flows_.size(); }
  /// Drops the packets before `id` (first_id() <= id <= end_id()); returns how many of them
  /// were kept whole.
  std::size_t drop_before(std::uint64_t id);
  void clear();

 private:
  // What the packets of one flow share, for one hop (the TTL changes with each).
  struct Flow {
    std::uint32_t src, dst;
    std::uint32_t payload_seed;  // 0 without a payload
    std::uint16_t src_port, dst_port;
    std::uint8_t tos, ttl;
    bool operator==(const Flow&) const = default;
  };
  // 48 bytes, no pointer (the same in WebAssembly). A slot of a packet kept whole has only
  // kWhole set in `tcp_bits` and its Meta (conn, peer_conn, the tag in `flow`).
  struct Compact {
    std::uint64_t payload_offset;  // pattern stream offset of the payload's byte 0
    std::uint32_t seq, ack;
    std::uint8_t ts[8];            // when kHasTimestamp: TSval and TSecr as on the wire
    std::uint32_t flow;            // index in flows_ (< kMaxFlows), the PacketTag << kTagShift
    std::uint16_t payload_len;     // 0: no payload
    std::uint16_t ip_id, ip_frag;  // ip_frag: the wire's flags and fragment offset word
    std::uint16_t window, urgent;
    std::uint16_t tcp_bits;        // flags (9 bits), reserved (3 bits), then kHasTimestamp, kWhole
    std::int32_t conn, peer_conn;  // Meta
  };
  static_assert(sizeof(Compact) == 48);
  static constexpr unsigned kTagShift = 24;
  static constexpr std::uint32_t kFlowMask = (1u << kTagShift) - 1;
  static constexpr std::uint16_t kHasTimestamp = 1u << 12, kWhole = 1u << 13;
  struct Whole {
    std::uint64_t id;
    Packet packet;
  };

  bool encode(const Packet& p, Compact& c);
  Packet decode(const Compact& c) const;
  /// The index of `f` in flows_, added if new; -1 once kMaxFlows are in use.
  std::int64_t flow_id(const Flow& f);
  std::int64_t find_or_add_flow(const Flow& f);
  void grow_flow_slots();
  /// Forgets flow `i`, which no retained packet uses any more: its index is reused.
  void release_flow(std::uint32_t i);
  static std::size_t hash(const Flow& f);

  // The flows of the retained packets (20 bytes each, a use count and a slot of the index): a
  // connection has one per direction and hop, and a flow is forgotten with its last packet, so
  // that 10,000 connections kept alive for an hour (benchmark 3) do not each leave four entries
  // behind. Past kMaxFlows in use, a new flow's packets are kept whole.
  static constexpr std::size_t kMaxFlows = std::size_t{1} << 20;
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> flow_uses_;   // retained compact packets of each flow; 0 = free
  std::vector<std::uint32_t> free_flows_;  // indexes of forgotten flows, reused last in first
  std::vector<std::uint32_t> flow_slots_;  // open addressing: flow index + 1, 0 = free
  std::array<std::uint32_t, 2> recent_flows_{0, 0};  // the last two flows found, index + 1

  RingBuffer<Compact, 256> compact_;  // one slot per id
  RingBuffer<Whole, 16> whole_;       // in id order
  std::uint64_t first_id_ = 1;
};

}  // namespace tcpplay
