// Applications ("apps") and middleboxes ("middleboxes") of a scenario document: each entry is
// {"type", "name", "host", ...params}, where the params are the fields of the component's C++
// params struct (engine/app/*.h, engine/middlebox/*.h) under the same names. Every field is
// checked here, with a JSON pointer per problem; the typed params then go into a closure that
// the runner calls at build time (ComponentSpec::create). Also: the counters line each
// component contributes to the end-of-run summary (it reads the component's JSON snapshot).
#include <algorithm>
#include <map>
#include <tuple>

#include "app/bulk.h"
#include "app/echo.h"
#include "app/http_client.h"
#include "app/http_server.h"
#include "app/udp_stream.h"
#include "json/json_writer.h"
#include "middlebox/alb.h"
#include "middlebox/nlb.h"
#include "middlebox/packet_filter.h"
#include "scenario/scenario_parse.h"
#include "scenario/summary.h"

namespace tcpplay {

namespace {

struct TypeSpec {
  const char* type;
  bool middlebox;
  std::vector<std::string_view> keys;  // besides type, name, host
};

const std::vector<TypeSpec>& type_specs() {
  static const std::vector<TypeSpec> specs = {
      {"tcp_echo", false, {"port", "backlog", "tcp"}},
      {"udp_echo", false, {"port"}},
      {"bulk_sender",
       false,
       {"to", "src_port", "start", "bytes", "duration", "pattern_seed", "close_when_done", "tcp"}},
      {"bulk_sink", false, {"port", "backlog", "read_rate", "pattern_seed", "verify", "tcp"}},
      {"http_server",
       false,
       {"port", "backlog", "processing_time", "timeout", "on_timeout", "send_late_response",
        "keep_alive", "keep_alive_timeout", "status", "body", "body_bytes", "tcp"}},
      {"http_client",
       false,
       {"server", "method", "path", "body_bytes", "at", "count", "start", "interval",
        "request_timeout", "pool", "tcp"}},
      {"udp_stream_sender",
       false,
       {"to", "src_port", "start", "rate", "count", "duration", "payload_bytes"}},
      {"udp_stream_receiver", false, {"port", "expected"}},
      {"alb",
       true,
       {"port", "backlog", "targets", "idle_timeout", "connect_timeout", "close_with",
        "reuse_target_connections", "x_forwarded_for", "tcp"}},
      {"nlb",
       true,
       {"vip", "port", "targets", "protocol", "tcp_idle_timeout", "udp_idle_timeout",
        "trace_packets"}},
      {"filter", true, {"rules"}},
  };
  return specs;
}

const std::vector<std::string_view> kPoolKeys = {
    "max_connections",    "idle_timeout",    "keepalive", "keepalive_idle",
    "keepalive_interval", "keepalive_count", "pipeline"};

const TypeSpec* find_type(std::string_view type) {
  for (const TypeSpec& t : type_specs())
    if (type == t.type) return &t;
  return nullptr;
}

std::string type_names(bool middlebox) {
  std::vector<std::string> names;
  for (const TypeSpec& t : type_specs())
    if (t.middlebox == middlebox) names.push_back(t.type);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

const std::vector<std::string>& app_types() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const TypeSpec& t : type_specs())
      if (!t.middlebox) out.push_back(t.type);
    return out;
  }();
  return v;
}

const std::vector<std::string>& middlebox_types() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const TypeSpec& t : type_specs())
      if (t.middlebox) out.push_back(t.type);
    return out;
  }();
  return v;
}

std::vector<std::string> component_keys(std::string_view type) {
  std::vector<std::string> out;
  if (const TypeSpec* t = find_type(type))
    for (std::string_view k : t->keys) out.emplace_back(k);
  if (type == "pool")  // http_client's pool object
    for (std::string_view k : kPoolKeys) out.emplace_back(k);
  return out;
}

const ComponentSpec* Scenario::find_component(std::string_view name) const {
  for (const auto* list : {&middleboxes, &apps})
    for (const ComponentSpec& c : *list)
      if (c.name == name) return &c;
  return nullptr;
}

