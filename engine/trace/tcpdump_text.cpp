// Packet lines follow tcpdump 4.99.3: ip_print -> tcp_print / udp_print / icmp_print, with the
// same conditions and the same field order. Comments name the print-*.c function mirrored.
#include "trace/tcpdump_text.h"

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>

#include "trace/socket_error.h"

namespace tcpplay {

namespace {

void appendf(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& out, const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) out.append(buf, static_cast<std::size_t>(std::min<int>(n, sizeof buf - 1)));
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t be32(const std::uint8_t* p) { return (std::uint32_t{be16(p)} << 16) | be16(p + 2); }

// ---- TCP options (print-tcp.c, the "Handle any options" loop) --------------------------------

enum class OptEnd { ok, bad, truncated };

/// How SACK edges are made relative: tcpdump subtracts the conversation's base numbers.
struct SackBase {
  bool rev = false;
  std::uint32_t thseq = 0;
  std::uint32_t thack = 0;
};

const char* option_name(unsigned opt) {
  switch (opt) {
    case 0: return "eol";
    case 1: return "nop";
    case 2: return "mss";
    case 3: return "wscale";
    case 4: return "sackOK";
    case 5: return "sack";
    case 6: return "echo";
    case 7: return "echoreply";
    case 8: return "TS";
    case 11: return "cc";
    case 12: return "ccnew";
    case 13: return "";  // tcpdump's table really has an empty name for CCECHO
    case 19: return "md5";
    case 20: return "scps";
    case 28: return "uto";
    case 29: return "tcp-ao";
    case 30: return "mptcp";
    case 34: return "tfo";
    case 254: return "exp";
    default: return nullptr;
  }
}

void append_hex(std::string& out, const std::uint8_t* p, unsigned n) {
  for (unsigned i = 0; i < n; ++i) appendf(out, "%02x", p[i]);
}

// print_tcp_fastopen_option()
void print_fastopen(std::string& out, const std::uint8_t* cp, unsigned datalen, bool exp) {
  if (exp) out += "tfo";
  if (datalen == 0) {
    out += " cookiereq";
  } else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) {
    out += " (invalid)";
  } else {
    out += " cookie ";
    append_hex(out, cp, datalen);
  }
}

/// What one option body printed: tcpdump's LENCHECK failures jump to "bad".
struct OptionBody {
  const std::uint8_t* cp;  // first byte after kind and length
  unsigned len;            // the option's length byte
  unsigned hlen;           // option bytes left after kind and length
  unsigned datalen = 0;    // bytes consumed, which may differ from len - 2
  bool fits(unsigned l) const { return l <= hlen; }
};

void print_sack(std::string& out, OptionBody& b, const SackBase& base, bool& ok) {
  b.datalen = b.len - 2;
  if (b.datalen % 8 != 0) {
    out += " invalid sack";
    return;
  }
  appendf(out, " %u ", b.datalen / 8);
  const std::uint32_t sub = base.rev ? base.thseq : base.thack;
  for (unsigned i = 0; i < b.datalen; i += 8) {
    if (!b.fits(i + 8)) {
      ok = false;
      return;
    }
    appendf(out, "{%u:%u}", be32(b.cp + i) - sub, be32(b.cp + i + 4) - sub);
  }
}

// Options with a fixed body size; false if `opt` is not one of them.
bool print_fixed_option(std::string& out, unsigned opt, OptionBody& b, bool& ok) {
  static const struct {
    unsigned opt, size;
  } kSizes[] = {{2, 2},  {3, 1}, {6, 4},   {7, 4},  {11, 4}, {12, 4},
                {13, 4}, {8, 8}, {19, 16}, {20, 2}, {28, 2}};
  const auto* it = std::find_if(std::begin(kSizes), std::end(kSizes),
                                [&](const auto& s) { return s.opt == opt; });
  if (it == std::end(kSizes)) return false;
  b.datalen = it->size;
  ok = b.fits(b.datalen);
  if (!ok) return true;
  const std::uint8_t* cp = b.cp;
  if (opt == 2 || opt == 20) {
    if (opt == 2) appendf(out, " %u", be16(cp));
    else appendf(out, " cap %02x id %u", cp[0], cp[1]);
  } else if (opt == 3) {
    appendf(out, " %u", cp[0]);
  } else if (opt == 8) {
    appendf(out, " val %u ecr %u", be32(cp), be32(cp + 4));
  } else if (opt == 19) {  // Debian's tcpdump has libcrypto but no -M secret
    out += " shared secret not supplied with -M, can't check - ";
    append_hex(out, cp, 16);
  } else if (opt == 28) {
    const unsigned v = be16(cp);  // RFC 5482: granularity bit, then the timeout
    appendf(out, " 0x%x %u", v, (v & 1) ? (v >> 1) * 60 : v >> 1);
  } else {
    appendf(out, " %u", be32(cp));  // echo, echoreply, cc, ccnew, ccecho
  }
  return true;
}

void print_tcp_ao(std::string& out, OptionBody& b, bool& ok) {
  b.datalen = b.len - 2;
  if (b.datalen < 2) {
    out += " (invalid)";
    return;
  }
  ok = b.fits(b.datalen);
  if (!ok) return;
  appendf(out, " keyid %u rnextkeyid %u", b.cp[0], b.cp[1]);
  if (b.datalen > 2) {
    out += " mac 0x";
    append_hex(out, b.cp + 2, b.datalen - 2);
  }
}

// Options sized by their length byte: sack, tcp-ao, tfo, exp, and unknown kinds (MPTCP's
// details are not emulated and print like an unknown kind).
void print_variable_option(std::string& out, unsigned opt, OptionBody& b, const SackBase& base,
                           bool& ok) {
  if (opt == 5) return print_sack(out, b, base, ok);
  if (opt == 29) return print_tcp_ao(out, b, ok);
  b.datalen = b.len - 2;
  if (opt != 34 && opt != 254 && b.datalen) out += " 0x";
  ok = b.fits(b.datalen) && (opt != 254 || b.datalen >= 2);
  if (!ok) return;
  if (opt == 34) {
    out += " ";
    print_fastopen(out, b.cp, b.datalen, false);
  } else if (opt == 254) {  // RFC 6994 experimental option with a 16-bit magic
    out += "-";
    if (be16(b.cp) == 0xf989) print_fastopen(out, b.cp + 2, b.datalen - 2, true);
    else appendf(out, "%04x", be16(b.cp));
  } else {
    append_hex(out, b.cp, b.datalen);
  }
}

/// One option's body; false where tcpdump jumps to "bad". `b.datalen` gets the bytes used.
bool print_option_body(std::string& out, unsigned opt, OptionBody& b, const SackBase& base) {
  bool ok = true;
  if (opt == 0 || opt == 1 || opt == 4) return true;  // eol, nop, sackOK: nothing more
  if (!print_fixed_option(out, opt, b, ok)) print_variable_option(out, opt, b, base, ok);
  return ok;
}

/// The options loop over the padded option space `opt[0..space)`. Reading a length byte just past
/// the option space reads the first payload byte, or hits the end of a payload-less packet.
/// `ch` becomes ',' once an option is complete; a "bad" ending closes the list only then.
OptEnd print_tcp_options(std::string& out, const std::uint8_t* opt, unsigned space,
                         bool has_payload, const SackBase& base, char& ch) {
  unsigned hlen = space, i = 0;
  ch = '\0';
  while (hlen > 0) {
    if (ch != '\0') out += ch;
    const unsigned kind = opt[i++];
    unsigned len = 1;
    if (kind > 1) {
      if (i >= space) return has_payload ? OptEnd::bad : OptEnd::truncated;
      len = opt[i++];
      if (len < 2 || len > hlen) return OptEnd::bad;
      --hlen;
    }
    --hlen;
    const char* name = option_name(kind);
    if (name) out += name;
    else appendf(out, "unknown-%u", kind);
    OptionBody body{opt + i, len, hlen};
    if (!print_option_body(out, kind, body, base)) return OptEnd::bad;
    unsigned datalen = body.datalen;
    i += datalen;
    hlen -= datalen;
    datalen += kind > 1 ? 2 : 1;
    if (datalen != len) appendf(out, "[len %u]", len);
    ch = ',';
    if (kind == 0) break;
  }
  return OptEnd::ok;
}

/// Copies the options into the zero-padded space that serialize() writes.
unsigned padded_options(const TcpHeader& t, std::array<std::uint8_t, 40>& buf) {
  buf.fill(0);
  for (unsigned i = 0; i < t.options.len && i < buf.size(); ++i) buf[i] = t.options.data[i];
  return t.header_size() - TcpHeader::kMinSize;
}

// ---- HTTP (print-http.c -> util-print.c txtproto_print) ------------------------------------

bool ascii_print(std::uint8_t c) { return c >= 0x20 && c <= 0x7E; }

/// fetch_token(): the index after the token and its trailing blanks, or 0 for no token.
std::size_t fetch_token(const std::string& s, std::size_t idx, std::string& token) {
  constexpr std::size_t kTokenBuf = 129;  // MAX_TOKEN + 1
  token.clear();
  for (; idx < s.size(); ++idx) {
    const auto c = static_cast<std::uint8_t>(s[idx]);
    if (c & 0x80) return 0;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
    if (!ascii_print(c)) return 0;
    if (token.size() + 2 > kTokenBuf) return 0;
    token += static_cast<char>(c);
  }
  if (token.empty()) return 0;
  for (; idx < s.size(); ++idx) {
    const auto c = static_cast<std::uint8_t>(s[idx]);
    if (c == '\r' || c == '\n' || !ascii_print(c) || (c != ' ' && c != '\t')) break;
  }
  return idx;
}

bool is_http_command(const std::string& token) {
  static const char* const kCmds[] = {"GET",
                                      "PUT",
                                      "COPY",
                                      "HEAD",
                                      "LOCK",
                                      "MOVE",
                                      "POLL",
                                      "POST",
                                      "BCOPY",
                                      "BMOVE",
                                      "MKCOL",
                                      "TRACE",
                                      "LABEL",
                                      "MERGE",
                                      "DELETE",
                                      "SEARCH",
                                      "UNLOCK",
                                      "REPORT",
                                      "UPDATE",
                                      "NOTIFY",
                                      "BDELETE",
                                      "CONNECT",
                                      "OPTIONS",
                                      "CHECKIN",
                                      "PROPFIND",
                                      "CHECKOUT",
                                      "CCM_POST",
                                      "SUBSCRIBE",
                                      "PROPPATCH",
                                      "BPROPFIND",
                                      "BPROPPATCH",
                                      "UNCHECKOUT",
                                      "MKACTIVITY",
                                      "MKWORKSPACE",
                                      "UNSUBSCRIBE",
                                      "RPC_CONNECT",
                                      "VERSION-CONTROL",
                                      "BASELINE-CONTROL"};
  auto upper = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; };
  for (const char* cmd : kCmds) {
    std::size_t i = 0;
    while (cmd[i] && i < token.size() && upper(token[i]) == cmd[i]) ++i;
    if (!cmd[i] && i == token.size()) return true;
  }
  return false;
}

