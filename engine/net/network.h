// The whole simulated world: the scheduler (virtual time), the trace, hosts and links. Protocol
// stacks and apps attach to hosts; the scenario layer builds a Network from JSON.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng.h"
#include "core/scheduler.h"
#include "net/host.h"
#include "net/link.h"
#include "trace/trace.h"

namespace tcpplay {

/// The run hit a limit that bounds its memory (Network::set_max_packets). Thrown out of the
/// event that passed it, so the run cannot go on; what() names the cause and the likely reason.
class RunLimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Network {
 public:
  /// Packets queued on or crossing links at once, by default. Far above any lesson (the
  /// examples peak at a few hundred) and about 200 MB of packets: a routing loop that duplicates
  /// or an unbounded queue on a slow link gets there in seconds and would otherwise run the
  /// browser out of memory.
  static constexpr std::uint64_t kDefaultMaxPackets = 1'000'000;

  explicit Network(std::uint64_t seed = 1) : seed_(seed) {}
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  std::uint64_t seed() const { return seed_; }
  /// A random stream named within this run, e.g. rng("link:wan"), rng("isn:client").
  Rng rng(std::string_view stream_name) const { return Rng(seed_, stream_name); }

  Scheduler& sched() { return sched_; }
  SimTime now() const { return sched_.now(); }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }

  Host& add_host(const std::string& name, Ipv4Addr addr);
  Link& add_link(const std::string& name, Host& a, Host& b, const LinkParams& params);
  Host* find_host(std::string_view name);
  Host* host_by_addr(Ipv4Addr addr);
  Link* find_link(std::string_view name);
  std::size_t host_count() const { return hosts_.size(); }
  Host& host(std::size_t i) { return *hosts_[i]; }
  std::size_t link_count() const { return links_.size(); }
  Link& link(std::size_t i) { return *links_[i]; }

  /// Bumped whenever a host's addresses or routes or a link change: hosts remember routes
  /// found under one version.
  std::uint64_t routing_version() const { return routing_version_; }
  void routing_changed() { ++routing_version_; }

  /// Connection ids are unique across the whole run (the UI addresses connections by id).
  int allocate_conn_id() { return next_conn_id_++; }

  // Packets held by links (waiting in a queue or on the wire), counted by the links.
  void set_max_packets(std::uint64_t n) { max_packets_ = n; }
  std::uint64_t max_packets() const { return max_packets_; }
  std::uint64_t packets_held() const { return packets_held_; }
  std::uint64_t peak_packets_held() const { return peak_packets_held_; }
  void packet_held() {
    if (++packets_held_ > peak_packets_held_) {
      peak_packets_held_ = packets_held_;
      if (packets_held_ > max_packets_) limit_exceeded();
    }
  }
  void packet_released() { --packets_held_; }

  // Trace helpers used by links, hosts and stacks.
  void trace_packet(TraceKind kind, int host, int link, std::uint64_t packet_id,
                    const char* reason = "") {
    trace_.add_packet_event(now(), kind, host, link, packet_id, reason);
  }
  void trace_note(int host, std::string text);

 private:
  std::uint64_t seed_;
  Scheduler sched_;
  Trace trace_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<std::unique_ptr<Link>> links_;
  int next_conn_id_ = 1;
  std::uint64_t routing_version_ = 0;
  std::uint64_t max_packets_ = kDefaultMaxPackets;
  std::uint64_t packets_held_ = 0, peak_packets_held_ = 0;

  [[noreturn]] void limit_exceeded();
};

}  // namespace tcpplay
