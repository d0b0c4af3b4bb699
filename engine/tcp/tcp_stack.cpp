#include "tcp/tcp_stack.h"

#include <algorithm>

#include "net/link.h"
#include "net/network.h"
#include "tcp/seq.h"

namespace tcpplay {

namespace {
constexpr std::uint32_t kReap = 0;
}

TcpStack::TcpStack(Network& net, Host& host, const TcpConfig& defaults)
    : net_(net), host_(host), defaults_(defaults), isn_rng_(net.rng("isn:" + host.name())) {
  handler_ = net_.sched().add_handler(this);
}

TcpStack::~TcpStack() {
  net_.sched().remove_handler(handler_);
  // Connections notify observers (apps) on destruction paths; those are gone by now.
  for (auto& [t, c] : conns_) c->set_observer(nullptr);
}

std::uint32_t TcpStack::next_isn() { return isn_rng_.next_u32(); }

std::uint32_t TcpStack::choose_iss(std::optional<std::uint32_t> fixed) {
  const std::uint32_t drawn = next_isn();
  if (fixed) return *fixed;
  return fixed_isn ? *fixed_isn : drawn;
}

std::uint32_t TcpStack::path_mtu(Ipv4Addr dst) const {
  const int link = host_.route_for(dst);
  if (link < 0) return 1500;
  return std::max<std::uint32_t>(net_.link(static_cast<std::size_t>(link)).params().mtu, 128);
}

Result<TcpListener*> TcpStack::listen(std::uint16_t port, std::uint32_t backlog,
                                      TcpObserver* observer, const TcpConfig* config) {
  if (port == 0) return make_error("listen: port must be between 1 and 65535");
  if (listeners_.count(port))
    return make_error("listen: port " + std::to_string(port) + " is already listening on " +
                      host_.name());
  TcpListener& l = listeners_[port];
  l.port = port;
  l.backlog = backlog;
  l.observer = observer;
  l.config = config ? *config : defaults_;
  TraceEvent ev;
  ev.time = net_.now();
  ev.kind = TraceKind::state_change;
  ev.host = host_.index();
  ev.tuple = {host_.addr(), 0, port, 0};
  ev.from = to_string(TcpState::closed);
  ev.to = to_string(TcpState::listen);
  ev.detail = "listen (backlog " + std::to_string(backlog) + ")";
  net_.trace().add(std::move(ev));
  return &l;
}

Status TcpStack::unlisten(std::uint16_t port) {
  if (!listeners_.erase(port)) return make_error("no listener on port " + std::to_string(port));
  return Status::success();
}

TcpListener* TcpStack::listener(std::uint16_t port) {
  auto it = listeners_.find(port);
  return it == listeners_.end() ? nullptr : &it->second;
}

Result<TcpConnection*> TcpStack::connect(Ipv4Addr dst, std::uint16_t dst_port,
                                         std::uint16_t src_port, TcpObserver* observer,
                                         const TcpConfig* config,
                                         std::optional<std::uint32_t> iss) {
  if (dst_port == 0) return make_error("connect: port must be between 1 and 65535");
  if (src_port == 0) {
    for (int tries = 0; tries < 25536; ++tries) {
      const std::uint16_t p = next_ephemeral_;
      next_ephemeral_ = next_ephemeral_ >= 65535 ? 40000 : next_ephemeral_ + 1;
      if (!find({host_.addr(), dst, p, dst_port}) && !listeners_.count(p)) {
        src_port = p;
        break;
      }
    }
    if (src_port == 0) return make_error("connect: no free ephemeral port on " + host_.name());
  }
  const FourTuple t{host_.addr(), dst, src_port, dst_port};
  if (find(t)) return make_error("connect: " + format_tuple(t) + " is already in use");
  auto conn = std::make_unique<TcpConnection>(*this, net_.allocate_conn_id(), t,
                                              shared_config(config ? *config : defaults_));
  TcpConnection* c = conn.get();
  c->set_observer(observer);
  last_found_ = nullptr;  // the entry for t may be replaced
  conns_[t] = std::move(conn);
  c->open_active(iss);
  return c;
}

TcpConnection* TcpStack::find(const FourTuple& t) {
  // Nearly every segment belongs to the connection the previous one did.
  if (last_found_ && last_found_->tuple() == t) return last_found_;
  auto it = conns_.find(t);
  if (it == conns_.end()) return nullptr;
  last_found_ = it->second.get();
  return last_found_;
}

TcpConnection* TcpStack::find(int id) {
  // A walk, not a second index: lookups by id come from people (API, scenario actions), and
  // an index by id cost 56 bytes of every connection (issue 9, benchmark 3).
  for (const auto& [t, c] : conns_)
    if (c->id() == id) return c.get();
  return nullptr;
}

std::vector<TcpConnection*> TcpStack::connections() const {
  std::vector<TcpConnection*> v;
  v.reserve(conns_.size());
  for (const auto& [t, c] : conns_) v.push_back(c.get());
  std::sort(v.begin(), v.end(),
            [](const TcpConnection* a, const TcpConnection* b) { return a->id() < b->id(); });
  return v;
}

void TcpStack::transmit(Packet&& p, SendInfo info) { host_.send(std::move(p), info); }

void TcpStack::release(TcpConnection* c, const char* reason) {
  on_child_gone(c);
  const TcpSnapshot snap = c->snapshot();
  closed_.push_back({c->id(), c->tuple(), reason, net_.now(), snap.bytes_sent, snap.bytes_delivered,
                     c->series(), c->series_generation()});
  if (closed_.size() > kMaxClosed) {
    closed_.pop_front();
    ++closed_not_kept_;
  }
  auto it = conns_.find(c->tuple());
  if (it != conns_.end() && it->second.get() == c) {
    // Deleted later, outside the call stack that is still inside the connection.
    graveyard_.push_back(std::move(it->second));
    conns_.erase(it);
    last_found_ = nullptr;
    net_.sched().schedule(net_.now(), handler_, kReap, 0);
  }
}

void TcpStack::on_event(std::uint32_t kind, std::uint64_t) {
  if (kind == kReap) graveyard_.clear();
}

void TcpStack::on_child_established(TcpConnection* c) {
  auto it = listener_children_.find(c);
  if (it == listener_children_.end()) return;
  TcpListener* l = listener(static_cast<std::uint16_t>(it->second));
  listener_children_.erase(it);
  if (!l) return;
  if (l->pending > 0) --l->pending;
  c->set_observer(l->observer);
}

void TcpStack::on_child_gone(TcpConnection* c) {
  auto it = listener_children_.find(c);
  if (it == listener_children_.end()) return;
  if (TcpListener* l = listener(static_cast<std::uint16_t>(it->second)))
    if (l->pending > 0) --l->pending;
  listener_children_.erase(it);
}

void TcpStack::remember_seen(const Packet& p) {
  // Manual mode's seq/ack helper: what the next segment on this 4-tuple should carry.
  const FourTuple t{p.ip.dst, p.ip.src, p.tcp.dst_port, p.tcp.src_port};
  if (p.tcp.has(tcp_flag::syn)) seen_isns_[t].remote = p.tcp.seq;
  SeqAck& sa = seen_[t];
  const std::uint32_t len =
      p.payload.size() + (p.tcp.has(tcp_flag::syn) ? 1 : 0) + (p.tcp.has(tcp_flag::fin) ? 1 : 0);
  sa.ack = p.tcp.seq + len;
  if (p.tcp.has(tcp_flag::ack)) sa.seq = p.tcp.ack;
}

std::optional<TcpStack::SeqAck> TcpStack::known_seq_ack(const FourTuple& t) const {
  auto& self = const_cast<TcpStack&>(*this);
  if (TcpStack* peer = peer_lookup_ ? peer_lookup_(t.remote_addr) : nullptr) {
    const FourTuple reverse{t.remote_addr, t.local_addr, t.remote_port, t.local_port};
    if (TcpConnection* r = peer->find(reverse)) return SeqAck{r->rcv_nxt(), r->snd_nxt()};
  }
  if (TcpConnection* c = self.find(t)) return SeqAck{c->snd_nxt(), c->rcv_nxt()};
  auto it = seen_.find(t);
  if (it != seen_.end()) return it->second;
  return std::nullopt;
}

TcpStack::Isns TcpStack::known_isns(const FourTuple& t) const {
  auto& self = const_cast<TcpStack&>(*this);
  if (TcpStack* peer = peer_lookup_ ? peer_lookup_(t.remote_addr) : nullptr) {
    const FourTuple reverse{t.remote_addr, t.local_addr, t.remote_port, t.local_port};
    if (TcpConnection* r = peer->find(reverse); r && !r->is_gone()) {
      Isns out;
      out.remote = r->iss();
      if (r->irs_known()) out.local = r->irs();
      return out;
    }
  }
  if (TcpConnection* c = self.find(t); c && !c->is_gone()) {
    Isns out;
    out.local = c->iss();
    if (c->irs_known()) out.remote = c->irs();
    return out;
  }
  auto it = seen_isns_.find(t);
  return it != seen_isns_.end() ? it->second : Isns{};
}

bool TcpStack::handle(const Packet& p, int from_link, std::uint64_t packet_id) {
  if (!p.is_tcp() || !host_.owns(p.ip.dst)) return false;
  if (manual) {
    remember_seen(p);
    net_.trace_packet(TraceKind::packet_dropped, host_.index(), from_link, packet_id,
                      "manual_mode");
    return true;
  }
  const FourTuple t{p.ip.dst, p.ip.src, p.tcp.dst_port, p.tcp.src_port};
  if (TcpConnection* c = find(t)) {
    // RFC 9293 §3.6.1: a new SYN for a connection in TIME_WAIT may reopen it when its sequence
    // number is beyond everything of the old incarnation.
    if (c->state() == TcpState::time_wait && p.tcp.has(tcp_flag::syn) &&
        !p.tcp.has(tcp_flag::ack) && seq::gt(p.tcp.seq, c->rcv_nxt()) && listener(p.tcp.dst_port)) {
      c->finish("closed", "rcv new SYN in TIME_WAIT (RFC 9293 3.6.1)");
      graveyard_.clear();
    } else {
      net_.trace().set_packet_receiver(packet_id, c->id());
      c->on_segment(p, packet_id);
      return true;
    }
  }
  if (TcpListener* l = listener(p.tcp.dst_port)) {
    on_listen_segment(*l, p, packet_id);
    return true;
  }
  if (p.tcp.has(tcp_flag::rst)) {
    net_.trace_packet(TraceKind::packet_dropped, host_.index(), from_link, packet_id,
                      "rst_to_closed_port");
    return true;
  }
  net_.trace_packet(TraceKind::packet_dropped, host_.index(), from_link, packet_id, "no_socket");
  reply_rst_for(p);
  return true;
}

void TcpStack::on_listen_segment(TcpListener& l, const Packet& p, std::uint64_t packet_id) {
  // RFC 9293 §3.10.7.2.
  if (p.tcp.has(tcp_flag::rst)) {
    net_.trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id, "rst_in_listen");
    return;
  }
  if (p.tcp.has(tcp_flag::ack)) {
    net_.trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id, "ack_in_listen");
    reply_rst_for(p);
    return;
  }
  if (!p.tcp.has(tcp_flag::syn)) {
    net_.trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id, "no_syn_in_listen");
    return;
  }
  if (l.pending >= l.backlog) {
    // Like Linux with a full SYN queue (and no syncookies): the SYN is dropped, the client retries.
    net_.trace_packet(TraceKind::packet_dropped, host_.index(), -1, packet_id, "backlog_full");
    return;
  }
  const FourTuple t{p.ip.dst, p.ip.src, p.tcp.dst_port, p.tcp.src_port};
  auto conn =
      std::make_unique<TcpConnection>(*this, net_.allocate_conn_id(), t, shared_config(l.config));
  TcpConnection* c = conn.get();
  last_found_ = nullptr;  // the entry for t may be replaced
  conns_[t] = std::move(conn);
  listener_children_[c] = l.port;
  ++l.pending;
  net_.trace().set_packet_receiver(packet_id, c->id());  // the SYN made it
  c->open_passive(p, packet_id, l.iss);
}

