// An L4 load balancer that behaves like an AWS Network Load Balancer (facts and sources:
// ../shared/docs/domain-facts.md §6). It lives on a host whose address is the VIP:
//
//   client ──> VIP:port [NLB rewrites dst] ──> target        (the client's address is kept)
//   client <── VIP:port [NLB rewrites src] <── target        (the target must route via the NLB)
//
// An interceptor (Host::add_interceptor) sees every packet before the host's own TCP and before
// forwarding. Flows are keyed by the client's address and port (and protocol):
//
//   * TCP: a flow is created only by a SYN; the target is picked round-robin. Any packet of the
//     flow, in either direction, is activity: the idle timer (default 350 s; AWS allows
//     60-6000 s) restarts. TCP keepalive probes are packets, so they keep a flow alive.
//   * A flow that stays idle past the timeout is forgotten SILENTLY: no packet is sent to
//     either side (a "flow expired" app event is all the trace shows).
//   * A later TCP packet that matches no flow is answered with an RST by the balancer, with the
//     seq/ack rules of RFC 9293 §3.10.7.1: to a client from VIP:port, to a target from the
//     client's address and port. An RST that matches no flow is dropped (never answer an RST).
//   * An RST that passes through ends the flow. FINs do not: the flow stays until idle.
//   * UDP: any datagram to VIP:port creates a flow; UDP flows time out separately (default
//     120 s); a datagram from a target with no flow is dropped.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/app_base.h"

namespace tcpplay {

struct NlbParams {
  Ipv4Addr vip = 0;                         ///< the listener address; 0 = the host's address
  std::uint16_t port = 80;                  ///< listener port
  std::vector<Endpoint> targets;            ///< target group, used round-robin for new flows
  std::string protocol = "tcp";             ///< "tcp", "udp" or "tcp_udp"
  SimTime tcp_idle_timeout = 350 * kSecond; ///< AWS default 350 s (tcp.idle_timeout.seconds)
  SimTime udp_idle_timeout = 120 * kSecond; ///< AWS: 120 s
  bool trace_packets = false;               ///< an app event for every packet rewritten (verbose)
};

class NlbBalancer : public AppBase, private PacketHandler {
 public:
  NlbBalancer(Simulation& sim, Host& host, std::string name, const NlbParams& params);
  ~NlbBalancer() override;
  const char* kind() const override { return "nlb"; }
  void snapshot(JsonWriter& w) const override;
  const NlbParams& params() const { return params_; }

  struct Counters {
    std::uint64_t flows_created = 0, flows_expired = 0, flows_reset = 0;
    std::uint64_t packets_to_targets = 0, packets_to_clients = 0;
    std::uint64_t rst_to_clients = 0, rst_to_targets = 0, dropped_no_flow = 0;
  };
  const Counters& counters() const { return counters_; }
  std::size_t flow_count() const { return flows_.size(); }

 private:
  struct Flow {
    std::uint8_t proto = 6;
    Endpoint client, target;
    SimTime created = 0;
    IdleTimer idle;
    std::uint64_t packets_in = 0, packets_out = 0;  ///< client->target, target->client
    bool fin_from_client = false, fin_from_target = false;
  };
  struct Key {
    std::uint8_t proto;
    Ipv4Addr addr;
    std::uint16_t port;
    bool operator<(const Key& o) const {
      if (proto != o.proto) return proto < o.proto;
      if (addr != o.addr) return addr < o.addr;
      return port < o.port;
    }
  };
  struct BackKey {
    std::uint8_t proto;
    Endpoint target, client;
    bool operator<(const BackKey& o) const {
      if (proto != o.proto) return proto < o.proto;
      if (!(target == o.target)) return target < o.target;
      return client < o.client;
    }
  };

  bool handle(const Packet& p, int from_link, std::uint64_t packet_id) override;
  bool from_client(const Packet& p, std::uint64_t packet_id);
  bool from_target(const Packet& p, std::uint64_t packet_id);
  Flow* create_flow(std::uint8_t proto, const Endpoint& client);
  void remove_flow(const Key& k, const std::string& why);
  void forward(Packet q, std::uint64_t packet_id);
  /// RFC 9293 §3.10.7.1 reply to `p`, sent from p's destination back to p's source.
  void send_rst_for(const Packet& p);
  bool handles(std::uint8_t proto) const;
  SimTime timeout_for(std::uint8_t proto) const;
  std::string describe(const Flow& f) const;

  NlbParams params_;
  std::map<Key, std::unique_ptr<Flow>> flows_;
  std::map<BackKey, Key> by_target_;
  std::size_t next_target_ = 0;
  Counters counters_;
};

}  // namespace tcpplay
