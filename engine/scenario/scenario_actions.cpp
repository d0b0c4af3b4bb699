// Timeline actions: parsing and checking one action object, socket names and references, and
// the ScenarioRunner methods that take JSON (live actions, overrides, the current document).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>

#include "core/duration.h"
#include "scenario/scenario_parse.h"

namespace tcpplay {

const char* to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::listen: return "listen";
    case ActionKind::connect: return "connect";
    case ActionKind::send: return "send";
    case ActionKind::shutdown: return "shutdown";
    case ActionKind::close: return "close";
    case ActionKind::abort: return "abort";
    case ActionKind::read: return "read";
    case ActionKind::set: return "set";
    case ActionKind::link_down: return "link_down";
    case ActionKind::drop: return "drop";
    case ActionKind::link_up: return "link_up";
    case ActionKind::manual: return "manual";
    case ActionKind::inject: return "inject";
    case ActionKind::udp_bind: return "udp_bind";
    case ActionKind::udp_send: return "udp_send";
    case ActionKind::note: return "note";
    case ActionKind::udp_connect: return "udp_connect";
    case ActionKind::filter: return "filter";
  }
  return "?";
}

namespace scenario_detail {
namespace {

struct ActionSpec {
  const char* name;
  ActionKind kind;
  std::vector<std::string_view> keys;  // besides "at" and "do"
};

const std::vector<ActionSpec>& action_specs() {
  using K = ActionKind;
  static const std::vector<ActionSpec> specs = {
      {"listen", K::listen, {"host", "port", "backlog", "name", "params", "auto_read", "isn"}},
      {"connect",
       K::connect,
       {"host", "to", "port", "src_port", "name", "params", "auto_read", "isn"}},
      {"send", K::send, {"socket", "conn", "text", "bytes", "urgent"}},
      {"shutdown", K::shutdown, {"socket", "conn"}},
      {"close", K::close, {"socket", "conn"}},
      {"abort", K::abort, {"socket", "conn"}},
      {"read", K::read, {"socket", "conn", "bytes"}},
      {"set", K::set, {"target", "param", "value"}},
      {"link_down", K::link_down, {"link"}},
      {"link_up", K::link_up, {"link"}},
      {"manual", K::manual, {"host", "on"}},
      {"inject",
       K::inject,
       {"host", "to", "src_port", "dst_port", "flags", "seq", "ack", "seq_offset", "ack_offset",
        "window", "urgent", "options", "payload", "payload_hex", "ttl"}},
      {"drop", K::drop, {"link", "host", "count"}},
      {"udp_bind", K::udp_bind, {"host", "port", "name", "params"}},
      {"udp_send", K::udp_send, {"socket", "to", "port", "text", "hex", "bytes"}},
      {"udp_connect", K::udp_connect, {"socket", "to", "port"}},
      {"note", K::note, {"text"}},
      {"filter", K::filter, {"filter", "rule", "on"}},
  };
  return specs;
}

std::string action_names() {
  std::string out;
  const auto& specs = action_specs();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (i) out += i + 1 == specs.size() ? " or " : ", ";
    out += specs[i].name;
  }
  return out;
}

/// Everything one action's parse needs in one place.
class ActionParser {
 public:
  ActionParser(Checker& c, const ActionSpec& spec, const Json& v, const std::string& path,
               std::size_t order, Scenario& s, Action& out)
      : c_(c), f_(c, v, path, with_common(spec.keys)), order_(order), s_(s), a_(out) {}

  void parse();

 private:
  static std::vector<std::string_view> with_common(std::vector<std::string_view> keys) {
    keys.push_back("at");
    keys.push_back("after_events");
    keys.push_back("do");
    keys.push_back("when");  // a reaction (reactions_parse.cpp)
    keys.push_back("repeat");
    return keys;
  }
  std::string host(std::string_view key);
  bool destination(std::string_view key);
  std::string socket_ref();
  void socket_or_conn();
  void define(std::string_view key, SocketDef::Kind kind, bool required);
  void tcp_params();
  void udp_params();
  void data(bool required_one, std::uint64_t max_bytes, bool hex_ok = false);
  void listen();
  void connect();
  void set();
  void set_link(const std::string& name);
  void inject();
  std::optional<std::uint16_t> flags(const Json& v, const std::string& path);
  std::int64_t offset(std::string_view key);
  std::optional<std::uint32_t> seq_number(const Json& v, const std::string& path, bool& relative);
  void options(const Json& v, const std::string& path, TcpOptionWriter& w);
  void option(const Json& v, const std::string& path, TcpOptionWriter& w);

