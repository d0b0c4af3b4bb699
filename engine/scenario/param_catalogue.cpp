// The parameter catalogue (see param_catalogue.h). TCP entries come from TcpConfig's table;
// the others are listed here, their defaults read from the components' params structs.
#include "scenario/param_catalogue.h"

#include "app/bulk.h"
#include "app/echo.h"
#include "app/http_client.h"
#include "app/http_server.h"
#include "app/udp_stream.h"
#include "core/duration.h"
#include "json/json_writer.h"
#include "middlebox/alb.h"
#include "middlebox/nlb.h"
#include "net/link.h"
#include "tcp/tcp_config.h"
#include "trace/jsonl.h"

namespace tcpplay {

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
std::string dur(SimTime t) { return quoted(format_duration(t)); }
std::string num(std::uint64_t n) { return std::to_string(n); }
std::string flag(bool b) { return b ? "true" : "false"; }

/// A default that does not depend on the TCP profile.
std::array<std::string, 3> same(const std::string& v) { return {v, v, v}; }

void tcp_entries(std::vector<ParamDef>& out) {
  using K = TcpConfig::Kind;
  std::array<TcpConfig, 3> profiles;
  for (std::size_t i = 0; i < kProfiles.size(); ++i)
    profiles[i] = *TcpConfig::profile_defaults(kProfiles[i]);
  for (const TcpConfig::ParamInfo& p : TcpConfig::params()) {
    ParamDef d;
    d.scope = "tcp";
    d.name = p.name;
    d.unit = p.unit;
    d.live = true;
    d.timer = p.timer;
    d.en = p.help;
    switch (p.kind) {
      case K::duration: d.type = "duration"; break;
      case K::count: d.type = "integer"; break;
      case K::boolean: d.type = "boolean"; break;
      case K::text: d.type = "choice"; break;
    }
    if (p.kind == K::duration) {
      d.min = dur(static_cast<SimTime>(p.min));
      if (p.max != UINT64_MAX) d.max = dur(static_cast<SimTime>(p.max));
    } else if (p.kind == K::count) {
      d.min = num(p.min);
      if (p.max != UINT64_MAX) d.max = num(p.max);
    }
    const std::string_view choices = p.choices;
    for (std::size_t at = 0; !choices.empty() && at <= choices.size();) {
      const std::size_t comma = std::min(choices.find(',', at), choices.size());
      d.choices.emplace_back(choices.substr(at, comma - at));
      at = comma + 1;
    }
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      const std::string v = *profiles[i].get(p.name);
      d.defaults[i] = p.kind == K::count || p.kind == K::boolean ? v : quoted(v);
    }
    out.push_back(std::move(d));
  }
}

/// Adds entries of one scope; each call of `add` is one parameter.
struct Adder {
  std::vector<ParamDef>& out;
  std::string scope;
  bool live = false;
  ParamDef& add(std::string name, std::string type, std::string unit, std::string min,
                std::string max, const std::string& def, std::string en) {
    ParamDef d;
    d.scope = scope;
    d.name = std::move(name);
    d.type = std::move(type);
    d.unit = std::move(unit);
    d.min = std::move(min);
    d.max = std::move(max);
    d.defaults = same(def);
    d.live = live;
    d.en = std::move(en);
    out.push_back(std::move(d));
    return out.back();
  }
  ParamDef& choice(std::string name, std::vector<std::string> values, const std::string& def,
                   std::string en) {
    ParamDef& d = add(std::move(name), "choice", "", "", "", quoted(def), std::move(en));
    d.choices = std::move(values);
    return d;
  }
  ParamDef& port(const std::string& name, std::uint16_t def, std::string en) {
    return add(name, "port", "", "1", "65535", def ? num(def) : "", std::move(en));
  }
  ParamDef& backlog(std::uint32_t def) {
    return add("backlog", "integer", "connections", "0", "65535", num(def),
               "most connections waiting in SYN_RECEIVED");
  }
  ParamDef& tcp() {
    ParamDef& d = add("tcp", "object", "", "", "", "",
                      "TCP settings of its sockets: {\"profile\", \"params\"} (params are the "
                      "\"tcp\" scope); absent: the host's");
    d.example = "{\"params\":{\"nagle\":false}}";
    return d;
  }
  ParamDef& required(ParamDef& d, std::string example) {
    d.required = true;
    d.example = std::move(example);
    return d;
  }
};

