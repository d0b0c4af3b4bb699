#include "trace/packet_meta.h"

namespace tcpplay {

const char* to_string(PacketTag tag) {
  switch (tag) {
    case PacketTag::none: return "";
    case PacketTag::retransmission: return "retransmission";
    case PacketTag::zero_window_probe: return "zero_window_probe";
    case PacketTag::keepalive: return "keepalive";
    case PacketTag::challenge_ack: return "challenge_ack";
    case PacketTag::window_update: return "window_update";
    case PacketTag::rst_reply: return "rst_reply";
  }
  return "";
}

}  // namespace tcpplay
