#include "middlebox/nlb.h"

#include <algorithm>

#include "tcp/tcp_stack.h"

#include "net/network.h"

namespace tcpplay {

namespace {
constexpr std::uint8_t kTcp = static_cast<std::uint8_t>(IpProto::tcp);
constexpr std::uint8_t kUdp = static_cast<std::uint8_t>(IpProto::udp);

std::uint16_t src_port_of(const Packet& p) { return p.is_tcp() ? p.tcp.src_port : p.udp.src_port; }
std::uint16_t dst_port_of(const Packet& p) { return p.is_tcp() ? p.tcp.dst_port : p.udp.dst_port; }

std::string flags_of(const Packet& p) {
  if (!p.is_tcp()) return "(UDP)";
  std::string s = "[";  // appended in steps: GCC 12 warns falsely (-Wrestrict) on "[" + string
  s += tcp_flags_string(p.tcp.flags);
  s += ']';
  return s;
}
}  // namespace

NlbBalancer::NlbBalancer(Simulation& sim, Host& host, std::string name, const NlbParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  if (params_.vip == 0) params_.vip = host.addr();
  if (!host.owns(params_.vip)) host.add_addr(params_.vip);
  if (params_.protocol != "udp" && params_.protocol != "tcp_udp") params_.protocol = "tcp";
  host.add_interceptor(this);
  expiry_id_ = sim_.net().sched().add_handler(&expiry_);
  std::string targets;
  for (const Endpoint& t : params_.targets) {
    if (!targets.empty()) targets += ", ";  // appended in steps: GCC 12 warns falsely otherwise
    targets += format_endpoint(t);
  }
  std::string what = "NLB on " + format_endpoint(params_.vip, params_.port) + " (" +
                     params_.protocol + "), targets [" + targets + "]";
  if (handles(kTcp)) what += ", TCP idle timeout " + say_duration(params_.tcp_idle_timeout);
  if (handles(kUdp)) what += ", UDP idle timeout " + say_duration(params_.udp_idle_timeout);
  narrate(what);
}

NlbBalancer::~NlbBalancer() {
  host_.remove_handler(this);
  sim_.net().sched().remove_handler(expiry_id_);
}

bool NlbBalancer::handles(std::uint8_t proto) const {
  if (proto == kTcp) return params_.protocol != "udp";
  if (proto == kUdp) return params_.protocol != "tcp";
  return false;
}

SimTime NlbBalancer::timeout_for(std::uint8_t proto) const {
  return proto == kTcp ? params_.tcp_idle_timeout : params_.udp_idle_timeout;
}

std::string NlbBalancer::describe(const Flow& f) const {
  return std::string(f.proto == kTcp ? "TCP" : "UDP") + " flow " + format_endpoint(f.client) +
         " -> " + format_endpoint(params_.vip, params_.port) + " -> " + format_endpoint(f.target);
}

bool NlbBalancer::handle(const Packet& p, int, std::uint64_t packet_id) {
  if (!(p.is_tcp() || p.is_udp()) || !handles(p.ip.protocol)) return false;
  if (p.ip.dst == params_.vip && dst_port_of(p) == params_.port) return from_client(p, packet_id);
  if (p.ip.dst == params_.vip) return false;  // for the host itself
  for (const Endpoint& t : params_.targets)
    if (t.addr == p.ip.src && t.port == src_port_of(p)) return from_target(p, packet_id);
  return false;
}

bool NlbBalancer::from_client(const Packet& p, std::uint64_t packet_id) {
  const Key key{p.ip.src, src_port_of(p), p.ip.protocol};
  auto it = flows_.find(key);
  Flow* f = it == flows_.end() ? nullptr : it->second.get();
  if (!f) {
    const bool opens = p.is_udp() || (p.tcp.has(tcp_flag::syn) && !p.tcp.has(tcp_flag::ack));
    if (!opens) {
      ++counters_.dropped_no_flow;
      sim_.net().trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id,
                              "nlb_no_flow");
      const FourTuple t{params_.vip, p.ip.src, params_.port, src_port_of(p)};
      if (p.tcp.has(tcp_flag::rst)) {
        narrate("RST from client " + format_endpoint(p.ip.src, src_port_of(p)) +
                    " matches no flow: dropped",
                t);
        return true;
      }
      ++counters_.rst_to_clients;
      narrate(flags_of(p) + " from client " + format_endpoint(p.ip.src, src_port_of(p)) +
                  " matches no flow (expired or never opened): answering with RST from " +
                  format_endpoint(params_.vip, params_.port),
              t);
      send_rst_for(p);
      return true;
    }
    if (params_.targets.empty()) {
      ++counters_.dropped_no_flow;
      narrate("no targets: dropping " + flags_of(p) + " from " +
              format_endpoint(p.ip.src, src_port_of(p)));
      sim_.net().trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id,
                              "nlb_no_target");
      return true;
    }
    f = create_flow(p.ip.protocol, Endpoint{p.ip.src, src_port_of(p)});
  }
  f->idle.last_activity = now();
  ++f->packets_in;
  ++counters_.packets_to_targets;
  Packet q = p;
  q.ip.dst = f->target.addr;
  if (q.is_tcp()) q.tcp.dst_port = f->target.port;
  else q.udp.dst_port = f->target.port;
  if (params_.trace_packets)
    narrate(flags_of(p) + " client -> target: destination rewritten to " +
            format_endpoint(f->target));
  const bool rst = p.is_tcp() && p.tcp.has(tcp_flag::rst);
  if (p.is_tcp() && p.tcp.has(tcp_flag::fin)) f->fin_from_client = true;
  forward(std::move(q), packet_id);
  if (rst) remove_flow(key, "the client sent RST: flow ended");
  return true;
}