namespace scenario_detail {
namespace {

/// A port a component occupies on its host (a listener, a bound UDP port, an NLB listener).
struct PortUse {
  std::string host;
  bool udp = false;
  std::uint16_t port = 0;
  std::string owner;  ///< "\"web\" (/apps/0)"
};

/// One entry of "apps" or "middleboxes".
class ComponentParser {
 public:
  ComponentParser(Checker& c, const TypeSpec& spec, const Json& v, const std::string& path,
                  Scenario& s, ComponentSpec& out, std::vector<PortUse>& ports)
      : c_(c),
        spec_(spec),
        f_(c, v, path, with_common(spec.keys)),
        s_(s),
        out_(out),
        ports_(ports) {}

  void parse();

 private:
  static std::vector<std::string_view> with_common(std::vector<std::string_view> keys) {
    keys.push_back("type");
    keys.push_back("name");
    keys.push_back("host");
    return keys;
  }

  // Field readers: nullopt when absent or wrong (then an error is recorded).
  std::optional<std::uint16_t> port(std::string_view key) { return f_.port(key, false); }
  std::optional<std::uint32_t> u32(std::string_view key, std::uint32_t min = 0,
                                   std::uint32_t max = UINT32_MAX) {
    auto n = f_.integer(key, min, max);
    return n ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*n)) : std::nullopt;
  }
  std::optional<SimTime> positive(std::string_view key);
  std::optional<std::string> choice(std::string_view key, const std::vector<std::string>& allowed);
  std::optional<Endpoint> endpoint(const Json& v, const std::string& path);
  std::optional<Endpoint> endpoint(std::string_view key, bool required);
  std::vector<Endpoint> targets();
  std::optional<TcpConfig> tcp();
  std::optional<HttpPoolParams> pool();
  /// Records that this component listens on (or binds) `port` on its host; a second one is an error.
  void uses_port(std::uint16_t port, bool udp, const std::string& path);
  /// Where a port conflict is reported: at "port", or at the entry when the port is the default.
  std::string port_path() const { return f_.has("port") ? f_.path("port") : f_.path(); }

  template <typename T, typename P>
  void make(const P& params) {
    out_.create = [name = out_.name, params](Simulation& sim, Host& host) -> Component& {
      return sim.add_component<T>(sim, host, name, params);
    };
  }

  void tcp_echo();
  void udp_echo();
  void bulk_sender();
  void bulk_sink();
  void http_server();
  void http_client();
  void udp_stream_sender();
  void udp_stream_receiver();
  void alb();
  void nlb();
  void filter();

  Checker& c_;
  const TypeSpec& spec_;
  Fields f_;
  Scenario& s_;
  ComponentSpec& out_;
  std::vector<PortUse>& ports_;
  const HostSpec* host_ = nullptr;
};

void ComponentParser::parse() {
  if (!f_.ok()) return;
  out_.type = spec_.type;
  out_.middlebox = spec_.middlebox;
  out_.path = f_.path();
  if (auto name = f_.name("name", true)) out_.name = *name;
  if (auto host = f_.string("host", true)) {
    host_ = s_.find_host(*host);
    if (host_) out_.host = *host;
    else c_.error(f_.path("host"), "unknown host \"" + *host + "\"");
  }
  const std::string t = spec_.type;
  if (t == "tcp_echo") tcp_echo();
  else if (t == "udp_echo") udp_echo();
  else if (t == "bulk_sender") bulk_sender();
  else if (t == "bulk_sink") bulk_sink();
  else if (t == "http_server") http_server();
  else if (t == "http_client") http_client();
  else if (t == "udp_stream_sender") udp_stream_sender();
  else if (t == "udp_stream_receiver") udp_stream_receiver();
  else if (t == "alb") alb();
  else if (t == "nlb") nlb();
  else if (t == "filter") filter();
}

