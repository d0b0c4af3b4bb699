#include "app/app_base.h"

#include <cstdio>

#include "core/duration.h"

namespace tcpplay {

std::string format_endpoint(Ipv4Addr addr, std::uint16_t port) {
  return format_ipv4(addr) + ":" + std::to_string(port);
}

std::string format_endpoint(const Endpoint& e) { return format_endpoint(e.addr, e.port); }

Result<Endpoint> parse_endpoint(std::string_view text, Network* net) {
  // `"text"` then the problem, built in steps: GCC 12 warns falsely (-Wrestrict) on "\"" + string.
  const auto fail = [&](std::string_view problem) {
    std::string m = "\"";
    m += text;
    m += '"';
    m += problem;
    return make_error(std::move(m));
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return fail(" is not host:port");
  const std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned long port = 0;
  for (char ch : port_text) {
    if (ch < '0' || ch > '9') return fail(": port is not a number");
    port = port * 10 + static_cast<unsigned long>(ch - '0');
    if (port > 65535) break;
  }
  if (port == 0 || port > 65535) return fail(": port must be between 1 and 65535");
  Endpoint e;
  e.port = static_cast<std::uint16_t>(port);
  if (auto a = parse_ipv4(host)) {
    e.addr = *a;
  } else if (net && net->find_host(host)) {
    e.addr = net->find_host(host)->addr();
  } else {
    return fail(": unknown host or address \"" + std::string(host) + "\"");
  }
  return e;
}

void time_field(JsonWriter& w, std::string_view key, SimTime t) {
  w.key(key);
  if (t == kNever) w.null();
  else w.value(t);
}

std::string say_duration(SimTime d) {
  char buf[48];
  if (d % kSecond == 0) return std::to_string(d / kSecond) + " s";
  if (d < kSecond && d % kMillisecond == 0) return std::to_string(d / kMillisecond) + " ms";
  std::snprintf(buf, sizeof buf, "%lld.%03lld s", static_cast<long long>(d / kSecond),
                static_cast<long long>((d % kSecond) / kMillisecond));
  return buf;
}

std::string say_time(SimTime t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%03lld s", static_cast<long long>(t / kSecond),
                static_cast<long long>((t % kSecond) / kMillisecond));
  return buf;
}

std::uint64_t SendQueue::write(TcpConnection& c, const Payload& p) {
  if (!p.empty()) {
    pieces.push_back(p);
    bytes += p.size();
  }
  return flush(c);
}

std::uint64_t SendQueue::flush(TcpConnection& c) {
  std::uint64_t done = 0;
  while (!pieces.empty()) {
    Payload& front = pieces.front();
    const std::uint32_t n = c.send(front);
    done += n;
    bytes -= n;
    if (n == front.size()) {
      pieces.pop_front();
      continue;
    }
    front = front.slice(n, front.size() - n);
    break;
  }
  return done;
}

AppBase::AppBase(Simulation& sim, Host& host, std::string name)
    : sim_(sim), host_(host), name_(std::move(name)) {
  handler_ = sim_.net().sched().add_handler(this);
}

AppBase::~AppBase() { sim_.net().sched().remove_handler(handler_); }

AppBase::TimerId AppBase::set_timer(SimTime at, std::function<void()> fn) {
  if (at < now()) at = now();
  const TimerId id = next_timer_++;
  timers_.emplace(id, Pending{at, std::move(fn)});
  sim_.net().sched().schedule(at, handler_, 0, id);
  return id;
}

void AppBase::cancel_timer(TimerId& id) {
  if (id != 0) timers_.erase(id);
  id = 0;
}

SimTime AppBase::timer_deadline(TimerId id) const {
  auto it = timers_.find(id);
  return it == timers_.end() ? kNever : it->second.at;
}

bool AppBase::is_current(std::uint32_t, std::uint64_t arg) const { return timers_.count(arg) != 0; }

void AppBase::on_event(std::uint32_t, std::uint64_t arg) {
  auto it = timers_.find(arg);
  if (it == timers_.end()) return;
  std::function<void()> fn = std::move(it->second.fn);
  timers_.erase(it);
  fn();
}

void AppBase::idle_start(IdleTimer& t, SimTime timeout, std::function<void()> on_expire) {
  cancel_timer(t.timer);
  t.timeout = timeout;
  t.last_activity = now();
  if (timeout > 0) idle_arm(t, std::move(on_expire));
}

void AppBase::idle_arm(IdleTimer& t, std::function<void()> on_expire) {
  t.timer = set_timer(
      t.last_activity + t.timeout, [this, &t, on_expire = std::move(on_expire)]() mutable {
        t.timer = 0;
        if (now() < t.last_activity + t.timeout) {
          idle_arm(t, std::move(on_expire));  // touched since: wait for the newer deadline
          return;
        }
        on_expire();
      });
}

void AppBase::retime_timer(TimerId& id, SimTime at) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  std::function<void()> fn = std::move(it->second.fn);
  cancel_timer(id);
  id = set_timer(at, std::move(fn));  // set_timer runs a past `at` now
}

void AppBase::idle_retime(IdleTimer& t, SimTime timeout) {
  t.timeout = timeout;
  if (t.timer == 0) return;
  if (timeout == 0) {
    cancel_timer(t.timer);  // 0 means "no such timeout"
    return;
  }
  // The pending event re-checks last_activity + timeout when it fires, so a longer length
  // needs nothing more; a shorter one must fire sooner.
  if (timer_deadline(t.timer) > t.last_activity + timeout)
    retime_timer(t.timer, t.last_activity + timeout);
}

Result<SimTime> live_duration(std::string_view param, std::string_view value, SimTime min) {
  const auto d = parse_duration(value);
  if (!d)
    return make_error("expected a duration like \"30s\" or \"250ms\" for " + std::string(param) +
                      ", got \"" + std::string(value) + "\"");
  if (*d < min)
    return make_error(std::string(param) + " must be at least " + format_duration(min) +
                      ", got \"" + std::string(value) + "\"");
  return *d;
}

Status live_choice(std::string_view param, std::string_view value,
                   std::initializer_list<std::string_view> choices) {
  std::string list;
  for (std::string_view c : choices) {
    if (c == value) return Status::success();
    if (!list.empty()) list += ", ";
    list += "\"" + std::string(c) + "\"";
  }
  return make_error("expected one of " + list + " for " + std::string(param) + ", got \"" +
                    std::string(value) + "\"");
}

void AppBase::narrate(std::string detail, const TcpConnection* c) const {
  if (c) {
    narrate(std::move(detail), c->tuple(), c->id());
    return;
  }
  narrate(std::move(detail), FourTuple{}, -1);
}

void AppBase::narrate(std::string detail, const FourTuple& tuple, int conn) const {
  TraceEvent ev;
  ev.time = sim_.now();
  ev.kind = TraceKind::app;
  ev.host = host_.index();
  ev.conn = conn;
  ev.tuple = tuple;
  ev.name = name_.c_str();  // lives as long as the component, which the Simulation owns
  ev.detail = std::move(detail);
  sim_.trace().add(std::move(ev));
}

void AppBase::snapshot_header(JsonWriter& w) const {
  w.field("name", name_).field("kind", kind()).field("host", host_.name());
}

}  // namespace tcpplay
