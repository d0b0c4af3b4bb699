// What the trace knows about a packet besides its bytes: the connection that sent it, the one
// that received it, and why TCP sent it. Kept per packet id (PacketStore), so that every event of
// a packet, read back later, names them; they are not on the wire (pcap and text never show them).
#pragma once
#include <cstdint>

namespace tcpplay {

/// Why TCP sent a segment, where the engine knows (TraceEvent::tag). `none` for ordinary ones.
enum class PacketTag : std::uint8_t {
  none,
  retransmission,     ///< RTO, fast or SACK retransmission, SYN/SYN-ACK/FIN retransmission
  zero_window_probe,  ///< RFC 9293 §3.8.6.1
  keepalive,          ///< RFC 9293 §3.8.4
  challenge_ack,      ///< RFC 5961 §3.2 (RST in window), §4 (SYN in a synchronized state)
  window_update,      ///< the ACK sent when the application's read reopened a small window
  rst_reply,          ///< a RST answering a segment (RFC 9293 §3.10.7.1, §3.10.7.3, §3.10.7.4)
};
constexpr int kPacketTagCount = 7;
/// "" for none, else the enum's name ("retransmission"...): a static string.
const char* to_string(PacketTag tag);

/// Who sends a packet, handed down with it from the sender to the link that transmits it.
struct SendInfo {
  std::int32_t conn = -1;  ///< the sending TCP connection's id, -1 if none
  PacketTag tag = PacketTag::none;
};

}  // namespace tcpplay
