// The end-of-run summary the CLI prints (and tests read): every connection's final state,
// bytes delivered, the applications' and middleboxes' counters, drops by reason, events run and
// the end time.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/time.h"
#include "trace/trace.h"

namespace tcpplay {

class ScenarioRunner;
class Simulation;

struct ConnectionSummary {
  int id = -1;
  std::string name;  ///< scenario name ("c1", "srv.1"), or "" if it has none
  std::string host;
  FourTuple tuple;
  bool live = false;   ///< still in the stack's table
  std::string state;   ///< "ESTABLISHED" ... for live ones, "CLOSED" otherwise
  std::string reason;  ///< why a closed one closed ("closed", "reset", "timeout", ...)
  SimTime closed_at = 0;
  std::uint64_t bytes_sent = 0, bytes_delivered = 0;
};

struct UdpSummary {
  std::string host;
  std::uint16_t port = 0;
  std::uint64_t sent = 0, received = 0, errors = 0;
};

/// An application or middlebox: its counters, from its snapshot ("received 91, lost 9, ...").
struct ComponentSummary {
  std::string name, kind, host;
  std::string counts;
};
/// One per component, in the order they were added (in scenario_components.cpp, which reads
/// the components' JSON snapshots).
std::vector<ComponentSummary> summarize_components(const Simulation& sim);

struct RunSummary {
  SimTime end = 0;
  std::uint64_t events_run = 0;
  std::vector<ConnectionSummary> connections;  ///< by id
  std::uint64_t closed_not_kept = 0;           ///< closed connections beyond each stack's history
  std::vector<UdpSummary> udp;
  std::vector<ComponentSummary> components;
  std::uint64_t bytes_delivered = 0;
  std::map<std::string, std::uint64_t> drops;  ///< packet_dropped events by reason
  /// socket_error events by errno ("ECONNREFUSED" -> 1): what the applications' calls returned.
  std::map<std::string, std::uint64_t> socket_errors;
  std::uint64_t trace_events = 0;
  std::uint64_t trace_dropped = 0;  ///< events retention removed (drop counts miss those)
};

RunSummary summarize(ScenarioRunner& runner);
/// Human-readable, a few lines per section.
std::string format_summary(const RunSummary& s);

}  // namespace tcpplay