bool NlbBalancer::from_target(const Packet& p, std::uint64_t packet_id) {
  // The client's address was kept, so the reply's destination is the flow's key; the flow must
  // also be with this target.
  const Key key{p.ip.dst, dst_port_of(p), p.ip.protocol};
  const Endpoint target{p.ip.src, src_port_of(p)};
  auto it = flows_.find(key);
  if (it == flows_.end() || !(it->second->target == target)) {
    const Endpoint client{p.ip.dst, dst_port_of(p)};
    ++counters_.dropped_no_flow;
    sim_.net().trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id, "nlb_no_flow");
    const FourTuple t{p.ip.dst, p.ip.src, dst_port_of(p), src_port_of(p)};
    if (p.is_udp()) {
      narrate("UDP from target " + format_endpoint(target) + " to " + format_endpoint(client) +
                  " matches no flow: dropped",
              t);
      return true;
    }
    if (p.tcp.has(tcp_flag::rst)) {
      narrate("RST from target " + format_endpoint(target) + " matches no flow: dropped", t);
      return true;
    }
    ++counters_.rst_to_targets;
    narrate(
        flags_of(p) + " from target " + format_endpoint(target) + " to client " +
            format_endpoint(client) +
            " matches no flow (expired): answering the target with RST from the client's address " +
            format_endpoint(client),
        t);
    send_rst_for(p);
    return true;
  }
  Flow& f = *it->second;
  f.idle.last_activity = now();
  ++f.packets_out;
  ++counters_.packets_to_clients;
  Packet q = p;
  q.ip.src = params_.vip;
  if (q.is_tcp()) q.tcp.src_port = params_.port;
  else q.udp.src_port = params_.port;
  if (params_.trace_packets)
    narrate(flags_of(p) + " target -> client: source rewritten to " +
            format_endpoint(params_.vip, params_.port));
  const bool rst = p.is_tcp() && p.tcp.has(tcp_flag::rst);
  if (p.is_tcp() && p.tcp.has(tcp_flag::fin)) f.fin_from_target = true;
  forward(std::move(q), packet_id);
  if (rst) remove_flow(key, "the target sent RST: flow ended");
  return true;
}

NlbBalancer::Flow* NlbBalancer::create_flow(std::uint8_t proto, const Endpoint& client) {
  const Key key{client.addr, client.port, proto};
  auto owned = std::make_unique<Flow>();
  Flow* f = owned.get();
  f->proto = proto;
  f->client = client;
  f->target = params_.targets[next_target_++ % params_.targets.size()];
  f->created = now();
  flows_[key] = std::move(owned);
  ++counters_.flows_created;
  f->idle.timeout = timeout_for(proto);
  f->idle.last_activity = now();
  if (f->idle.timeout > 0) queue_idle_event(key, *f, f->idle.deadline());
  narrate("new " + describe(*f) + " (client address kept)",
          FourTuple{params_.vip, client.addr, params_.port, client.port});
  return f;
}

Status NlbBalancer::set_param(NlbParams& p, std::string_view name, std::string_view value) {
  SimTime* field = name == "tcp_idle_timeout"   ? &p.tcp_idle_timeout
                   : name == "udp_idle_timeout" ? &p.udp_idle_timeout
                                                : nullptr;
  if (!field)
    return make_error("an nlb has no live parameter \"" + std::string(name) +
                      "\" (live: tcp_idle_timeout, udp_idle_timeout)");
  auto d = live_duration(name, value, kSecond);
  if (!d) return make_error(d.error());
  *field = *d;
  return Status::success();
}

