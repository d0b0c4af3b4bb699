// tcpdump-style text: packet lines exactly as `tcpdump -n -r` 4.99.3 prints them (checked against
// the real tcpdump by tests/engine/tcpdump_crosscheck_test.cpp), plus "#" annotation lines for
// the trace events that a capture cannot show.
//
// What is matched: TCP (flags, relative sequence numbers per conversation, every option kind
// except MPTCP's details), HTTP request/response lines on TCP ports 80 and 8080, UDP, and ICMP.
// tcpdump also decodes many other well-known ports (TCP 21, 22, 23, 25, 53, 179, 445, 1723, 6379,
// ...; UDP 53, 67, 69, 123, 161, 514, 4789, 5060, 7000-7009, source port 49152, ...) and other
// IP protocols (GRE, ...), which this formatter does not: scenarios should use ports tcpdump does
// not decode, e.g. ephemeral 40000+ and 9000.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "core/time.h"
#include "trace/trace.h"
#include "wire/packet.h"

namespace tcpplay {

class TcpdumpFormatter {
 public:
  /// The line from "IP " onwards, without a newline. Updates the per-conversation state that
  /// tcpdump keeps for relative sequence numbers, so packets must come in capture order.
  std::string format(const Packet& p);
  /// "HH:MM:SS.uuuuuu " (virtual time; hours may exceed 23) followed by format(p).
  std::string format_line(const Packet& p, SimTime t);
  /// Forgets every conversation, as a fresh tcpdump process would.
  void reset() { conversations_.clear(); }

 private:
  // print-tcp.c's struct tha: the address pair and ports in a canonical order.
  struct ConvKey {
    Ipv4Addr src = 0;
    Ipv4Addr dst = 0;
    std::uint32_t ports = 0;
    auto operator<=>(const ConvKey&) const = default;
  };
  struct ConvIsn {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
  };
  void format_tcp(const Packet& p, std::string& out);

  std::map<ConvKey, ConvIsn> conversations_;
};

/// "HH:MM:SS.uuuuuu" for a virtual time (truncated to microseconds, as tcpdump shows them).
std::string format_tcpdump_time(SimTime t);

/// The TCP option list as tcpdump prints it between "options [" and "]", with absolute SACK edges
/// (what tcpdump shows for a segment without ACK); "" when the header has no option bytes.
std::string tcpdump_options_string(const TcpHeader& tcp, bool has_payload);

struct TextExportOptions {
  bool annotations = true;  ///< add "#" lines for non-packet events
};

/// One tcpdump line per packet_sent event; with annotations, the other events as lines
/// "HH:MM:SS.uuuuuu  # ..." that never contain " IP " (so `(^| )IP ` finds only packet lines).
/// packet_received events are not shown: each packet appears once, where it was sent.
std::string export_tcpdump_text(const Trace& trace, const TextExportOptions& options = {});

}  // namespace tcpplay