std::shared_ptr<const TcpConfig> TcpStack::shared_config(const TcpConfig& cfg) {
  // Defaults and listener configs can be changed in place (defaults(), listener()), so the
  // shared copies are matched by value, not by address. Copies no connection uses any more are
  // dropped; the list stays short (one per distinct configuration in use, at most kKeep).
  constexpr std::size_t kKeep = 8;
  for (std::size_t i = shared_configs_.size(); i-- > 0;) {
    if (shared_configs_[i]->same_as(cfg)) return shared_configs_[i];
  }
  shared_configs_.erase(std::remove_if(shared_configs_.begin(), shared_configs_.end(),
                                       [](const auto& c) { return c.use_count() == 1; }),
                        shared_configs_.end());
  if (shared_configs_.size() >= kKeep) shared_configs_.erase(shared_configs_.begin());
  shared_configs_.push_back(std::make_shared<const TcpConfig>(cfg));
  return shared_configs_.back();
}

Packet reset_for(const Packet& p, std::uint16_t ip_id) {
  Packet r;
  r.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  r.ip.src = p.ip.dst;
  r.ip.dst = p.ip.src;
  r.ip.id = ip_id;
  r.tcp.src_port = p.tcp.dst_port;
  r.tcp.dst_port = p.tcp.src_port;
  if (p.tcp.has(tcp_flag::ack)) {
    r.tcp.seq = p.tcp.ack;
    r.tcp.flags = tcp_flag::rst;
  } else {
    const std::uint32_t len =
        p.payload.size() + (p.tcp.has(tcp_flag::syn) ? 1 : 0) + (p.tcp.has(tcp_flag::fin) ? 1 : 0);
    r.tcp.seq = 0;
    r.tcp.ack = p.tcp.seq + len;
    r.tcp.flags = tcp_flag::rst | tcp_flag::ack;
  }
  return r;
}

