#include "net/host.h"

#include <algorithm>

#include "net/link.h"
#include "net/network.h"

namespace tcpplay {

Host::Host(Network& net, int index, std::string name, Ipv4Addr addr)
    : net_(net), index_(index), name_(std::move(name)), addrs_{addr} {}

void Host::add_addr(Ipv4Addr a) {
  addrs_.push_back(a);
  net_.routing_changed();  // a peer's new address can change any host's route
}

void Host::attach(Link& link) {
  links_.push_back(&link);
  net_.routing_changed();
}

void Host::add_route(const Route& r) {
  routes_.push_back(r);
  net_.routing_changed();
}

int Host::route_for(Ipv4Addr dst) const {
  if (last_route_.dst != dst || last_route_.routing_version != net_.routing_version())
    last_route_ = {dst, find_route(dst), net_.routing_version()};
  return last_route_.link;
}

int Host::find_route(Ipv4Addr dst) const {
  int best = -1, best_len = -1;
  for (const Route& r : routes_) {
    const std::uint32_t mask = r.prefix_len == 0 ? 0 : ~0u << (32 - r.prefix_len);
    if ((dst & mask) == (r.prefix & mask) && r.prefix_len > best_len) {
      best = r.link;
      best_len = r.prefix_len;
    }
  }
  if (best >= 0) return best;
  for (const Link* l : links_) {
    const Host& peer = l->end(1 - l->side_of(*this));
    if (peer.owns(dst)) return l->index();
  }
  return -1;
}

void Host::send(Packet&& packet, SendInfo info) {
  for (EgressFilter* f : egress_)
    if (f->drop_outgoing(packet, info)) return;
  const int link = route_for(packet.ip.dst);
  if (link < 0) {
    const std::uint64_t id = net_.trace().add_packet(packet, info);
    net_.trace_packet(TraceKind::packet_dropped, index_, -1, id, drop_reason::no_route);
    return;
  }
  Link& l = net_.link(static_cast<std::size_t>(link));
  l.send(l.side_of(*this), std::move(packet), info);
}

void Host::receive(const Packet& packet, int from_link, std::uint64_t packet_id, SendInfo info) {
  net_.trace_packet(TraceKind::packet_received, index_, from_link, packet_id);
  for (PacketHandler* h : interceptors_)
    if (h->handle(packet, from_link, packet_id)) return;
  if (owns(packet.ip.dst) || !forwarding) {
    for (PacketHandler* h : handlers_)
      if (h->handle(packet, from_link, packet_id)) return;
    if (!owns(packet.ip.dst))
      net_.trace_packet(TraceKind::packet_dropped, index_, from_link, packet_id,
                        drop_reason::not_for_host);
    return;
  }
  if (packet.ip.ttl <= 1) {
    net_.trace_packet(TraceKind::packet_dropped, index_, from_link, packet_id, drop_reason::ttl);
    return;
  }
  Packet fwd = packet;
  --fwd.ip.ttl;
  // A new transmission on the next link, still the segment its connection sent (and why): the
  // trace names that connection on every hop. The connection that receives it is named on the
  // last hop's id only.
  send(std::move(fwd), info);
}

void Host::remove_handler(PacketHandler* h) {
  handlers_.erase(std::remove(handlers_.begin(), handlers_.end(), h), handlers_.end());
  interceptors_.erase(std::remove(interceptors_.begin(), interceptors_.end(), h),
                      interceptors_.end());
}

void Host::remove_egress_filter(EgressFilter* f) {
  egress_.erase(std::remove(egress_.begin(), egress_.end(), f), egress_.end());
}

}  // namespace tcpplay
