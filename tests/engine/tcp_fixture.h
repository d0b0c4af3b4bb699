// Shared set-up for the TCP tests: two hosts joined by one link, with helpers that read the
// trace back as tcpdump lines and state changes, like a person watching the playground.
#pragma once
#include <string>
#include <vector>

#include "sim/simulation.h"
#include "trace/tcpdump_text.h"

#include "core/duration.h"

namespace tcpplay::test {

/// The flag letters of a tcpdump line ("S.", "R", "P."), "" if it has none.
inline std::string flags_of_line(const std::string& line) {
  const auto a = line.find("Flags [");
  if (a == std::string::npos) return "";
  const auto b = line.find(']', a);
  return line.substr(a + 7, b - a - 7);
}
/// True if a sent packet (anything with a tcpdump `line`) carries flag letter `f`.
template <typename Sent>
bool has_flag(const Sent& s, char f) {
  return flags_of_line(s.line).find(f) != std::string::npos;
}

/// "1.000000 3.000000" — readable in a failed CHECK.
inline std::string show(const std::vector<SimTime>& v) {
  std::string s;
  for (SimTime t : v) {
    if (!s.empty()) s += ' ';  // in steps: GCC 12 with LTO warns falsely otherwise
    s += format_seconds(t);
  }
  return s;
}

/// Records what an application sees.
struct RecordingApp : TcpObserver {
  std::string data;
  std::vector<std::string> events;
  TcpConnection* last = nullptr;
  bool close_on_peer_fin = false;
  void on_established(TcpConnection& c) override {
    last = &c;
    events.push_back("established");
  }
  void on_data(TcpConnection&, const Payload& d) override { data += d.to_string(); }
  void on_peer_closed(TcpConnection& c) override {
    events.push_back("peer_closed");
    if (close_on_peer_fin) c.close();
  }
  void on_closed(TcpConnection& c, const char* reason) override {
    events.push_back(std::string("closed:") + reason);
    if (last == &c) last = nullptr;
  }
};

struct TwoHosts {
  Simulation sim;
  Host& client;
  Host& server;
  Link& link;

  explicit TwoHosts(const LinkParams& lp = {}, const TcpConfig& cfg = {}, std::uint64_t seed = 1)
      : sim(seed),
        client(sim.add_host("client", *parse_ipv4("10.0.0.1"), cfg)),
        server(sim.add_host("server", *parse_ipv4("10.0.0.2"), cfg)),
        link(sim.net().add_link("wire", client, server, lp)) {}

  TcpStack& ctcp() { return sim.tcp(client); }
  TcpStack& stcp() { return sim.tcp(server); }

  /// tcpdump lines (from "IP ") of every packet sent so far.
  std::vector<std::string> packets() {
    TcpdumpFormatter f;
    std::vector<std::string> out;
    const Trace& t = sim.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind == TraceKind::packet_sent) out.push_back(f.format(*t.packet(e.packet_id)));
    }
    return out;
  }
  /// "FROM->TO" for each state change on `host`, in order.
  std::vector<std::string> states(const Host& h) {
    std::vector<std::string> out;
    const Trace& t = sim.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind == TraceKind::state_change && e.host == h.index())
        out.push_back(std::string(e.from) + "->" + e.to);
    }
    return out;
  }
  /// Times of state changes into `to` on `host`.
  std::vector<SimTime> times_of(const Host& h, const std::string& to) {
    std::vector<SimTime> out;
    const Trace& t = sim.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind == TraceKind::state_change && e.host == h.index() && to == e.to)
        out.push_back(e.time);
    }
    return out;
  }
  std::vector<std::string> drops(const char* reason = nullptr) {
    std::vector<std::string> out;
    const Trace& t = sim.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind == TraceKind::packet_dropped && (!reason || std::string(reason) == e.name))
        out.push_back(e.name);
    }
    return out;
  }
};

inline TcpConfig plain_config() {
  // No options and no delayed ACK: the textbook picture, easy to read in tcpdump lines.
  TcpConfig c;
  c.window_scaling = false;
  c.sack = false;
  c.timestamps = false;
  c.recv_buffer = 65535;
  return c;
}

}  // namespace tcpplay::test
