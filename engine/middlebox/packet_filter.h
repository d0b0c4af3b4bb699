// A packet filter on a host, like an nftables table: an ordered list of rules, each matching
// packets by direction (in: arriving at the host, forwarded ones included; out: leaving it),
// protocol, source and destination address, ports and TCP flags, and either dropping the packet
// or rejecting it. The first enabled rule that matches decides; a packet no rule matches passes.
//
//   * drop: the packet vanishes; the trace shows packet_dropped with the reason
//     "filter:FILTER/RULE". A one-way black hole is one drop rule (direction in on one host).
//   * reject (incoming packets only): the packet is dropped as above and answered, from the
//     address it was sent to:
//       - tcp_reset: an RST built by RFC 9293 §3.10.7.1's rule for a segment that finds no
//         connection: if it carries ACK, <SEQ=SEG.ACK><CTL=RST>, else
//         <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (SEG.LEN counts SYN and FIN). An RST is
//         never answered (§3.10.7.1: "An incoming segment containing a RST is discarded").
//       - port_unreachable, host_unreachable, admin_prohibited: ICMP destination unreachable
//         (RFC 792, type 3) with code 3, 1 or 13 (RFC 1812 §5.2.7.1), quoting the IP header and
//         the first 8 bytes of data. No ICMP error answers an ICMP error (RFC 1122 §3.2.2).
//
// Rules are switched on and off while running (the "filter" timeline action, or live), each
// change traced as a param_change. The snapshot lists every rule with its hit count.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "app/app_base.h"
#include "net/host.h"

namespace tcpplay {

struct FilterRule {
  std::string name;
  enum class Action { drop, reject };
  Action action = Action::drop;
  enum class Reject { tcp_reset, port_unreachable, host_unreachable, admin_prohibited };
  Reject reject_with = Reject::port_unreachable;
  bool in = true, out = false;         ///< directions matched
  std::uint8_t protocol = 0;           ///< IP protocol number; 0 = any
  Ipv4Addr src = 0, dst = 0;           ///< 0 = any
  std::uint16_t sport = 0, dport = 0;  ///< 0 = any (TCP and UDP only)
  std::uint16_t flags_set = 0;         ///< TCP flag bits that must all be set
  std::uint16_t flags_clear = 0;       ///< TCP flag bits that must all be clear
  bool enabled = true;
};

struct FilterParams {
  std::vector<FilterRule> rules;
};

class PacketFilter : public AppBase, private PacketHandler, private EgressFilter {
 public:
  PacketFilter(Simulation& sim, Host& host, std::string name, const FilterParams& params);
  ~PacketFilter() override;
  const char* kind() const override { return "filter"; }
  void snapshot(JsonWriter& w) const override;

  /// Switches a rule on or off; an error names an unknown rule.
  Status set_enabled(const std::string& rule, bool on);
  const std::vector<FilterRule>& rules() const { return rules_; }
  /// Packets each rule matched, by rule position.
  const std::vector<std::uint64_t>& hits() const { return hits_; }

  /// Whether `r` matches `p` (direction aside). Public for tests.
  static bool matches(const FilterRule& r, const Packet& p);

 private:
  bool handle(const Packet& packet, int from_link, std::uint64_t packet_id) override;
  bool drop_outgoing(const Packet& packet, const SendInfo& info) override;
  /// The first enabled rule for this direction that matches, or -1.
  int first_match(const Packet& p, bool incoming) const;
  void reject(const FilterRule& r, const Packet& p);

  std::vector<FilterRule> rules_;
  std::vector<std::uint64_t> hits_;
  std::deque<std::string> reasons_;  // "filter:NAME/RULE" per rule: trace labels, stable pointers
};

}  // namespace tcpplay
