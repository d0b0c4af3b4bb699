// Set-up for the application and middlebox tests: client -- mid -- server, where `mid` is a load
// balancer's host (or just a router), plus helpers that read the trace back the way a learner
// reads the playground: app narration, packets by who sent them and when, and state changes.
#pragma once
#include <string>
#include <vector>

#include "sim/simulation.h"
#include "trace/tcpdump_text.h"

#include "tcp_fixture.h"

namespace tcpplay::test {

struct SentPacket {
  SimTime t;
  std::string host;  ///< who put it on the wire
  std::string line;  ///< tcpdump text from "IP "
  std::optional<Packet> p;
};

/// App events (narration) of component `name`, optionally only those containing `text`.
inline std::vector<TraceEvent> app_events(Simulation& sim, const std::string& name,
                                          const std::string& text = "") {
  std::vector<TraceEvent> out;
  const Trace& t = sim.trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
    const TraceEvent e = t.at(i);
    if (e.kind == TraceKind::app && name == e.name && e.detail.find(text) != std::string::npos)
      out.push_back(e);
  }
  return out;
}

/// Time of the first app event of `name` containing `text`, or kNever.
inline SimTime app_time(Simulation& sim, const std::string& name, const std::string& text) {
  auto v = app_events(sim, name, text);
  return v.empty() ? kNever : v.front().time;
}

struct ThreeHosts {
  Simulation sim;
  Host& client;
  Host& mid;
  Host& server;
  Link& front;  ///< client -- mid
  Link& back;   ///< mid -- server

  static Ipv4Addr ip(const char* s) { return *parse_ipv4(s); }

  explicit ThreeHosts(const LinkParams& lp = {}, const TcpConfig& cfg = {}, std::uint64_t seed = 1)
      : sim(seed),
        client(sim.add_host("client", ip("10.0.0.1"), cfg)),
        mid(sim.add_host("lb", ip("10.0.0.2"), cfg)),
        server(sim.add_host("server", ip("10.0.1.1"), cfg)),
        front(sim.net().add_link("front", client, mid, lp)),
        back(sim.net().add_link("back", mid, server, lp)) {}

  /// The server answers clients it does not see directly through `mid` (needed when the
  /// balancer keeps the client's address: the NLB).
  void route_server_via_mid() { server.add_route({0, 0, back.index()}); }

  void run(SimTime t) { sim.run_until(t); }

  /// App events (narration) of component `name`, optionally only those containing `text`.
  std::vector<TraceEvent> app(const std::string& name, const std::string& text = "") {
    return app_events(sim, name, text);
  }
  SimTime app_time(const std::string& name, const std::string& text) {
    return tcpplay::test::app_time(sim, name, text);
  }
  /// Every packet put on a wire, in order.
  std::vector<SentPacket> sent() const {
    TcpdumpFormatter f;
    std::vector<SentPacket> out;
    const Trace& t = const_cast<Simulation&>(sim).trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind != TraceKind::packet_sent) continue;
      const std::optional<Packet> p = t.packet(e.packet_id);
      out.push_back({e.time, t.host_names[static_cast<std::size_t>(e.host)], f.format(*p), p});
    }
    return out;
  }
  /// Packets sent by `host` in [from, to).
  std::vector<SentPacket> sent_by(const Host& h, SimTime from = 0, SimTime to = kNever) const {
    std::vector<SentPacket> out;
    for (const SentPacket& s : sent())
      if (s.host == h.name() && s.t >= from && s.t < to) out.push_back(s);
    return out;
  }
  /// "FROM->TO" state changes on `h` in [from, to).
  std::vector<std::string> states(const Host& h, SimTime from = 0, SimTime to = kNever) const {
    std::vector<std::string> out;
    const Trace& t = const_cast<Simulation&>(sim).trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind == TraceKind::state_change && e.host == h.index() && e.time >= from && e.time < to)
        out.push_back(std::string(e.from) + "->" + e.to);
    }
    return out;
  }
  /// Everything in the trace as text (for a failed CHECK's context).
  std::string dump() const {
    TcpdumpFormatter f;
    std::string s;
    const Trace& t = const_cast<Simulation&>(sim).trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind == TraceKind::packet_received || e.kind == TraceKind::timer_set ||
          e.kind == TraceKind::timer_cancelled)
        continue;
      s += format_seconds(e.time) + " " +
           (e.host >= 0 ? t.host_names[static_cast<std::size_t>(e.host)] : "-") + " ";
      if (e.kind == TraceKind::packet_sent) s += f.format(*t.packet(e.packet_id));
      else if (e.kind == TraceKind::state_change)
        s += std::string(e.from) + "->" + e.to + " (" + e.detail + ")";
      else s += std::string(to_string(e.kind)) + " " + e.name + ": " + e.detail;
      s += "\n";
    }
    return s;
  }
};

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace tcpplay::test