  Checker& c_;
  Fields f_;
  std::size_t order_;
  Scenario& s_;
  Action& a_;
};

std::string ActionParser::host(std::string_view key) {
  auto name = f_.string(key, true);
  if (!name) return "";
  if (!s_.find_host(*name)) {
    c_.error(f_.path(key), "unknown host \"" + *name + "\"");
    return "";
  }
  return *name;
}

/// `to`: a host name or an IPv4 address (which need not belong to any host).
bool ActionParser::destination(std::string_view key) {
  auto to = f_.string(key, true);
  if (!to) return false;
  a_.to = *to;
  if (const HostSpec* h = s_.find_host(*to)) {
    a_.to_addr = h->addr;
    return true;
  }
  if (auto addr = parse_ipv4(*to)) {
    a_.to_addr = *addr;
    return true;
  }
  c_.error(f_.path(key), "unknown host \"" + *to + "\"");
  return false;
}

std::string ActionParser::socket_ref() { return f_.string("socket", true).value_or(""); }

/// `socket` (a name) or `conn` (a connection's trace id: any connection, whoever opened it).
void ActionParser::socket_or_conn() {
  if (!f_.has("conn")) {
    a_.socket = socket_ref();
    return;
  }
  if (f_.has("socket")) {
    c_.error(f_.path(), "give either \"socket\" or \"conn\", not both");
    return;
  }
  if (auto n = f_.integer("conn", 1, INT32_MAX, true)) a_.conn = static_cast<int>(*n);
}

/// The NAME.N form of a listener's accepted connections: returns NAME, or "" if not that form.
std::string listener_prefix(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) return "";
  const std::string digits = name.substr(dot + 1);
  if (digits[0] == '0') return "";
  for (char ch : digits)
    if (!std::isdigit(static_cast<unsigned char>(ch))) return "";
  return name.substr(0, dot);
}

void ActionParser::define(std::string_view key, SocketDef::Kind kind, bool required) {
  auto name = f_.name(key, required);
  if (!name) return;
  a_.name = *name;
  const std::string p = f_.path(key);
  if (auto it = s_.sockets.find(*name); it != s_.sockets.end()) {
    c_.error(
        p, "duplicate socket name \"" + *name + "\" (already defined at " + it->second.path + ")");
    return;
  }
  const std::string prefix = listener_prefix(*name);
  if (auto it = s_.sockets.find(prefix);
      !prefix.empty() && it != s_.sockets.end() && it->second.kind == SocketDef::Kind::listener) {
    c_.error(p, "socket name \"" + *name + "\" is taken by the connections of listen \"" + prefix +
                    "\" (" + it->second.path + ")");
    return;
  }
  if (kind == SocketDef::Kind::listener) {
    for (const auto& [other, def] : s_.sockets) {
      if (listener_prefix(other) == *name) {
        c_.error(p, "listen \"" + *name + "\" names its connections \"" + *name + ".1\", \"" +
                        *name + ".2\", ..., but \"" + other + "\" is already defined at " +
                        def.path);
        return;
      }
    }
  }
  s_.sockets[*name] = SocketDef{kind, a_.at, order_, f_.path()};
}

void ActionParser::tcp_params() {
  if (auto n = f_.integer("isn", 0, UINT32_MAX)) a_.isn = static_cast<std::uint32_t>(*n);
  if (auto v = f_.get("auto_read"))
    a_.auto_read = c_.boolean(*v, f_.path("auto_read")).value_or(true);
  const Json* params = f_.get("params");
  if (!params) return;
  TcpConfig scratch;
  a_.params = parse_tcp_params(c_, *params, f_.path("params"), scratch);
}

/// A UDP socket's options: SO_RCVTIMEO and SO_SNDTIMEO (or their parameter names); the
/// TCP-only ones are refused by name.
void ActionParser::udp_params() {
  const Json* params = f_.get("params");
  if (!params) return;
  TcpConfig scratch;
  const std::string path = f_.path("params");
  for (const auto& [name, value] : parse_tcp_params(c_, *params, path, scratch)) {
    auto resolved = TcpConfig::resolve(name, value);
    const bool timeout =
        resolved && resolved->size() == 1 &&
        ((*resolved)[0].first == "recv_timeout" || (*resolved)[0].first == "send_timeout");
    if (!timeout)
      c_.error(child_path(path, name),
               "a UDP socket takes only SO_RCVTIMEO and SO_SNDTIMEO (recv_timeout, send_timeout)");
    else a_.params.emplace_back((*resolved)[0].first, (*resolved)[0].second);
  }
}

