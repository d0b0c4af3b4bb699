#include "app/http_client.h"

#include <algorithm>

namespace tcpplay {

HttpClient::HttpClient(Simulation& sim, Host& host, std::string name,
                       const HttpClientParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  std::vector<SimTime> times = params_.at;
  if (times.empty())
    for (std::uint32_t i = 0; i < params_.count; ++i)
      times.push_back(params_.start + static_cast<SimTime>(i) * params_.interval);
  std::stable_sort(times.begin(), times.end());
  for (std::size_t i = 0; i < times.size(); ++i) {
    Request r;
    r.number = static_cast<int>(i + 1);
    r.due = times[i];
    requests_.push_back(r);
    set_timer(r.due, [this, n = r.number] { issue(n); });
  }
}

HttpClient::~HttpClient() {
  for (auto& [id, s] : conns_) {
    idle_stop(s.idle);
    s.c->set_observer(nullptr);
  }
}

std::uint64_t HttpClient::failed() const {
  std::uint64_t n = 0;
  for (const auto& [k, v] : failures_) n += v;
  return n;
}

std::uint64_t HttpClient::succeeded() const {
  std::uint64_t n = 0;
  for (const Request& r : requests_) n += r.outcome == "ok";
  return n;
}

Status HttpClient::set_param(HttpClientParams& p, std::string_view name, std::string_view value) {
  if (name != "request_timeout" && name != "pool.idle_timeout")
    return make_error("an http_client has no live parameter \"" + std::string(name) +
                      "\" (live: request_timeout, pool.idle_timeout)");
  if (name == "pool.idle_timeout" && !p.pool)
    return make_error("this http_client has no \"pool\", so no pool.idle_timeout");
  auto d = live_duration(name, value);
  if (!d) return make_error(d.error());
  if (name == "request_timeout") p.request_timeout = *d;
  else p.pool->idle_timeout = *d;
  return Status::success();
}

Status HttpClient::set_live(std::string_view name, std::string_view value) {
  if (Status st = set_param(params_, name, value); !st) return st;
  // Armed timers follow the new length from when they started (a request's timeout from when
  // it was issued, a pooled connection's from when it went idle), at once if that has passed,
  // as TCP's armed timers do on a live change; 0 disarms them. Requests issued while the
  // timeout was 0 stay without one.
  if (name == "request_timeout") {
    for (Request& r : requests_) {
      if (r.timeout == 0) continue;
      if (params_.request_timeout == 0) cancel_timer(r.timeout);
      else retime_timer(r.timeout, r.issued_at + params_.request_timeout);
    }
  } else {
    for (auto& [id, s] : conns_) idle_retime(s.idle, params_.pool->idle_timeout);
  }
  return Status::success();
}

void HttpClient::issue(int number) {
  Request& r = requests_[static_cast<std::size_t>(number - 1)];
  r.issued_at = now();
  if (params_.request_timeout > 0)
    r.timeout =
        set_timer(now() + params_.request_timeout, [this, number] { on_request_timeout(number); });
  if (!params_.pool) {
    open_connection(number);
    return;
  }
  if (Conn* s = idle_connection()) {
    send_request(*s, number);
    return;
  }
  if (params_.pool->pipeline) {
    if (Conn* s = pipeline_connection()) {
      send_request(*s, number);
      return;
    }
  }
  if (params_.pool->max_connections == 0 || conns_.size() < params_.pool->max_connections) {
    open_connection(number);
    return;
  }
  narrate("request #" + std::to_string(number) + " waits: all " + std::to_string(conns_.size()) +
          " pooled connections are busy");
  queue_.push_back(number);
}

HttpClient::Conn* HttpClient::idle_connection() {
  Conn* best = nullptr;
  for (auto& [id, s] : conns_)
    if (s.established && !s.closing && s.outstanding.empty() && s.assigned.empty() &&
        (!best || s.last_used >= best->last_used))
      best = &s;
  return best;
}

HttpClient::Conn* HttpClient::pipeline_connection() {
  Conn* best = nullptr;
  for (auto& [id, s] : conns_)
    if (!s.closing && (!best || s.outstanding.size() + s.assigned.size() <
                                    best->outstanding.size() + best->assigned.size()))
      best = &s;
  return best;
}

HttpClient::Conn* HttpClient::open_connection(int for_request) {
  TcpConfig cfg = tcp_config(params_.tcp);
  if (params_.pool && params_.pool->keepalive) {
    cfg.keepalive = true;
    if (params_.pool->keepalive_idle > 0) cfg.keepalive_idle = params_.pool->keepalive_idle;
    if (params_.pool->keepalive_interval > 0)
      cfg.keepalive_interval = params_.pool->keepalive_interval;
    if (params_.pool->keepalive_count > 0) cfg.keepalive_count = params_.pool->keepalive_count;
  }
  auto c = tcp().connect(params_.server.addr, params_.server.port, 0, this, &cfg);
  if (!c) {
    fail(for_request, "connect_failed", c.error());
    return nullptr;
  }
  ++opened_;
  Conn& s = conns_[(*c)->id()];
  s.c = *c;
  s.assigned.push_back(for_request);
  narrate("request #" + std::to_string(for_request) + ": opening a new connection to " +
              format_endpoint(params_.server),
          s.c);
  return &s;
}

void HttpClient::send_request(Conn& s, int number) {
  Request& r = requests_[static_cast<std::size_t>(number - 1)];
  if (!r.outcome.empty()) return;  // timed out while waiting
  HttpMessage m =
      HttpMessage::request(params_.method, params_.path, format_ipv4(params_.server.addr));
  if (params_.body_bytes > 0) {
    m.set_header("Content-Length", std::to_string(params_.body_bytes));
    m.body.push_back(Payload::pattern(static_cast<std::uint32_t>(number), 0, params_.body_bytes));
    m.body_size = params_.body_bytes;
  }
  if (!params_.pool) m.set_header("Connection", "close");
  r.conn = s.c->id();
  r.sent_at = now();
  r.reused = s.served > 0 || !s.outstanding.empty();
  std::string how = "a new connection";
  if (r.reused) {
    ++reuses_;
    how = s.outstanding.empty()
              ? "a reused pooled connection (idle for " + say_duration(now() - s.last_used) + ")"
              : "its busy connection, pipelined behind " + std::to_string(s.outstanding.size()) +
                    " request(s)";
  }
  idle_stop(s.idle);
  s.outstanding.push_back(number);
  s.last_used = now();
  for (const Payload& p : m.to_payloads()) s.out.write(*s.c, p);
  narrate("request #" + std::to_string(number) + " " + m.summary() + " sent on " + how, s.c);
}

void HttpClient::on_established(TcpConnection& c) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  s.established = true;
  s.last_used = now();
  std::deque<int> todo;
  todo.swap(s.assigned);
  for (int n : todo) send_request(s, n);
  if (s.outstanding.empty() && params_.pool) go_idle(s);
}

