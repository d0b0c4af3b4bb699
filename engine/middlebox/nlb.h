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
  Ipv4Addr vip = 0;                          ///< the listener address; 0 = the host's address
  std::uint16_t port = 80;                   ///< listener port
  std::vector<Endpoint> targets;             ///< target group, used round-robin for new flows
  std::string protocol = "tcp";              ///< "tcp", "udp" or "tcp_udp"
  SimTime tcp_idle_timeout = 350 * kSecond;  ///< AWS default 350 s (tcp.idle_timeout.seconds)
  SimTime udp_idle_timeout = 120 * kSecond;  ///< AWS: 120 s
  bool trace_packets = false;                ///< an app event for every packet rewritten (verbose)
};

class NlbBalancer : public AppBase, private PacketHandler {
 public:
  NlbBalancer(Simulation& sim, Host& host, std::string name, const NlbParams& params);
  ~NlbBalancer() override;
  const char* kind() const override { return "nlb"; }
  void snapshot(JsonWriter& w) const override;
  const NlbParams& params() const { return params_; }
  /// Live parameters (a `set` on "middlebox:NAME"): tcp_idle_timeout and udp_idle_timeout (at
  /// least 1 s). Checks `value` and changes `p` only; set_live() also moves the flows' deadlines.
  static Status set_param(NlbParams& p, std::string_view name, std::string_view value);
  Status set_live(std::string_view name, std::string_view value) override;

  struct Counters {
    std::uint64_t flows_created = 0, flows_expired = 0, flows_reset = 0;
    std::uint64_t packets_to_targets = 0, packets_to_clients = 0;
    std::uint64_t rst_to_clients = 0, rst_to_targets = 0, dropped_no_flow = 0;
  };
  const Counters& counters() const { return counters_; }
  std::size_t flow_count() const { return flows_.size(); }

 private:
  /// A flow's idle deadline. The balancer queues one scheduler event per flow; activity only moves `last_activity`, and the event, when it comes early,
  /// queues itself again for the newer deadline: no allocation per flow or per packet.
  struct IdleClock {
    SimTime timeout = 0;
    SimTime last_activity = 0;
    std::uint32_t event = 0;  ///< token of the pending expiry event (its `kind`); 0 = none
    SimTime deadline() const { return timeout > 0 ? last_activity + timeout : kNever; }
  };
  // Kept small: with 10,000 idle connections (issue 9, benchmark 3) this is per connection.
  struct Flow {
    SimTime created = 0;
    IdleClock idle;
    std::uint64_t packets_in = 0, packets_out = 0;  ///< client->target, target->client
    Endpoint client, target;
    std::uint8_t proto = 6;
    bool fin_from_client = false, fin_from_target = false;
  };
  /// The client's address and port (and protocol): the client's address is kept on the way to
  /// the target, so a target's reply is found by its destination with the same key.
  struct Key {
    Ipv4Addr addr;
    std::uint16_t port;
    std::uint8_t proto;
    bool operator<(const Key& o) const {
      if (proto != o.proto) return proto < o.proto;
      if (addr != o.addr) return addr < o.addr;
      return port < o.port;
    }
    std::uint64_t packed() const {
      return std::uint64_t{proto} << 48 | std::uint64_t{addr} << 16 | port;
    }
    static Key unpack(std::uint64_t v) {
      return {static_cast<Ipv4Addr>(v >> 16), static_cast<std::uint16_t>(v),
              static_cast<std::uint8_t>(v >> 48)};
    }
  };
  /// Receives the flows' expiry events (the AppBase timers would cost two heap blocks per flow).
  class ExpiryHandler : public EventHandler {
   public:
    explicit ExpiryHandler(NlbBalancer& nlb) : nlb_(nlb) {}
    void on_event(std::uint32_t, std::uint64_t arg) override {
      nlb_.on_idle_event(Key::unpack(arg));
    }
    /// Events of flows that ended, or were queued again, are skipped (so they never hold a
    /// run_until_idle() open).
    bool is_current(std::uint32_t token, std::uint64_t arg) const override {
      return nlb_.idle_event_pending(Key::unpack(arg), token);
    }

   private:
    NlbBalancer& nlb_;
  };

  bool handle(const Packet& p, int from_link, std::uint64_t packet_id) override;
  bool from_client(const Packet& p, std::uint64_t packet_id);
  bool from_target(const Packet& p, std::uint64_t packet_id);
  Flow* create_flow(std::uint8_t proto, const Endpoint& client);
  void remove_flow(const Key& k, const std::string& why);
  void queue_idle_event(const Key& k, Flow& f, SimTime at);
  bool idle_event_pending(const Key& k, std::uint32_t token) const;
  void on_idle_event(const Key& k);
  void forward(Packet q, std::uint64_t packet_id);
  /// RFC 9293 §3.10.7.1 reply to `p`, sent from p's destination back to p's source.
  void send_rst_for(const Packet& p);
  bool handles(std::uint8_t proto) const;
  SimTime timeout_for(std::uint8_t proto) const;
  std::string describe(const Flow& f) const;

  NlbParams params_;
  std::map<Key, std::unique_ptr<Flow>> flows_;
  ExpiryHandler expiry_{*this};
  HandlerId expiry_id_;
  std::uint32_t last_expiry_token_ = 0;
  std::size_t next_target_ = 0;
  Counters counters_;
};

}  // namespace tcpplay
