// What applications and the UI see of TCP: the observer an application implements, and the
// crafted-segment description that raw injection takes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/payload.h"
#include "wire/tcp_header.h"

namespace tcpplay {

class TcpConnection;

/// Callbacks from a connection to the application that owns it. All are optional.
class TcpObserver {
 public:
  virtual ~TcpObserver() = default;
  /// A passive open completed (the connection left the backlog) or an active open succeeded.
  virtual void on_established(TcpConnection& c) {}
  /// The application read `data` (in order, exactly the bytes the peer sent).
  virtual void on_data(TcpConnection& c, const Payload& data) {}
  /// Urgent data arrived; `offset` is its position in the receive stream (RFC 9293 §3.8.5).
  virtual void on_urgent(TcpConnection& c, std::uint64_t offset) {}
  /// The peer's FIN was read: no more data will come (end of file).
  virtual void on_peer_closed(TcpConnection& c) {}
  /// Send buffer space became available.
  virtual void on_writable(TcpConnection& c) {}
  /// With auto_read false: data (or the peer's FIN) is waiting for read().
  virtual void on_readable(TcpConnection& c) {}
  /// The application idle timeout (TcpConfig::idle_timeout) expired. Return true if the app
  /// handled it; otherwise the connection is closed.
  virtual bool on_idle_timeout(TcpConnection& c) { return false; }
  /// The connection is gone. `reason`: "closed", "reset", "refused", "timeout", "aborted".
  virtual void on_closed(TcpConnection& c, const char* reason) {}
};

/// A crafted segment as the UI and scenarios describe it. Unset seq/ack are filled from the
/// connection (SND.NXT and RCV.NXT) when one matches the 4-tuple.
struct CraftedSegment {
  std::string from_host;
  std::uint16_t src_port = 0;
  std::string to_addr;  ///< dotted quad, or a host name
  std::uint16_t dst_port = 0;
  std::uint16_t flags = 0;
  std::optional<std::uint32_t> seq;
  std::optional<std::uint32_t> ack;
  std::int64_t seq_offset = 0;  ///< added to seq (given or filled): "RCV.NXT + 1000"
  std::int64_t ack_offset = 0;  ///< added to ack (given or filled)
  /// `seq` is relative to the sender's ISN and `ack` to the receiver's, as packetdrill and
  /// tcpdump write them (seq 1 = the first data byte): inject() adds the ISNs of the 4-tuple's
  /// connection (TcpStack::known_isns) and fails, naming the field, when it has none.
  bool seq_relative = false;
  bool ack_relative = false;
  /// Byte offsets into `options` of SACK block edges given relative to the receiver's ISN
  /// (32-bit big-endian fields that inject() adds that ISN to).
  std::vector<std::uint8_t> relative_sack;
  std::optional<std::uint16_t> window;
  std::uint16_t urgent = 0;
  TcpOptionBytes options;
  std::string payload;
  std::uint8_t ttl = 64;
};

}  // namespace tcpplay
