// The whole simulated world: the scheduler (virtual time), the trace, hosts and links. Protocol
// stacks and apps attach to hosts; the scenario layer builds a Network from JSON.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng.h"
#include "core/scheduler.h"
#include "net/host.h"
#include "net/link.h"
#include "trace/trace.h"

namespace tcpplay {

class Network {
 public:
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
};

}  // namespace tcpplay
