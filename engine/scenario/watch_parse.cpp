// Reading a lesson's "watch" items and checking their triggers (watch.h): every name must be
// one the scenario defines, every state, timer and flag letter one the engine uses. Runs after
// the rest of the document, since a trigger may name apps and sockets.
#include <algorithm>

#include "scenario/scenario_parse.h"
#include "scenario/watch.h"

namespace tcpplay::scenario_detail {

namespace {

bool in(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void host_ref(Fields& f, const Scenario& s, std::string_view key, std::string& out) {
  if (auto h = f.string(key)) {
    if (s.find_host(*h)) out = *h;
    else f.check().error(f.path(key), "unknown host \"" + *h + "\"");
  }
}

void link_ref(Fields& f, const Scenario& s, std::string& out) {
  if (auto l = f.string("link")) {
    if (s.find_link(*l)) out = *l;
    else f.check().error(f.path("link"), "unknown link \"" + *l + "\"");
  }
}

void state_ref(Fields& f, std::string_view key, std::string& out) {
  if (auto st = f.string(key)) {
    if (in(tcp_state_names(), *st)) out = *st;
    else
      f.check().error(f.path(key), "unknown TCP state \"" + *st + "\" (one of " +
                                       joined(tcp_state_names()) + ")");
  }
}

void flags_ref(Fields& f, std::optional<std::uint16_t>& out) {
  if (auto fl = f.string("flags")) {
    out = parse_tcp_flag_letters(*fl);
    if (!out)
      f.check().error(
          f.path("flags"),
          "expected TCP flags as tcpdump writes them (letters of \"FSRPUEW.\", each once, "
          "\".\" for ACK: \"S\", \"S.\", \"R\", \"F.\"), got \"" +
              *fl + "\"");
  }
}

}  // namespace

std::optional<WatchTrigger> parse_trigger(Checker& c, const Json& v, const std::string& path,
                                          const Scenario& s,
                                          const std::vector<std::string_view>& extra) {
  if (!c.object(v, path)) return std::nullopt;
  const Json* ev = v.find("event");
  if (!ev) {
    c.error(path,
            "missing required key \"event\" (state, packet, drop, app, timer, note or error)");
    return std::nullopt;
  }
  const auto kind = c.string(*ev, child_path(path, "event"));
  if (!kind) return std::nullopt;
  WatchTrigger w;
  std::vector<std::string_view> keys = {"event", "nth", "after"};
  if (*kind == "state") {
    w.event = WatchTrigger::Event::state;
    keys.insert(keys.end(), {"host", "from", "to", "cause"});
  } else if (*kind == "packet") {
    w.event = WatchTrigger::Event::packet;
    keys.insert(keys.end(), {"from", "to", "link", "flags", "tag", "win"});
  } else if (*kind == "drop") {
    w.event = WatchTrigger::Event::drop;
    keys.insert(keys.end(), {"host", "link", "flags", "reason"});
  } else if (*kind == "app") {
    w.event = WatchTrigger::Event::app;
    keys.insert(keys.end(), {"host", "name", "contains"});
  } else if (*kind == "note") {
    w.event = WatchTrigger::Event::note;
    keys.insert(keys.end(), {"host", "contains"});
  } else if (*kind == "timer") {
    w.event = WatchTrigger::Event::timer;
    keys.insert(keys.end(), {"host", "timer", "action"});
  } else if (*kind == "error") {
    w.event = WatchTrigger::Event::error;
    keys.insert(keys.end(), {"host", "errno", "call", "contains"});
  } else {
    c.error(child_path(path, "event"),
            "expected state, packet, drop, app, timer, note or error, got \"" + *kind + "\"");
    return std::nullopt;
  }
  keys.insert(keys.end(), extra.begin(), extra.end());
  const std::size_t before = c.count();
  Fields f(c, v, path, keys);
  if (auto n = f.integer("nth", 1, UINT32_MAX)) w.nth = static_cast<std::uint32_t>(*n);
  if (auto a = f.duration("after")) w.after = *a;
  switch (w.event) {
    case WatchTrigger::Event::state:
      host_ref(f, s, "host", w.host);
      state_ref(f, "from", w.from_state);
      state_ref(f, "to", w.to_state);
      if (auto cause = f.string("cause")) w.cause = *cause;
      break;
    case WatchTrigger::Event::packet:
      host_ref(f, s, "from", w.host);
      host_ref(f, s, "to", w.to_host);
      link_ref(f, s, w.link);
      flags_ref(f, w.flags);
      if (auto win = f.integer("win", 0, 65535)) w.win = static_cast<std::uint32_t>(*win);
      if (auto tag = f.string("tag")) {
        static const std::vector<std::string> tags = {"retransmission", "zero_window_probe",
                                                      "keepalive",      "challenge_ack",
                                                      "window_update",  "rst_reply"};
        if (in(tags, *tag)) w.tag = *tag;
        else
          f.check().error(f.path("tag"),
                          "unknown tag \"" + *tag + "\" (one of " + joined(tags) + ")");
      }
      break;
    case WatchTrigger::Event::drop:
      host_ref(f, s, "host", w.host);
      link_ref(f, s, w.link);
      flags_ref(f, w.flags);
      if (auto r = f.string("reason")) w.reason = *r;
      break;
    case WatchTrigger::Event::app:
      host_ref(f, s, "host", w.host);
      if (auto n = f.string("name")) {
        if (s.find_component(*n) || s.sockets.count(*n) || s.find_host(*n)) w.name = *n;
        else f.check().error(f.path("name"), "unknown app, middlebox or socket \"" + *n + "\"");
      }
      if (auto t = f.string("contains")) w.contains = *t;
      break;
    case WatchTrigger::Event::note:
      host_ref(f, s, "host", w.host);
      if (auto t = f.string("contains")) w.contains = *t;
      break;
    case WatchTrigger::Event::timer:
      host_ref(f, s, "host", w.host);
      if (auto t = f.string("timer")) {
        if (in(tcp_timer_names(), *t)) w.timer = *t;
        else
          f.check().error(f.path("timer"), "unknown timer \"" + *t + "\" (one of " +
                                               joined(tcp_timer_names()) + ")");
      }
      if (auto a = f.string("action")) {
        if (*a == "set") w.timer_action = TraceKind::timer_set;
        else if (*a == "fired") w.timer_action = TraceKind::timer_fired;
        else if (*a == "cancelled") w.timer_action = TraceKind::timer_cancelled;
        else
          f.check().error(f.path("action"), "expected set, fired or cancelled, got \"" + *a + "\"");
      }
      break;
    case WatchTrigger::Event::error:
      host_ref(f, s, "host", w.host);
      if (auto e = f.string("errno")) {
        if (in(socket_errno_names(), *e)) w.err = *e;
        else
          f.check().error(f.path("errno"), "unknown errno \"" + *e + "\" (one of " +
                                               joined(socket_errno_names()) + ")");
      }
      if (auto k = f.string("call")) {
        if (in(socket_call_names(), *k)) w.call = *k;
        else
          f.check().error(f.path("call"), "unknown call \"" + *k + "\" (one of " +
                                              joined(socket_call_names()) + ")");
      }
      if (auto t = f.string("contains")) w.contains = *t;
      break;
  }
  if (c.count() != before) return std::nullopt;
  return w;
}

void parse_watch(Checker& c, const Json* watch, const std::string& path, Scenario& s) {
  if (!watch || !c.array(*watch, path)) return;
  for (std::size_t i = 0; i < watch->size(); ++i) {
    const Json& item = (*watch)[i];
    const std::string p = child_path(path, i);
    if (item.is_string()) {
      s.watch.push_back(WatchItem{item.text(), std::nullopt});
      continue;
    }
    Fields f(c, item, p, {"text", "when"});
    if (!f.ok()) continue;
    WatchItem w;
    if (auto t = f.string("text", true)) w.text = *t;
    if (const Json* when = f.get("when")) w.when = parse_trigger(c, *when, f.path("when"), s);
    s.watch.push_back(std::move(w));
  }
}

}  // namespace tcpplay::scenario_detail