/// `text` or `bytes` (generated data); exactly one when required.
/// "48 65 6c6c6f" -> the bytes it spells (spaces between bytes allowed); nullopt and `why`
/// otherwise. One reader for every hex field (inject's payload_hex, udp_send's hex).
std::optional<std::string> hex_bytes(std::string_view hex, std::string& why) {
  std::string digits, out;
  for (char ch : hex)
    if (ch != ' ') digits.push_back(ch);
  const auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  if (digits.size() % 2 != 0) {
    why = "expected hex digits in pairs (one pair per byte), got an odd number (" +
          std::to_string(digits.size()) + ")";
    return std::nullopt;
  }
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    const int hi = nibble(digits[i]), lo = nibble(digits[i + 1]);
    if (hi < 0 || lo < 0) {
      why = "expected hex digits (0-9, a-f), got \"" +
            std::string(1, hi < 0 ? digits[i] : digits[i + 1]) + "\"";
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

void ActionParser::data(bool required_one, std::uint64_t max_bytes, bool hex_ok) {
  const bool has_text = f_.has("text"), has_bytes = f_.has("bytes");
  const bool has_hex = hex_ok && f_.has("hex");
  if (int{has_text} + int{has_bytes} + int{has_hex} > 1) {
    c_.error(f_.path(), hex_ok ? "give one of \"text\", \"hex\" or \"bytes\", not two"
                               : "give either \"text\" or \"bytes\", not both");
    return;
  }
  if (!has_text && !has_bytes && !has_hex) {
    if (required_one)
      c_.error(f_.path(), hex_ok ? "missing required key \"text\", \"hex\" or \"bytes\""
                                 : "missing required key \"text\" or \"bytes\"");
    return;
  }
  if (has_hex) {
    const auto text = c_.string(*f_.get("hex"), f_.path("hex"), true);
    if (!text) return;
    std::string why;
    a_.text = hex_bytes(*text, why);
    if (!a_.text) c_.error(f_.path("hex"), why);
    else if (a_.text->size() > max_bytes)
      c_.error(f_.path("hex"), std::to_string(a_.text->size()) + " bytes is more than " +
                                   std::to_string(max_bytes));
    return;
  }
  if (has_text) a_.text = c_.string(*f_.get("text"), f_.path("text"), false);
  else a_.bytes = f_.integer("bytes", 0, max_bytes).value_or(0);
}

void ActionParser::listen() {
  a_.host = host("host");
  a_.port = f_.port("port", true).value_or(0);
  a_.backlog = static_cast<std::uint32_t>(f_.integer("backlog", 0, 65535).value_or(128));
  define("name", SocketDef::Kind::listener, false);
  tcp_params();
}

void ActionParser::connect() {
  a_.host = host("host");
  destination("to");
  a_.port = f_.port("port", true).value_or(0);
  a_.src_port = f_.port("src_port", false).value_or(0);
  define("name", SocketDef::Kind::connection, true);
  tcp_params();
}

void ActionParser::set() {
  auto target = f_.string("target", true);
  auto param = f_.string("param", true);
  const Json* value = f_.require("value");
  if (!target || !param || !value) return;
  a_.target = *target;
  a_.param = *param;
  const auto text = param_text(*value);
  if (!text) {
    c_.error(f_.path("value"), "expected a string, number or boolean, got " + show(*value));
    return;
  }
  a_.value = *text;
  const auto colon = target->find(':');
  const std::string kind = colon == std::string::npos ? "" : target->substr(0, colon);
  const std::string name = colon == std::string::npos ? "" : target->substr(colon + 1);
  if (kind == "link") {
    set_link(name);
    return;
  }
  if (kind == "app" || kind == "middlebox") {
    // An application's or balancer's own parameter (live ones only): checked once the
    // components are known (check_component_set).
    if (name.empty())
      c_.error(f_.path("target"), "expected \"" + kind + ":NAME\", got \"" + *target + "\"");
    a_.component = name;
    return;
  }
  if (kind == "tcp") {
    if (!s_.find_host(name)) c_.error(f_.path("target"), "unknown host \"" + name + "\"");
    a_.host = name;
  } else if (kind == "socket") {
    a_.socket = name;  // checked with the other socket references
  } else if (kind == "conn") {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
    if (ec == std::errc() && end == name.data() + name.size() && n >= 1 && n <= INT32_MAX) {
      a_.conn = static_cast<int>(n);
    } else {
      c_.error(f_.path("target"),
               "expected \"conn:ID\" with a connection id of 1 or more, got \"" + *target + "\"");
      return;
    }
  } else {
    c_.error(f_.path("target"),
             "expected \"link:NAME\", \"tcp:HOST\", \"socket:NAME\", \"conn:ID\", "
             "\"app:NAME\" or \"middlebox:NAME\", got \"" +
                 *target + "\"");
    return;
  }
  if (*param == "profile") {
    // A host's whole set of defaults at once (rfc, linux, windows): only the host has a
    // profile; a live connection keeps the parameters it opened with and is tuned one by one.
    if (kind != "tcp") {
      c_.error(f_.path("param"),
               "\"profile\" is set on a host (\"tcp:HOST\"), not on one connection");
      return;
    }
    if (auto d = TcpConfig::profile_defaults(*text); !d) c_.error(f_.path("value"), d.error());
    return;
  }
  const auto& known = TcpConfig::params();
  const auto& options = TcpConfig::socket_options();  // Linux names: "TCP_CORK", "SO_LINGER"
  const bool exists =
      std::any_of(known.begin(), known.end(),
                  [&](const TcpConfig::ParamInfo& p) { return *param == p.name; }) ||
      std::any_of(options.begin(), options.end(),
                  [&](const TcpConfig::SocketOption& o) { return *param == o.name; });
  if (!exists) {
    c_.error(f_.path("param"), "unknown TCP parameter \"" + *param + "\"");
    return;
  }
  TcpConfig scratch;
  if (Status st = scratch.set(*param, *text); !st) c_.error(f_.path("value"), st.error());
}

void ActionParser::set_link(const std::string& name) {
  a_.link = name;
  if (!s_.find_link(name)) {
    c_.error(f_.path("target"), "unknown link \"" + name + "\"");
    return;
  }
  // The field name is checked by a trial run on a scratch value: an unknown one is reported at
  // "param", a bad value at "value".
  LinkParams scratch;
  Checker probe;
  set_link_field(probe, a_.param, Json(), "", scratch);
  if (probe.count() && probe.errors()[0].message.rfind("unknown link parameter", 0) == 0) {
    c_.error(f_.path("param"), probe.errors()[0].message);
    return;
  }
  if (!set_link_field(c_, a_.param, *f_.get("value"), f_.path("value"), scratch)) return;
  a_.link_edit = [field = a_.param, scratch](LinkParams& p) { copy_link_field(field, scratch, p); };
}

std::optional<std::uint16_t> ActionParser::flags(const Json& v, const std::string& path) {
  std::uint16_t out = 0;
  if (v.is_string()) {
    for (char ch : v.text()) {
      switch (ch) {
        case 'S': out |= tcp_flag::syn; break;
        case 'A':
        case '.': out |= tcp_flag::ack; break;
        case 'F': out |= tcp_flag::fin; break;
        case 'R': out |= tcp_flag::rst; break;
        case 'P': out |= tcp_flag::psh; break;
        case 'U': out |= tcp_flag::urg; break;
        case 'E': out |= tcp_flag::ece; break;
        case 'W': out |= tcp_flag::cwr; break;
        default:
          c_.error(path, "unknown flag letter \"" + std::string(1, ch) + "\" in " + show(v) +
                             " (use S, A or ., F, R, P, U, E, W)");
          return std::nullopt;
      }
    }
    return out;
  }
  if (!v.is_array()) {
    c_.error(path, "expected flag letters like \"SA\" or an array like [\"SYN\", \"ACK\"], got " +
                       show(v));
    return std::nullopt;
  }
  static const std::pair<const char*, std::uint16_t> names[] = {
      {"SYN", tcp_flag::syn}, {"ACK", tcp_flag::ack}, {"FIN", tcp_flag::fin},
      {"RST", tcp_flag::rst}, {"PSH", tcp_flag::psh}, {"URG", tcp_flag::urg},
      {"ECE", tcp_flag::ece}, {"CWR", tcp_flag::cwr}, {"AE", tcp_flag::ae}};
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string p = child_path(path, i);
    auto name = c_.string(v[i], p);
    if (!name) return std::nullopt;
    std::string upper = *name;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto it = std::find_if(std::begin(names), std::end(names),
                           [&](const auto& n) { return upper == n.first; });
    if (it == std::end(names)) {
      c_.error(p,
               "unknown flag \"" + *name + "\" (use SYN, ACK, FIN, RST, PSH, URG, ECE, CWR or AE)");
      return std::nullopt;
    }
    out |= it->second;
  }
  return out;
}

void ActionParser::options(const Json& v, const std::string& path, TcpOptionWriter& w) {
  if (!c_.array(v, path)) return;
  for (std::size_t i = 0; i < v.size(); ++i) option(v[i], child_path(path, i), w);
}

void ActionParser::option(const Json& v, const std::string& path, TcpOptionWriter& w) {
  if (!c_.object(v, path)) return;
  const auto kind_it = v.find("kind");
  if (!kind_it) {
    c_.error(path, "missing required key \"kind\"");
    return;
  }
  const Json& kind = *kind_it;
  Status st;
  if (kind.is_number()) {
    Fields f(c_, v, path, {"kind", "data"});
    auto k = c_.integer(kind, f.path("kind"), 0, 255);
    std::vector<std::uint8_t> data;
    if (const Json* d = f.get("data"); d && c_.array(*d, f.path("data"))) {
      for (std::size_t i = 0; i < d->size(); ++i)
        data.push_back(static_cast<std::uint8_t>(
            c_.integer((*d)[i], child_path(f.path("data"), i), 0, 255).value_or(0)));
    }
    if (data.size() > 38) c_.error(f.path("data"), "an option holds at most 38 data bytes");
    else if (k)
      st = w.add_raw(static_cast<std::uint8_t>(*k), data.data(),
                     static_cast<std::uint8_t>(data.size()));
  } else {
    const std::string name = kind.is_string() ? kind.text() : "";
    if (name == "mss") {
      Fields f(c_, v, path, {"kind", "value"});
      if (auto n = f.integer("value", 0, 65535, true))
        st = w.add_mss(static_cast<std::uint16_t>(*n));
    } else if (name == "wscale") {
      Fields f(c_, v, path, {"kind", "value"});
      if (auto n = f.integer("value", 0, 255, true))
        st = w.add_window_scale(static_cast<std::uint8_t>(*n));
    } else if (name == "nop" || name == "eol" || name == "sackOK") {
      Fields f(c_, v, path, {"kind"});
      st = name == "nop" ? w.add_nop() : name == "eol" ? w.add_eol() : w.add_sack_permitted();
    } else if (name == "ts") {
      Fields f(c_, v, path, {"kind", "val", "ecr"});
      auto val = f.integer("val", 0, UINT32_MAX, true);
      auto ecr = f.integer("ecr", 0, UINT32_MAX, true);
      if (val && ecr)
        st = w.add_timestamp(static_cast<std::uint32_t>(*val), static_cast<std::uint32_t>(*ecr));
    } else if (name == "sack") {
      Fields f(c_, v, path, {"kind", "blocks"});
      const Json* blocks = f.require("blocks");
      if (!blocks || !c_.array(*blocks, f.path("blocks"))) return;
      std::vector<SackBlock> list;
      std::vector<std::uint8_t> relative;  // which edges (0 = the first block's left) are
      for (std::size_t i = 0; i < blocks->size(); ++i) {
        const std::string bp = child_path(f.path("blocks"), i);
        const Json& b = (*blocks)[i];
        if (!b.is_array() || b.size() != 2) {
          c_.error(bp, "expected a block [left, right], got " + show(b));
          continue;
        }
        bool rel_l = false, rel_r = false;
        auto l = seq_number(b[0], child_path(bp, 0), rel_l);
        auto r = seq_number(b[1], child_path(bp, 1), rel_r);
        if (!l || !r) continue;
        if (rel_l) relative.push_back(static_cast<std::uint8_t>(2 * list.size()));
        if (rel_r) relative.push_back(static_cast<std::uint8_t>(2 * list.size() + 1));
        list.push_back({*l, *r});
      }
      if (list.empty() || list.size() > 4) {
        c_.error(f.path("blocks"), "expected 1 to 4 blocks");
      } else {
        // Each edge's place in the option bytes: kind and length, then 4 bytes an edge.
        const std::size_t start = w.bytes().len + 2;
        st = w.add_sack(list.data(), static_cast<int>(list.size()));
        if (st)
          for (std::uint8_t k : relative)
            a_.segment.relative_sack.push_back(static_cast<std::uint8_t>(start + 4 * k));
      }
    } else {
      c_.error(child_path(path, "kind"),
               "unknown option kind " + show(kind) +
                   " (expected mss, nop, eol, wscale, sackOK, sack, ts or a number)");
    }
  }
  if (!st) c_.error(path, st.error());
}

/// A sequence number: absolute (a number, 0 to 2^32-1) or relative to an ISN, written as a
/// string with its sign ("+1", "-1", "+0"): `relative` says which.
std::optional<std::uint32_t> ActionParser::seq_number(const Json& v, const std::string& path,
                                                      bool& relative) {
  relative = false;
  if (!v.is_string()) {
    auto n = c_.integer(v, path, 0, UINT32_MAX);
    if (n) return static_cast<std::uint32_t>(*n);
    return std::nullopt;
  }
  const std::string& t = v.text();
  std::int64_t n = 0;
  const char* end = t.data() + t.size();
  const bool signed_form = t.size() >= 2 && (t[0] == '+' || t[0] == '-');
  auto [ptr, ec] = std::from_chars(t.data() + (signed_form ? 1 : 0), end, n);
  if (!signed_form || ec != std::errc() || ptr != end || n > 2147483647LL ||
      !std::isdigit(static_cast<unsigned char>(t[1]))) {
    c_.error(path,
             "expected a sequence number (0 to 4294967295) or one relative to the ISN with its "
             "sign, like \"+1\" (at most \"+2147483647\" either way), got " +
                 show(v));
    return std::nullopt;
  }
  relative = true;
  return static_cast<std::uint32_t>(t[0] == '-' ? -n : n);
}

/// A signed offset such as `"seq_offset": -1000` (within +-2^31).
std::int64_t ActionParser::offset(std::string_view key) {
  const Json* v = f_.get(key);
  if (!v) return 0;
  const std::optional<std::int64_t> n = v->int64_value();
  if (!n || *n < -2147483647LL || *n > 2147483647LL) {
    c_.error(f_.path(key),
             "expected an integer between -2147483647 and 2147483647, got " + show(*v));
    return 0;
  }
  return *n;
}

void ActionParser::inject() {
  CraftedSegment& seg = a_.segment;
  a_.host = host("host");
  seg.from_host = a_.host;
  if (destination("to")) seg.to_addr = a_.to;
  seg.src_port = f_.port("src_port", true).value_or(0);
  seg.dst_port = f_.port("dst_port", true).value_or(0);
  if (const Json* fl = f_.require("flags")) seg.flags = flags(*fl, f_.path("flags")).value_or(0);
  if (const Json* v = f_.get("seq")) seg.seq = seq_number(*v, f_.path("seq"), seg.seq_relative);
  if (const Json* v = f_.get("ack")) seg.ack = seq_number(*v, f_.path("ack"), seg.ack_relative);
  seg.seq_offset = offset("seq_offset");
  seg.ack_offset = offset("ack_offset");
  if (auto n = f_.integer("window", 0, 65535)) seg.window = static_cast<std::uint16_t>(*n);
  seg.urgent = static_cast<std::uint16_t>(f_.integer("urgent", 0, 65535).value_or(0));
  seg.ttl = static_cast<std::uint8_t>(f_.integer("ttl", 0, 255).value_or(64));
  if (auto p = f_.get("payload"))
    seg.payload = c_.string(*p, f_.path("payload"), false).value_or("");
  if (auto p = f_.get("payload_hex")) {
    // Any bytes, 0x80-0xff too (a JSON string is UTF-8, so "payload" cannot carry them).
    if (f_.has("payload"))
      c_.error(f_.path(), "give either \"payload\" or \"payload_hex\", not both");
    else if (auto hex = c_.string(*p, f_.path("payload_hex"), false)) {
      std::string why;
      if (auto bytes = hex_bytes(*hex, why)) seg.payload = std::move(*bytes);
      else c_.error(f_.path("payload_hex"), why);
    }
  }
  if (const Json* o = f_.get("options")) {
    TcpOptionWriter w;
    options(*o, f_.path("options"), w);
    seg.options = w.bytes();
  }
}

void ActionParser::parse() {
  if (!f_.ok()) return;
  if (f_.has("after_events")) a_.after_events = f_.integer("after_events");
  switch (a_.kind) {
    case ActionKind::listen: return listen();
    case ActionKind::connect: return connect();
    case ActionKind::send:
      socket_or_conn();
      data(true, 1ULL << 40);
      a_.urgent = f_.boolean("urgent").value_or(false);
      return;
    case ActionKind::shutdown:
    case ActionKind::close:
    case ActionKind::abort: socket_or_conn(); return;
    case ActionKind::read:
      socket_or_conn();
      a_.bytes = f_.integer("bytes", 1, UINT32_MAX, true).value_or(0);
      return;
    case ActionKind::set: return set();
    case ActionKind::link_down:
    case ActionKind::link_up:
      if (auto l = f_.string("link", true)) {
        a_.link = *l;
        if (!s_.find_link(*l)) c_.error(f_.path("link"), "unknown link \"" + *l + "\"");
      }
      return;
    case ActionKind::drop:
      a_.host = host("host");
      a_.count = static_cast<std::uint32_t>(f_.integer("count", 1, 1000000).value_or(1));
      if (auto l = f_.string("link", true)) {
        a_.link = *l;
        const LinkSpec* ls = s_.find_link(*l);
        if (!ls) c_.error(f_.path("link"), "unknown link \"" + *l + "\"");
        else if (!a_.host.empty() && ls->a != a_.host && ls->b != a_.host)
          c_.error(f_.path("host"),
                   "host \"" + a_.host + "\" is not an end of link \"" + *l + "\"");
      }
      return;
    case ActionKind::manual:
      a_.host = host("host");
      a_.on = f_.boolean("on", true).value_or(false);
      return;
    case ActionKind::inject: return inject();
    case ActionKind::udp_bind:
      a_.host = host("host");
      a_.port = f_.port("port", false).value_or(0);
      define("name", SocketDef::Kind::udp, true);
      udp_params();
      return;
    case ActionKind::udp_send:
      // Without `to` and `port` the datagram goes to the socket's connected peer (send()).
      a_.socket = socket_ref();
      if (f_.has("to") || f_.has("port")) {
        destination("to");
        a_.port = f_.port("port", true).value_or(0);
      }
      data(true, 65507, true);  // the largest UDP payload in one IPv4 packet
      return;
    case ActionKind::udp_connect:
      a_.socket = socket_ref();
      destination("to");
      a_.port = f_.port("port", true).value_or(0);
      return;
    case ActionKind::note: a_.text = f_.string("text", true); return;
    case ActionKind::filter: {
      // {"do": "filter", "filter": "fw", "rule": "syn-blackhole", "on": false}
      a_.on = f_.boolean("on", true).value_or(false);
      auto rule = f_.string("rule", true);
      auto name = f_.string("filter", true);
      if (!name) return;
      a_.target = *name;
      a_.param = rule.value_or("");
      return;  // the filter and its rule are checked once the middleboxes are parsed
    }
  }
}

/// A socket reference checked against the definitions: `want` is the kind the action needs.
void check_ref(Checker& c, const Scenario& s, const std::string& name, const std::string& path,
               const Action& a, std::size_t order, SocketDef::Kind want, bool listener_ok) {
  const SocketDef* def = nullptr;
  if (auto it = s.sockets.find(name); it != s.sockets.end()) {
    def = &it->second;
  } else if (const std::string prefix = listener_prefix(name); !prefix.empty()) {
    auto it2 = s.sockets.find(prefix);
    if (it2 != s.sockets.end() && it2->second.kind == SocketDef::Kind::listener) {
      if (want != SocketDef::Kind::connection) {
        c.error(path, "\"" + name + "\" is a TCP connection");
        return;
      }
      def = &it2->second;  // one of its accepted connections; whether it exists is seen at run time
    }
  }
  if (!def) {
    c.error(path, "unknown socket \"" + name + "\"");
    return;
  }
  const bool is_pattern = s.sockets.find(name) == s.sockets.end();
  if (!is_pattern && def->kind != want &&
      !(listener_ok && def->kind == SocketDef::Kind::listener)) {
    if (def->kind == SocketDef::Kind::listener)
      c.error(path, "\"" + name + "\" is a listening socket: its connections are \"" + name +
                        ".1\", \"" + name + ".2\", ...");
    else if (def->kind == SocketDef::Kind::udp) c.error(path, "\"" + name + "\" is a UDP socket");
    else c.error(path, "\"" + name + "\" is a TCP connection, not a UDP socket");
    return;
  }
  if (a.reaction) return;  // a reaction runs when its trigger says: the socket may exist by then
  if (def->at > a.at)
    c.error(path, "socket \"" + name + "\" is not created until " + format_duration(def->at) +
                      " (by " + def->path + ")");
  else if (def->at == a.at && def->order > order)
    c.error(path, "socket \"" + name + "\" is created later at the same time (by " + def->path +
                      "); put this action after it");
}

}  // namespace

