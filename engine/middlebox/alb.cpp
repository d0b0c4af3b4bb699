#include "middlebox/alb.h"

namespace tcpplay {

namespace {

// The bodies an ALB sends with its own errors (it identifies itself as awselb/2.0).
HttpMessage alb_error(int status) {
  const char* reason = status == 504   ? "Gateway Time-out"
                       : status == 502 ? "Bad Gateway"
                       : status == 503 ? "Service Temporarily Unavailable"
                                       : http_reason(status);
  const std::string title = std::to_string(status) + " " + reason;
  HttpMessage m = HttpMessage::response(status, reason,
                                        "<html>\r\n<head><title>" + title +
                                            "</title></head>\r\n<body>\r\n<center><h1>" + title +
                                            "</h1></center>\r\n</body>\r\n</html>\r\n");
  m.headers.insert(m.headers.begin(), {"Server", "awselb/2.0"});
  m.set_header("Content-Type", "text/html");
  return m;
}

void strip_hop_by_hop(HttpMessage& m) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& h : m.headers) {
    HttpMessage probe;
    probe.headers = {h};
    if (probe.has_header("Connection") || probe.has_header("Keep-Alive")) continue;
    kept.push_back(std::move(h));
  }
  m.headers = std::move(kept);
}

}  // namespace

AlbProxy::AlbProxy(Simulation& sim, Host& host, std::string name, const AlbParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  front_side_.alb = this;
  back_side_.alb = this;
  if (params_.close_with != "rst") params_.close_with = "fin";
  const TcpConfig cfg = tcp_config(params_.tcp);
  auto l = tcp().listen(params_.port, params_.backlog, &front_side_, &cfg);
  if (!l) {
    narrate("cannot listen: " + l.error());
    return;
  }
  std::string targets;
  for (const Endpoint& t : params_.targets) {
    if (!targets.empty()) targets += ", ";  // appended in steps: GCC 12 warns falsely otherwise
    targets += format_endpoint(t);
  }
  narrate("ALB listening on port " + std::to_string(params_.port) + ", targets [" + targets +
          "], idle timeout " + say_duration(params_.idle_timeout) +
          " on both connections, connect timeout " + say_duration(params_.connect_timeout) +
          ", closes with " + close_word());
}

AlbProxy::~AlbProxy() {
  for (auto& [id, f] : fronts_) {
    idle_stop(f.idle);
    f.c->set_observer(nullptr);
  }
  for (auto& [id, b] : backs_) {
    idle_stop(b.idle);
    b.c->set_observer(nullptr);
  }
  if (tcp().listener(params_.port) && tcp().listener(params_.port)->observer == &front_side_)
    (void)tcp().unlisten(params_.port);
}

Status AlbProxy::set_param(AlbParams& p, std::string_view name, std::string_view value) {
  if (name == "close_with") {
    if (Status st = live_choice(name, value, {"fin", "rst"}); !st) return st;
    p.close_with = std::string(value);
    return Status::success();
  }
  SimTime* field = name == "idle_timeout"      ? &p.idle_timeout
                   : name == "connect_timeout" ? &p.connect_timeout
                                               : nullptr;
  if (!field)
    return make_error("an alb has no live parameter \"" + std::string(name) +
                      "\" (live: idle_timeout, connect_timeout, close_with)");
  auto d = live_duration(name, value, kSecond);  // AWS allows 1 s and more
  if (!d) return make_error(d.error());
  *field = *d;
  return Status::success();
}

Status AlbProxy::set_live(std::string_view name, std::string_view value) {
  if (Status st = set_param(params_, name, value); !st) return st;
  // Timers already armed follow the new length, counted from when they last started (the
  // idle timers: the last data byte), as TCP's own timers do on a live change; a deadline that
  // has passed fires at once. A change of close_with applies to the next close.
  if (name == "idle_timeout") {
    for (auto& [id, f] : fronts_) idle_retime(f.idle, params_.idle_timeout);
    for (auto& [id, b] : backs_) idle_retime(b.idle, params_.idle_timeout);
  }
  if (name == "connect_timeout") {
    for (auto& [id, b] : backs_) {
      if (b.connect_timer == 0) continue;
      retime_timer(b.connect_timer, b.connect_started + params_.connect_timeout);
    }
  }
  return Status::success();
}

