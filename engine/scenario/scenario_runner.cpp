// ScenarioRunner: builds the Simulation from a validated Scenario, runs timeline actions as
// scheduler events, and plays the applications' part: it names sockets, feeds data that did not
// fit in a send buffer as space frees up, and closes after the last byte was handed over.
#include <algorithm>
#include <cstdio>

#include "app/app_base.h"  // say_duration
#include "core/duration.h"
#include "middlebox/packet_filter.h"
#include "scenario/reactions.h"
#include "scenario/scenario.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"
#include "trace/socket_error.h"
#include "udp/udp_stack.h"

namespace tcpplay {

namespace {
// The runner's scheduler event kinds (Reactions::kFireEvent, 1, is a reaction's).
constexpr std::uint32_t kActionEvent = 0;
constexpr std::uint32_t kReadTimeoutEvent = 2;  // SO_RCVTIMEO of a waiting read or recv
constexpr std::uint32_t kSendTimeoutEvent = 3;  // SO_SNDTIMEO of a waiting send
// Datagrams a timeline UDP socket holds unread, in bytes: Linux's net.core.rmem_default.
constexpr std::uint64_t kUdpReceiveBuffer = 212992;
constexpr std::size_t kPreviewBytes = 48;

/// ` "hello\n"` style preview of a small text payload for trace details (with a leading space).
std::string preview(const Payload& data) {
  std::string out = " \"";
  const std::uint32_t n = std::min<std::uint32_t>(data.size(), kPreviewBytes);
  for (std::uint32_t i = 0; i < n; ++i) {
    const char ch = static_cast<char>(data.at(i));
    if (ch == '\n') out += "\\n";
    else if (ch == '\r') out += "\\r";
    else if (ch == '"' || ch == '\\') out += std::string("\\") + ch;
    else if (ch >= 32 && ch < 127) out += ch;
    else out += '.';
  }
  return out + (data.size() > n ? "...\"" : "\"");
}

std::string bytes_text(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

}  // namespace

/// One per listen or connect. For a listen it also names the accepted connections.
class ScenarioRunner::SocketObserver : public TcpObserver {
 public:
  SocketObserver(ScenarioRunner& runner, std::string listen_name, bool auto_read)
      : runner_(runner), listen_name(std::move(listen_name)), auto_read(auto_read) {}
  void on_established(TcpConnection& c) override { runner_.on_established(c, *this); }
  void on_data(TcpConnection& c, const Payload& data) override { runner_.on_data(c, data); }
  void on_urgent(TcpConnection& c, std::uint64_t offset) override { runner_.on_urgent(c, offset); }
  void on_peer_closed(TcpConnection& c) override { runner_.on_peer_closed(c); }
  void on_writable(TcpConnection& c) override { runner_.on_writable(c); }
  void on_readable(TcpConnection& c) override { runner_.on_readable(c); }
  void on_closed(TcpConnection& c, const char* reason) override { runner_.on_closed(c, reason); }

 private:
  ScenarioRunner& runner_;

 public:
  const std::string listen_name;  // "" for a connect or an unnamed listen
  const bool auto_read;
  int accepted = 0;
};

/// The timeline's UDP sockets: datagrams queue for `read` (recv); an error wakes a waiting recv.
class ScenarioRunner::UdpObserverImpl : public UdpObserver {
 public:
  explicit UdpObserverImpl(ScenarioRunner& runner) : runner_(runner) {}
  void on_datagram(UdpSocket& s, Ipv4Addr from, std::uint16_t from_port,
                   const Payload& data) override {
    const int host = s.host_index();
    for (auto& [name, u] : runner_.udp_) {
      if (u.host != host || u.port != s.port()) continue;
      if (u.queued_bytes + data.size() > kUdpReceiveBuffer) {
        runner_.trace_app(host, -1, name,
                          "receive queue full (" + std::to_string(kUdpReceiveBuffer) +
                              " bytes, net.core.rmem_default): a datagram of " +
                              bytes_text(data.size()) + " is dropped");
        return;
      }
      u.queue.push_back({from, from_port, data});
      u.queued_bytes += data.size();
      if (u.read_waiting) runner_.udp_recv_now(name, u);
      return;
    }
  }
  void on_error(UdpSocket& s, const std::string&) override {
    const int host = s.host_index();
    for (auto& [name, u] : runner_.udp_)
      if (u.host == host && u.port == s.port() && u.read_waiting) runner_.udp_recv_now(name, u);
  }

