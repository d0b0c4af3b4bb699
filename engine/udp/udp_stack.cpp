// UDP sockets on one host.
// Sending: UdpSocket::send_to -> first-hop MTU check -> Host::send.
// Receiving: Host::receive -> UdpStack::handle -> a bound socket's observer, or an ICMP port
// unreachable back to the sender; ICMP destination unreachables that quote one of our datagrams
// -> that socket's observer as an error.
#include "udp/udp_stack.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "net/link.h"
#include "net/network.h"
#include "trace/socket_error.h"
#include "trace/trace.h"
#include "wire/packet.h"

namespace tcpplay {

namespace {

constexpr std::uint8_t kProtoUdp = static_cast<std::uint8_t>(IpProto::udp);
constexpr std::uint8_t kProtoIcmp = static_cast<std::uint8_t>(IpProto::icmp);
constexpr std::uint8_t kDefaultTtl = 64;  // Linux ip_default_ttl
// The IPv4 total length field is 16 bits: 65535 - 20 (IP) - 8 (UDP) bytes of data at most.
constexpr std::uint32_t kMaxUdpData = 65535 - Ipv4Header::kSize - UdpHeader::kSize;
// RFC 792: an ICMP error quotes "the internet header plus the first 64 bits of the original
// data datagram" - for UDP exactly the UDP header, which is all the sender needs to match it.
constexpr std::uint32_t kIcmpQuoteSize = Ipv4Header::kSize + UdpHeader::kSize;
constexpr std::uint16_t kFirstEphemeral = 40000;

std::uint16_t get16(const Payload& b, std::uint32_t at) {
  return static_cast<std::uint16_t>((b.at(at) << 8) | b.at(at + 1));
}

std::uint32_t get32(const Payload& b, std::uint32_t at) {
  return (std::uint32_t{get16(b, at)} << 16) | get16(b, at + 2);
}

/// The addresses and ports of the UDP datagram an ICMP error quotes.
struct QuotedUdp {
  Ipv4Addr src = 0, dst = 0;
  std::uint16_t src_port = 0, dst_port = 0;
};

// Decoded by hand: parse() would reject the quote, whose IP total length and UDP length describe
// the whole original datagram, not the 28 bytes that came back. Every read is bounds-checked.
std::optional<QuotedUdp> decode_quoted_udp(const Payload& body) {
  if (body.size() < kIcmpQuoteSize) return std::nullopt;
  const std::uint8_t version_ihl = body.at(0);
  const std::uint32_t ihl = (version_ihl & 0xFu) * 4;
  if ((version_ihl >> 4) != 4 || ihl < Ipv4Header::kSize) return std::nullopt;
  if (body.size() < ihl + UdpHeader::kSize || body.at(9) != kProtoUdp) return std::nullopt;
  QuotedUdp q;
  q.src = get32(body, 12);
  q.dst = get32(body, 16);
  q.src_port = get16(body, ihl);
  q.dst_port = get16(body, ihl + 2);
  return q;
}

// RFC 792 destination unreachable codes, worded like the socket errors they become.
std::string unreachable_reason(std::uint8_t code) {
  switch (code) {
    case 0: return "network unreachable";
    case 1: return "host unreachable";
    case 2: return "protocol unreachable";
    case icmp_code::port_unreachable: return "port unreachable";
    case icmp_code::fragmentation_needed: return "fragmentation needed";
    case 13: return "communication administratively prohibited";
    default: return "destination unreachable (code " + std::to_string(code) + ")";
  }
}

/// What Linux's __udp4_lib_err makes of a destination unreachable: the errno and whether it is
/// a hard error (icmp_err_convert[].fatal; fragmentation needed is hard with DF set, as every
/// datagram here is). Only hard errors reach a connected socket without IP_RECVERR.
struct UnreachableErrno {
  const char* err;
  bool hard;
};
UnreachableErrno errno_of_unreachable(std::uint8_t code) {
  switch (code) {
    case 0: return {sock_errno::enetunreach, false};   // net unreachable
    case 1: return {sock_errno::ehostunreach, false};  // host unreachable
    case 2: return {sock_errno::enoprotoopt, true};    // protocol unreachable
    case icmp_code::port_unreachable: return {sock_errno::econnrefused, true};
    case icmp_code::fragmentation_needed: return {sock_errno::emsgsize, true};
    case 6:                                             // destination network unknown
    case 9: return {sock_errno::enetunreach, true};     // network administratively prohibited
    case 11: return {sock_errno::enetunreach, false};   // net unreachable for TOS
    case 12: return {sock_errno::ehostunreach, false};  // host unreachable for TOS
    default: return {sock_errno::ehostunreach, true};   // 10, 13 (filtered), 14, 15, unknown
  }
}

bool is_multicast_or_broadcast(Ipv4Addr a) { return (a >> 28) == 0xE || a == 0xFFFFFFFFu; }

// RFC 1122 §3.2.2: no ICMP error about a datagram sent to a broadcast or multicast address, or
// whose source does not name a single host.
bool may_answer_with_icmp_error(const Packet& p) {
  return !is_multicast_or_broadcast(p.ip.dst) && !is_multicast_or_broadcast(p.ip.src) &&
         p.ip.src != 0;
}

void send_port_unreachable(Host& host, const Packet& offending) {
  // RFC 792: the body is the offending IP header plus the first 64 bits of its data, as it
  // arrived (TTL included); compute mode reproduces the bytes that were on the wire.
  const std::vector<std::uint8_t> wire = serialize(offending, SerializeMode::compute);
  const auto quoted =
      static_cast<std::ptrdiff_t>(std::min<std::size_t>(wire.size(), kIcmpQuoteSize));
  Packet icmp;
  icmp.ip.protocol = kProtoIcmp;
  icmp.ip.src = offending.ip.dst;  // the address the datagram was sent to
  icmp.ip.dst = offending.ip.src;
  icmp.ip.ttl = kDefaultTtl;
  icmp.ip.id = host.next_ip_id();
  icmp.icmp.type = icmp_type::dest_unreachable;
  icmp.icmp.code = icmp_code::port_unreachable;
  icmp.payload =
      Payload::from_bytes(std::vector<std::uint8_t>(wire.begin(), wire.begin() + quoted));
  host.send(std::move(icmp));
}

void trace_udp_icmp(Network& net, int host, const QuotedUdp& q, std::string what) {
  TraceEvent ev;
  ev.time = net.now();
  ev.kind = TraceKind::note;
  ev.host = host;
  ev.tuple = FourTuple{q.src, q.dst, q.src_port, q.dst_port};
  ev.detail = std::move(what);
  net.trace().add(std::move(ev));
}

}  // namespace

// --- UdpSocket -------------------------------------------------------------------------------

Status UdpSocket::send_to(Ipv4Addr dst, std::uint16_t dst_port, const Payload& data) {
  Host& host = stack_.host_;
  Network& net = stack_.net_;
  if (data.size() > kMaxUdpData)
    return make_error("datagram of " + std::to_string(data.size()) +
                      " data bytes exceeds the UDP maximum of " + std::to_string(kMaxUdpData));
  Packet p;
  p.ip.protocol = kProtoUdp;
  p.ip.src = host.addr();
  p.ip.dst = dst;
  p.ip.ttl = kDefaultTtl;
  // Linux's default (ip_no_pmtu_disc = 0, IP_PMTUDISC_WANT) sets DF on every UDP datagram that
  // fits the route MTU; larger ones would be fragmented without DF, but fragmentation is not
  // modelled here (they are refused below), so every datagram sent carries DF.
  p.ip.dont_fragment = true;
  p.ip.id = host.next_ip_id();
  p.udp.src_port = port_;
  p.udp.dst_port = dst_port;
  p.udp.length = static_cast<std::uint16_t>(UdpHeader::kSize + data.size());
  p.payload = data;

  const int link = host.route_for(dst);
  if (link < 0) {
    host.send(std::move(p));  // traces the no_route drop
    return make_error("no route to " + format_ipv4(dst));
  }
  const std::uint32_t mtu = net.link(static_cast<std::size_t>(link)).params().mtu;
  if (p.wire_size() > mtu) {
    const std::string error = "datagram of " + std::to_string(p.wire_size()) +
                              " bytes exceeds the path MTU " + std::to_string(mtu) +
                              " (fragmentation is not modelled)";
    const std::uint64_t id = net.trace().add_packet(p);
    net.trace_packet(TraceKind::packet_dropped, host.index(), link, id, drop_reason::too_big);
    ++stats_.errors;
    stats_.last_error = error;
    return make_error(error);
  }
  ++stats_.sent;
  stats_.bytes_sent += data.size();
  host.send(std::move(p));
  return Status::success();
}

int UdpSocket::host_index() const { return stack_.host_.index(); }

void UdpSocket::connect(Ipv4Addr peer, std::uint16_t peer_port) {
  // Linux __ip4_datagram_connect sets the destination and leaves sk_err alone: a pending error
  // is still returned by the next call.
  peer_addr_ = peer;
  peer_port_ = peer_port;
}

// --- UdpStack --------------------------------------------------------------------------------

UdpStack::UdpStack(Network& net, Host& host) : net_(net), host_(host) {}

Result<UdpSocket*> UdpStack::bind(std::uint16_t port, UdpObserver* observer) {
  if (port == 0) {
    // Sequential rather than random (Linux picks randomly) so that runs are reproducible.
    const std::uint32_t range = 65536u - kFirstEphemeral;
    for (std::uint32_t i = 0; i < range && port == 0; ++i) {
      const std::uint16_t candidate = next_ephemeral_;
      next_ephemeral_ = next_ephemeral_ == 65535 ? kFirstEphemeral
                                                 : static_cast<std::uint16_t>(next_ephemeral_ + 1);
      if (!sockets_.count(candidate)) port = candidate;
    }
    if (port == 0) return make_error("no free ephemeral UDP port on " + host_.name());
  } else if (sockets_.count(port)) {
    return make_error("UDP port " + std::to_string(port) + " is already bound on " + host_.name());
  }
  auto socket = std::make_unique<UdpSocket>(*this, port, observer);
  UdpSocket* raw = socket.get();
  sockets_.emplace(port, std::move(socket));
  return raw;
}

Status UdpStack::close(std::uint16_t port) {
  if (sockets_.erase(port) == 0)
    return make_error("UDP port " + std::to_string(port) + " is not bound on " + host_.name());
  return Status::success();
}

UdpSocket* UdpStack::socket(std::uint16_t port) {
  auto it = sockets_.find(port);
  return it == sockets_.end() ? nullptr : it->second.get();
}

bool UdpStack::handle(const Packet& p, int /*from_link*/, std::uint64_t /*packet_id*/) {
  if (!host_.owns(p.ip.dst)) return false;
  if (p.is_udp()) {
    UdpSocket* s = socket(p.udp.dst_port);
    // A connected socket receives only from its peer (Linux's lookup scores the remote address
    // and port of a connected socket: another sender finds no socket).
    if (s && s->connected() && (p.ip.src != s->peer_addr_ || p.udp.src_port != s->peer_port_))
      s = nullptr;
    if (!s) {
      // RFC 1122 §4.1.3.1: "If a datagram arrives addressed to a UDP port for which there is no
      // pending LISTEN call, UDP SHOULD send an ICMP Port Unreachable message."
      if (may_answer_with_icmp_error(p)) send_port_unreachable(host_, p);
      return true;
    }
    ++s->stats_.received;
    s->stats_.bytes_received += p.payload.size();
    // Last: the observer may close the socket.
    if (s->observer_) s->observer_->on_datagram(*s, p.ip.src, p.udp.src_port, p.payload);
    return true;
  }
  if (!p.is_icmp() || p.icmp.type != icmp_type::dest_unreachable) return false;
  // An ICMP error about a datagram one of our sockets sent (RFC 1122 §4.1.3.3: UDP MUST pass
  // ICMP errors up to the application).
  const std::optional<QuotedUdp> quoted = decode_quoted_udp(p.payload);
  if (!quoted || !host_.owns(quoted->src)) return false;
  UdpSocket* s = socket(quoted->src_port);
  // A connected socket is found only for a datagram it sent to its peer.
  if (s && s->connected() && (quoted->dst != s->peer_addr_ || quoted->dst_port != s->peer_port_))
    s = nullptr;
  if (!s) return false;
  const std::string error = unreachable_reason(p.icmp.code) + ": " + format_ipv4(quoted->dst) +
                            ":" + std::to_string(quoted->dst_port);
  ++s->stats_.errors;
  s->stats_.last_error = error;
  // Linux __udp4_lib_err with IP_RECVERR off: "if (!harderr || sk->sk_state !=
  // TCP_ESTABLISHED) goto out;" else sk->sk_err = err. RFC 1122 §4.1.3.3 says UDP MUST pass
  // ICMP errors up; Linux passes them to a connected socket as its pending error only.
  const UnreachableErrno e = errno_of_unreachable(p.icmp.code);
  if (!e.hard || !s->connected()) {
    trace_udp_icmp(net_, host_.index(), *quoted,
                   "ICMP " + error + ": not reported, the socket " +
                       (s->connected() ? std::string("gets only hard errors (") + e.err + " is not)"
                                       : std::string("is not connected")) +
                       " (Linux, IP_RECVERR off)");
    return true;
  }
  s->pending_error_ = e.err;
  trace_udp_icmp(net_, host_.index(), *quoted,
                 "ICMP " + error + ": pending error " + e.err +
                     " on the connected socket; its next call returns it");
  if (s->observer_) s->observer_->on_error(*s, error);
  return true;
}

}  // namespace tcpplay