const char* AlbProxy::close_word() const { return params_.close_with == "rst" ? "RST" : "FIN"; }

// --- client side -------------------------------------------------------------------------

void AlbProxy::front_established(TcpConnection& c) {
  ++counters_.client_connections;
  Front& f = fronts_[c.id()];
  f.c = &c;
  const int id = c.id();
  idle_start(f.idle, params_.idle_timeout, [this, id] { on_front_idle(id); });
  narrate("client " + format_endpoint(c.tuple().remote_addr, c.tuple().remote_port) + " connected",
          &c);
}

void AlbProxy::front_data(TcpConnection& c, const Payload& d) {
  auto it = fronts_.find(c.id());
  if (it == fronts_.end()) return;
  Front& f = it->second;
  idle_touch(f.idle);
  if (f.closing) return;
  if (!f.parser.feed(d)) {
    ++counters_.http_400;
    narrate("malformed request from the client (" + f.parser.error() + "): 400 and close", &c);
    HttpMessage m = alb_error(400);
    m.set_header("Connection", "close");
    for (const Payload& p : m.to_payloads()) f.out.write(c, p);
    close_front(c.id(), "");
    return;
  }
  while (f.parser.has_message()) {
    f.waiting.push_back(f.parser.pop());
    ++counters_.requests;
  }
  dispatch(c.id());
}

void AlbProxy::dispatch(int front) {
  auto it = fronts_.find(front);
  if (it == fronts_.end()) return;
  Front& f = it->second;
  if (f.outstanding || f.waiting.empty() || f.closing) return;
  HttpMessage req = std::move(f.waiting.front());
  f.waiting.pop_front();
  ++f.requests;
  f.close_after = req.wants_close();
  f.current = "request " + req.summary();
  if (params_.targets.empty()) {
    f.outstanding = true;
    answer_error(f, 503, "no registered targets");
    return;
  }
  strip_hop_by_hop(req);
  if (params_.x_forwarded_for)
    req.set_header("X-Forwarded-For", format_ipv4(f.c->tuple().remote_addr));
  const Endpoint target = params_.targets[next_target_++ % params_.targets.size()];
  f.outstanding = true;
  f.forwarded_at = now();

  if (params_.reuse_target_connections) {
    for (auto& [bid, b] : backs_) {
      if (b.front != -1 || !b.established || b.closing || !(b.target == target)) continue;
      ++counters_.target_reuses;
      b.front = front;
      f.back = bid;
      narrate(f.current + " from the client -> target " + format_endpoint(target) +
                  " on idle target connection #" + std::to_string(bid) + " (reused)",
              f.c);
      send_to_target(b, req);
      return;
    }
  }
  const TcpConfig cfg = tcp_config(params_.tcp);
  auto c = tcp().connect(target.addr, target.port, 0, &back_side_, &cfg);
  if (!c) {
    answer_error(f, 502, "cannot open a connection to the target: " + c.error());
    return;
  }
  ++counters_.target_connections;
  const int bid = (*c)->id();
  Back& b = backs_[bid];
  b.c = *c;
  b.target = target;
  b.front = front;
  b.pending = std::move(req);
  f.back = bid;
  b.connect_started = now();
  b.connect_timer =
      set_timer(now() + params_.connect_timeout, [this, bid] { on_connect_timeout(bid); });
  narrate(f.current + " from the client -> target " + format_endpoint(target) +
              ": opening target connection #" + std::to_string(bid),
          f.c);
}