Status NlbBalancer::set_live(std::string_view name, std::string_view value) {
  if (Status st = set_param(params_, name, value); !st) return st;
  // The flows already open follow the new length from their last packet (the rule TCP's armed
  // timers follow on a live change: start + new length, at once if that has passed). A new
  // event replaces the pending one (its token no longer matches, so it is skipped).
  const std::uint8_t proto = name == "tcp_idle_timeout" ? kTcp : kUdp;
  for (auto& [key, f] : flows_) {
    if (f->proto != proto) continue;
    f->idle.timeout = timeout_for(proto);
    queue_idle_event(key, *f, std::max(now(), f->idle.deadline()));
  }
  return Status::success();
}

void NlbBalancer::queue_idle_event(const Key& k, Flow& f, SimTime at) {
  if (++last_expiry_token_ == 0) last_expiry_token_ = 1;
  f.idle.event = last_expiry_token_;
  sim_.net().sched().schedule(at, expiry_id_, f.idle.event, k.packed());
}

bool NlbBalancer::idle_event_pending(const Key& k, std::uint32_t token) const {
  auto it = flows_.find(k);
  return it != flows_.end() && it->second->idle.event == token;
}

void NlbBalancer::on_idle_event(const Key& k) {
  Flow& f = *flows_.at(k);  // is_current() checked that the flow is there
  f.idle.event = 0;
  if (now() < f.idle.deadline()) {
    queue_idle_event(k, f, f.idle.deadline());  // touched since: wait for the newer deadline
    return;
  }
  ++counters_.flows_expired;
  narrate("flow expired: " + describe(f) + " idle for " + say_duration(timeout_for(f.proto)) +
              "; forgotten silently (no packet is sent to either side)",
          FourTuple{params_.vip, f.client.addr, params_.port, f.client.port});
  remove_flow(k, "");
}

void NlbBalancer::remove_flow(const Key& k, const std::string& why) {
  auto it = flows_.find(k);
  if (it == flows_.end()) return;
  Flow& f = *it->second;
  if (!why.empty()) {
    if (f.proto == kTcp) ++counters_.flows_reset;
    narrate(why + ": " + describe(f),
            FourTuple{params_.vip, f.client.addr, params_.port, f.client.port});
  }
  flows_.erase(it);  // its pending expiry event becomes stale
}

void NlbBalancer::forward(Packet q, std::uint64_t packet_id) {
  if (q.ip.ttl <= 1) {
    sim_.net().trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id,
                            drop_reason::ttl);
    return;
  }
  --q.ip.ttl;
  host_.send(std::move(q));
}

void NlbBalancer::send_rst_for(const Packet& p) {
  // The reset a TCP would send for a connection it does not know (RFC 9293 §3.10.7.1), from the
  // address the packet was sent to: the VIP towards a client, the client's address towards a
  // target.
  host_.send(reset_for(p, host_.next_ip_id()), {-1, PacketTag::rst_reply});
}

void NlbBalancer::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("vip", format_endpoint(params_.vip, params_.port)).field("protocol", params_.protocol);
  w.key("targets").begin_array();
  for (const Endpoint& t : params_.targets) w.value(format_endpoint(t));
  w.end_array();
  w.field("tcp_idle_timeout_ns", params_.tcp_idle_timeout);
  w.field("udp_idle_timeout_ns", params_.udp_idle_timeout);
  w.key("counters")
      .begin_object()
      .field("flows_created", counters_.flows_created)
      .field("flows_expired", counters_.flows_expired)
      .field("flows_reset", counters_.flows_reset)
      .field("packets_to_targets", counters_.packets_to_targets)
      .field("packets_to_clients", counters_.packets_to_clients)
      .field("rst_to_clients", counters_.rst_to_clients)
      .field("rst_to_targets", counters_.rst_to_targets)
      .field("dropped_no_flow", counters_.dropped_no_flow)
      .end_object();
  w.key("flows").begin_array();
  for (const auto& [k, f] : flows_) {
    w.begin_object().field("protocol", f->proto == kTcp ? "tcp" : "udp");
    w.field("client", format_endpoint(f->client)).field("target", format_endpoint(f->target));
    w.field("created_ns", f->created).field("last_activity_ns", f->idle.last_activity);
    time_field(w, "idle_deadline_ns", f->idle.deadline());
    w.field("packets_in", f->packets_in).field("packets_out", f->packets_out);
    w.field("fin_from_client", f->fin_from_client).field("fin_from_target", f->fin_from_target);
    w.end_object();
  }
  w.end_array();
}

}  // namespace tcpplay