void link_entries(std::vector<ParamDef>& out) {
  const LinkParams p;
  Adder a{out, "link", true};
  a.required(a.add("delay", "duration", "s", dur(0), "", "", "one-way propagation delay"),
             dur(10 * kMillisecond));
  a.add("jitter", "duration", "s", dur(0), "", dur(p.jitter),
        "standard deviation of extra delay (about normal)");
  a.add("bandwidth", "bandwidth", "bit/s", "0", "", num(p.bandwidth_bps),
        "serialization rate, \"100Mbit\" or bits per second (0 = infinitely fast)");
  a.add("queue.packets", "integer", "packets", "0", num(UINT32_MAX), num(p.queue_packets),
        "drop-tail queue limit in packets (0 = none)");
  a.add("queue.bytes", "integer", "bytes", "0", "", num(p.queue_bytes),
        "drop-tail queue limit in bytes (0 = none)");
  a.add("loss", "probability", "", "0", "1", "0", "probability a packet is lost");
  a.add("duplicate", "probability", "", "0", "1", "0", "probability a packet is delivered twice");
  a.add("reorder", "probability", "", "0", "1", "0",
        "probability a packet is held back by reorder_delay");
  a.add("reorder_delay", "duration", "s", dur(0), "", dur(p.reorder_delay),
        "extra delay of a reordered packet (0 = one more delay)");
  a.add("mtu", "integer", "bytes", "68", "65535", num(p.mtu),
        "largest IPv4 packet the link carries");
  a.add("up", "boolean", "", "", "", flag(p.up), "false: the link black-holes everything");
}