void HttpClient::on_data(TcpConnection& c, const Payload& data) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  if (!s.parser.feed(data)) {
    const std::string why = s.parser.error();
    std::deque<int> lost;
    lost.swap(s.outstanding);
    for (int n : lost) fail(n, "bad_response", why);
    close_conn(s, "closing after a malformed response");
    return;
  }
  while (s.parser.has_message()) {
    HttpMessage resp = s.parser.pop();
    if (s.outstanding.empty()) {
      narrate("unexpected response " + resp.summary() + " with no request outstanding: closing",
              &c);
      close_conn(s, "");
      return;
    }
    const int n = s.outstanding.front();
    s.outstanding.pop_front();
    ++s.served;
    s.last_used = now();
    complete(n, resp);
    if (!params_.pool || resp.wants_close()) {
      close_conn(s, params_.pool ? "the server sent Connection: close: closing" : "");
      return;
    }
  }
  if (s.outstanding.empty() && s.assigned.empty() && !s.closing) go_idle(s);
}

void HttpClient::complete(int number, const HttpMessage& response) {
  Request& r = requests_[static_cast<std::size_t>(number - 1)];
  cancel_timer(r.timeout);
  if (!r.outcome.empty()) return;
  r.status = response.status;
  r.done_at = now();
  r.outcome = response.status < 400 ? "ok" : std::to_string(response.status);
  if (r.outcome != "ok") ++failures_[r.outcome];
  narrate("request #" + std::to_string(number) + ": " + response.summary() + " after " +
              say_duration(r.done_at - r.sent_at),
          FourTuple{}, r.conn);
}

void HttpClient::fail(int number, const std::string& kind, const std::string& why) {
  Request& r = requests_[static_cast<std::size_t>(number - 1)];
  cancel_timer(r.timeout);
  if (!r.outcome.empty()) return;
  r.outcome = kind;
  r.done_at = now();
  ++failures_[kind];
  narrate("request #" + std::to_string(number) + " failed: " + kind + " (" + why + ")", FourTuple{},
          r.conn);
}

void HttpClient::go_idle(Conn& s) {
  if (!params_.pool || s.closing) return;
  while (!queue_.empty()) {
    const int n = queue_.front();
    queue_.pop_front();
    if (!requests_[static_cast<std::size_t>(n - 1)].outcome.empty()) continue;  // gave up meanwhile
    send_request(s, n);
    return;
  }
  const int id = s.c->id();
  idle_start(s.idle, params_.pool->idle_timeout, [this, id] {
    auto it = conns_.find(id);
    if (it == conns_.end() || !it->second.outstanding.empty()) return;
    close_conn(it->second, "pool idle timeout (" + say_duration(params_.pool->idle_timeout) +
                               "): closing the idle pooled connection");
  });
}