void AlbProxy::answer_error(Front& f, int status, const std::string& why) {
  if (status == 502) ++counters_.http_502;
  if (status == 503) ++counters_.http_503;
  if (status == 504) ++counters_.http_504;
  f.outstanding = false;
  f.back = -1;
  HttpMessage m = alb_error(status);
  if (f.close_after) m.set_header("Connection", "close");
  narrate(f.current + ": " + why + ": answering the client " + m.summary(), f.c);
  for (const Payload& p : m.to_payloads()) f.out.write(*f.c, p);
  idle_touch(f.idle);
  if (f.close_after) {
    close_front(f.c->id(), "");
    return;
  }
  dispatch(f.c->id());
}

void AlbProxy::front_writable(TcpConnection& c) {
  auto it = fronts_.find(c.id());
  if (it == fronts_.end()) return;
  it->second.out.flush(c);
  if (it->second.closing && it->second.out.empty()) c.close();
}

void AlbProxy::front_peer_closed(TcpConnection& c) {
  auto it = fronts_.find(c.id());
  if (it == fronts_.end()) return;
  Front& f = it->second;
  if (f.closing) return;
  if (f.outstanding) {
    ++counters_.client_closed_460;
    const int back = f.back;
    f.outstanding = false;
    f.back = -1;
    narrate("the client closed its connection while " + f.current +
                " is outstanding (an ALB logs 460): closing the target connection too",
            &c);
    if (back != -1) {
      backs_[back].front = -1;
      close_back(back, "");
    }
  }
  close_front(c.id(), "the client closed its side: closing ours");
}

void AlbProxy::front_closed(TcpConnection& c, const char* reason) {
  auto it = fronts_.find(c.id());
  if (it == fronts_.end()) return;
  Front& f = it->second;
  const int back = f.outstanding ? f.back : -1;
  idle_stop(f.idle);
  if (std::string(reason) != "closed") narrate(std::string("client connection ") + reason, &c);
  fronts_.erase(it);
  if (back != -1 && backs_.count(back)) {
    backs_[back].front = -1;
    close_back(back, "the client connection is gone: closing the target connection");
  }
}

void AlbProxy::on_front_idle(int front) {
  auto it = fronts_.find(front);
  if (it == fronts_.end() || it->second.closing) return;
  Front& f = it->second;
  if (f.outstanding) {
    gateway_timeout(front, f.back, "client connection");
    return;
  }
  ++counters_.client_idle_closes;
  close_front(front, "client connection idle for " + say_duration(params_.idle_timeout) +
                         ": closing it with " + close_word());
}

// --- target side -------------------------------------------------------------------------

void AlbProxy::back_established(TcpConnection& c) {
  auto it = backs_.find(c.id());
  if (it == backs_.end()) return;
  Back& b = it->second;
  b.established = true;
  cancel_timer(b.connect_timer);
  const int id = c.id();
  idle_start(b.idle, params_.idle_timeout, [this, id] { on_back_idle(id); });
  if (b.pending) {
    HttpMessage req = std::move(*b.pending);
    b.pending.reset();
    narrate("target connection #" + std::to_string(id) + " established: forwarding the request",
            &c);
    send_to_target(b, req);
  }
}

void AlbProxy::send_to_target(Back& b, const HttpMessage& req) {
  for (const Payload& p : req.to_payloads()) b.out.write(*b.c, p);
  idle_touch(b.idle);
}

void AlbProxy::back_data(TcpConnection& c, const Payload& d) {
  auto it = backs_.find(c.id());
  if (it == backs_.end()) return;
  Back& b = it->second;
  idle_touch(b.idle);
  if (b.closing) return;
  if (!b.parser.feed(d)) {
    const int front = b.front;
    b.front = -1;
    if (front != -1 && fronts_.count(front))
      answer_error(fronts_[front], 502,
                   "malformed response from the target (" + b.parser.error() + ")");
    close_back(c.id(), "");
    return;
  }
  while (b.parser.has_message()) {
    HttpMessage resp = b.parser.pop();
    if (b.front == -1 || !fronts_.count(b.front)) {
      narrate("response " + resp.summary() +
                  " from the target with no request outstanding: closing target connection #" +
                  std::to_string(c.id()),
              &c);
      close_back(c.id(), "");
      return;
    }
    Front& f = fronts_[b.front];
    const bool target_closes = resp.wants_close();
    strip_hop_by_hop(resp);
    if (f.close_after) resp.set_header("Connection", "close");
    ++counters_.responses;
    narrate(f.current + ": response " + resp.summary() + " from the target after " +
                say_duration(now() - f.forwarded_at) + " -> client",
            f.c);
    for (const Payload& p : resp.to_payloads()) f.out.write(*f.c, p);
    idle_touch(f.idle);
    f.outstanding = false;
    f.back = -1;
    b.front = -1;
    ++b.served;
    const int front = f.c->id();
    if (target_closes || !params_.reuse_target_connections) {
      close_back(c.id(), target_closes
                             ? "the target sent Connection: close: closing target connection #" +
                                   std::to_string(c.id())
                             : "");
    }
    if (fronts_.count(front)) {
      if (fronts_[front].close_after) close_front(front, "the client asked for Connection: close");
      else dispatch(front);
    }
    return;
  }
}

