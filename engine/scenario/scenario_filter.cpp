// The "filter" middlebox's "rules" (engine/middlebox/packet_filter.h):
//   {"name": "syn-blackhole", "action": "drop" | "reject", "reject_with": "tcp_reset" |
//    "port_unreachable" | "host_unreachable" | "admin_prohibited", "direction": "in" | "out" |
//    "both", "protocol": "tcp" | "udp" | "icmp" | "any", "src": HOST or ADDRESS, "dst": ...,
//    "sport": PORT, "dport": PORT, "flags": "S", "not_flags": ".", "enabled": true}
// Every key but "name" is optional: a rule without matches drops everything in its direction.
#include <set>

#include "middlebox/packet_filter.h"
#include "scenario/scenario_parse.h"
#include "wire/ipv4.h"

namespace tcpplay::scenario_detail {

namespace {

/// A host name of the scenario or a dotted address.
std::optional<Ipv4Addr> address(Checker& c, const Json& v, const std::string& path,
                                const Scenario& s) {
  auto text = c.string(v, path);
  if (!text) return std::nullopt;
  if (const HostSpec* h = s.find_host(*text)) return h->addr;
  if (auto a = parse_ipv4(*text)) return *a;
  c.error(path, "expected a host name or an IPv4 address, got \"" + *text + "\"");
  return std::nullopt;
}

std::optional<std::uint16_t> flag_bits(Fields& f, std::string_view key) {
  auto text = f.string(key);
  if (!text) return std::nullopt;
  auto bits = parse_tcp_flag_letters(*text);
  if (!bits)
    f.check().error(f.path(key),
                    "expected TCP flags as tcpdump writes them (letters of "
                    "\"FSRPUEW.\", \".\" for ACK), got \"" +
                        *text + "\"");
  return bits;
}

FilterRule rule(Checker& c, const Json& v, const std::string& path, const Scenario& s) {
  Fields f(c, v, path,
           {"name", "action", "reject_with", "direction", "protocol", "src", "dst", "sport",
            "dport", "flags", "not_flags", "enabled"});
  FilterRule r;
  if (!f.ok()) return r;
  r.name = f.name("name", true).value_or("");
  if (auto a = f.string("action")) {
    if (*a == "drop") r.action = FilterRule::Action::drop;
    else if (*a == "reject") r.action = FilterRule::Action::reject;
    else c.error(f.path("action"), "expected drop or reject, got \"" + *a + "\"");
  }
  if (auto d = f.string("direction")) {
    if (*d == "in" || *d == "out" || *d == "both") {
      r.in = *d != "out";
      r.out = *d != "in";
    } else {
      c.error(f.path("direction"), "expected in, out or both, got \"" + *d + "\"");
    }
  }
  if (auto p = f.string("protocol")) {
    if (*p == "tcp") r.protocol = static_cast<std::uint8_t>(IpProto::tcp);
    else if (*p == "udp") r.protocol = static_cast<std::uint8_t>(IpProto::udp);
    else if (*p == "icmp") r.protocol = static_cast<std::uint8_t>(IpProto::icmp);
    else if (*p != "any")
      c.error(f.path("protocol"), "expected tcp, udp, icmp or any, got \"" + *p + "\"");
  }
  const bool tcp = r.protocol == static_cast<std::uint8_t>(IpProto::tcp);
  const bool ports_ok = tcp || r.protocol == static_cast<std::uint8_t>(IpProto::udp);
  if (const Json* a = f.get("src")) r.src = address(c, *a, f.path("src"), s).value_or(0);
  if (const Json* a = f.get("dst")) r.dst = address(c, *a, f.path("dst"), s).value_or(0);
  for (const char* key : {"sport", "dport"}) {
    if (!f.has(key)) continue;
    auto port = f.port(key, false);
    if (!ports_ok) c.error(f.path(key), "ports need \"protocol\": \"tcp\" or \"udp\"");
    (std::string_view(key) == "sport" ? r.sport : r.dport) = port.value_or(0);
  }
  for (const char* key : {"flags", "not_flags"}) {
    if (!f.has(key)) continue;
    auto bits = flag_bits(f, key);
    if (!tcp) c.error(f.path(key), "TCP flags need \"protocol\": \"tcp\"");
    (std::string_view(key) == "flags" ? r.flags_set : r.flags_clear) = bits.value_or(0);
  }
  if (auto e = f.boolean("enabled")) r.enabled = *e;
  // The default answer: an RST to TCP, a port unreachable otherwise (nftables' "reject").
  r.reject_with = tcp ? FilterRule::Reject::tcp_reset : FilterRule::Reject::port_unreachable;
  if (auto w = f.string("reject_with")) {
    if (r.action != FilterRule::Action::reject)
      c.error(f.path("reject_with"), "only a rule with \"action\": \"reject\" answers");
    if (*w == "tcp_reset") {
      r.reject_with = FilterRule::Reject::tcp_reset;
      if (!tcp) c.error(f.path("reject_with"), "tcp_reset needs \"protocol\": \"tcp\"");
    } else if (*w == "port_unreachable") {
      r.reject_with = FilterRule::Reject::port_unreachable;
    } else if (*w == "host_unreachable") {
      r.reject_with = FilterRule::Reject::host_unreachable;
    } else if (*w == "admin_prohibited") {
      r.reject_with = FilterRule::Reject::admin_prohibited;
    } else {
      c.error(f.path("reject_with"),
              "expected tcp_reset, port_unreachable, host_unreachable or admin_prohibited, got \"" +
                  *w + "\"");
    }
  }
  if (r.action == FilterRule::Action::reject && r.out && !r.in)
    c.error(f.has("direction") ? f.path("direction") : f.path(),
            "reject answers incoming packets only: use \"direction\": \"in\" (or drop)");
  return r;
}

}  // namespace

FilterParams parse_filter_rules(Checker& c, const Json* rules, const std::string& path,
                                const Scenario& s) {
  FilterParams p;
  if (!rules) {
    c.error(path, "missing required key \"rules\"");
    return p;
  }
  if (!c.array(*rules, path)) return p;
  std::set<std::string> names;
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const std::string rp = child_path(path, i);
    FilterRule r = rule(c, (*rules)[i], rp, s);
    if (r.name.empty()) continue;
    if (!names.insert(r.name).second)
      c.error(child_path(rp, "name"), "duplicate rule name \"" + r.name + "\"");
    p.rules.push_back(std::move(r));
  }
  return p;
}

}  // namespace tcpplay::scenario_detail