void parse_action(Checker& c, const Json& v, const std::string& path, SimTime at, std::size_t order,
                  Scenario& scenario, Action& out) {
  out = Action{};
  out.at = at;
  out.path = path;
  if (!c.object(v, path)) return;
  auto do_it = v.find("do");
  if (!do_it) {
    c.error(path, "missing required key \"do\"");
    return;
  }
  auto name = c.string(*do_it, child_path(path, "do"));
  if (!name) return;
  const auto& specs = action_specs();
  auto spec = std::find_if(specs.begin(), specs.end(),
                           [&](const ActionSpec& s) { return *name == s.name; });
  if (spec == specs.end()) {
    c.error(child_path(path, "do"),
            "unknown action \"" + *name + "\" (expected " + action_names() + ")");
    return;
  }
  out.kind = spec->kind;
  // A reaction: its trigger is read later (parse_reaction); known now for check_socket_refs.
  if (v.find("when")) out.reaction = ReactionTrigger{};
  ActionParser(c, *spec, v, path, order, scenario, out).parse();
}

void check_socket_refs(Checker& c, const Scenario& s, const Action& a, std::size_t order) {
  using K = SocketDef::Kind;
  // A connection id is looked up when the action runs (connections opened by apps and
  // middleboxes have no name in the document).
  if (a.conn >= 0) return;
  const std::string socket_path = child_path(a.path, "socket");
  switch (a.kind) {
    case ActionKind::send:
    case ActionKind::shutdown:
    case ActionKind::abort:
      return check_ref(c, s, a.socket, socket_path, a, order, K::connection, false);
    case ActionKind::read: {
      // read also receives a datagram on a UDP socket (recv).
      auto it = s.sockets.find(a.socket);
      const K want = it != s.sockets.end() && it->second.kind == K::udp ? K::udp : K::connection;
      return check_ref(c, s, a.socket, socket_path, a, order, want, false);
    }
    case ActionKind::close: {
      // close also stops a listener or closes a UDP socket.
      auto it = s.sockets.find(a.socket);
      const K want = it != s.sockets.end() && it->second.kind == K::udp ? K::udp : K::connection;
      return check_ref(c, s, a.socket, socket_path, a, order, want, true);
    }
    case ActionKind::udp_send:
    case ActionKind::udp_connect:
      return check_ref(c, s, a.socket, socket_path, a, order, K::udp, false);
    case ActionKind::set:
      if (a.target.rfind("socket:", 0) == 0)
        check_ref(c, s, a.socket, child_path(a.path, "target"), a, order, K::connection, false);
      return;
    default: return;
  }
}

}  // namespace scenario_detail