void app_entries(std::vector<ParamDef>& out) {
  {
    const TcpEchoParams p;
    Adder a{out, "app:tcp_echo"};
    a.port("port", p.port, "listening port");
    a.backlog(p.backlog);
    a.tcp();
  }
  {
    const UdpEchoParams p;
    Adder a{out, "app:udp_echo"};
    a.port("port", p.port, "bound UDP port");
  }
  {
    const BulkSenderParams p;
    Adder a{out, "app:bulk_sender"};
    a.required(
        a.add("to", "endpoint", "", "", "", "", "the sink, \"host:port\" or \"address:port\""),
        quoted("server:5001"));
    a.port("src_port", p.src_port, "source port (absent: the next free ephemeral port)").example =
        "40000";
    a.add("start", "duration", "s", dur(0), "", dur(p.start), "when to connect");
    a.add("bytes", "integer", "bytes", "0", num(1ULL << 50), num(p.bytes),
          "bytes to send (0 = no limit: duration ends it)");
    a.add("duration", "duration", "s", dur(0), "", dur(p.duration),
          "stop sending this long after the connection opens (0 = no limit)");
    a.add("pattern_seed", "integer", "", "0", num(UINT32_MAX), num(p.pattern_seed),
          "generated byte stream; the sink uses the same seed");
    a.add("close_when_done", "boolean", "", "", "", flag(p.close_when_done),
          "send FIN after the last byte");
    a.tcp();
  }
  {
    const BulkSinkParams p;
    Adder a{out, "app:bulk_sink"};
    a.port("port", p.port, "listening port");
    a.backlog(p.backlog);
    a.add("read_rate", "integer", "bytes/s", "0", "", num(p.read_rate),
          "how fast the application reads (0 = at once)");
    a.add("pattern_seed", "integer", "", "0", num(UINT32_MAX), num(p.pattern_seed),
          "the sender's pattern stream");
    a.add("verify", "boolean", "", "", "", flag(p.verify),
          "check every byte against the pattern stream");
    a.tcp();
  }
  {
    const HttpServerParams p;
    Adder a{out, "app:http_server"};
    a.port("port", p.port, "listening port");
    a.backlog(p.backlog);
    a.add("processing_time", "duration", "s", dur(0), "", dur(p.processing_time),
          "from a complete request to its response")
        .live = true;
    a.add("timeout", "duration", "s", dur(0), "", dur(p.timeout),
          "the server's own request timeout (0 = none)")
        .live = true;
    a.choice("on_timeout", {"504", "close"}, p.on_timeout,
             "on its timeout: answer 504 then close, or just close")
        .live = true;
    a.add("send_late_response", "boolean", "", "", "", flag(p.send_late_response),
          "write the response when the work ends, even after a timeout or the peer's close");
    a.add("keep_alive", "boolean", "", "", "", flag(p.keep_alive),
          "keep connections open between requests");
    a.add("keep_alive_timeout", "duration", "s", dur(0), "", dur(p.keep_alive_timeout),
          "close a keep-alive connection idle this long (0 = never)")
        .live = true;
    a.add("status", "integer", "", "100", "599", num(static_cast<std::uint64_t>(p.status)),
          "status of normal responses");
    a.add("body", "string", "characters", "", "65536", quoted(p.body),
          "body of normal responses (text, at most 65536 characters)");
    a.add("body_bytes", "integer", "bytes", "0", num(1u << 30), num(p.body_bytes),
          "a generated body of this many bytes instead (0 = use body)");
    a.tcp();
  }
  {
    const HttpClientParams p;
    Adder a{out, "app:http_client"};
    a.required(a.add("server", "endpoint", "", "", "", "",
                     "where requests go (a server or a load balancer)"),
               quoted("server:80"));
    a.add("method", "string", "", "", "", quoted(p.method), "request method (an RFC 9110 token)");
    a.add("path", "string", "", "", "", quoted(p.path),
          "request target (visible ASCII, no spaces)");
    a.add("body_bytes", "integer", "bytes", "0", num(1u << 30), num(p.body_bytes),
          "request body of generated bytes (0 = none)");
    a.add("at", "durations", "s", "", "", "",
          "request times (instead of count, start and interval)")
        .example = "[\"1s\",\"2s\"]";
    a.add("count", "integer", "requests", "0", "1000000", num(p.count),
          "requests to send, from start every interval");
    a.add("start", "duration", "s", dur(0), "", dur(p.start), "time of the first request");
    a.add("interval", "duration", "s", dur(0), "", dur(p.interval), "time between requests");
    a.add("request_timeout", "duration", "s", dur(0), "", dur(p.request_timeout),
          "give up on a request after this (0 = wait forever)")
        .live = true;
    a.add("pool", "object", "", "", "", "",
          "a keep-alive connection pool (absent: a new connection per request)")
        .example = "{}";
    a.tcp();
    const HttpPoolParams q;
    a.add("pool.max_connections", "integer", "connections", "0", "65535", num(q.max_connections),
          "most open connections (0 = no limit)");
    a.add("pool.idle_timeout", "duration", "s", dur(0), "", dur(q.idle_timeout),
          "close a connection idle in the pool this long (0 = never)")
        .live = true;
    a.add("pool.keepalive", "boolean", "", "", "", flag(q.keepalive),
          "TCP keepalive on pooled connections");
    a.add("pool.keepalive_idle", "duration", "s", dur(0), "", dur(q.keepalive_idle),
          "their keepalive_idle (0 = the TCP setting; needs keepalive)");
    a.add("pool.keepalive_interval", "duration", "s", dur(0), "", dur(q.keepalive_interval),
          "their keepalive_interval (0 = the TCP setting; needs keepalive)");
    a.add("pool.keepalive_count", "integer", "probes", "0", "1000", num(q.keepalive_count),
          "their keepalive_count (0 = the TCP setting; needs keepalive)");
    a.add("pool.pipeline", "boolean", "", "", "", flag(q.pipeline),
          "send on a busy connection instead of waiting (HTTP/1.1 pipelining)");
  }
  {
    const UdpStreamSenderParams p;
    Adder a{out, "app:udp_stream_sender"};
    a.required(a.add("to", "endpoint", "", "", "", "", "the receiver"), quoted("server:9000"));
    a.port("src_port", p.src_port, "source port (absent: the next free ephemeral port)").example =
        "40000";
    a.add("start", "duration", "s", dur(0), "", dur(p.start), "time of datagram 0");
    a.add("rate", "integer", "datagrams/s", "1", "1000000", num(p.rate), "datagrams per second");
    a.add("count", "integer", "datagrams", "0", num(1u << 24), num(p.count),
          "datagrams to send (0 = until duration ends)");
    a.add("duration", "duration", "s", dur(0), "", dur(p.duration),
          "stop after this long (0 = count ends it)");
    a.add("payload_bytes", "integer", "bytes", "8", "65507", num(p.payload_bytes),
          "datagram payload size");
  }
  {
    const UdpStreamReceiverParams p;
    Adder a{out, "app:udp_stream_receiver"};
    a.port("port", p.port, "bound UDP port");
    a.add("expected", "integer", "datagrams", "0", num(1u << 24), num(p.expected),
          "datagrams the sender sends, to count losses at the tail (0 = unknown)");
  }
}