 private:
  ScenarioRunner& runner_;
};

ScenarioRunner::ScenarioRunner(Scenario scenario) : scenario_(std::move(scenario)) { build(); }

ScenarioRunner::~ScenarioRunner() { teardown(); }

void ScenarioRunner::build() {
  sim_ = std::make_unique<Simulation>(scenario_.seed);
  sim_->trace().set_retention(scenario_.retention);
  Network& net = sim_->net();
  net.set_max_packets(scenario_.max_packets);
  for (const HostSpec& h : scenario_.hosts) {
    Host& host = sim_->add_host(h.name, h.addr, h.tcp);
    host.forwarding = h.forwarding;
    sim_->tcp(host).manual = h.manual;
    sim_->tcp(host).fixed_isn = h.isn;
  }
  for (const LinkSpec& l : scenario_.links)
    net.add_link(l.name, *net.find_host(l.a), *net.find_host(l.b), l.params);
  for (const RouteSpec& r : scenario_.routes)
    net.find_host(r.host)->add_route(Route{r.prefix, r.prefix_len, net.find_link(r.link)->index()});
  // The lesson's triggers watch every event from here on (watch.h).
  std::vector<std::pair<std::string, std::string>> link_ends;
  for (const LinkSpec& l : scenario_.links) link_ends.emplace_back(l.a, l.b);
  watcher_ = std::make_unique<LessonWatcher>(scenario_.watch, link_ends);
  reactions_ = std::make_unique<Reactions>(*this, std::move(link_ends));
  attach_trace_listener();
  // Middleboxes first (an NLB's interceptor is in place before anything sends), then the apps;
  // their timers at time 0 run before the timeline's actions at time 0.
  for (const ComponentSpec& c : scenario_.middleboxes) c.create(*sim_, *net.find_host(c.host));
  for (const ComponentSpec& c : scenario_.apps) c.create(*sim_, *net.find_host(c.host));
  handler_ = net.sched().add_handler(this);
  // The timeline is in run order; the scheduler keeps insertion order among equal times.
  // Recorded live edits are not scheduler events: run_due_live_edits() runs them in place.
  next_live_edit_ = scenario_.timeline.size();
  for (std::size_t i = 0; i < scenario_.timeline.size(); ++i) {
    if (scenario_.timeline[i].after_events) next_live_edit_ = std::min(next_live_edit_, i);
    else net.sched().schedule(scenario_.timeline[i].at, handler_, kActionEvent, i);
  }
  run_due_live_edits(0);
}

void ScenarioRunner::run_due_live_edits(SimTime limit) {
  Scheduler& sched = sim_->net().sched();
  const auto& timeline = scenario_.timeline;
  while (next_live_edit_ < timeline.size()) {
    const Action& a = timeline[next_live_edit_];
    if (a.at > limit) return;
    const SimTime next = sched.next_event_time();
    const std::uint64_t ran = a.at == sched.now() ? sched.events_run_this_instant() : 0;
    // Due: its instant comes before the next event, or it is the next event's instant and the
    // events it followed have run.
    if (a.at > next || (a.at == next && ran < *a.after_events)) return;
    if (a.at > sched.now()) sched.run_until(a.at);  // no event in between: only moves the clock
    (void)run_action(a);
    do ++next_live_edit_;
    while (next_live_edit_ < timeline.size() && !timeline[next_live_edit_].after_events);
  }
}

void ScenarioRunner::run_until(SimTime t) { run_until(t, UINT64_MAX); }

bool ScenarioRunner::run_until(SimTime t, std::uint64_t max_events) {
  Scheduler& sched = sim_->net().sched();
  const std::uint64_t start = sched.events_run();
  while (true) {
    run_due_live_edits(t);
    // The next edit, if at or before t, waits for events of its instant, which are <= t.
    if (next_live_edit_ >= scenario_.timeline.size() || scenario_.timeline[next_live_edit_].at > t)
      break;
    if (sched.events_run() - start >= max_events) return false;
    if (!sim_->step()) break;
  }
  if (!sched.run_until(t, max_events - (sched.events_run() - start))) return false;
  run_due_live_edits(t);
  return true;
}

bool ScenarioRunner::step() {
  Scheduler& sched = sim_->net().sched();
  run_due_live_edits(sched.next_event_time());
  const bool ran = sim_->step();
  run_due_live_edits(sched.now());
  return ran;
}

void ScenarioRunner::teardown() {
  if (sim_) {
    sim_->net().sched().remove_handler(handler_);
    sim_.reset();  // before the observers its connections point to
  }
  watcher_.reset();
  reactions_.reset();
  observers_.clear();
  udp_observer_.reset();
  sockets_.clear();
  names_by_id_.clear();
  listeners_.clear();
  udp_.clear();
}

void ScenarioRunner::on_event(std::uint32_t kind, std::uint64_t arg) {
  static_assert(Reactions::kFireEvent != kActionEvent &&
                Reactions::kFireEvent != kReadTimeoutEvent &&
                Reactions::kFireEvent != kSendTimeoutEvent);
  if (kind == kActionEvent && arg < scenario_.timeline.size())
    (void)run_action(scenario_.timeline[arg]);
  else if (kind == Reactions::kFireEvent) reactions_->fire(arg);
  else if (kind == kReadTimeoutEvent) on_read_timeout(arg);
  else if (kind == kSendTimeoutEvent) on_send_timeout(arg);
}

std::uint64_t ScenarioRunner::arm_timer(std::uint32_t kind, SimTime delay) {
  const std::uint64_t token = ++next_token_;
  sim_->net().sched().schedule(sim_->now() + delay, handler_, kind, token);
  return token;
}

Status ScenarioRunner::run_action(const Action& a, bool note_failure) {
  Status st;
  if (a.reaction) {
    // A reaction: from now on it watches for its trigger (reactions.h).
    reactions_->arm(a);
    return Status::success();
  }
  if (a.conn >= 0) {
    st = do_by_conn(a);
  } else switch (a.kind) {
      case ActionKind::listen: st = do_listen(a); break;
      case ActionKind::connect: st = do_connect(a); break;
      case ActionKind::send: st = do_send(a); break;
      case ActionKind::shutdown:
      case ActionKind::close:
      case ActionKind::abort: st = do_end(a); break;
      case ActionKind::read: st = do_read(a); break;
      case ActionKind::set: st = do_set(a); break;
      case ActionKind::link_down:
      case ActionKind::link_up: st = do_link_up_down(a); break;
      case ActionKind::drop: st = do_drop(a); break;
      case ActionKind::manual: st = do_manual(a); break;
      case ActionKind::inject: st = do_inject(a); break;
      case ActionKind::udp_bind: st = do_udp_bind(a); break;
      case ActionKind::udp_send: st = do_udp_send(a); break;
      case ActionKind::udp_connect: st = do_udp_connect(a); break;
      case ActionKind::note: sim_->net().trace_note(-1, a.text.value_or("")); break;
      case ActionKind::filter: st = do_filter(a); break;
    }
  // A send on a named connection that is gone (reset, timed out, closed): write() fails with
  // EPIPE (Linux also raises SIGPIPE, which servers ignore).
  if (!st && note_failure && a.kind == ActionKind::send && a.conn < 0) {
    if (const SocketEntry* e = entry(a.socket)) {
      trace_error(e->host, e->conn_id, a.socket, sock_errno::epipe, "send",
                  "the connection is gone");
      return st;
    }
  }
  // A failed action never stops the run: it leaves a note where it happened.
  if (!st && note_failure) {
    const Host* h = a.host.empty() ? nullptr : sim_->net().find_host(a.host);
    const SocketEntry* e = entry(a.socket);
    const int host = h ? h->index() : e ? e->host : -1;
    // Errors from the stacks may already name the action ("inject: ..."); say it once.
    const std::string prefix = std::string(to_string(a.kind)) + ": ";
    const bool named = st.error().rfind(prefix, 0) == 0;
    sim_->net().trace_note(host, named ? st.error() : prefix + st.error());
  }
  return st;
}

// --- TCP actions ----------------------------------------------------------------------------

Status ScenarioRunner::do_listen(const Action& a) {
  Host& host = *sim_->net().find_host(a.host);
  TcpStack& stack = sim_->tcp(host);
  TcpConfig cfg = stack.defaults();
  for (const auto& [name, value] : a.params) (void)cfg.set(name, value);
  observers_.push_back(std::make_unique<SocketObserver>(*this, a.name, a.auto_read));
  trace_app(host.index(), -1, a.name.empty() ? host.name() : a.name,
            "listen on port " + std::to_string(a.port));
  auto r = stack.listen(a.port, a.backlog, observers_.back().get(), &cfg);
  if (!r && stack.listener(a.port) != nullptr) {
    // bind() fails: the port has a listener already (Linux: EADDRINUSE).
    trace_error(host.index(), -1, a.name.empty() ? host.name() : a.name, sock_errno::eaddrinuse,
                "listen", "port " + std::to_string(a.port) + " already has a listener");
    return Status::success();
  }
  if (!r) return make_error(r.error());
  (*r)->iss = a.isn;
  if (!a.name.empty()) listeners_[a.name] = PortEntry{host.index(), a.port};
  return Status::success();
}

Status ScenarioRunner::do_connect(const Action& a) {
  Host& host = *sim_->net().find_host(a.host);
  TcpStack& stack = sim_->tcp(host);
  TcpConfig cfg = stack.defaults();
  for (const auto& [name, value] : a.params) (void)cfg.set(name, value);
  observers_.push_back(std::make_unique<SocketObserver>(*this, "", a.auto_read));
  trace_app(host.index(), -1, a.name,
            "connect to " + format_ipv4(a.to_addr) + ":" + std::to_string(a.port));
  if (a.src_port != 0 &&
      stack.find(FourTuple{host.addr(), a.to_addr, a.src_port, a.port}) != nullptr) {
    // The 4-tuple is taken (Linux: bind() or connect() fails with EADDRINUSE).
    trace_error(
        host.index(), -1, a.name, sock_errno::eaddrinuse, "connect",
        format_tuple(FourTuple{host.addr(), a.to_addr, a.src_port, a.port}) + " is already in use");
    return Status::success();
  }
  auto r = stack.connect(a.to_addr, a.port, a.src_port, observers_.back().get(), &cfg, a.isn);
  if (!r) return make_error(r.error());
  TcpConnection& c = **r;
  c.auto_read = a.auto_read;
  add_socket(a.name, c);
  return Status::success();
}

Status ScenarioRunner::do_send(const Action& a) {
  TcpConnection* c = socket(a.socket);
  SocketEntry* e = entry(a.socket);
  // A connection that is gone fails here; run_action() traces it as EPIPE for the timeline (a
  // live action that fails is not recorded and leaves nothing behind).
  if (!c || !e) return make_error("socket " + a.socket + " does not exist");
  if (c->is_write_shut()) {
    // send() after shutdown(SHUT_WR) or close(): EPIPE (RFC 9293 §3.10.2: "connection closing").
    trace_error(e->host, c->id(), a.socket, sock_errno::epipe, "send",
                "this side has already sent its FIN (shutdown or close)");
    return Status::success();
  }
  PendingSend p;
  p.urgent = a.urgent;
  if (a.text) p.text = Payload::from_text(*a.text);
  else p.generated = a.bytes;
  const std::uint64_t n = a.text ? a.text->size() : a.bytes;
  trace_app(c->stack().host().index(), c->id(), a.socket,
            (a.urgent ? "send urgent " : "send ") + bytes_text(n) +
                (p.text ? preview(*p.text) : std::string()));
  e->pending.push_back(std::move(p));
  pump(*e, *c);
  // SO_SNDTIMEO: a send that cannot hand over all its bytes waits at most this long.
  if (!e->pending.empty() && e->send_token == 0 && c->config().send_timeout > 0)
    e->send_token = arm_timer(kSendTimeoutEvent, c->config().send_timeout);
  return Status::success();
}

/// shutdown, close and abort; close also stops a named listener or closes a UDP socket.
Status ScenarioRunner::do_end(const Action& a) {
  if (a.kind == ActionKind::close) {
    if (auto it = listeners_.find(a.socket); it != listeners_.end()) {
      trace_app(it->second.host, -1, a.socket,
                "stop listening on port " + std::to_string(it->second.port));
      Status st = sim_->tcp(static_cast<std::size_t>(it->second.host)).unlisten(it->second.port);
      listeners_.erase(it);
      return st;
    }
    if (auto it = udp_.find(a.socket); it != udp_.end()) {
      trace_app(it->second.host, -1, a.socket, "close");
      Status st = sim_->udp(static_cast<std::size_t>(it->second.host)).close(it->second.port);
      udp_.erase(it);
      return st;
    }
  }
  TcpConnection* c = socket(a.socket);
  SocketEntry* e = entry(a.socket);
  if (!c || !e) return make_error("socket " + a.socket + " does not exist");
  const int host = c->stack().host().index();
  if (a.kind == ActionKind::abort) {
    e->pending.clear();
    trace_app(host, c->id(), a.socket, "abort");
    c->abort();
    return Status::success();
  }
  const AfterSend after = a.kind == ActionKind::close ? AfterSend::close : AfterSend::shutdown;
  if (!e->pending.empty()) {
    // Like a blocking write followed by close(): the FIN goes after the data still queued.
    e->after = after;
    trace_app(host, c->id(), a.socket,
              std::string(to_string(a.kind)) + " (after the data still queued)");
    return Status::success();
  }
  trace_app(host, c->id(), a.socket, to_string(a.kind));
  if (after == AfterSend::close) c->close();
  else c->shutdown_write();
  return Status::success();
}

Status ScenarioRunner::do_read(const Action& a) {
  if (auto u = udp_.find(a.socket); u != udp_.end()) return do_udp_read(a, u->second);
  TcpConnection* c = socket(a.socket);
  SocketEntry* e = entry(a.socket);
  if (!c || !e) return make_error("socket " + a.socket + " does not exist");
  trace_app(c->stack().host().index(), c->id(), a.socket, "read up to " + bytes_text(a.bytes));
  const auto want = static_cast<std::uint32_t>(std::min<std::uint64_t>(a.bytes, UINT32_MAX));
  if (c->readable_bytes() > 0 || c->peer_closed() || c->auto_read) {
    c->read(want);
    return Status::success();
  }
  // Nothing to read yet: a blocking read() waits for data or the end of the stream, and with
  // SO_RCVTIMEO fails with EAGAIN when that long passes first (man 7 socket).
  e->read_wanted = want;
  const SimTime timeout = c->config().recv_timeout;
  e->read_token = timeout > 0 ? arm_timer(kReadTimeoutEvent, timeout) : 0;
  trace_app(c->stack().host().index(), c->id(), a.socket,
            "read waits: nothing has arrived" +
                (timeout > 0 ? " (SO_RCVTIMEO " + say_duration(timeout) + ")" : std::string()));
  return Status::success();
}

void ScenarioRunner::on_readable(TcpConnection& c) {
  const std::string name = socket_name(c.id());
  SocketEntry* e = name.empty() ? nullptr : entry(name);
  if (!e || e->read_wanted == 0) return;
  const auto want = static_cast<std::uint32_t>(e->read_wanted);
  e->read_wanted = 0;
  e->read_token = 0;  // a timer still queued finds no read with its token
  c.read(want);
}

void ScenarioRunner::on_read_timeout(std::uint64_t token) {
  for (auto& [name, e] : sockets_) {
    if (e.read_wanted == 0 || e.read_token != token) continue;
    e.read_wanted = 0;
    e.read_token = 0;
    TcpConnection* c = socket(name);
    const SimTime t = c ? c->config().recv_timeout : 0;
    trace_error(
        e.host, e.conn_id, name, sock_errno::eagain, "read",
        "nothing arrived within SO_RCVTIMEO " + say_duration(t) + "; the connection is still open");
    return;
  }
  for (auto& [name, u] : udp_) {
    if (!u.read_waiting || u.read_token != token) continue;
    u.read_waiting = false;
    u.read_token = 0;
    trace_error(u.host, -1, name, sock_errno::eagain, "recv",
                "no datagram arrived within SO_RCVTIMEO " + say_duration(u.recv_timeout));
    return;
  }
}

void ScenarioRunner::on_send_timeout(std::uint64_t token) {
  for (auto& [name, e] : sockets_) {
    if (e.send_token != token) continue;
    e.send_token = 0;
    TcpConnection* c = socket(name);
    if (!c || e.pending.empty()) return;
    // man 7 socket: a send that times out returns what it transferred, or fails with EAGAIN
    // when that is nothing. What it did not transfer is not sent.
    const std::uint64_t taken = e.front_taken;
    const PendingSend& p = e.pending.front();
    const std::uint64_t left = p.text ? p.text->size() : p.generated;
    const std::string limit = "SO_SNDTIMEO " + say_duration(c->config().send_timeout);
    if (taken == 0)
      trace_error(e.host, e.conn_id, name, sock_errno::eagain, "send",
                  "no room in the send buffer within " + limit);
    else
      trace_app(e.host, e.conn_id, name,
                "send returned " + bytes_text(taken) + " after " + limit + " (" + bytes_text(left) +
                    " not sent)");
    e.pending.pop_front();
    e.front_taken = 0;
    pump(e, *c);
    if (!e.pending.empty() && c->config().send_timeout > 0)
      e.send_token = arm_timer(kSendTimeoutEvent, c->config().send_timeout);
    return;
  }
}

// --- settings -------------------------------------------------------------------------------

Status ScenarioRunner::do_set(const Action& a) {
  if (!a.component.empty()) {
    Component* c = sim_->find_component(a.component);
    if (!c) return make_error("no app or middlebox named \"" + a.component + "\"");
    if (Status st = c->set_live(a.param, a.value); !st) return st;
    // Host of the component: the trace line is attributed to it, like a set on tcp:HOST.
    const auto* spec = scenario_.find_component(a.component);
    const Host* h = spec ? sim_->net().find_host(spec->host) : nullptr;
    trace_param(h ? h->index() : -1, a.target + "." + a.param, a.value);
    return Status::success();
  }
  if (!a.link.empty()) {
    Link* l = sim_->net().find_link(a.link);
    LinkParams p = l->params();
    a.link_edit(p);
    l->set_params(p);
    trace_param(-1, a.target + "." + a.param, a.value);
    return Status::success();
  }
  if (!a.host.empty()) {
    Host& host = *sim_->net().find_host(a.host);
    if (a.param == "profile") {
      // Every default of the host at once, as a scenario's "tcp": {"profile"} sets them at
      // load; connections already open keep theirs (like any set on tcp:HOST).
      auto d = TcpConfig::profile_defaults(a.value);
      if (!d) return make_error(d.error());
      sim_->tcp(host).defaults() = *d;
      trace_param(host.index(), a.target + ".profile", a.value);
      return Status::success();
    }
    Status st = sim_->tcp(host).defaults().set(a.param, a.value);
    if (st) trace_param(host.index(), a.target + "." + a.param, a.value);
    return st;
  }
  TcpConnection* c = socket(a.socket);
  if (!c) return make_error("socket " + a.socket + " does not exist");
  return set_on_connection(*c, a);
}

Status ScenarioRunner::set_on_connection(TcpConnection& c, const Action& a) {
  // Checked first, so that the change is traced before what it does (an armed timer moved).
  TcpConfig check = c.config();
  if (Status st = check.set(a.param, a.value); !st) return st;
  trace_param(c.stack().host().index(), a.target + "." + a.param, a.value);
  return c.set_option(a.param, a.value);
}

Status ScenarioRunner::do_drop(const Action& a) {
  // The next `count` packets `host` transmits on the link are lost (a scripted loss that a
  // lesson can point at: "this ACK never arrives").
  Link* l = sim_->net().find_link(a.link);
  const int side = l->side_of(*sim_->net().find_host(a.host));
  const std::uint64_t first = l->stats(side).sent + 1;
  std::vector<std::uint64_t> numbers;
  for (std::uint64_t i = 0; i < a.count; ++i) numbers.push_back(first + i);
  l->script_drops(side, std::move(numbers));
  trace_param(-1, "link:" + a.link + ".drop",
              "next " + std::to_string(a.count) + " from " + a.host);
  return Status::success();
}

Status ScenarioRunner::do_link_up_down(const Action& a) {
  Link* l = sim_->net().find_link(a.link);
  LinkParams p = l->params();
  p.up = a.kind == ActionKind::link_up;
  l->set_params(p);
  trace_param(-1, "link:" + a.link + ".up", p.up ? "true" : "false");
  return Status::success();
}

Status ScenarioRunner::do_manual(const Action& a) {
  Host& host = *sim_->net().find_host(a.host);
  sim_->tcp(host).manual = a.on;
  trace_param(host.index(), "tcp:" + a.host + ".manual", a.on ? "true" : "false");
  return Status::success();
}

Status ScenarioRunner::do_filter(const Action& a) {
  // By kind, not dynamic_cast: the WebAssembly build has no RTTI.
  Component* c = sim_->find_component(a.target);
  if (!c || std::string_view(c->kind()) != "filter")
    return make_error("no filter named \"" + a.target + "\"");
  auto* f = static_cast<PacketFilter*>(c);
  if (Status st = f->set_enabled(a.param, a.on); !st) return st;
  trace_param(f->host().index(), "filter:" + a.target + "/" + a.param + ".enabled",
              a.on ? "true" : "false");
  return Status::success();
}

Status ScenarioRunner::do_inject(const Action& a) {
  // The stack traces the crafted segment itself.
  return sim_->tcp(*sim_->net().find_host(a.host)).inject(a.segment, a.to_addr);
}

// --- UDP ------------------------------------------------------------------------------------

Status ScenarioRunner::do_udp_bind(const Action& a) {
  Host& host = *sim_->net().find_host(a.host);
  if (a.port != 0 && sim_->udp(host).socket(a.port)) {
    trace_error(host.index(), -1, a.name, sock_errno::eaddrinuse, "bind",
                "UDP port " + std::to_string(a.port) + " is already bound");
    return Status::success();
  }
  if (!udp_observer_) udp_observer_ = std::make_unique<UdpObserverImpl>(*this);
  auto r = sim_->udp(host).bind(a.port, udp_observer_.get());
  if (!r) return make_error(r.error());
  UdpEntry u;
  u.host = host.index();
  u.port = (*r)->port();
  TcpConfig options;  // only the two timeouts are taken (checked by the loader)
  for (const auto& [name, value] : a.params) (void)options.set(name, value);
  u.recv_timeout = options.recv_timeout;
  u.send_timeout = options.send_timeout;
  udp_[a.name] = std::move(u);
  trace_app(host.index(), -1, a.name, "bind UDP port " + std::to_string((*r)->port()));
  return Status::success();
}

Status ScenarioRunner::do_udp_send(const Action& a) {
  UdpSocket* s = udp_socket(a.socket);
  if (!s) return make_error("socket " + a.socket + " does not exist");
  const UdpEntry& pe = udp_.at(a.socket);
  const bool to_peer = a.port == 0;
  if (to_peer && !s->connected())
    return make_error("socket " + a.socket + " is not connected: give \"to\" and \"port\"");
  const Ipv4Addr dst = to_peer ? s->peer_addr() : a.to_addr;
  const std::uint16_t dst_port = to_peer ? s->peer_port() : a.port;
  const Payload data = a.text ? Payload::from_text(*a.text)
                              : Payload::pattern(pe.port, 0, static_cast<std::uint32_t>(a.bytes));
  trace_app(pe.host, -1, a.socket,
            "send " + bytes_text(data.size()) + " to " + format_ipv4(dst) + ":" +
                std::to_string(dst_port) + (a.text ? preview(data) : std::string()));
  // A pending error fails the call and is cleared by it; nothing is sent (Linux: sendmsg ->
  // sock_alloc_send_pskb returns sock_error()).
  if (const char* err = s->take_pending_error()) {
    trace_error(pe.host, -1, a.socket, err, "send",
                "reported by an earlier ICMP error; this datagram is not sent");
    return Status::success();
  }
  return s->send_to(dst, dst_port, data);
}

Status ScenarioRunner::do_udp_connect(const Action& a) {
  UdpSocket* s = udp_socket(a.socket);
  if (!s) return make_error("socket " + a.socket + " does not exist");
  const UdpEntry& u = udp_.at(a.socket);
  s->connect(a.to_addr, a.port);
  trace_app(u.host, -1, a.socket,
            "connect to " + format_ipv4(a.to_addr) + ":" + std::to_string(a.port) +
                " (no packet: it sets the default destination and the only peer received from)");
  return Status::success();
}

Status ScenarioRunner::do_udp_read(const Action& a, UdpEntry& u) {
  if (!udp_socket(a.socket)) return make_error("socket " + a.socket + " does not exist");
  trace_app(u.host, -1, a.socket, "recv up to " + bytes_text(a.bytes));
  u.read_waiting = true;
  u.read_token = 0;
  if (udp_recv_now(a.socket, u)) return Status::success();
  // Blocks until a datagram or an error comes, at most SO_RCVTIMEO.
  if (u.recv_timeout > 0) u.read_token = arm_timer(kReadTimeoutEvent, u.recv_timeout);
  trace_app(u.host, -1, a.socket,
            "recv waits: no datagram queued" +
                (u.recv_timeout > 0 ? " (SO_RCVTIMEO " + say_duration(u.recv_timeout) + ")"
                                    : std::string()));
  return Status::success();
}

bool ScenarioRunner::udp_recv_now(const std::string& name, UdpEntry& u) {
  UdpSocket* s = udp_socket(name);
  if (!s) return false;
  // The pending error first (Linux __skb_recv_udp -> sock_error()), then the queue.
  if (const char* err = s->take_pending_error()) {
    u.read_waiting = false;
    u.read_token = 0;
    trace_error(u.host, -1, name, err, "recv", "reported by an earlier ICMP error");
    return true;
  }
  if (u.queue.empty()) return false;
  Datagram d = std::move(u.queue.front());
  u.queue.pop_front();
  u.queued_bytes -= d.data.size();
  u.read_waiting = false;
  u.read_token = 0;
  trace_app(u.host, -1, name,
            "recv returned " + bytes_text(d.data.size()) + " from " + format_ipv4(d.from) + ":" +
                std::to_string(d.from_port) +
                (d.data.is_pattern() ? std::string() : preview(d.data)));
  return true;
}

// --- sockets --------------------------------------------------------------------------------

TcpConnection* ScenarioRunner::socket(const std::string& name) {
  auto it = sockets_.find(name);
  if (it == sockets_.end()) return nullptr;
  TcpConnection* c = sim_->tcp(static_cast<std::size_t>(it->second.host)).find(it->second.conn_id);
  return c && !c->is_gone() ? c : nullptr;
}

UdpSocket* ScenarioRunner::udp_socket(const std::string& name) {
  auto it = udp_.find(name);
  if (it == udp_.end()) return nullptr;
  return sim_->udp(static_cast<std::size_t>(it->second.host)).socket(it->second.port);
}

std::string ScenarioRunner::socket_name(int conn_id) const {
  auto it = names_by_id_.find(conn_id);
  return it == names_by_id_.end() ? "" : it->second;
}

ScenarioRunner::SocketEntry* ScenarioRunner::entry(const std::string& name) {
  auto it = sockets_.find(name);
  return it == sockets_.end() ? nullptr : &it->second;
}

void ScenarioRunner::add_socket(const std::string& name, TcpConnection& c) {
  SocketEntry e;
  e.host = c.stack().host().index();
  e.conn_id = c.id();
  sockets_[name] = std::move(e);
  names_by_id_[c.id()] = name;
}

/// Hands queued data to TCP as far as the send buffer allows, then a deferred close.
void ScenarioRunner::pump(SocketEntry& e, TcpConnection& c) {
  while (!e.pending.empty()) {
    PendingSend& p = e.pending.front();
    const std::uint64_t left = p.text ? p.text->size() : p.generated;
    const std::uint32_t space = c.send_space();
    // Write in chunks, as an application would: topping up the buffer one ACK's worth at a time
    // would leave TCP a long chain of small pieces.
    const std::uint32_t min_write = std::min<std::uint32_t>(c.config().send_buffer / 4, 65536);
    if (left > space && space < std::max<std::uint32_t>(min_write, 1)) return;
    const auto take = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, space));
    const bool last = take == left;  // urgent marks the end of the whole send
    const Payload piece =
        p.text ? p.text->slice(0, take)
               : Payload::pattern(static_cast<std::uint32_t>(e.conn_id), e.stream_offset, take);
    const std::uint32_t n = take ? c.send(piece, p.urgent && last) : 0;
    if (take > 0 && n == 0) return;  // the connection no longer accepts data
    e.stream_offset += n;
    if (n == left) {
      e.pending.pop_front();
      e.front_taken = 0;
      // The next send, if any, starts its own SO_SNDTIMEO wait now.
      if (e.send_token != 0) {
        e.send_token = 0;
        if (!e.pending.empty() && c.config().send_timeout > 0)
          e.send_token = arm_timer(kSendTimeoutEvent, c.config().send_timeout);
      }
    } else if (p.text) {
      e.front_taken += n;
      p.text = p.text->slice(n, p.text->size() - n);
    } else {
      e.front_taken += n;
      p.generated -= n;
    }
  }
  if (e.after == AfterSend::none) return;
  const AfterSend after = e.after;
  e.after = AfterSend::none;
  if (after == AfterSend::close) c.close();
  else c.shutdown_write();
}