bool is_response_code(const std::string& t) {
  return t.size() == 3 && t[0] >= '0' && t[0] <= '9' && t[1] >= '0' && t[1] <= '9' && t[2] >= '0' &&
         t[2] <= '9';
}

// print_txt_line() for the first line: printed only if it is clean printable text; a line that
// runs to the end of the segment is printed as truncated.
void print_first_line(const std::string& s, std::string& out) {
  for (std::size_t idx = 0; idx < s.size(); ++idx) {
    const auto c = static_cast<std::uint8_t>(s[idx]);
    if (c == '\n' || (c == '\r' && idx + 1 < s.size() && s[idx + 1] == '\n')) {
      out += ": " + s.substr(0, idx);
      return;
    }
    if (c == '\r' || (!ascii_print(c) && c != '\t')) return;
  }
  out += ": " + s + " [|http]";
}

void print_http(const Payload& payload, std::string& out) {
  const std::string s = payload.to_string();
  std::string token;
  bool print_this = false;
  std::size_t idx = fetch_token(s, 0, token);
  if (idx != 0) {
    print_this = is_http_command(token);
    idx = fetch_token(s, idx, token);  // RESP_CODE_SECOND_TOKEN
    if (idx != 0 && is_response_code(token)) print_this = true;
  }
  out += ": HTTP";
  if (print_this) print_first_line(s, out);
}