std::optional<SimTime> ComponentParser::positive(std::string_view key) {
  auto d = f_.duration(key);
  if (d && *d == 0) {
    c_.error(f_.path(key), "must be greater than 0s");
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> ComponentParser::choice(std::string_view key,
                                                   const std::vector<std::string>& allowed) {
  auto s = f_.string(key);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string list;
  for (std::size_t i = 0; i < allowed.size(); ++i)
    list += (i ? (i + 1 == allowed.size() ? " or " : ", ") : "") + ("\"" + allowed[i] + "\"");
  c_.error(f_.path(key), "expected " + list + ", got \"" + *s + "\"");
  return std::nullopt;
}

/// "server:80" (a host of the scenario) or "10.0.1.2:80".
std::optional<Endpoint> ComponentParser::endpoint(const Json& v, const std::string& path) {
  const std::string expected =
      "expected an endpoint like \"server:80\" or \"10.0.0.2:80\", got " + show(v);
  if (!v.is_string()) {
    c_.error(path, expected);
    return std::nullopt;
  }
  const std::string text = v.text();
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    c_.error(path, expected);
    return std::nullopt;
  }
  const std::string who = text.substr(0, colon), port_text = text.substr(colon + 1);
  std::uint32_t port = 0;
  bool digits = !port_text.empty() && port_text.size() <= 5 && port_text[0] != '0';
  for (char ch : port_text) {
    if (ch < '0' || ch > '9') digits = false;
    else port = port * 10 + static_cast<std::uint32_t>(ch - '0');
  }
  if (!digits || port < 1 || port > 65535) {
    c_.error(path, "expected a port from 1 to 65535 after the colon, got " + show(v));
    return std::nullopt;
  }
  Endpoint e;
  e.port = static_cast<std::uint16_t>(port);
  if (const HostSpec* h = s_.find_host(who)) {
    e.addr = h->addr;
  } else if (auto a = parse_ipv4(who)) {
    e.addr = *a;
  } else {
    c_.error(path, "unknown host \"" + who + "\" in " + show(v));
    return std::nullopt;
  }
  return e;
}

std::optional<Endpoint> ComponentParser::endpoint(std::string_view key, bool required) {
  const Json* v = required ? f_.require(key) : f_.get(key);
  return v ? endpoint(*v, f_.path(key)) : std::nullopt;
}

std::vector<Endpoint> ComponentParser::targets() {
  std::vector<Endpoint> out;
  const Json* v = f_.get("targets");
  if (!v || !c_.array(*v, f_.path("targets"))) return out;
  for (std::size_t i = 0; i < v->size(); ++i)
    if (auto e = endpoint((*v)[i], child_path(f_.path("targets"), i))) out.push_back(*e);
  return out;
}

/// {"profile"?, "params"?}: the host's TCP settings (or the profile's defaults, when given),
/// then these params. Absent: nullopt, and the component follows the host's live defaults.
std::optional<TcpConfig> ComponentParser::tcp() {
  const Json* v = f_.get("tcp");
  if (!v) return std::nullopt;
  Fields tf(c_, *v, f_.path("tcp"), {"profile", "params"});
  if (!tf.ok()) return std::nullopt;
  TcpConfig cfg = host_ ? host_->tcp : TcpConfig{};
  if (auto p = tf.string("profile")) {
    auto d = TcpConfig::profile_defaults(*p);
    if (d) cfg = *d;
    else c_.error(tf.path("profile"), d.error());
  }
  if (const Json* params = tf.get("params")) parse_tcp_params(c_, *params, tf.path("params"), cfg);
  return cfg;
}

std::optional<HttpPoolParams> ComponentParser::pool() {
  const Json* v = f_.get("pool");
  if (!v) return std::nullopt;
  Fields pf(c_, *v, f_.path("pool"), kPoolKeys);
  HttpPoolParams p;
  if (!pf.ok()) return p;
  if (auto n = pf.integer("max_connections", 0, 65535))
    p.max_connections = static_cast<std::uint32_t>(*n);
  if (auto d = pf.duration("idle_timeout")) p.idle_timeout = *d;
  if (auto b = pf.boolean("keepalive")) p.keepalive = *b;
  if (auto d = pf.duration("keepalive_idle")) p.keepalive_idle = *d;
  if (auto d = pf.duration("keepalive_interval")) p.keepalive_interval = *d;
  if (auto n = pf.integer("keepalive_count", 0, 1000))
    p.keepalive_count = static_cast<std::uint32_t>(*n);
  if (auto b = pf.boolean("pipeline")) p.pipeline = *b;
  if (!p.keepalive) {
    for (const char* k : {"keepalive_idle", "keepalive_interval", "keepalive_count"})
      if (pf.has(k)) c_.error(pf.path(k), "has no effect without \"keepalive\": true");
  }
  return p;
}

void ComponentParser::uses_port(std::uint16_t port, bool udp, const std::string& path) {
  const std::string& h = out_.host;
  if (h.empty() || out_.name.empty()) return;
  for (const PortUse& u : ports_) {
    if (u.host == h && u.udp == udp && u.port == port) {
      c_.error(path, std::string(udp ? "UDP" : "TCP") + " port " + std::to_string(port) +
                         " on host \"" + h + "\" is already used by " + u.owner);
      return;
    }
  }
  ports_.push_back({h, udp, port, "\"" + out_.name + "\" (" + out_.path + ")"});
}

// --- the types ------------------------------------------------------------------------------

void ComponentParser::tcp_echo() {
  TcpEchoParams p;
  if (auto n = port("port")) p.port = *n;
  if (auto n = u32("backlog", 0, 65535)) p.backlog = *n;
  p.tcp = tcp();
  uses_port(p.port, false, port_path());
  make<TcpEchoServer>(p);
}

void ComponentParser::udp_echo() {
  UdpEchoParams p;
  if (auto n = port("port")) p.port = *n;
  uses_port(p.port, true, port_path());
  make<UdpEchoServer>(p);
}

void ComponentParser::bulk_sender() {
  BulkSenderParams p;
  if (auto e = endpoint("to", true)) p.to = *e;
  if (auto n = port("src_port")) p.src_port = *n;
  if (auto d = f_.duration("start")) p.start = *d;
  if (auto n = f_.integer("bytes", 0, 1ULL << 50)) p.bytes = *n;
  if (auto d = f_.duration("duration")) p.duration = *d;
  if (auto n = u32("pattern_seed")) p.pattern_seed = *n;
  if (auto b = f_.boolean("close_when_done")) p.close_when_done = *b;
  p.tcp = tcp();
  make<BulkSender>(p);
}

void ComponentParser::bulk_sink() {
  BulkSinkParams p;
  if (auto n = port("port")) p.port = *n;
  if (auto n = u32("backlog", 0, 65535)) p.backlog = *n;
  if (auto n = f_.integer("read_rate")) p.read_rate = *n;
  if (auto n = u32("pattern_seed")) p.pattern_seed = *n;
  if (auto b = f_.boolean("verify")) p.verify = *b;
  p.tcp = tcp();
  uses_port(p.port, false, port_path());
  make<BulkSink>(p);
}

void ComponentParser::http_server() {
  HttpServerParams p;
  if (auto n = port("port")) p.port = *n;
  if (auto n = u32("backlog", 0, 65535)) p.backlog = *n;
  if (auto d = f_.duration("processing_time")) p.processing_time = *d;
  if (auto d = f_.duration("timeout")) p.timeout = *d;
  if (auto s = choice("on_timeout", {"504", "close"})) p.on_timeout = *s;
  if (auto b = f_.boolean("send_late_response")) p.send_late_response = *b;
  if (auto b = f_.boolean("keep_alive")) p.keep_alive = *b;
  if (auto d = f_.duration("keep_alive_timeout")) p.keep_alive_timeout = *d;
  if (auto n = f_.integer("status", 100, 599)) p.status = static_cast<int>(*n);
  if (auto s = f_.string("body", false)) {
    if (s->size() > 65536)
      c_.error(f_.path("body"), "at most 65536 characters (use body_bytes for more)");
    else p.body = *s;
  }
  if (auto n = u32("body_bytes", 0, 1u << 30)) p.body_bytes = *n;
  p.tcp = tcp();
  uses_port(p.port, false, port_path());
  make<HttpServer>(p);
}

namespace {
/// RFC 9110 token characters (a method).
bool is_token(const std::string& s) {
  if (s.empty()) return false;
  for (char ch : s) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}
/// A request target: visible ASCII, no spaces.
bool is_target(const std::string& s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (ch <= ' ' || ch > '~') return false;
  return true;
}
}  // namespace

void ComponentParser::http_client() {
  HttpClientParams p;
  if (auto e = endpoint("server", true)) p.server = *e;
  if (auto s = f_.string("method")) {
    if (is_token(*s)) p.method = *s;
    else
      c_.error(f_.path("method"),
               "expected an HTTP method like \"GET\", got " + show(*f_.get("method")));
  }
  if (auto s = f_.string("path")) {
    if (is_target(*s)) p.path = *s;
    else
      c_.error(f_.path("path"), "expected a request path like \"/index.html\" (no spaces), got " +
                                    show(*f_.get("path")));
  }
  if (auto n = u32("body_bytes", 0, 1u << 30)) p.body_bytes = *n;
  if (const Json* at = f_.get("at"); at && c_.array(*at, f_.path("at"))) {
    for (std::size_t i = 0; i < at->size(); ++i)
      if (auto d = c_.duration((*at)[i], child_path(f_.path("at"), i))) p.at.push_back(*d);
    if (at->size() == 0)
      c_.error(f_.path("at"), "must not be empty (leave it out to use count, start and interval)");
    for (const char* k : {"count", "start", "interval"})
      if (f_.has(k)) c_.error(f_.path(k), "give either \"at\" or count/start/interval, not both");
  }
  if (auto n = u32("count", 0, 1000000)) p.count = *n;
  if (auto d = f_.duration("start")) p.start = *d;
  if (auto d = f_.duration("interval")) p.interval = *d;
  if (auto d = f_.duration("request_timeout")) p.request_timeout = *d;
  p.pool = pool();
  p.tcp = tcp();
  make<HttpClient>(p);
}

void ComponentParser::udp_stream_sender() {
  UdpStreamSenderParams p;
  if (auto e = endpoint("to", true)) p.to = *e;
  if (auto n = port("src_port")) {
    p.src_port = *n;
    uses_port(p.src_port, true, f_.path("src_port"));
  }
  if (auto d = f_.duration("start")) p.start = *d;
  if (auto n = f_.integer("rate", 1, 1000000)) p.rate = *n;
  if (auto n = f_.integer("count", 0, 1u << 24)) p.count = *n;
  if (auto d = f_.duration("duration")) p.duration = *d;
  if (auto n = u32("payload_bytes", 8, 65507)) p.payload_bytes = *n;
  make<UdpStreamSender>(p);
}

void ComponentParser::udp_stream_receiver() {
  UdpStreamReceiverParams p;
  if (auto n = port("port")) p.port = *n;
  if (auto n = f_.integer("expected", 0, 1u << 24)) p.expected = *n;
  uses_port(p.port, true, port_path());
  make<UdpStreamReceiver>(p);
}

void ComponentParser::alb() {
  AlbParams p;
  if (auto n = port("port")) p.port = *n;
  if (auto n = u32("backlog", 0, 65535)) p.backlog = *n;
  p.targets = targets();
  if (auto d = positive("idle_timeout")) p.idle_timeout = *d;
  if (auto d = positive("connect_timeout")) p.connect_timeout = *d;
  if (auto s = choice("close_with", {"fin", "rst"})) p.close_with = *s;
  if (auto b = f_.boolean("reuse_target_connections")) p.reuse_target_connections = *b;
  if (auto b = f_.boolean("x_forwarded_for")) p.x_forwarded_for = *b;
  p.tcp = tcp();
  uses_port(p.port, false, port_path());
  make<AlbProxy>(p);
}

void ComponentParser::nlb() {
  NlbParams p;
  if (const Json* v = f_.get("vip")) {
    if (auto a = c_.ipv4(*v, f_.path("vip"))) {
      p.vip = *a;
      for (const HostSpec& h : s_.hosts)
        if (h.addr == *a && (!host_ || h.name != host_->name))
          c_.error(f_.path("vip"),
                   "address " + format_ipv4(*a) + " belongs to host \"" + h.name + "\"");
    }
  }
  if (auto n = port("port")) p.port = *n;
  p.targets = targets();
  if (auto s = choice("protocol", {"tcp", "udp", "tcp_udp"})) p.protocol = *s;
  if (auto d = positive("tcp_idle_timeout")) p.tcp_idle_timeout = *d;
  if (auto d = positive("udp_idle_timeout")) p.udp_idle_timeout = *d;
  if (auto b = f_.boolean("trace_packets")) p.trace_packets = *b;
  const std::string at = port_path();
  if (p.protocol != "udp") uses_port(p.port, false, at);
  if (p.protocol != "tcp") uses_port(p.port, true, at);
  make<NlbBalancer>(p);
}

void ComponentParser::filter() {
  FilterParams p = parse_filter_rules(c_, f_.get("rules"), f_.path("rules"), s_);
  for (const FilterRule& r : p.rules) out_.filter_rules.insert(r.name);
  make<PacketFilter>(p);
}

void parse_list(Checker& c, const Json* v, const std::string& path, bool middlebox, Scenario& s,
                std::vector<PortUse>& ports, std::map<std::string, std::string>& names) {
  if (!v || !c.array(*v, path)) return;
  std::vector<ComponentSpec>& list = middlebox ? s.middleboxes : s.apps;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    const std::string p = child_path(path, i);
    if (!c.object(e, p)) continue;
    auto type_it = e.find("type");
    if (!type_it) {
      c.error(p, "missing required key \"type\"");
      continue;
    }
    auto type = c.string(*type_it, child_path(p, "type"));
    if (!type) continue;
    const TypeSpec* spec = find_type(*type);
    if (!spec || spec->middlebox != middlebox) {
      std::string msg = std::string("unknown ") + (middlebox ? "middlebox" : "app") + " type \"" +
                        *type + "\" (expected " + type_names(middlebox) + ")";
      if (spec)
        msg += spec->middlebox ? "; \"" + *type + "\" goes in \"middleboxes\""
                               : "; \"" + *type + "\" goes in \"apps\"";
      c.error(child_path(p, "type"), msg);
      continue;
    }
    const std::size_t before = c.count();
    ComponentSpec out;
    ComponentParser(c, *spec, e, p, s, out, ports).parse();
    if (out.name.empty()) continue;
    // Names are checked even when something else in the entry is wrong.
    const std::string name_path = child_path(p, "name");
    if (auto it = names.find(out.name); it != names.end()) {
      c.error(name_path,
              "duplicate name \"" + out.name + "\" (already used by " + it->second + ")");
      continue;
    }
    names[out.name] = p;
    if (auto it = s.sockets.find(out.name); it != s.sockets.end())
      c.error(name_path, "name \"" + out.name + "\" is also a socket name (" + it->second.path +
                             "); the trace would mix them up");
    if (c.count() == before) list.push_back(std::move(out));
  }
}

}  // namespace