// --- connection callbacks -------------------------------------------------------------------

void ScenarioRunner::on_established(TcpConnection& c, SocketObserver& o) {
  if (names_by_id_.count(c.id()) || o.listen_name.empty()) return;  // an active open, or unnamed
  const std::string name = o.listen_name + "." + std::to_string(++o.accepted);
  add_socket(name, c);
  c.auto_read = o.auto_read;
  trace_app(c.stack().host().index(), c.id(), name, "accepted " + format_tuple(c.tuple()));
}

void ScenarioRunner::on_data(TcpConnection& c, const Payload& data) {
  const std::string name = socket_name(c.id());
  if (SocketEntry* e = name.empty() ? nullptr : entry(name)) {
    const std::uint64_t before = e->received;
    e->received += data.size();
    reactions_->on_received(name, c, before, e->received);
  }
  // Generated bulk data would flood the trace; its packets already show it.
  if (data.is_pattern()) return;
  const std::string who = name.empty() ? c.stack().host().name() : name;
  const int host = c.stack().host().index();
  const auto mark = urgent_marks_.find(c.id());
  const std::uint64_t end = c.snapshot().bytes_delivered;  // this piece is [end - size, end)
  if (mark != urgent_marks_.end() && mark->second > end - data.size() && mark->second <= end) {
    // Linux without SO_OOBINLINE (RFC 6093 §3, BSD's reading): the urgent pointer points just
    // past the last urgent byte, and that one byte is taken out of the stream; the application
    // gets SIGURG and reads it with recv(MSG_OOB). The rest arrives in band, without it.
    const std::uint64_t urgent_at = mark->second - 1;  // the last urgent byte's stream offset
    urgent_marks_.erase(mark);
    const auto k = static_cast<std::uint32_t>(urgent_at - (end - data.size()));
    const std::uint8_t oob = data.at(k);
    const Payload in_band =
        Payload::concat(data.slice(0, k), data.slice(k + 1, data.size() - k - 1));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", oob);
    std::string what = in_band.size() ? "received " + bytes_text(in_band.size()) + " in band" +
                                            preview(in_band) + "; the urgent byte "
                                      : std::string("the urgent byte ");
    what += std::string(hex) + " (stream offset " + std::to_string(urgent_at) +
            ") is read out of band: SIGURG, then recv(MSG_OOB) (Linux default; with "
            "SO_OOBINLINE it stays in the stream)";
    trace_app(host, c.id(), who, std::move(what));
    return;
  }
  trace_app(host, c.id(), who, "received " + bytes_text(data.size()) + preview(data));
}