// Ports whose decoders tcp_print tries before HTTP's.
bool decoded_before_http(std::uint16_t port) {
  switch (port) {
    case 21:
    case 22:
    case 23:
    case 25:
    case 43:
    case 139:
    case 179:
    case 445:
    case 1723:
    case 6379:
    case 6633:
    case 6653:
    case 10288: return true;
    default: return false;
  }
}

void print_tcp_payload(const Packet& p, std::string& out) {
  const TcpHeader& t = p.tcp;
  if (decoded_before_http(t.src_port) || decoded_before_http(t.dst_port)) return;
  if (t.src_port == 80 || t.dst_port == 80 || t.src_port == 8080 || t.dst_port == 8080)
    print_http(p.payload, out);
}

// ---- ICMP (print-icmp.c icmp_print) ----------------------------------------------------------

/// Reads the ICMP body with tcpdump's bounds: a read past the end makes the line "[|icmp]".
class IcmpBody {
 public:
  explicit IcmpBody(const Payload& p) : p_(p) {}
  bool has(std::uint32_t end) const { return end <= p_.size(); }
  std::uint8_t u8(std::uint32_t off) const { return p_.at(off); }
  std::uint16_t u16(std::uint32_t off) const {
    return static_cast<std::uint16_t>((p_.at(off) << 8) | p_.at(off + 1));
  }
  std::uint32_t u32(std::uint32_t off) const {
    return (std::uint32_t{u16(off)} << 16) | u16(off + 2);
  }
  std::string quoted_dst() const { return format_ipv4(u32(16)); }

