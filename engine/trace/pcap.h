// Classic pcap (pcap-savefile(5)) of the packets a run sent: little-endian, nanosecond
// timestamps (magic 0xa1b23c4d), version 2.4, LINKTYPE_RAW (101: the record is the IPv4 packet).
// Timestamps are virtual time, so a capture is the same on every run and platform.
#pragma once
#include <cstdint>
#include <vector>

#include "core/time.h"
#include "trace/trace.h"
#include "wire/packet.h"

namespace tcpplay {

class PcapWriter {
 public:
  static constexpr std::uint32_t kMagicNanos = 0xa1b23c4d;
  static constexpr std::uint32_t kSnapLen = 262144;
  static constexpr std::uint32_t kLinkTypeRaw = 101;

  /// Appends the 24-byte global header.
  void begin(std::vector<std::uint8_t>& out);
  /// Appends one record: the packet serialized in compute mode, stamped with virtual time `t`.
  void add(std::vector<std::uint8_t>& out, const Packet& p, SimTime t);
};

/// A whole capture: one record per packet_sent event still retained, in event order.
std::vector<std::uint8_t> export_pcap(const Trace& trace);

}  // namespace tcpplay