// --- ScenarioRunner's JSON side ---------------------------------------------------------------

using scenario_detail::Json;

namespace {

Status errors_status(const std::vector<ScenarioError>& errors) {
  std::string text;
  for (const ScenarioError& e : errors) {
    if (!text.empty()) text += '\n';
    text += e.text();
  }
  return make_error(text);
}

}  // namespace

Status ScenarioRunner::apply_action(const Json& action, std::vector<ScenarioError>* errors) {
  using scenario_detail::Checker;
  try {
    // "at" = now and "after_events" = how many of this instant's events ran before it, so a
    // replay runs it at this very point; written first so a saved scenario reads in time order.
    Json a = action;
    if (action.is_object()) {
      a = Json::object();
      a.set("at", format_duration(now()));
      a.set("after_events",
            Json::number(static_cast<std::int64_t>(sim_->net().sched().events_run_this_instant())));
      for (std::size_t i = 0; i < action.size(); ++i)
        if (action.key(i) != "at" && action.key(i) != "after_events")
          a.set(action.key(i), action[i]);
    }
    // It will sit at the end of the document's timeline (one entry per loaded action), and it
    // runs after everything loaded: its index is also its place in run order.
    const std::size_t order = scenario_.timeline.size() + live_actions_.size();
    const auto saved = scenario_.sockets;
    Checker c;
    Action parsed;
    scenario_detail::parse_action(c, a, "/timeline/" + std::to_string(order), now(), order,
                                  scenario_, parsed);
    scenario_detail::parse_reaction(c, a, "/timeline/" + std::to_string(order), scenario_, parsed);
    if (c.count() == 0) scenario_detail::check_socket_refs(c, scenario_, parsed, order);
    if (c.count() == 0) scenario_detail::check_component_set(c, scenario_, parsed);
    if (c.count() > 0) {
      scenario_.sockets = saved;
      if (errors) *errors = c.errors();
      return errors_status(c.errors());
    }
    Status st = run_action(parsed, /*note_failure=*/false);
    if (!st) {
      scenario_.sockets = saved;  // a name it defined does not exist
      if (errors) *errors = {ScenarioError{"/timeline/" + std::to_string(order), st.error()}};
      return st;
    }
    live_actions_.push_back(a.dump());
    return st;
  } catch (const std::exception& e) {
    if (errors) *errors = {ScenarioError{"", std::string("internal error: ") + e.what()}};
    return make_error(std::string("internal error: ") + e.what());
  }
}