 private:
  const Payload& p_;
};

bool icmp_port_unreachable(const IcmpBody& b, std::string& s) {
  if (!b.has(10)) return false;
  const std::uint32_t hlen = (b.u8(0) & 0xF) * 4u;
  if (!b.has(hlen + 4) || !b.has(20)) return false;
  const unsigned proto = b.u8(9), dport = b.u16(hlen + 2);
  if (proto == 6) appendf(s, "%s tcp port %u unreachable", b.quoted_dst().c_str(), dport);
  else if (proto == 17) appendf(s, "%s udp port %u unreachable", b.quoted_dst().c_str(), dport);
  else appendf(s, "%s protocol %u port %u unreachable", b.quoted_dst().c_str(), proto, dport);
  return true;
}

bool icmp_unreachable(const IcmpHeader& h, const IcmpBody& b, std::string& s) {
  if (h.code == icmp_code::port_unreachable) return icmp_port_unreachable(b, s);
  if (!b.has(20)) return false;
  const std::string dst = b.quoted_dst();
  static const char* const kText[] = {"net %s unreachable",
                                      "host %s unreachable",
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      "%s unreachable - source route failed",
                                      "net %s unreachable - unknown",
                                      "host %s unreachable - unknown",
                                      "%s unreachable - source host isolated",
                                      "net %s unreachable - admin prohibited",
                                      "host %s unreachable - admin prohibited",
                                      "net %s unreachable - tos prohibited",
                                      "host %s unreachable - tos prohibited",
                                      "host %s unreachable - admin prohibited filter",
                                      "host %s unreachable - host precedence violation",
                                      "host %s unreachable - precedence cutoff"};
  if (h.code == 2) {
    appendf(s, "%s protocol %u unreachable", dst.c_str(), b.u8(9));
  } else if (h.code == icmp_code::fragmentation_needed) {
    const unsigned mtu = h.rest & 0xFFFF;  // RFC 1191 next-hop MTU
    if (mtu) appendf(s, "%s unreachable - need to frag (mtu %u)", dst.c_str(), mtu);
    else appendf(s, "%s unreachable - need to frag", dst.c_str());
  } else if (h.code < 16 && kText[h.code]) {
    appendf(s, kText[h.code], dst.c_str());
  } else {
    appendf(s, "%s unreachable - #%u", dst.c_str(), h.code);
  }
  return true;
}