void HttpClient::close_conn(Conn& s, const std::string& why) {
  if (s.closing) return;
  s.closing = true;
  idle_stop(s.idle);
  if (!why.empty()) narrate(why, s.c);
  // Pipelined requests still waiting on this connection will never be answered.
  std::deque<int> lost = s.outstanding;
  for (int n : s.assigned) lost.push_back(n);
  s.outstanding.clear();
  s.assigned.clear();
  for (int n : lost) fail(n, "closed", "its connection was closed before the response");
  s.c->close();
}

void HttpClient::on_writable(TcpConnection& c) {
  auto it = conns_.find(c.id());
  if (it != conns_.end()) it->second.out.flush(c);
}

void HttpClient::on_peer_closed(TcpConnection& c) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  if (s.closing) return;
  if (!s.outstanding.empty()) {
    std::deque<int> lost;
    lost.swap(s.outstanding);
    for (int n : lost) fail(n, "closed", "the server closed the connection (FIN) before answering");
    close_conn(s, "closing our side");
    return;
  }
  close_conn(s, params_.pool
                    ? "the server closed an idle pooled connection (FIN): removing it from the pool"
                    : "the server closed the connection: closing ours");
}

void HttpClient::on_closed(TcpConnection& c, const char* reason) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  std::deque<int> lost = s.outstanding;
  for (int n : s.assigned) lost.push_back(n);
  const bool established = s.established;
  idle_stop(s.idle);
  conns_.erase(it);
  const std::string r(reason);
  for (int n : lost) {
    if (!established) fail(n, "connect_failed", "connection " + r);
    else if (r == "reset") fail(n, "reset", "connection reset by the peer");
    else if (r == "timeout") fail(n, "timeout", "TCP gave up on the connection");
    else fail(n, "closed", "connection " + r);
  }
  if (lost.empty() && r != "closed") narrate("connection " + r, &c);
  serve_queue();
}

void HttpClient::serve_queue() {
  while (!queue_.empty() && params_.pool &&
         (params_.pool->max_connections == 0 || conns_.size() < params_.pool->max_connections)) {
    const int n = queue_.front();
    queue_.pop_front();
    if (requests_[static_cast<std::size_t>(n - 1)].outcome.empty()) open_connection(n);
  }
}

void HttpClient::on_request_timeout(int number) {
  Request& r = requests_[static_cast<std::size_t>(number - 1)];
  r.timeout = 0;
  if (!r.outcome.empty()) return;
  queue_.erase(std::remove(queue_.begin(), queue_.end(), number), queue_.end());
  fail(number, "timeout", "no response within " + say_duration(params_.request_timeout));
  for (auto& [id, s] : conns_) {
    const bool here =
        std::find(s.outstanding.begin(), s.outstanding.end(), number) != s.outstanding.end() ||
        std::find(s.assigned.begin(), s.assigned.end(), number) != s.assigned.end();
    if (!here) continue;
    std::deque<int> others = s.outstanding;
    for (int n : s.assigned) others.push_back(n);
    s.outstanding.clear();
    s.assigned.clear();
    for (int n : others)
      if (n != number)
        fail(n, "timeout",
             "its connection was closed after request #" + std::to_string(number) + " timed out");
    close_conn(s, "giving up on request #" + std::to_string(number) + ": closing its connection");
    break;
  }
}

void HttpClient::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("server", format_endpoint(params_.server));
  w.field("request_timeout_ns", params_.request_timeout);
  w.field("pooled", params_.pool.has_value());
  if (params_.pool) {
    w.key("pool").begin_object();
    w.field("max_connections", params_.pool->max_connections);
    w.field("idle_timeout_ns", params_.pool->idle_timeout);
    w.field("keepalive", params_.pool->keepalive).field("pipeline", params_.pool->pipeline);
    w.end_object();
  }
  w.field("connections_opened", opened_).field("reuses", reuses_);
  w.field("succeeded", succeeded()).field("failed", failed());
  w.key("failures").begin_object();
  for (const auto& [outcome, n] : failures_) w.field(outcome, n);
  w.end_object();
  w.key("connections").begin_array();
  for (const auto& [id, s] : conns_) {
    w.begin_object().field("conn", id).field("state", to_string(s.c->state()));
    w.field("idle_in_pool",
            s.established && !s.closing && s.outstanding.empty() && s.assigned.empty());
    w.field("outstanding", s.outstanding.size()).field("served", s.served);
    time_field(w, "pool_idle_deadline_ns", s.idle.deadline());
    w.end_object();
  }
  w.end_array();
  w.key("requests").begin_array();
  for (const Request& r : requests_) {
    w.begin_object().field("number", r.number).field("due_ns", r.due);
    time_field(w, "sent_ns", r.sent_at);
    time_field(w, "done_ns", r.done_at);
    w.field("conn", r.conn).field("reused", r.reused).field("status", r.status);
    w.field("outcome", r.outcome.empty() ? "pending" : r.outcome).end_object();
  }
  w.end_array();
}

}  // namespace tcpplay
