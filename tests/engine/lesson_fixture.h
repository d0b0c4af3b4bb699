// Runs a lesson from examples/ and reads its trace the way the lesson text describes it:
// by socket name, state, drop reason and packet line.
#pragma once
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/duration.h"
#include "scenario/scenario.h"
#include "trace/tcpdump_text.h"

namespace tcpplay::test {

struct Lesson {
  std::unique_ptr<ScenarioRunner> runner;

  explicit Lesson(const std::string& file, bool run_all = true) {
    std::ifstream in(std::string(TCPPLAY_SOURCE_DIR) + "/examples/" + file);
    std::stringstream ss;
    ss << in.rdbuf();
    LoadResult r = Scenario::load(ss.str());
    if (!r.ok()) throw std::runtime_error(file + ": " + r.error_text());
    runner = std::make_unique<ScenarioRunner>(std::move(*r.scenario));
    if (run_all) runner->run();
  }
  const Trace& trace() { return runner->sim().trace(); }
  template <typename F>
  void each(F f) {
    const Trace& t = trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) f(t.at(i));
  }
  /// "FROM->TO" for the connection named `socket` ("c1", "srv.1").
  std::vector<std::string> states(const std::string& socket) {
    std::vector<std::string> out;
    each([&](const TraceEvent& e) {
      if (e.kind == TraceKind::state_change && e.conn >= 0 && runner->socket_name(e.conn) == socket)
        out.push_back(std::string(e.from) + "->" + e.to);
    });
    return out;
  }
  /// When `socket` entered state `to` (every time).
  std::vector<SimTime> entered(const std::string& socket, const std::string& to) {
    std::vector<SimTime> out;
    each([&](const TraceEvent& e) {
      if (e.kind == TraceKind::state_change && e.conn >= 0 &&
          runner->socket_name(e.conn) == socket && to == e.to)
        out.push_back(e.time);
    });
    return out;
  }
  std::vector<SimTime> drops(const std::string& reason) {
    std::vector<SimTime> out;
    each([&](const TraceEvent& e) {
      if (e.kind == TraceKind::packet_dropped && reason == e.name) out.push_back(e.time);
    });
    return out;
  }
  struct Sent {
    SimTime t;
    std::string host;
    std::string line;
    std::optional<Packet> packet;
  };
  std::vector<Sent> sent() {
    std::vector<Sent> out;
    TcpdumpFormatter f;
    each([&](const TraceEvent& e) {
      if (e.kind != TraceKind::packet_sent) return;
      const std::optional<Packet> p = trace().packet(e.packet_id);
      out.push_back(
          {e.time, trace().host_names[static_cast<std::size_t>(e.host)], f.format(*p), p});
    });
    return out;
  }
  std::vector<Sent> sent_matching(const std::string& host, const std::string& needle) {
    std::vector<Sent> out;
    for (auto& s : sent())
      if ((host.empty() || s.host == host) && s.line.find(needle) != std::string::npos)
        out.push_back(s);
    return out;
  }
  /// App events whose detail contains `needle`, optionally only for app `name`.
  std::vector<SimTime> app_events(const std::string& needle, const std::string& name = "") {
    std::vector<SimTime> out;
    each([&](const TraceEvent& e) {
      if (e.kind == TraceKind::app && e.detail.find(needle) != std::string::npos &&
          (name.empty() || name == e.name))
        out.push_back(e.time);
    });
    return out;
  }
};

inline SimTime at(double seconds) {
  return static_cast<SimTime>(seconds * 1e6 + 0.5) * kMicrosecond;
}

}  // namespace tcpplay::test