bool icmp_redirect(const IcmpHeader& h, const IcmpBody& b, std::string& s) {
  if (!b.has(20)) return false;
  const std::string dst = b.quoted_dst(), gw = format_ipv4(h.rest);
  static const char* const kText[] = {"redirect %s to net %s", "redirect %s to host %s",
                                      "redirect-tos %s to net %s", "redirect-tos %s to host %s"};
  if (h.code < 4) appendf(s, kText[h.code], dst.c_str(), gw.c_str());
  else appendf(s, "redirect-#%u %s to %s", h.code, dst.c_str(), gw.c_str());
  return true;
}

bool icmp_router_advert(const IcmpHeader& h, const IcmpBody& b, std::string& s) {
  const unsigned num = h.rest >> 24, size = (h.rest >> 16) & 0xFF, life = h.rest & 0xFFFF;
  s += "router advertisement lifetime ";
  if (life < 60) appendf(s, "%u", life);
  else if (life < 3600) appendf(s, "%u:%02u", life / 60, life % 60);
  else appendf(s, "%u:%02u:%02u", life / 3600, (life % 3600) / 60, life % 60);
  appendf(s, " %u:", num);
  if (size != 2) {
    appendf(s, " [size %u]", size);
    return true;
  }
  for (unsigned i = 0; i < num; ++i) {
    if (!b.has(8 * i + 8)) return false;
    appendf(s, " {%s %u}", format_ipv4(b.u32(8 * i)).c_str(), b.u32(8 * i + 4));
  }
  return true;
}

std::string icmp_tstamp(std::uint32_t t) {
  std::string s;
  const unsigned ms = t % 1000, sec = t / 1000;
  appendf(s, "%02u:%02u:%02u.%03u", sec / 3600, (sec / 60) % 60, sec % 60, ms);
  return s;
}

bool icmp_timestamp_reply(const IcmpHeader& h, const IcmpBody& b, std::string& s) {
  if (!b.has(12)) return false;
  appendf(s, "time stamp reply id %u seq %u: org %s", h.rest >> 16, h.rest & 0xFFFF,
          icmp_tstamp(b.u32(0)).c_str());
  appendf(s, ", recv %s, xmit %s", icmp_tstamp(b.u32(4)).c_str(), icmp_tstamp(b.u32(8)).c_str());
  return true;
}

bool icmp_time_exceeded(const IcmpHeader& h, const IcmpBody& b, std::string& s) {
  if (!b.has(20)) return false;
  if (h.code == 0) s += "time exceeded in-transit";
  else if (h.code == 1) s += "ip reassembly time exceeded";
  else appendf(s, "time exceeded-#%u", h.code);
  return true;
}

