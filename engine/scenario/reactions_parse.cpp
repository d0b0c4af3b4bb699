// Reading a reaction's trigger ("when") and "repeat" (scenario.h's ReactionTrigger). A trace
// trigger reuses the lesson triggers' reader (watch_parse.cpp) with a few more keys; "received"
// and "peer_closed" are read here. Runs after the apps, since a trigger may name them.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "scenario/scenario_parse.h"

namespace tcpplay::scenario_detail {

namespace {

const char* const kEvents = "state, packet, drop, app, timer, note, received or peer_closed";

/// `socket`: a TCP connection's name ("c1", "srv.1") or a listener's, whose accepted
/// connections it then stands for.
void socket_ref(Fields& f, const Scenario& s, bool required, std::string& out) {
  auto name = f.string("socket", required);
  if (!name) return;
  auto it = s.sockets.find(*name);
  if (it != s.sockets.end()) {
    if (it->second.kind == SocketDef::Kind::udp) {
      f.check().error(f.path("socket"), "\"" + *name + "\" is a UDP socket");
      return;
    }
    out = *name;
    return;
  }
  // "srv.3": a connection a listener accepts (whether it ever exists is seen at run time).
  const auto dot = name->rfind('.');
  if (dot != std::string::npos && dot + 1 < name->size()) {
    auto l = s.sockets.find(name->substr(0, dot));
    const bool digits =
        std::all_of(name->begin() + static_cast<std::ptrdiff_t>(dot) + 1, name->end(),
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    if (digits && l != s.sockets.end() && l->second.kind == SocketDef::Kind::listener) {
      out = *name;
      return;
    }
  }
  f.check().error(f.path("socket"), "unknown socket \"" + *name + "\"");
}

/// A packet trigger's "seq": a number, or "+N"/"-N" from the sender's ISN.
void seq_ref(Fields& f, ReactionTrigger& t) {
  const Json* v = f.get("seq");
  if (!v) return;
  if (!v->is_string()) {
    if (auto n = f.check().integer(*v, f.path("seq"), 0, UINT32_MAX))
      t.seq = static_cast<std::uint32_t>(*n);
    return;
  }
  const std::string& text = v->text();
  std::int64_t n = -1;
  const char* end = text.data() + text.size();
  const bool sign = text.size() >= 2 && (text[0] == '+' || text[0] == '-') &&
                    std::isdigit(static_cast<unsigned char>(text[1]));
  auto [ptr, ec] = std::from_chars(text.data() + 1, end, n);
  if (!sign || ec != std::errc() || ptr != end || n > 2147483647LL) {
    f.check().error(f.path("seq"),
                    "expected a sequence number (0 to 4294967295) or one relative to the "
                    "sender's ISN with its sign, like \"+1\", got " +
                        show(*v));
    return;
  }
  t.seq = static_cast<std::uint32_t>(text[0] == '-' ? -n : n);
  t.seq_relative = true;
}

std::optional<ReactionTrigger> parse_on(Checker& c, const Json& v, const std::string& path,
                                        const Scenario& s) {
  if (!c.object(v, path)) return std::nullopt;
  const Json* ev = v.find("event");
  if (!ev) {
    c.error(path, std::string("missing required key \"event\" (") + kEvents + ")");
    return std::nullopt;
  }
  const auto kind = c.string(*ev, child_path(path, "event"));
  if (!kind) return std::nullopt;
  ReactionTrigger t;
  const std::size_t before = c.count();
  if (*kind == "received" || *kind == "peer_closed") {
    t.kind =
        *kind == "received" ? ReactionTrigger::Kind::received : ReactionTrigger::Kind::peer_closed;
    std::vector<std::string_view> keys = {"event", "socket", "nth", "after"};
    if (t.kind == ReactionTrigger::Kind::received) keys.push_back("bytes");
    Fields f(c, v, path, keys);
    socket_ref(f, s, true, t.socket);
    if (auto n = f.integer("nth", 1, UINT32_MAX)) t.when.nth = static_cast<std::uint32_t>(*n);
    if (auto a = f.duration("after")) t.when.after = *a;
    if (t.kind == ReactionTrigger::Kind::received)
      t.bytes = f.integer("bytes", 1, 1ULL << 50, true).value_or(0);
    if (c.count() != before) return std::nullopt;
    return t;
  }
  static const std::vector<std::string> trace_events = {"state", "packet", "drop",
                                                        "app",   "timer",  "note"};
  if (std::find(trace_events.begin(), trace_events.end(), *kind) == trace_events.end()) {
    c.error(child_path(path, "event"),
            std::string("expected ") + kEvents + ", got \"" + *kind + "\"");
    return std::nullopt;
  }
  std::vector<std::string_view> extra;
  if (*kind == "state") extra = {"socket"};
  if (*kind == "packet") extra = {"socket", "len", "seq"};
  auto w = parse_trigger(c, v, path, s, extra);
  if (!w) return std::nullopt;
  t.when = *w;
  // The extra keys (parse_trigger checked that no other key is there).
  std::vector<std::string_view> present;
  for (std::size_t i = 0; i < v.size(); ++i) present.push_back(v.key(i));
  Fields g(c, v, path, present);
  if (g.has("socket")) socket_ref(g, s, false, t.socket);
  if (auto n = g.integer("len", 0, 65535)) t.len = static_cast<std::uint32_t>(*n);
  seq_ref(g, t);
  if (c.count() != before) return std::nullopt;
  return t;
}

}  // namespace

void parse_reaction(Checker& c, const Json& v, const std::string& path, const Scenario& scenario,
                    Action& out) {
  if (!v.is_object()) return;
  const Json* on = v.find("when");
  const Json* repeat = v.find("repeat");
  if (!on) {
    if (repeat) c.error(child_path(path, "repeat"), "\"repeat\" is for a reaction (with \"when\")");
    return;
  }
  if (repeat) out.repeat = c.boolean(*repeat, child_path(path, "repeat")).value_or(false);
  if (out.repeat && (out.kind == ActionKind::listen || out.kind == ActionKind::connect ||
                     out.kind == ActionKind::udp_bind))
    c.error(child_path(path, "repeat"),
            std::string("a ") + to_string(out.kind) +
                " defines a socket name, which it can do once: it cannot repeat");
  out.reaction = parse_on(c, *on, child_path(path, "when"), scenario);
}

}  // namespace tcpplay::scenario_detail
