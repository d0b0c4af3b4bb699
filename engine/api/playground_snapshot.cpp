// Playground::snapshot() and series(): the state of the whole simulation as JSON.
//
// snapshot() keys, times in ns:
//   time_ns, next_event_ns (-1 = none), duration_ns, events_run, run,
//   trace {first, end},
//   hosts [{name, index, addrs, forwarding, manual, profile, tcp {PARAM: value} (the host's
//           TCP parameters now: what its new connections get; every "tcp" entry of the
//           parameter catalogue, durations as "240s", counts as numbers),
//           listeners [{port, backlog, pending, name?}],
//           udp [{port, name?, sent, received, bytes_sent, bytes_received, errors, last_error}]}],
//   connections [TcpSnapshot: id, name, host, tuple, local, remote, state, passive, manual, iss,
//                irs, snd_una, snd_nxt, snd_wnd, rcv_nxt, rcv_wnd, send_buffered, send_buffer,
//                recv_buffered, recv_buffer, cwnd, ssthresh, in_flight, mss, srtt_ns, rttvar_ns,
//                rto_ns, sack, timestamps, snd_wscale, rcv_wscale, congestion_control,
//                in_recovery, bytes_sent, bytes_acked, bytes_delivered, retransmits,
//                timers [{name, deadline_ns}], params {PARAM: value} (the connection's own)],
//   closed [{id, name, host, tuple, reason, closed_at_ns, bytes_sent, bytes_delivered}],
//   links [{name, index, a, b, params {...}, directions [{from, to, sent, delivered, dropped,
//           bytes_sent, queued, queued_bytes}]}],
//   components [{name, kind, state}]  (applications and middleboxes; state: Component::snapshot)
#include <map>
#include <utility>

#include "api/playground.h"
#include "json/json_writer.h"
#include "scenario/scenario.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"
#include "trace/jsonl.h"
#include "udp/udp_stack.h"