/// The text between "ICMP " and ", length"; false where tcpdump runs out of captured bytes.
bool icmp_text(const IcmpHeader& h, const IcmpBody& b, std::string& s) {
  switch (h.type) {
    case 0:
    case 8:
      appendf(s, "echo %s, id %u, seq %u", h.type == 8 ? "request" : "reply", h.rest >> 16,
              h.rest & 0xFFFF);
      return true;
    case 3: return icmp_unreachable(h, b, s);
    case 5: return icmp_redirect(h, b, s);
    case 9: return icmp_router_advert(h, b, s);
    case 11: return icmp_time_exceeded(h, b, s);
    case 12:
      if (h.code) appendf(s, "parameter problem - code %u", h.code);
      else appendf(s, "parameter problem - octet %u", h.rest >> 24);
      return true;
    case 13:
      appendf(s, "time stamp query id %u seq %u", h.rest >> 16, h.rest & 0xFFFF);
      return true;
    case 14: return icmp_timestamp_reply(h, b, s);
    case 18:
      if (!b.has(4)) return false;
      appendf(s, "address mask is 0x%08x", b.u32(0));
      return true;
    case 4: s += "source quench"; return true;
    case 10: s += "router solicitation"; return true;
    case 15: s += "information request"; return true;
    case 16: s += "information reply"; return true;
    case 17: s += "address mask request"; return true;
    default: appendf(s, "type-#%u", h.type); return true;
  }
}

void format_icmp(const Packet& p, std::string& out) {
  std::string text;
  if (!icmp_text(p.icmp, IcmpBody(p.payload), text)) {
    out += " [|icmp]";
    return;
  }
  out += "ICMP " + text;
  appendf(out, ", length %u", IcmpHeader::kSize + p.payload.size());
}

// ---- annotations ----------------------------------------------------------------------------

std::string name_of(const std::vector<std::string>& names, std::int32_t i, const char* kind) {
  if (i >= 0 && static_cast<std::size_t>(i) < names.size()) return names[i];
  return std::string(kind) + std::to_string(i);
}

/// A short stateless summary of a packet for annotation lines (absolute numbers).
std::string packet_summary(const Packet& p) {
  std::string s = format_ipv4(p.ip.src);
  if (p.is_tcp() || p.is_udp()) {
    const bool tcp = p.is_tcp();
    appendf(s, ".%u > %s.%u %s", tcp ? p.tcp.src_port : p.udp.src_port,
            format_ipv4(p.ip.dst).c_str(), tcp ? p.tcp.dst_port : p.udp.dst_port,
            tcp ? "tcp" : "udp");
    if (tcp)
      appendf(s, " [%s] seq %u ack %u", tcp_flags_string(p.tcp.flags).c_str(), p.tcp.seq,
              p.tcp.ack);
  } else if (p.is_icmp()) {
    appendf(s, " > %s icmp type %u code %u", format_ipv4(p.ip.dst).c_str(), p.icmp.type,
            p.icmp.code);
  } else {
    appendf(s, " > %s proto %u", format_ipv4(p.ip.dst).c_str(), p.ip.protocol);
  }
  appendf(s, " len %u", p.payload.size());
  return s;
}

std::string who(const Trace& trace, const TraceEvent& e) {
  std::string s;
  if (e.host >= 0) s = name_of(trace.host_names, e.host, "host") + ": ";
  if (e.tuple != FourTuple{}) s += format_tuple(e.tuple) + " ";
  return s;
}

