// The trace's packets by id (ids start at 1, consecutive). A packet as the engine makes it by the
// hundred thousand (TCP, lengths and checksums left for serialize() to compute, no options or the
// NOP,NOP,TS of nearly every segment, no payload or a piece of a pattern stream) is stored in 56
// bytes instead of a 144-byte Packet; any other (UDP, ICMP, byte payloads, SACK or SYN options,
// parsed or crafted packets with stored checksums) is kept whole on the side, in id order.
// get() rebuilds a Packet that compares equal (==) to the one added, whichever way it was kept.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/ring_buffer.h"
#include "wire/packet.h"

namespace tcpplay {

class PacketStore {
 public:
  /// Stores `p` under the next id and returns it; `*kept_whole` says which way it was stored.
  std::uint64_t add(const Packet& p, bool* kept_whole);
  /// The packet with this id, or nothing if it was dropped or never existed.
  std::optional<Packet> get(std::uint64_t id) const;

  std::uint64_t first_id() const { return first_id_; }
  std::uint64_t end_id() const { return first_id_ + compact_.size(); }
  std::size_t size() const { return compact_.size(); }
  /// Drops the packets before `id` (first_id() <= id <= end_id()); returns how many of them
  /// were kept whole.
  std::size_t drop_before(std::uint64_t id);
  void clear();

 private:
  // 56 bytes, no pointer (the same in WebAssembly). A slot of a packet kept whole has only
  // kWhole set in `tcp_bits`.
  struct Compact {
    std::uint64_t payload_offset;  // pattern stream offset of the payload's byte 0
    std::uint32_t src, dst;
    std::uint32_t seq, ack;
    std::uint32_t ts_val, ts_ecr;  // when kHasTimestamp
    std::uint32_t payload_len, payload_seed;  // payload_len 0: no payload
    std::uint16_t src_port, dst_port;
    std::uint16_t ip_id, ip_frag;  // ip_frag: the wire's flags and fragment offset word
    std::uint16_t window, urgent;
    std::uint16_t tcp_bits;  // flags (9 bits), reserved (3 bits), then kHasTimestamp, kWhole
    std::uint8_t tos, ttl;
  };
  static_assert(sizeof(Compact) == 56);
  static constexpr std::uint16_t kHasTimestamp = 1u << 12, kWhole = 1u << 13;
  struct Whole {
    std::uint64_t id;
    Packet packet;
  };

  static bool encode(const Packet& p, Compact& c);
  static Packet decode(const Compact& c);

  RingBuffer<Compact, 256> compact_;  // one slot per id
  RingBuffer<Whole, 16> whole_;       // in id order
  std::uint64_t first_id_ = 1;
};

}  // namespace tcpplay
