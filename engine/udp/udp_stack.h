// A host's UDP (RFC 768): bound sockets, datagrams sent and received independently (no
// connection, no ordering, no retransmission), connected sockets (connect(): a default
// destination, and only that peer's datagrams are received), and ICMP errors: a port
// unreachable is sent for a datagram to an unbound port (RFC 1122 §4.1.3.1); one that comes
// back is reported as Linux reports it (udp_err, IP_RECVERR off): a hard error on a connected
// socket becomes its pending error, which the next call returns (ECONNREFUSED); an unconnected
// socket learns nothing (RFC 1122 §4.1.3.3 asks for more; Linux needs IP_RECVERR for that).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/result.h"
#include "net/host.h"
#include "wire/payload.h"

namespace tcpplay {

class Network;
class UdpSocket;

class UdpObserver {
 public:
  virtual ~UdpObserver() = default;
  virtual void on_datagram(UdpSocket& s, Ipv4Addr from, std::uint16_t from_port,
                           const Payload& data) {}
  /// A connected socket's pending error was set by an ICMP error about a datagram it sent,
  /// e.g. "port unreachable: 10.0.0.2:9000" (pending_error() names the errno).
  virtual void on_error(UdpSocket& s, const std::string& error) {}
};

struct UdpSocketStats {
  /// errors: ICMP errors that came back for this socket's datagrams, reported or not.
  std::uint64_t sent = 0, received = 0, bytes_sent = 0, bytes_received = 0, errors = 0;
  std::string last_error;
};

class UdpSocket {
 public:
  UdpSocket(class UdpStack& stack, std::uint16_t port, UdpObserver* observer)
      : stack_(stack), port_(port), observer_(observer) {}
  std::uint16_t port() const { return port_; }
  int host_index() const;
  UdpObserver* observer() const { return observer_; }
  void set_observer(UdpObserver* o) { observer_ = o; }
  /// Sends one datagram. A datagram whose IPv4 packet exceeds the route's MTU is not fragmented:
  /// it is dropped and traced with reason "exceeds_mtu" (and this returns that error).
  Status send_to(Ipv4Addr dst, std::uint16_t dst_port, const Payload& data);
  const UdpSocketStats& stats() const { return stats_; }

  /// connect(): sets the default destination; from now on only datagrams from exactly that
  /// address and port are received (others find no socket: port unreachable, as in Linux's
  /// lookup). A pending error stays pending.
  void connect(Ipv4Addr peer, std::uint16_t peer_port);
  bool connected() const { return peer_port_ != 0; }
  Ipv4Addr peer_addr() const { return peer_addr_; }
  std::uint16_t peer_port() const { return peer_port_; }
  /// The error the next call on the socket returns (a sock_errno name), or nullptr.
  const char* pending_error() const { return pending_error_; }
  /// Returns and clears the pending error, as the call that reports it does (sock_error()).
  const char* take_pending_error() {
    const char* e = pending_error_;
    pending_error_ = nullptr;
    return e;
  }

 private:
  friend class UdpStack;
  UdpStack& stack_;
  std::uint16_t port_;
  std::uint16_t peer_port_ = 0;  // 0: not connected
  Ipv4Addr peer_addr_ = 0;
  UdpObserver* observer_;
  const char* pending_error_ = nullptr;
  UdpSocketStats stats_;
};

class UdpStack : public PacketHandler {
 public:
  UdpStack(Network& net, Host& host);
  Host& host() { return host_; }
  Network& net() { return net_; }
  /// Binds a port (0 = next free ephemeral port from 40000); error if already bound.
  Result<UdpSocket*> bind(std::uint16_t port, UdpObserver* observer = nullptr);
  Status close(std::uint16_t port);
  UdpSocket* socket(std::uint16_t port);
  const std::map<std::uint16_t, std::unique_ptr<UdpSocket>>& sockets() const { return sockets_; }
  /// Consumes UDP datagrams for this host and ICMP errors that quote a UDP datagram.
  bool handle(const Packet& p, int from_link, std::uint64_t packet_id) override;

 private:
  friend class UdpSocket;
  Network& net_;
  Host& host_;
  std::map<std::uint16_t, std::unique_ptr<UdpSocket>> sockets_;
  std::uint16_t next_ephemeral_ = 40000;
};

}  // namespace tcpplay