std::string describe(const Trace& trace, const TraceEvent& e) {
  const std::string w = who(trace, e);
  const std::string link = e.link >= 0 ? " on " + name_of(trace.link_names, e.link, "link") : "";
  const std::optional<Packet> pkt = e.packet_id ? trace.packet(e.packet_id) : std::nullopt;
  const std::string what = pkt ? ": " + packet_summary(*pkt) : "";
  switch (e.kind) {
    case TraceKind::packet_sent: return w + "sent" + link + what + " (packet no longer retained)";
    case TraceKind::packet_received: return w + "received" + link + what;
    case TraceKind::packet_dropped: return w + "drop (" + e.name + ")" + link + what;
    case TraceKind::state_change:
      return w + e.from + " -> " + e.to + (e.detail.empty() ? "" : " (" + e.detail + ")");
    case TraceKind::timer_set:
      return w + "timer " + e.name + " set" +
             (e.deadline == kNever ? "" : ", fires at " + format_tcpdump_time(e.deadline)) +
             (e.detail.empty() ? ""
                               : " (" + e.detail + ")");  // why, when not the usual: param_change
    case TraceKind::timer_fired: return w + "timer " + e.name + " fired";
    case TraceKind::timer_cancelled: return w + "timer " + e.name + " cancelled";
    case TraceKind::app: return w + "app " + e.name + ": " + e.detail;
    case TraceKind::param_change: return w + "set " + e.name + " = " + e.detail;
    case TraceKind::note: return w + e.detail;
    case TraceKind::packet_duplicated:
      return w + "duplicated" + link + " (copy of packet " + std::to_string(e.original) + ")" +
             what;
    case TraceKind::lesson_point:
      return w + "lesson point " + std::to_string(e.original) + ": " + e.detail;
    case TraceKind::socket_error:
      return w + e.from + ": " + e.name + " (" + errno_text(e.name) + ")" +
             (e.detail.empty() ? "" : ": " + e.detail);
  }
  return w + e.detail;
}

/// Keeps annotation lines on one line and out of the packet-line pattern `(^| )IP `.
std::string sanitize(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  for (std::size_t i = 0; i + 3 <= s.size(); ++i)
    if (s.compare(i, 3, "IP ") == 0 && (i == 0 || s[i - 1] == ' ')) s.replace(i, 2, "ip");
  return s;
}

void annotate(std::string& out, SimTime t, const std::string& text) {
  out += format_tcpdump_time(t);
  out += "  # ";
  out += sanitize(text);
  out += '\n';
}

}  // namespace

std::string format_tcpdump_time(SimTime t) {
  if (t < 0) t = 0;
  const long long us = t / kMicrosecond;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%06lld", us / 3'600'000'000LL,
                (us / 60'000'000LL) % 60, (us / 1'000'000LL) % 60, us % 1'000'000LL);
  return buf;
}

std::string tcpdump_options_string(const TcpHeader& tcp, bool has_payload) {
  std::array<std::uint8_t, 40> opt;
  const unsigned space = padded_options(tcp, opt);
  std::string out;
  if (space == 0) return out;
  char ch = '\0';
  switch (print_tcp_options(out, opt.data(), space, has_payload, SackBase{}, ch)) {
    case OptEnd::ok: break;
    case OptEnd::bad: out += "[bad opt]"; break;
    case OptEnd::truncated: out += " [|tcp]"; break;
  }
  return out;
}