void ScenarioRunner::on_urgent(TcpConnection& c, std::uint64_t offset) {
  if (offset > 0) urgent_marks_[c.id()] = offset;
}

void ScenarioRunner::on_peer_closed(TcpConnection& c) {
  const std::string name = socket_name(c.id());
  trace_app(c.stack().host().index(), c.id(), name.empty() ? c.stack().host().name() : name,
            "end of stream (the peer closed its side)");
  if (!name.empty()) reactions_->on_peer_closed(name, c);
}

void ScenarioRunner::on_writable(TcpConnection& c) {
  const std::string name = socket_name(c.id());
  if (SocketEntry* e = name.empty() ? nullptr : entry(name)) pump(*e, c);
}

void ScenarioRunner::on_closed(TcpConnection& c, const char* reason) {
  const std::string name = socket_name(c.id());
  if (SocketEntry* e = name.empty() ? nullptr : entry(name)) {
    e->pending.clear();
    e->after = AfterSend::none;
    e->read_wanted = 0;  // a waiting read returns: the socket_error event says with what
    e->read_token = 0;
    e->send_token = 0;
  }
  trace_app(c.stack().host().index(), c.id(), name.empty() ? c.stack().host().name() : name,
            std::string("connection gone: ") + reason);
}

// --- trace ----------------------------------------------------------------------------------

