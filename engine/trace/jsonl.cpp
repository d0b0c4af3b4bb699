#include "trace/jsonl.h"

#include <cstdio>

#include "trace/tcpdump_text.h"

namespace tcpplay {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629 §4 ranges).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else return 0;
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  return n;
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    }
  }
}

class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(out) { out_ += '{'; }
  void str(const char* key, std::string_view v) {
    this->key(key);
    append_json_string(out_, v);
  }
  void num(const char* key, long long v) {
    this->key(key);
    out_ += std::to_string(v);
  }
  void raw_key(const char* key) { this->key(key); }
  void close() { out_ += '}'; }

 private:
  void key(const char* k) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
  std::string& out_;
  bool first_ = true;
};

const char* proto_name(const Packet& p) {
  if (p.is_tcp()) return "tcp";
  if (p.is_udp()) return "udp";
  if (p.is_icmp()) return "icmp";
  return nullptr;
}

/// The payload as text (one character per byte, see JsonlOptions) or hex.
void append_payload(std::string& out, const Payload& payload, JsonlOptions::Payload mode) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::uint32_t i = 0; i < payload.size(); ++i) {
    const std::uint8_t c = payload.at(i);
    if (mode == JsonlOptions::Payload::hex) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      append_escape(out, c);  // \n, \" ... or \u00XX: the byte as a code point below 256
    }
  }
  out += '"';
}

void append_packet(std::string& out, const Packet& p, JsonlOptions::Payload mode) {
  JsonObject o(out);
  o.str("src", format_ipv4(p.ip.src));
  o.str("dst", format_ipv4(p.ip.dst));
  if (const char* name = proto_name(p)) o.str("proto", name);
  else o.num("proto", p.ip.protocol);
  if (p.is_tcp()) {
    const TcpHeader& t = p.tcp;
    o.num("sport", t.src_port);
    o.num("dport", t.dst_port);
    o.str("flags", tcp_flags_string(t.flags));
    if (t.has(tcp_flag::ae)) o.num("ae", 1);  // tcpdump 4.99.3 has no letter for AE
    o.num("seq", t.seq);
    o.num("ack", t.ack);
    o.num("win", t.window);
    o.num("urg", t.urgent);
  } else if (p.is_udp()) {
    o.num("sport", p.udp.src_port);
    o.num("dport", p.udp.dst_port);
  } else if (p.is_icmp()) {
    o.num("type", p.icmp.type);
    o.num("code", p.icmp.code);
  }
  o.num("len", p.payload.size());
  if (p.is_tcp() && p.tcp.options.len > 0)
    o.str("options", tcpdump_options_string(p.tcp, !p.payload.empty()));
  o.num("ip_len", p.wire_size());
  o.num("ttl", p.ip.ttl);
  o.num("id", p.ip.id);
  if (mode != JsonlOptions::Payload::none) {
    o.raw_key("payload");
    append_payload(out, p.payload, mode);
  }
  o.close();
}

std::string name_or_index(const std::vector<std::string>& names, std::int32_t i) {
  if (i >= 0 && static_cast<std::size_t>(i) < names.size()) return names[i];
  std::string s = "#";  // built in two steps: GCC 12 warns falsely (-Wrestrict) on "#" + string
  s += std::to_string(i);
  return s;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == '"' || c == '\\') append_escape(out, c);
      else out += static_cast<char>(c);
      ++i;
    } else if (std::size_t n = utf8_length(s, i)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
}

std::optional<JsonlOptions::Payload> parse_jsonl_payload(std::string_view name) {
  if (name == "none") return JsonlOptions::Payload::none;
  if (name == "text") return JsonlOptions::Payload::text;
  if (name == "hex") return JsonlOptions::Payload::hex;
  return std::nullopt;
}

std::string event_to_json(const Trace& trace, const TraceEvent& e, const JsonlOptions& options) {
  std::string out;
  JsonObject o(out);
  o.num("i", static_cast<long long>(e.index));
  o.num("t_ns", e.time);
  o.str("kind", to_string(e.kind));
  if (e.host >= 0) o.str("host", name_or_index(trace.host_names, e.host));
  if (e.link >= 0) o.str("link", name_or_index(trace.link_names, e.link));
  if (e.packet_id) o.num("packet", static_cast<long long>(e.packet_id));
  if (e.conn >= 0) o.num("conn", e.conn);
  if (e.peer_conn >= 0) o.num("peer_conn", e.peer_conn);
  if (e.kind == TraceKind::lesson_point) o.num("point", static_cast<long long>(e.original));
  else if (e.original) o.num("original", static_cast<long long>(e.original));
  if (e.tag && *e.tag) o.str("tag", e.tag);
  if (e.tuple != FourTuple{}) o.str("tuple", format_tuple(e.tuple));
  if (e.kind == TraceKind::socket_error) {
    // Named for what they are: the errno and the socket call (trace/socket_error.h).
    if (e.name && *e.name) o.str("errno", e.name);
    if (e.from && *e.from) o.str("call", e.from);
  } else {
    if (e.from && *e.from) o.str("from", e.from);
    if (e.to && *e.to) o.str("to", e.to);
    if (e.name && *e.name) o.str("name", e.name);
  }
  if (e.deadline != kNever) o.num("deadline_ns", e.deadline);
  if (!e.detail.empty()) o.str("detail", e.detail);
  if (const std::optional<Packet> p = e.packet_id ? trace.packet(e.packet_id) : std::nullopt) {
    o.raw_key("pkt");
    append_packet(out, *p, options.payload);
  }
  o.close();
  return out;
}

std::string export_jsonl(const Trace& trace, const JsonlOptions& options) {
  std::string out;
  if (trace.first_index() > 0)
    out +=
        "{\"kind\":\"trace_truncated\",\"dropped\":" + std::to_string(trace.first_index()) + "}\n";
  for (std::uint64_t i = trace.first_index(); i < trace.end_index(); ++i) {
    out += event_to_json(trace, trace.at(i), options);
    out += '\n';
  }
  return out;
}

}  // namespace tcpplay