// print-tcp.c tcp_print(): the conversation table gives relative numbers. An entry is created,
// or reset by any SYN, from the first packet with ACK; that packet itself shows absolute values.
void TcpdumpFormatter::format_tcp(const Packet& p, std::string& out) {
  const TcpHeader& t = p.tcp;
  appendf(out, "%s.%u > %s.%u: Flags [%s]", format_ipv4(p.ip.src).c_str(), t.src_port,
          format_ipv4(p.ip.dst).c_str(), t.dst_port, tcp_flags_string(t.flags & 0xFF).c_str());
  std::uint32_t seq = t.seq, ack = t.ack;
  SackBase base;
  if (t.has(tcp_flag::ack)) {
    // rev: canonical order is the lower port first, then the lower address (memcmp order).
    base.rev = t.src_port > t.dst_port || (t.src_port == t.dst_port && p.ip.src > p.ip.dst);
    ConvKey key = base.rev
                      ? ConvKey{p.ip.dst, p.ip.src, (std::uint32_t{t.dst_port} << 16) | t.src_port}
                      : ConvKey{p.ip.src, p.ip.dst, (std::uint32_t{t.src_port} << 16) | t.dst_port};
    auto it = conversations_.find(key);
    if (it == conversations_.end() || t.has(tcp_flag::syn)) {
      ConvIsn& c = conversations_[key];
      c = base.rev ? ConvIsn{ack - 1, seq} : ConvIsn{seq, ack - 1};
      base.thseq = c.seq;
      base.thack = c.ack;
    } else {
      const ConvIsn& c = it->second;
      seq -= base.rev ? c.ack : c.seq;
      ack -= base.rev ? c.seq : c.ack;
      base.thseq = c.seq;
      base.thack = c.ack;
    }
  }
  const std::uint32_t len = p.payload.size();
  if (len > 0 || (t.flags & (tcp_flag::syn | tcp_flag::fin | tcp_flag::rst))) {
    appendf(out, ", seq %u", seq);
    if (len > 0) appendf(out, ":%u", seq + len);
  }
  if (t.has(tcp_flag::ack)) appendf(out, ", ack %u", ack);
  appendf(out, ", win %u", t.window);
  if (t.has(tcp_flag::urg)) appendf(out, ", urg %u", t.urgent);
  std::array<std::uint8_t, 40> opt;
  if (const unsigned space = padded_options(t, opt); space > 0) {
    out += ", options [";
    char ch = '\0';
    switch (print_tcp_options(out, opt.data(), space, len > 0, base, ch)) {
      case OptEnd::ok: out += ']'; break;
      case OptEnd::bad:
        out += ch != '\0' ? "[bad opt]]" : "[bad opt]";  // tcpdump: "]" only after an option
        return;
      case OptEnd::truncated: out += " [|tcp]"; return;
    }
  }
  appendf(out, ", length %u", len);
  if (len > 0) print_tcp_payload(p, out);
}

std::string TcpdumpFormatter::format(const Packet& p) {
  std::string out = "IP ";
  if (p.is_tcp()) {
    format_tcp(p, out);
  } else if (p.is_udp()) {
    appendf(out, "%s.%u > %s.%u: UDP, length %u", format_ipv4(p.ip.src).c_str(), p.udp.src_port,
            format_ipv4(p.ip.dst).c_str(), p.udp.dst_port, p.payload.size());
  } else {
    appendf(out, "%s > %s: ", format_ipv4(p.ip.src).c_str(), format_ipv4(p.ip.dst).c_str());
    if (p.is_icmp()) format_icmp(p, out);
    else appendf(out, " ip-proto-%u %u", p.ip.protocol, p.payload.size());
  }
  return out;
}

std::string TcpdumpFormatter::format_line(const Packet& p, SimTime t) {
  return format_tcpdump_time(t) + " " + format(p);
}

std::string export_tcpdump_text(const Trace& trace, const TextExportOptions& options) {
  std::string out;
  TcpdumpFormatter fmt;
  const std::uint64_t first = trace.first_index(), end = trace.end_index();
  if (options.annotations && first > 0) {
    const SimTime t = first < end ? trace.at(first).time : 0;
    annotate(
        out, t,
        "trace truncated: " + std::to_string(first) + " earlier events were dropped by retention");
  }
  for (std::uint64_t i = first; i < end; ++i) {
    const TraceEvent e = trace.at(i);
    const std::optional<Packet> pkt = e.packet_id ? trace.packet(e.packet_id) : std::nullopt;
    if (e.kind == TraceKind::packet_sent && pkt) {
      out += fmt.format_line(*pkt, e.time);
      out += '\n';
    } else if (options.annotations && e.kind != TraceKind::packet_received &&
               e.kind != TraceKind::packet_duplicated && e.kind != TraceKind::lesson_point) {
      // A copy shows where it arrives or is dropped, as its original does: no line of its own.
      annotate(out, e.time, describe(trace, e));
    }
  }
  return out;
}

}  // namespace tcpplay
