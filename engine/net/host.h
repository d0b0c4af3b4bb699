// A host: a name, IPv4 addresses, interfaces on links, static routes, and the protocol handlers
// that consume packets addressed to it (TCP, UDP, and middleboxes that intercept).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "trace/packet_meta.h"
#include "wire/packet.h"

namespace tcpplay {

class Link;
class Network;

/// Something that consumes packets arriving at a host. handle() returns true if it took the
/// packet; the host tries its handlers in order (interceptors first, then TCP, UDP, ICMP).
class PacketHandler {
 public:
  virtual ~PacketHandler() = default;
  virtual bool handle(const Packet& packet, int from_link, std::uint64_t packet_id) = 0;
};

/// Sees every packet a host sends (its own and forwarded ones) before it is routed; returns true
/// when it dropped the packet (and traced the drop). A packet filter's outgoing rules use it.
class EgressFilter {
 public:
  virtual ~EgressFilter() = default;
  virtual bool drop_outgoing(const Packet& packet, const SendInfo& info) = 0;
};

struct Route {
  Ipv4Addr prefix = 0;
  int prefix_len = 0;  // 0 = default route
  int link = -1;       // outgoing link index
};

class Host {
 public:
  Host(Network& net, int index, std::string name, Ipv4Addr addr);

  const std::string& name() const { return name_; }
  int index() const { return index_; }
  Network& net() { return net_; }
  /// The primary address (the first one).
  Ipv4Addr addr() const { return addrs_.front(); }
  const std::vector<Ipv4Addr>& addrs() const { return addrs_; }
  void add_addr(Ipv4Addr a);
  bool owns(Ipv4Addr a) const {
    for (Ipv4Addr mine : addrs_)
      if (mine == a) return true;
    return false;
  }

  /// Packets for other hosts are forwarded (TTL decremented) when on; dropped otherwise.
  bool forwarding = false;

  void attach(Link& link);
  const std::vector<Link*>& links() const { return links_; }
  void add_route(const Route& r);
  const std::vector<Route>& routes() const { return routes_; }
  /// Longest-prefix match over the static routes, then directly attached peers; -1 if none.
  /// The last answer is remembered until an address, route or link changes anywhere.
  int route_for(Ipv4Addr dst) const;

  /// Sends a packet from this host (routing it); a packet with no route is dropped and traced.
  /// Fills in the IP id; `forwarded` packets keep theirs and lose one TTL. `info` names the
  /// sending connection and why it sent the packet, for the trace.
  void send(Packet&& packet, SendInfo info = {});
  void send(const Packet& packet) { send(Packet(packet)); }
  /// Called by a link when a packet arrives on it; `info` is what its sender said (kept by a
  /// forwarded packet on its next hop).
  void receive(const Packet& packet, int from_link, std::uint64_t packet_id, SendInfo info = {});

  /// Handlers are tried in the order added, for packets addressed to this host (and for every
  /// packet when forwarding is off).
  void add_handler(PacketHandler* h) { handlers_.push_back(h); }
  /// An interceptor sees every packet that arrives at this host before anything else does:
  /// before the handlers and before forwarding, whatever its destination. A middlebox that
  /// rewrites packets (the L4 load balancer) uses it. The newest interceptor is tried first.
  void add_interceptor(PacketHandler* h) { interceptors_.insert(interceptors_.begin(), h); }
  /// Removes `h` from both the handlers and the interceptors.
  void remove_handler(PacketHandler* h);
  /// Egress filters are asked in the order added; the first that drops a packet ends its send.
  void add_egress_filter(EgressFilter* f) { egress_.push_back(f); }
  void remove_egress_filter(EgressFilter* f);

  std::uint16_t next_ip_id() { return ip_id_++; }

 private:
  Network& net_;
  int index_;
  std::string name_;
  std::vector<Ipv4Addr> addrs_;
  std::vector<Link*> links_;
  std::vector<Route> routes_;
  std::vector<PacketHandler*> handlers_;
  std::vector<PacketHandler*> interceptors_;
  std::vector<EgressFilter*> egress_;
  std::uint16_t ip_id_ = 1;

  int find_route(Ipv4Addr dst) const;
  // A host sends almost everything to one destination (or a few, in turn): one entry is enough.
  struct LastRoute {
    Ipv4Addr dst = 0;
    int link = -1;
    std::uint64_t routing_version = UINT64_MAX;  // Network::routing_version() when found
  };
  mutable LastRoute last_route_;
};

}  // namespace tcpplay
