// A host's UDP (RFC 768): bound sockets, datagrams sent and received independently (no
// connection, no ordering, no retransmission), and ICMP port unreachable (RFC 1122 §4.1.3.1)
// both ways: sent for a datagram to an unbound port, surfaced as an error on the sender.
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
  /// An ICMP error for a datagram this socket sent, e.g. "port unreachable: 10.0.0.2:9000".
  virtual void on_error(UdpSocket& s, const std::string& error) {}
};

struct UdpSocketStats {
  std::uint64_t sent = 0, received = 0, bytes_sent = 0, bytes_received = 0, errors = 0;
  std::string last_error;
};

class UdpSocket {
 public:
  UdpSocket(class UdpStack& stack, std::uint16_t port, UdpObserver* observer)
      : stack_(stack), port_(port), observer_(observer) {}
  std::uint16_t port() const { return port_; }
  UdpObserver* observer() const { return observer_; }
  void set_observer(UdpObserver* o) { observer_ = o; }
  /// Sends one datagram. A datagram whose IPv4 packet exceeds the route's MTU is not fragmented:
  /// it is dropped and traced with reason "exceeds_mtu" (and this returns that error).
  Status send_to(Ipv4Addr dst, std::uint16_t dst_port, const Payload& data);
  const UdpSocketStats& stats() const { return stats_; }

 private:
  friend class UdpStack;
  UdpStack& stack_;
  std::uint16_t port_;
  UdpObserver* observer_;
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