void parse_components(Checker& c, const Json* apps, const Json* middleboxes, Scenario& s) {
  std::vector<PortUse> ports;
  std::map<std::string, std::string> names;
  parse_list(c, middleboxes, "/middleboxes", true, s, ports, names);
  parse_list(c, apps, "/apps", false, s, ports, names);
}

}  // namespace scenario_detail

// --- the summary's line per component ----------------------------------------------------------

namespace {

void append_counts(const Json& obj, bool skip_zero, std::string& out) {
  for (std::size_t i = 0; i < obj.size(); ++i) {
    const std::string& key = obj.key(i);
    const Json& v = obj[i];
    if (key.size() > 3 && key.compare(key.size() - 3, 3, "_ns") == 0) continue;
    if (key == "port" || key == "rate" || key == "read_rate" || key == "conn" ||
        key == "bytes_target")
      continue;
    std::string text;
    if (v.int64_value()) {
      if (skip_zero && *v.int64_value() == 0) continue;
      text = v.text();
    } else if (key == "failures" && v.is_object()) {
      if (v.size() == 0) continue;
      std::string inner;
      for (std::size_t k = 0; k < v.size(); ++k)
        inner += (inner.empty() ? "" : ", ") + v.key(k) + " " + v[k].dump();
      text = "(" + inner + ")";
    } else {
      continue;
    }
    out += (out.empty() ? "" : ", ") + key + " " + text;
  }
}

}  // namespace

std::vector<ComponentSummary> summarize_components(const Simulation& sim) {
  std::vector<ComponentSummary> out;
  for (const auto& comp : sim.components()) {
    // Read back from the snapshot's text: the summary shows what a snapshot shows.
    std::string text;
    JsonWriter w(text);
    w.begin_object();
    comp->snapshot(w);
    w.end_object();
    const Json snap = Json::parse(text).value_or(Json::object());
    ComponentSummary cs;
    cs.name = comp->name();
    cs.kind = comp->kind();
    if (const Json* host = snap.find("host"); host && host->is_string()) cs.host = host->text();
    append_counts(snap, false, cs.counts);
    if (const Json* counters = snap.find("counters"); counters && counters->is_object())
      append_counts(*counters, true, cs.counts);
    out.push_back(std::move(cs));
  }
  return out;
}

}  // namespace tcpplay
