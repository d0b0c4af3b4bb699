#include "scenario/summary.h"

#include <algorithm>

#include "core/duration.h"
#include "scenario/scenario.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"
#include "udp/udp_stack.h"

namespace tcpplay {

namespace {

void add_connections(ScenarioRunner& runner, Host& host, RunSummary& s) {
  TcpStack& stack = runner.sim().tcp(host);
  for (TcpConnection* c : stack.connections()) {
    const TcpSnapshot snap = c->snapshot();
    ConnectionSummary cs;
    cs.id = c->id();
    cs.name = runner.socket_name(c->id());
    cs.host = host.name();
    cs.tuple = c->tuple();
    cs.live = true;
    cs.state = to_string(c->state());
    cs.bytes_sent = snap.bytes_sent;
    cs.bytes_delivered = snap.bytes_delivered;
    s.connections.push_back(std::move(cs));
  }
  s.closed_not_kept += stack.closed_not_kept();
  for (const ClosedConnection& c : stack.closed()) {
    ConnectionSummary cs;
    cs.id = c.id;
    cs.name = runner.socket_name(c.id);
    cs.host = host.name();
    cs.tuple = c.tuple;
    cs.state = "CLOSED";
    cs.reason = c.reason;
    cs.closed_at = c.closed_at;
    cs.bytes_sent = c.bytes_sent;
    cs.bytes_delivered = c.bytes_delivered;
    s.connections.push_back(std::move(cs));
  }
}

void add_udp(ScenarioRunner& runner, Host& host, RunSummary& s) {
  for (const auto& [port, sock] : runner.sim().udp(host).sockets()) {
    const UdpSocketStats& st = sock->stats();
    s.udp.push_back({host.name(), port, st.sent, st.received, st.errors});
  }
}

void count_drops(const Trace& trace, RunSummary& s) {
  s.trace_dropped = trace.first_index();
  s.trace_events = trace.end_index();
  for (std::uint64_t i = trace.first_index(); i < trace.end_index(); ++i) {
    const TraceKind kind = trace.kind_at(i);  // the kind alone is cheap
    if (kind == TraceKind::packet_dropped) ++s.drops[trace.at(i).name];
    else if (kind == TraceKind::socket_error) ++s.socket_errors[trace.at(i).name];
  }
}

/// Appends "  " and `s` padded to `width`. (Columns are appended one at a time: GCC 12 with
/// LTO warns falsely about long + chains of padded strings.)
void append_column(std::string& out, const std::string& s, std::size_t width) {
  out += "  ";
  out += s;
  if (s.size() < width) out.append(width - s.size(), ' ');
}

}  // namespace

RunSummary summarize(ScenarioRunner& runner) {
  RunSummary s;
  Network& net = runner.sim().net();
  s.end = runner.now();
  s.events_run = runner.events_run();
  for (std::size_t i = 0; i < net.host_count(); ++i) {
    add_connections(runner, net.host(i), s);
    add_udp(runner, net.host(i), s);
  }
  std::sort(s.connections.begin(), s.connections.end(),
            [](const ConnectionSummary& a, const ConnectionSummary& b) { return a.id < b.id; });
  for (const ConnectionSummary& c : s.connections) s.bytes_delivered += c.bytes_delivered;
  s.components = summarize_components(runner.sim());
  count_drops(runner.sim().trace(), s);
  return s;
}

std::string format_summary(const RunSummary& s) {
  std::string out = "== summary at " + format_seconds(s.end) + " s ==\n";
  out += s.connections.empty() ? "connections: none\n" : "connections:\n";
  std::size_t name_w = 4, host_w = 4, tuple_w = 0;
  for (const ConnectionSummary& c : s.connections) {
    name_w = std::max(name_w, (c.name.empty() ? "#" + std::to_string(c.id) : c.name).size());
    host_w = std::max(host_w, c.host.size());
    tuple_w = std::max(tuple_w, format_tuple(c.tuple).size());
  }
  for (const ConnectionSummary& c : s.connections) {
    const std::string name = c.name.empty() ? "#" + std::to_string(c.id) : c.name;
    std::string state = c.state;
    if (!c.live) state += " (" + c.reason + " at " + format_seconds(c.closed_at) + ")";
    append_column(out, name, name_w);
    append_column(out, c.host, host_w);
    append_column(out, format_tuple(c.tuple), tuple_w);
    append_column(out, state, 32);
    out += "  sent " + std::to_string(c.bytes_sent);
    out += ", delivered " + std::to_string(c.bytes_delivered) + "\n";
  }
  if (s.closed_not_kept > 0)
    out += "  (and " + std::to_string(s.closed_not_kept) +
           " earlier closed connections: each host keeps its last " +
           std::to_string(TcpStack::kMaxClosed) + ")\n";
  for (const UdpSummary& u : s.udp)
    out += "  udp " + u.host + ":" + std::to_string(u.port) + "  sent " + std::to_string(u.sent) +
           ", received " + std::to_string(u.received) + ", errors " + std::to_string(u.errors) +
           "\n";
  if (!s.components.empty()) {
    out += "apps and middleboxes:\n";
    std::size_t cname_w = 4, kind_w = 4, chost_w = 4;
    for (const ComponentSummary& c : s.components) {
      cname_w = std::max(cname_w, c.name.size());
      kind_w = std::max(kind_w, c.kind.size());
      chost_w = std::max(chost_w, c.host.size());
    }
    for (const ComponentSummary& c : s.components) {
      append_column(out, c.name, cname_w);
      append_column(out, c.kind, kind_w);
      append_column(out, c.host, chost_w);
      out += "  " + c.counts + "\n";
    }
  }
  out += "bytes delivered: " + std::to_string(s.bytes_delivered) + "\n";
  std::string drops;
  for (const auto& [reason, n] : s.drops)
    drops += (drops.empty() ? "" : ", ") + reason + " " + std::to_string(n);
  out += "drops: " + (drops.empty() ? std::string("none") : drops) + "\n";
  if (!s.socket_errors.empty()) {
    std::string errors;
    for (const auto& [err, n] : s.socket_errors)
      errors += (errors.empty() ? "" : ", ") + err + " " + std::to_string(n);
    out += "socket errors (what calls returned): " + errors + "\n";
  }
  // Two counts that differ and are easily confused: the scheduler's events are the simulation's
  // steps; the trace's are what it recorded (one step can record several, or none).
  out += "events: " + std::to_string(s.events_run) +
         " run by the scheduler (timers, packet arrivals, scenario actions), " +
         std::to_string(s.trace_events) +
         " in the trace (packets sent, received and dropped, state changes, timers, app events; "
         "one scheduler event can record several)\n";
  if (s.trace_dropped > 0)
    out += "(the trace kept only the last " + std::to_string(s.trace_events - s.trace_dropped) +
           " of " + std::to_string(s.trace_events) + " events; drop counts cover those)\n";
  return out;
}

}  // namespace tcpplay