void TcpStack::reply_rst_for(const Packet& p) {
  transmit(reset_for(p, host_.next_ip_id()), {-1, PacketTag::rst_reply});
}

Status TcpStack::inject(const CraftedSegment& seg, Ipv4Addr dst) {
  const FourTuple t{host_.addr(), dst, seg.src_port, seg.dst_port};
  if (seg.src_port == 0 || seg.dst_port == 0)
    return make_error("inject: ports must be between 1 and 65535");
  if (seg.options.len > 0) {
    auto o = decode_tcp_options(seg.options);
    if (!o) return make_error("inject: " + o.error());
  }
  const SeqAck sa = suggest_seq_ack(t);
  // Relative numbers (packetdrill's and tcpdump's): seq from the sender's ISN, ack and SACK
  // edges from the receiver's (RFC 9293 §3.4: each side numbers its bytes from its own ISN).
  Isns isns;
  if (seg.seq_relative || seg.ack_relative || !seg.relative_sack.empty()) {
    isns = known_isns(t);
    const auto missing = [&](const char* field, const char* whose) {
      return make_error("inject: \"" + std::string(field) + "\" is relative to the " + whose +
                        " ISN, but no connection on " + format_tuple(t) +
                        " knows it (none exists yet, or it has not seen that side's SYN)");
    };
    if (seg.seq_relative && !isns.local) return missing("seq", "sender's");
    if (seg.ack_relative && !isns.remote) return missing("ack", "receiver's");
    if (!seg.relative_sack.empty() && !isns.remote) return missing("options", "receiver's");
  }
  Packet p;
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  p.ip.src = host_.addr();
  p.ip.dst = dst;
  p.ip.ttl = seg.ttl;
  p.ip.id = host_.next_ip_id();
  p.tcp.src_port = seg.src_port;
  p.tcp.dst_port = seg.dst_port;
  p.tcp.flags = seg.flags;
  p.tcp.seq = (seg.seq ? *seg.seq : sa.seq) + static_cast<std::uint32_t>(seg.seq_offset);
  p.tcp.ack = (seg.ack ? *seg.ack : (seg.flags & tcp_flag::ack ? sa.ack : 0)) +
              static_cast<std::uint32_t>(seg.ack_offset);
  if (seg.seq_relative) p.tcp.seq += *isns.local;
  if (seg.ack_relative) p.tcp.ack += *isns.remote;
  p.tcp.window = seg.window ? *seg.window : 65535;
  p.tcp.urgent = seg.urgent;
  p.tcp.options = seg.options;
  for (std::uint8_t at : seg.relative_sack) {
    if (at + 4u > p.tcp.options.len) continue;
    std::uint8_t* b = p.tcp.options.data.data() + at;
    const std::uint32_t edge =
        (std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3]) +
        *isns.remote;
    for (int k = 0; k < 4; ++k) b[k] = static_cast<std::uint8_t>(edge >> (24 - 8 * k));
  }
  p.payload = Payload::from_text(seg.payload);
  if (p.wire_size() > 65535) return make_error("inject: segment larger than 65535 bytes");
  TraceEvent ev;
  ev.time = net_.now();
  ev.kind = TraceKind::app;
  ev.host = host_.index();
  ev.tuple = t;
  ev.name = "inject";
  ev.detail = "crafted segment [" + tcp_flags_string(seg.flags) + "] seq " +
              std::to_string(p.tcp.seq) + " ack " + std::to_string(p.tcp.ack);
  if (seg.seq_relative || seg.ack_relative) {
    // What the scenario wrote, which reads the same under every seed.
    const auto rel = [](std::uint32_t v, std::uint32_t base) {
      const auto d = static_cast<std::int32_t>(v - base);
      return (d < 0 ? "-" : "+") + std::to_string(d < 0 ? -static_cast<std::int64_t>(d) : d);
    };
    ev.detail += " (relative:";
    if (seg.seq_relative) ev.detail += " seq " + rel(p.tcp.seq, *isns.local);
    if (seg.ack_relative)
      ev.detail +=
          std::string(seg.seq_relative ? "," : "") + " ack " + rel(p.tcp.ack, *isns.remote);
    ev.detail += ")";
  }
  net_.trace().add(std::move(ev));
  if (manual) {
    // What a person sends by hand counts as seen for the next suggestion.
    if (seg.flags & tcp_flag::syn) seen_isns_[t].local = p.tcp.seq;
    SeqAck& s = seen_[t];
    s.seq = p.tcp.seq + p.payload.size() + (seg.flags & tcp_flag::syn ? 1 : 0) +
            (seg.flags & tcp_flag::fin ? 1 : 0);
  }
  transmit(std::move(p));
  return Status::success();
}

}  // namespace tcpplay