void AlbProxy::back_writable(TcpConnection& c) {
  auto it = backs_.find(c.id());
  if (it == backs_.end()) return;
  it->second.out.flush(c);
  if (it->second.closing && it->second.out.empty() && params_.close_with != "rst") c.close();
}

void AlbProxy::back_peer_closed(TcpConnection& c) {
  auto it = backs_.find(c.id());
  if (it == backs_.end()) return;
  Back& b = it->second;
  if (b.closing) return;
  const int front = b.front;
  b.front = -1;
  if (front != -1 && fronts_.count(front)) {
    answer_error(fronts_[front], 502,
                 "the target closed the connection (FIN) with the request outstanding");
    close_back(c.id(), "");
    return;
  }
  close_back(c.id(),
             "the target closed idle connection #" + std::to_string(c.id()) + ": dropping it");
}

void AlbProxy::back_closed(TcpConnection& c, const char* reason) {
  auto it = backs_.find(c.id());
  if (it == backs_.end()) return;
  Back& b = it->second;
  const int front = b.front;
  const bool established = b.established;
  const bool closing = b.closing;
  idle_stop(b.idle);
  cancel_timer(b.connect_timer);
  backs_.erase(it);
  const std::string r(reason);
  if (front != -1 && fronts_.count(front)) {
    Front& f = fronts_[front];
    if (!established && r == "timeout") answer_error(f, 504, "could not connect to the target");
    else if (!established) answer_error(f, 502, "the target refused the connection (" + r + ")");
    else if (r == "reset")
      answer_error(f, 502, "the target reset the connection (RST) with the request outstanding");
    else
      answer_error(f, 502, "the target connection ended (" + r + ") with the request outstanding");
    return;
  }
  if (!closing && r != "closed") narrate("target connection " + r, &c);
}

void AlbProxy::on_back_idle(int back) {
  auto it = backs_.find(back);
  if (it == backs_.end() || it->second.closing) return;
  Back& b = it->second;
  if (b.front != -1) {
    gateway_timeout(b.front, back, "target connection");
    return;
  }
  ++counters_.target_idle_closes;
  close_back(back, "target connection #" + std::to_string(back) + " idle for " +
                       say_duration(params_.idle_timeout) + ": closing it with " + close_word());
}

void AlbProxy::on_connect_timeout(int back) {
  auto it = backs_.find(back);
  if (it == backs_.end()) return;
  Back& b = it->second;
  b.connect_timer = 0;
  if (b.established) return;
  const int front = b.front;
  b.front = -1;
  b.closing = true;
  TcpConnection* c = b.c;
  if (front != -1 && fronts_.count(front))
    answer_error(fronts_[front], 504,
                 "no connection to target " + format_endpoint(b.target) +
                     " within the connect timeout of " + say_duration(params_.connect_timeout));
  c->abort();  // SYN_SENT: nothing is sent, the attempt is dropped
}