void ScenarioRunner::trace_app(int host, int conn, const std::string& who, std::string what) {
  TraceEvent ev;
  ev.time = sim_->now();
  ev.kind = TraceKind::app;
  ev.host = host;
  ev.conn = conn;
  ev.name = intern(who);
  ev.detail = std::move(what);
  sim_->trace().add(std::move(ev));
}

void ScenarioRunner::trace_error(int host, int conn, const std::string& name, const char* err,
                                 const char* call, const std::string& detail) {
  // The socket's addresses when it has them: a live connection's 4-tuple, a UDP socket's local
  // address and port with its peer's if connected.
  FourTuple tuple;
  if (TcpConnection* c = conn >= 0 ? sim_->connection(conn) : nullptr) tuple = c->tuple();
  if (auto u = udp_.find(name); u != udp_.end() && conn < 0) {
    if (UdpSocket* s = udp_socket(name)) {
      tuple.local_addr = sim_->net().host(static_cast<std::size_t>(u->second.host)).addr();
      tuple.local_port = s->port();
      tuple.remote_addr = s->peer_addr();
      tuple.remote_port = s->peer_port();
    }
  }
  trace_socket_error(sim_->trace(), sim_->now(), host, conn, tuple, err, call,
                     name + ": " + detail);
}

void ScenarioRunner::trace_param(int host, const std::string& path, std::string value) {
  TraceEvent ev;
  ev.time = sim_->now();
  ev.kind = TraceKind::param_change;
  ev.host = host;
  ev.name = intern(path);
  ev.detail = std::move(value);
  sim_->trace().add(std::move(ev));
}

const char* ScenarioRunner::intern(const std::string& s) {
  return strings_.insert(s).first->c_str();
}

}  // namespace tcpplay
