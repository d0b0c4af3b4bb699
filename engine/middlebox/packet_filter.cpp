#include "middlebox/packet_filter.h"

#include <algorithm>

#include "net/network.h"
#include "tcp/tcp_stack.h"
#include "wire/packet.h"

namespace tcpplay {

namespace {

constexpr std::uint8_t kIcmp = static_cast<std::uint8_t>(IpProto::icmp);
constexpr std::uint8_t kDefaultTtl = 64;
// RFC 792: the quoted IP header plus the first 64 bits of the datagram's data.
constexpr std::size_t kQuote = Ipv4Header::kSize + 8;

const char* reject_name(FilterRule::Reject r) {
  switch (r) {
    case FilterRule::Reject::tcp_reset: return "tcp_reset";
    case FilterRule::Reject::port_unreachable: return "port_unreachable";
    case FilterRule::Reject::host_unreachable: return "host_unreachable";
    case FilterRule::Reject::admin_prohibited: return "admin_prohibited";
  }
  return "";
}

std::uint8_t icmp_code_of(FilterRule::Reject r) {
  switch (r) {
    case FilterRule::Reject::host_unreachable: return 1;   // RFC 792
    case FilterRule::Reject::admin_prohibited: return 13;  // RFC 1812 §5.2.7.1
    default: return 3;                                     // port unreachable, RFC 792
  }
}

/// An ICMP error about `p`: an ICMP message other than echo request/reply (RFC 1122 §3.2.2).
bool is_icmp_error(const Packet& p) { return p.is_icmp() && p.icmp.type != 0 && p.icmp.type != 8; }

std::uint16_t sport_of(const Packet& p) {
  return p.is_tcp() ? p.tcp.src_port : p.is_udp() ? p.udp.src_port : 0;
}
std::uint16_t dport_of(const Packet& p) {
  return p.is_tcp() ? p.tcp.dst_port : p.is_udp() ? p.udp.dst_port : 0;
}

}  // namespace

PacketFilter::PacketFilter(Simulation& sim, Host& host, std::string name,
                           const FilterParams& params)
    : AppBase(sim, host, std::move(name)), rules_(params.rules), hits_(rules_.size(), 0) {
  for (const FilterRule& r : rules_) reasons_.push_back("filter:" + this->name() + "/" + r.name);
  host.add_interceptor(this);
  host.add_egress_filter(this);
  std::size_t on = 0;
  for (const FilterRule& r : rules_) on += r.enabled ? 1 : 0;
  narrate("packet filter with " + std::to_string(rules_.size()) + " rules (" + std::to_string(on) +
          " on)");
}

PacketFilter::~PacketFilter() {
  host().remove_handler(this);
  host().remove_egress_filter(this);
}

bool PacketFilter::matches(const FilterRule& r, const Packet& p) {
  if (r.protocol != 0 && p.ip.protocol != r.protocol) return false;
  if (r.src != 0 && p.ip.src != r.src) return false;
  if (r.dst != 0 && p.ip.dst != r.dst) return false;
  if (r.sport != 0 && (!(p.is_tcp() || p.is_udp()) || sport_of(p) != r.sport)) return false;
  if (r.dport != 0 && (!(p.is_tcp() || p.is_udp()) || dport_of(p) != r.dport)) return false;
  if (r.flags_set != 0 || r.flags_clear != 0) {
    if (!p.is_tcp()) return false;
    if ((p.tcp.flags & r.flags_set) != r.flags_set) return false;
    if ((p.tcp.flags & r.flags_clear) != 0) return false;
  }
  return true;
}

int PacketFilter::first_match(const Packet& p, bool incoming) const {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FilterRule& r = rules_[i];
    if (!r.enabled || !(incoming ? r.in : r.out)) continue;
    if (matches(r, p)) return static_cast<int>(i);
  }
  return -1;
}

bool PacketFilter::handle(const Packet& packet, int from_link, std::uint64_t packet_id) {
  const int i = first_match(packet, true);
  if (i < 0) return false;
  ++hits_[static_cast<std::size_t>(i)];
  sim_.net().trace_packet(TraceKind::packet_dropped, host().index(), from_link, packet_id,
                          reasons_[static_cast<std::size_t>(i)].c_str());
  const FilterRule& r = rules_[static_cast<std::size_t>(i)];
  if (r.action == FilterRule::Action::reject) reject(r, packet);
  return true;
}

bool PacketFilter::drop_outgoing(const Packet& packet, const SendInfo& info) {
  const int i = first_match(packet, false);
  if (i < 0) return false;
  ++hits_[static_cast<std::size_t>(i)];
  // The packet never reaches a link: record it, then its drop at this host.
  const std::uint64_t id = sim_.net().trace().add_packet(packet, info);
  sim_.net().trace_packet(TraceKind::packet_dropped, host().index(), -1, id,
                          reasons_[static_cast<std::size_t>(i)].c_str());
  return true;
}

void PacketFilter::reject(const FilterRule& r, const Packet& p) {
  if (r.reject_with == FilterRule::Reject::tcp_reset) {
    // RFC 9293 §3.10.7.1: never answer an RST; otherwise reset_for() applies its seq/ack rule.
    if (!p.is_tcp() || p.tcp.has(tcp_flag::rst)) return;
    host().send(reset_for(p, host().next_ip_id()), {-1, PacketTag::rst_reply});
    return;
  }
  if (is_icmp_error(p)) return;  // RFC 1122 §3.2.2: no ICMP error about an ICMP error
  const std::vector<std::uint8_t> wire = serialize(p, SerializeMode::compute);
  const std::size_t quoted = std::min(wire.size(), kQuote);
  Packet icmp;
  icmp.ip.protocol = kIcmp;
  icmp.ip.src = p.ip.dst;  // from the address the packet was sent to, as Linux's reject does
  icmp.ip.dst = p.ip.src;
  icmp.ip.ttl = kDefaultTtl;
  icmp.ip.id = host().next_ip_id();
  icmp.icmp.type = 3;  // destination unreachable
  icmp.icmp.code = icmp_code_of(r.reject_with);
  icmp.payload = Payload::from_bytes(
      std::vector<std::uint8_t>(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(quoted)));
  host().send(std::move(icmp));
}

Status PacketFilter::set_enabled(const std::string& rule, bool on) {
  for (FilterRule& r : rules_) {
    if (r.name != rule) continue;
    r.enabled = on;
    return Status::success();
  }
  return make_error("filter \"" + name() + "\" has no rule \"" + rule + "\"");
}

void PacketFilter::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  std::uint64_t dropped = 0, rejected = 0;
  for (std::size_t i = 0; i < rules_.size(); ++i)
    (rules_[i].action == FilterRule::Action::drop ? dropped : rejected) += hits_[i];
  w.key("counters")
      .begin_object()
      .field("dropped", dropped)
      .field("rejected", rejected)
      .end_object();
  w.key("rules").begin_array();
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FilterRule& r = rules_[i];
    w.begin_object().field("name", r.name).field("enabled", r.enabled);
    w.field("action", r.action == FilterRule::Action::drop ? "drop" : "reject");
    if (r.action == FilterRule::Action::reject) w.field("reject_with", reject_name(r.reject_with));
    w.field("direction", r.in && r.out ? "both" : r.in ? "in" : "out");
    w.field("hits", hits_[i]);
    w.end_object();
  }
  w.end_array();
}

}  // namespace tcpplay