void middlebox_entries(std::vector<ParamDef>& out) {
  {
    const AlbParams p;
    Adder a{out, "middlebox:alb"};
    a.port("port", p.port, "listener port on its host");
    a.backlog(p.backlog);
    a.add("targets", "endpoints", "", "", "", "[]", "target group, used round-robin").example =
        "[\"server:80\"]";
    a.add("idle_timeout", "duration", "s", dur(1), "", dur(p.idle_timeout),
          "connection idle timeout on both sides, counting data only (AWS: 60 s)")
        .live = true;
    a.add("connect_timeout", "duration", "s", dur(1), "", dur(p.connect_timeout),
          "connecting to a target longer than this: 504 (AWS: 10 s)")
        .live = true;
    a.choice("close_with", {"fin", "rst"}, p.close_with, "how it closes a connection").live = true;
    a.add("reuse_target_connections", "boolean", "", "", "", flag(p.reuse_target_connections),
          "keep-alive reuse of idle target connections");
    a.add("x_forwarded_for", "boolean", "", "", "", flag(p.x_forwarded_for),
          "add X-Forwarded-For with the client's address");
    a.tcp();
  }
  {
    const NlbParams p;
    Adder a{out, "middlebox:nlb"};
    a.add("vip", "address", "", "", "", "", "listener address (absent: its host's address)")
        .example = quoted("10.0.0.100");
    a.port("port", p.port, "listener port");
    a.add("targets", "endpoints", "", "", "", "[]", "target group, used round-robin for new flows")
        .example = "[\"server:80\"]";
    a.choice("protocol", {"tcp", "udp", "tcp_udp"}, p.protocol, "what it balances");
    a.add("tcp_idle_timeout", "duration", "s", dur(1), "", dur(p.tcp_idle_timeout),
          "forget a TCP flow idle this long (AWS: 350 s)")
        .live = true;
    a.add("udp_idle_timeout", "duration", "s", dur(1), "", dur(p.udp_idle_timeout),
          "forget a UDP flow idle this long (AWS: 120 s)")
        .live = true;
    a.add("trace_packets", "boolean", "", "", "", flag(p.trace_packets),
          "an app event for every packet rewritten (verbose)");
  }
  {
    Adder a{out, "middlebox:filter"};
    a.required(a.add("rules", "object", "", "", "", "",
                     "ordered rules, each {name, action (drop | reject), reject_with, direction "
                     "(in | out | both), protocol, src, dst, sport, dport, flags, not_flags, "
                     "enabled}: the first enabled match drops or rejects the packet"),
               "[{\"name\":\"syn-blackhole\",\"protocol\":\"tcp\",\"dport\":80,"
               "\"flags\":\"S\",\"not_flags\":\".\"}]");
  }
}

void optional_text(JsonWriter& w, std::string_view key, const std::string& json) {
  w.key(key);
  if (json.empty()) w.null();
  else w.raw(json);
}

}  // namespace

const std::vector<ParamDef>& param_catalogue() {
  static const std::vector<ParamDef> all = [] {
    std::vector<ParamDef> v;
    tcp_entries(v);
    link_entries(v);
    app_entries(v);
    middlebox_entries(v);
    return v;
  }();
  return all;
}

const ParamDef* find_param(std::string_view scope, std::string_view name) {
  for (const ParamDef& d : param_catalogue())
    if (d.scope == scope && d.name == name) return &d;
  return nullptr;
}

std::string param_catalogue_json() {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const ParamDef& d : param_catalogue()) {
    w.begin_object()
        .field("scope", d.scope)
        .field("name", d.name)
        .field("type", d.type)
        .field("unit", d.unit);
    optional_text(w, "min", d.min);
    optional_text(w, "max", d.max);
    w.key("choices");
    if (d.choices.empty()) {
      w.null();
    } else {
      w.begin_array();
      for (const std::string& c : d.choices) w.value(c);
      w.end_array();
    }
    w.key("defaults").begin_object();
    for (std::size_t i = 0; i < kProfiles.size(); ++i)
      optional_text(w, kProfiles[i], d.defaults[i]);
    w.end_object();
    optional_text(w, "example", d.example);
    w.field("required", d.required).field("live", d.live);
    w.key("timer");
    if (d.timer.empty()) w.null();
    else w.value(d.timer);
    w.key("description").begin_object().field("en", d.en).field("ko", d.ko).end_object();
    w.end_object();
  }
  w.end_array();
  return out;
}

}  // namespace tcpplay