Status ScenarioRunner::check_action(const Json& action, std::vector<ScenarioError>* errors) {
  using scenario_detail::Checker;
  const std::size_t order = scenario_.timeline.size() + live_actions_.size();
  const auto saved = scenario_.sockets;
  Checker c;
  Action parsed;
  scenario_detail::parse_action(c, action, "/timeline/" + std::to_string(order), now(), order,
                                scenario_, parsed);
  scenario_detail::parse_reaction(c, action, "/timeline/" + std::to_string(order), scenario_,
                                  parsed);
  if (c.count() == 0) scenario_detail::check_socket_refs(c, scenario_, parsed, order);
  if (c.count() == 0) scenario_detail::check_component_set(c, scenario_, parsed);
  scenario_.sockets = saved;
  if (c.count() == 0) return Status::success();
  if (errors) *errors = c.errors();
  return errors_status(c.errors());
}

Status ScenarioRunner::apply_action_text(std::string_view action_json,
                                         std::vector<ScenarioError>* errors) {
  Json a;
  std::vector<ScenarioError> parse_errors;
  if (!scenario_detail::parse_document(action_json, a, parse_errors)) {
    if (errors) *errors = parse_errors;
    return errors_status(parse_errors);
  }
  return apply_action(a, errors);
}

std::string ScenarioRunner::scenario_json() const {
  Json doc = Json::parse(scenario_.document).value_or(Json::object());
  if (!live_actions_.empty()) {
    if (!doc.find("timeline")) doc.set("timeline", Json::array());
    Json& timeline = *doc.find("timeline");
    for (const std::string& a : live_actions_) timeline.push_back(Json::parse(a).value_or(Json()));
  }
  return doc.dump(2) + "\n";
}

Status ScenarioRunner::apply_set(std::string_view path, std::string_view value,
                                 std::vector<ScenarioError>* errors) {
  LoadResult r = Scenario::load(scenario_json(), {Override{std::string(path), std::string(value)}});
  if (!r.ok()) {
    if (errors) *errors = r.errors;
    return errors_status(r.errors);
  }
  teardown();
  scenario_ = std::move(*r.scenario);
  live_actions_.clear();
  build();
  return Status::success();
}

}  // namespace tcpplay
