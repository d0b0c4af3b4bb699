// The trace as JSON Lines: one object per event, keys in a fixed order, integers only (times in
// nanoseconds), written by hand because it runs over every event of long traces.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace tcpplay {

/// What goes into the JSON Lines beyond the fixed keys.
struct JsonlOptions {
  /// Each retained packet's payload as "payload" in its "pkt" object (after "id"): none (the
  /// default), text (a JSON string with one character per byte: printable ASCII, \r \n \t
  /// as themselves, any other byte as \u00XX, so the bytes are recoverable), hex (two lower-case
  /// digits per byte).
  enum class Payload { none, text, hex };
  Payload payload = Payload::none;
};
/// "none", "text", "hex" -> the mode; nullopt for anything else.
std::optional<JsonlOptions::Payload> parse_jsonl_payload(std::string_view name);

/// One event as a JSON object (no newline). Keys, in order: i, t_ns, kind, then when set host,
/// link, packet (the packet's id: packet events), conn (packet events: the sending connection),
/// peer_conn (the receiving one), original (packet_duplicated: the id copied), tag (why TCP sent
/// it), tuple, from, to, name, deadline_ns, detail, and for packet events whose packet is
/// still retained a stateless "pkt" object with absolute numbers: src, dst, proto, then
/// sport, dport, flags, ae (only when the AE bit is set), seq, ack, win, urg (TCP),
/// sport, dport (UDP), type, code (ICMP), then len (payload bytes), options (TCP, when present,
/// as tcpdump prints them), ip_len, ttl, id, and payload when `options` ask for it.
std::string event_to_json(const Trace& trace, const TraceEvent& event,
                          const JsonlOptions& options = {});

/// Every retained event, one "\n"-terminated line each, preceded by
/// {"kind":"trace_truncated","dropped":N} when retention dropped N > 0 events.
std::string export_jsonl(const Trace& trace, const JsonlOptions& options = {});

/// `s` as a JSON string literal. Invalid UTF-8 bytes become U+FFFD, so the output is always valid.
void append_json_string(std::string& out, std::string_view s);

}  // namespace tcpplay