void AlbProxy::gateway_timeout(int front, int back, const std::string& which) {
  auto it = fronts_.find(front);
  if (it == fronts_.end()) return;
  Front& f = it->second;
  ++counters_.http_504;
  f.outstanding = false;
  f.back = -1;
  HttpMessage m = alb_error(504);
  m.set_header("Connection", "close");
  narrate("idle timeout (" + say_duration(params_.idle_timeout) + ") on the " + which + " while " +
              f.current + " is outstanding (forwarded at " + say_time(f.forwarded_at) +
              "): answering the client " + m.summary() + " and closing both connections with " +
              close_word(),
          f.c);
  for (const Payload& p : m.to_payloads()) f.out.write(*f.c, p);
  if (back != -1 && backs_.count(back)) {
    backs_[back].front = -1;
    close_back(back, "");
  }
  close_front(front, "");
}

void AlbProxy::close_front(int front, const std::string& why) {
  auto it = fronts_.find(front);
  if (it == fronts_.end() || it->second.closing) return;
  Front& f = it->second;
  f.closing = true;
  idle_stop(f.idle);
  f.waiting.clear();
  if (!why.empty()) narrate(why, f.c);
  TcpConnection* c = f.c;
  if (params_.close_with == "rst") c->abort();  // may erase the entry
  else if (f.out.empty()) c->close();
}

void AlbProxy::close_back(int back, const std::string& why) {
  auto it = backs_.find(back);
  if (it == backs_.end() || it->second.closing) return;
  Back& b = it->second;
  b.closing = true;
  idle_stop(b.idle);
  cancel_timer(b.connect_timer);
  if (!why.empty()) narrate(why, b.c);
  TcpConnection* c = b.c;
  if (params_.close_with == "rst" || !b.established) c->abort();  // may erase the entry
  else if (b.out.empty()) c->close();
}

// --- snapshot ----------------------------------------------------------------------------

void AlbProxy::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("port", params_.port);
  w.key("targets").begin_array();
  for (const Endpoint& t : params_.targets) w.value(format_endpoint(t));
  w.end_array();
  w.field("idle_timeout_ns", params_.idle_timeout)
      .field("connect_timeout_ns", params_.connect_timeout);
  w.field("close_with", params_.close_with);
  w.field("close_with_note",
          "AWS does not document whether an ALB closes with FIN or RST; this simulation uses the "
          "close_with parameter");
  w.key("counters")
      .begin_object()
      .field("client_connections", counters_.client_connections)
      .field("requests", counters_.requests)
      .field("responses", counters_.responses)
      .field("http_502", counters_.http_502)
      .field("http_503", counters_.http_503)
      .field("http_504", counters_.http_504)
      .field("http_400", counters_.http_400)
      .field("client_closed_460", counters_.client_closed_460)
      .field("client_idle_closes", counters_.client_idle_closes)
      .field("target_idle_closes", counters_.target_idle_closes)
      .field("target_connections", counters_.target_connections)
      .field("target_reuses", counters_.target_reuses)
      .end_object();
  w.key("client_connections").begin_array();
  for (const auto& [id, f] : fronts_) {
    w.begin_object().field("conn", id);
    w.field("client", format_endpoint(f.c->tuple().remote_addr, f.c->tuple().remote_port));
    w.field("state", to_string(f.c->state())).field("outstanding", f.outstanding ? f.current : "");
    w.field("target_conn", f.back).field("requests", f.requests).field("closing", f.closing);
    w.field("last_activity_ns", f.idle.last_activity);
    time_field(w, "idle_deadline_ns", f.idle.deadline());
    w.end_object();
  }
  w.end_array();
  w.key("target_connections").begin_array();
  for (const auto& [id, b] : backs_) {
    w.begin_object().field("conn", id).field("target", format_endpoint(b.target));
    w.field("state", to_string(b.c->state())).field("client_conn", b.front);
    w.field("idle_in_pool", b.front == -1 && b.established && !b.closing);
    w.field("served", b.served).field("closing", b.closing);
    time_field(w, "connect_deadline_ns", timer_deadline(b.connect_timer));
    w.field("last_activity_ns", b.idle.last_activity);
    time_field(w, "idle_deadline_ns", b.idle.deadline());
    w.end_object();
  }
  w.end_array();
}

}  // namespace tcpplay