namespace tcpplay {

namespace {

using Names = std::map<std::pair<std::string, std::uint16_t>, std::string>;

std::string endpoint(Ipv4Addr addr, std::uint16_t port) {
  return format_ipv4(addr) + ":" + std::to_string(port);
}

void name_field(JsonWriter& w, const Names& names, const std::string& host, std::uint16_t port) {
  w.key("name");
  auto it = names.find({host, port});
  if (it == names.end()) w.null();
  else w.value(it->second);
}

/// Every TCP parameter's value, typed as the catalogue lists it.
void tcp_params_json(JsonWriter& w, const TcpConfig& cfg) {
  w.begin_object();
  for (const TcpConfig::ParamInfo& p : TcpConfig::params()) {
    const std::string v = *cfg.get(p.name);
    w.key(p.name);
    if (p.kind == TcpConfig::Kind::count || p.kind == TcpConfig::Kind::boolean) w.raw(v);
    else w.value(v);
  }
  w.end_object();
}

void connection_json(JsonWriter& w, const TcpSnapshot& s, const std::string& name,
                     const TcpConfig& cfg) {
  w.begin_object()
      .field("id", s.id)
      .field("name", name)
      .field("host", s.host)
      .field("tuple", format_tuple(s.tuple))
      .field("local", endpoint(s.tuple.local_addr, s.tuple.local_port))
      .field("remote", endpoint(s.tuple.remote_addr, s.tuple.remote_port))
      .field("state", to_string(s.state))
      .field("passive", s.passive)
      .field("manual", s.manual)
      .field("iss", s.iss)
      .field("irs", s.irs)
      .field("snd_una", s.snd_una)
      .field("snd_nxt", s.snd_nxt)
      .field("snd_wnd", s.snd_wnd)
      .field("rcv_nxt", s.rcv_nxt)
      .field("rcv_wnd", s.rcv_wnd)
      .field("send_buffered", s.send_buffered)
      .field("send_buffer", s.send_buffer)
      .field("recv_buffered", s.recv_buffered)
      .field("recv_buffer", s.recv_buffer)
      .field("cwnd", s.cwnd)
      .field("ssthresh", s.ssthresh)
      .field("in_flight", s.in_flight)
      .field("mss", s.mss)
      .field("srtt_ns", s.srtt)
      .field("rttvar_ns", s.rttvar)
      .field("rto_ns", s.rto)
      .field("sack", s.sack)
      .field("timestamps", s.timestamps)
      .field("snd_wscale", s.snd_wscale)
      .field("rcv_wscale", s.rcv_wscale)
      .field("congestion_control", s.congestion_control)
      .field("in_recovery", s.in_recovery)
      .field("bytes_sent", s.bytes_sent)
      .field("bytes_acked", s.bytes_acked)
      .field("bytes_delivered", s.bytes_delivered)
      .field("retransmits", s.retransmits);
  w.key("timers").begin_array();
  for (const TimerView& t : s.timers)
    w.begin_object().field("name", t.name).field("deadline_ns", t.deadline).end_object();
  w.end_array();
  w.key("params");
  tcp_params_json(w, cfg);
  w.end_object();
}

void link_json(JsonWriter& w, const Link& l) {
  const LinkParams& p = l.params();
  w.begin_object()
      .field("name", l.name())
      .field("index", l.index())
      .field("a", l.end(0).name())
      .field("b", l.end(1).name());
  w.key("params")
      .begin_object()
      .field("delay_ns", p.delay)
      .field("jitter_ns", p.jitter)
      .field("bandwidth_bps", p.bandwidth_bps)
      .field("queue_packets", p.queue_packets)
      .field("queue_bytes", p.queue_bytes)
      .field("loss", p.loss)
      .field("duplicate", p.duplicate)
      .field("reorder", p.reorder)
      .field("reorder_delay_ns", p.reorder_delay)
      .field("mtu", p.mtu)
      .field("up", p.up)
      .end_object();
  w.key("directions").begin_array();
  for (int side = 0; side < 2; ++side) {
    const Link::DirectionStats st = l.stats(side);
    w.begin_object()
        .field("from", l.end(side).name())
        .field("to", l.end(1 - side).name())
        .field("sent", st.sent)
        .field("delivered", st.delivered)
        .field("dropped", st.dropped)
        .field("bytes_sent", st.bytes_sent)
        .field("queued", st.queued)
        .field("queued_bytes", st.queued_bytes)
        .end_object();
  }
  w.end_array().end_object();
}

void host_json(JsonWriter& w, Simulation& sim, Host& h, const Names& listen_names,
               const Names& udp_names) {
  TcpStack& tcp = sim.tcp(h);
  w.begin_object().field("name", h.name()).field("index", h.index());
  w.key("addrs").begin_array();
  for (Ipv4Addr a : h.addrs()) w.value(format_ipv4(a));
  w.end_array();
  w.field("forwarding", h.forwarding)
      .field("manual", tcp.manual)
      .field("profile", tcp.defaults().profile);
  w.key("tcp");
  tcp_params_json(w, tcp.defaults());
  w.key("listeners").begin_array();
  for (const auto& [port, l] : tcp.listeners()) {
    w.begin_object().field("port", port).field("backlog", l.backlog).field("pending", l.pending);
    name_field(w, listen_names, h.name(), port);
    w.end_object();
  }
  w.end_array();
  w.key("udp").begin_array();
  for (const auto& [port, s] : sim.udp(h).sockets()) {
    const UdpSocketStats& st = s->stats();
    w.begin_object().field("port", port);
    name_field(w, udp_names, h.name(), port);
    w.field("sent", st.sent)
        .field("received", st.received)
        .field("bytes_sent", st.bytes_sent)
        .field("bytes_received", st.bytes_received)
        .field("errors", st.errors)
        .field("last_error", st.last_error)
        .end_object();
  }
  w.end_array().end_object();
}

}  // namespace

std::string Playground::snapshot() {
  try {
    ScenarioRunner& r = runner();
    Simulation& sim = r.sim();
    Network& net = sim.net();

    // Names of listening and UDP sockets, by (host, port); a later definition wins.
    Names listen_names, udp_names;
    for (const NamedSocket& s : named_sockets())
      (s.udp ? udp_names : listen_names)[{s.host, s.port}] = s.name;

    std::string out;
    JsonWriter w(out);
    const SimTime next = sim.next_event_time();
    const Trace& trace = sim.trace();
    w.begin_object()
        .field("time_ns", r.now())
        .field("next_event_ns", next == kNever ? -1 : next)
        .field("duration_ns", r.duration())
        .field("events_run", r.events_run())
        .field("run", run_number_);
    w.key("trace")
        .begin_object()
        .field("first", trace.first_index())
        .field("end", trace.end_index())
        .end_object();

    w.key("hosts").begin_array();
    for (std::size_t i = 0; i < net.host_count(); ++i)
      host_json(w, sim, net.host(i), listen_names, udp_names);
    w.end_array();

    w.key("connections").begin_array();
    for (std::size_t i = 0; i < net.host_count(); ++i)
      for (TcpConnection* c : sim.tcp(i).connections())
        connection_json(w, c->snapshot(), r.socket_name(c->id()), c->config());
    w.end_array();

    w.key("closed").begin_array();
    for (std::size_t i = 0; i < net.host_count(); ++i)
      for (const ClosedConnection& c : sim.tcp(i).closed())
        w.begin_object()
            .field("id", c.id)
            .field("name", r.socket_name(c.id))
            .field("host", net.host(i).name())
            .field("tuple", format_tuple(c.tuple))
            .field("reason", c.reason)
            .field("closed_at_ns", c.closed_at)
            .field("bytes_sent", c.bytes_sent)
            .field("bytes_delivered", c.bytes_delivered)
            .end_object();
    w.end_array();
    std::uint64_t closed_not_kept = 0;
    for (std::size_t i = 0; i < net.host_count(); ++i)
      closed_not_kept += sim.tcp(i).closed_not_kept();
    w.field("closed_not_kept",
            closed_not_kept);  // older than each host's last TcpStack::kMaxClosed

    w.key("links").begin_array();
    for (std::size_t i = 0; i < net.link_count(); ++i) link_json(w, net.link(i));
    w.end_array();

    // Applications and middleboxes, each with the state it reports.
    w.key("components").begin_array();
    for (const auto& c : sim.components()) {
      w.begin_object().field("name", c->name()).field("kind", c->kind());
      w.key("state").begin_object();
      c->snapshot(w);
      w.end_object().end_object();
    }
    w.end_array();

    w.end_object();
    return out;
  } catch (const PlaygroundError&) {
    throw;
  } catch (const std::exception& e) {
    throw PlaygroundError(std::string("internal error: ") + e.what());
  }
}

std::string Playground::series(std::int64_t conn_id, std::int64_t since) {
  try {
    ScenarioRunner& r = runner();
    const int id = conn_id >= 0 && conn_id <= INT32_MAX ? static_cast<int>(conn_id) : -1;
    TcpConnection* c = id >= 0 ? r.sim().connection(id) : nullptr;
    const std::vector<TcpSample>* found = c ? &c->series() : nullptr;
    std::uint64_t generation = c ? c->series_generation() : 0;
    for (std::size_t i = 0; !found && i < r.sim().net().host_count(); ++i)
      for (const ClosedConnection& cc : r.sim().tcp(i).closed())
        if (cc.id == id) {
          found = &cc.series;
          generation = cc.series_generation;
        }
    if (!found) throw PlaygroundError("series: unknown connection id " + std::to_string(conn_id));
    // Written by hand: a long run has many samples, and this may be polled per frame.
    const std::vector<TcpSample>& samples = *found;
    constexpr std::uint64_t kStride = std::uint64_t{1}
                                      << 32;  // cursor = index + generation * kStride
    const auto cursor = static_cast<std::uint64_t>(since);
    if (since < 0 || cursor / kStride > generation ||
        (cursor / kStride == generation && cursor % kStride > samples.size()))
      throw PlaygroundError("series: " + std::to_string(since) + " is not a cursor of connection " +
                            std::to_string(conn_id) + "'s series (pass 0, or the last \"next\")");
    // A cursor of an older generation: the samples it counted were rewritten.
    const bool reset = cursor / kStride < generation;
    const std::size_t from = reset ? 0 : static_cast<std::size_t>(cursor % kStride);
    std::string out = "{\"id\":" + std::to_string(id) + ",\"name\":";
    append_json_string(out, r.socket_name(id));
    out += ",\"generation\":" + std::to_string(generation) +
           ",\"reset\":" + (reset ? "true" : "false") + ",\"from\":" + std::to_string(from) +
           ",\"next\":" + std::to_string(generation * kStride + samples.size());
    auto column = [&](const char* key, auto field) {
      out += ",\"";
      out += key;
      out += "\":[";
      for (std::size_t i = from; i < samples.size(); ++i) {
        if (i > from) out += ',';
        out += std::to_string(field(samples[i]));
      }
      out += ']';
    };
    column("t", [](const TcpSample& s) { return s.t; });
    column("cwnd", [](const TcpSample& s) { return s.cwnd; });
    column("ssthresh", [](const TcpSample& s) { return s.ssthresh; });
    column("in_flight", [](const TcpSample& s) { return s.in_flight; });
    column("srtt", [](const TcpSample& s) { return s.srtt; });
    column("rto", [](const TcpSample& s) { return s.rto; });
    column("rwnd", [](const TcpSample& s) { return s.rwnd; });
    return out + "}";
  } catch (const PlaygroundError&) {
    throw;
  } catch (const std::exception& e) {
    throw PlaygroundError(std::string("internal error: ") + e.what());
  }
}

}  // namespace tcpplay
