#include "app/http_server.h"

namespace tcpplay {

HttpServer::HttpServer(Simulation& sim, Host& host, std::string name,
                       const HttpServerParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  const TcpConfig cfg = tcp_config(params_.tcp);
  auto l = tcp().listen(params_.port, params_.backlog, this, &cfg);
  if (!l) {
    narrate("cannot listen: " + l.error());
    return;
  }
  std::string what = "HTTP server on port " + std::to_string(params_.port) +
                     ": each request takes " + say_duration(params_.processing_time);
  what += params_.timeout > 0
              ? ", server timeout " + say_duration(params_.timeout) +
                    (params_.on_timeout == "close" ? " (then close)" : " (then 504)")
              : ", no server timeout";
  if (params_.keep_alive && params_.keep_alive_timeout > 0)
    what += ", keep-alive idle timeout " + say_duration(params_.keep_alive_timeout);
  narrate(what);
}

HttpServer::~HttpServer() {
  for (auto& [id, s] : conns_) {
    idle_stop(s.idle);
    s.c->set_observer(nullptr);
  }
  if (tcp().listener(params_.port) && tcp().listener(params_.port)->observer == this)
    (void)tcp().unlisten(params_.port);
}

HttpMessage HttpServer::normal_response() const {
  const char* reason = http_reason(params_.status);
  if (params_.body_bytes > 0)
    return HttpMessage::response_pattern(params_.status, reason, 1, params_.body_bytes);
  return HttpMessage::response(params_.status, reason, params_.body);
}

void HttpServer::on_established(TcpConnection& c) {
  ++counters_.connections;
  Conn& s = conns_[c.id()];
  s.c = &c;
  narrate(
      "accepted connection from " + format_endpoint(c.tuple().remote_addr, c.tuple().remote_port),
      &c);
  arm_keep_alive(s);
}

Status HttpServer::set_param(HttpServerParams& p, std::string_view name, std::string_view value) {
  if (name == "on_timeout") {
    if (Status st = live_choice(name, value, {"504", "close"}); !st) return st;
    p.on_timeout = std::string(value);
    return Status::success();
  }
  SimTime* field = name == "processing_time"      ? &p.processing_time
                   : name == "timeout"            ? &p.timeout
                   : name == "keep_alive_timeout" ? &p.keep_alive_timeout
                                                  : nullptr;
  if (!field)
    return make_error("an http_server has no live parameter \"" + std::string(name) +
                      "\" (live: processing_time, timeout, on_timeout, keep_alive_timeout)");
  auto d = live_duration(name, value);
  if (!d) return make_error(d.error());
  *field = *d;
  return Status::success();
}

Status HttpServer::set_live(std::string_view name, std::string_view value) {
  if (Status st = set_param(params_, name, value); !st) return st;
  // Timers already armed follow the new length counted from when they started (a request's
  // work and timeout from its start, keep-alive from the connection's last activity), at once
  // if that has passed: the rule TCP's armed timers follow on a live change. A timeout set
  // from 0 (none) is not armed for requests already in progress; 0 disarms it.
  for (auto& [id, j] : jobs_) {
    if (name == "processing_time" && j.work != 0)
      retime_timer(j.work, j.started + params_.processing_time);
    if (name == "timeout" && j.timeout != 0) {
      if (params_.timeout == 0) cancel_timer(j.timeout);
      else retime_timer(j.timeout, j.started + params_.timeout);
    }
  }
  if (name == "keep_alive_timeout")
    for (auto& [id, s] : conns_) idle_retime(s.idle, params_.keep_alive_timeout);
  return Status::success();
}

void HttpServer::arm_keep_alive(Conn& s) {
  if (!params_.keep_alive || params_.keep_alive_timeout == 0 || s.closing) return;
  const int id = s.c->id();
  idle_start(s.idle, params_.keep_alive_timeout, [this, id] {
    auto it = conns_.find(id);
    if (it == conns_.end() || it->second.job != 0) return;
    ++counters_.keep_alive_closes;
    close_conn(it->second, "keep-alive connection idle for " +
                               say_duration(params_.keep_alive_timeout) + ": closing it");
  });
}

void HttpServer::on_data(TcpConnection& c, const Payload& data) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  idle_touch(s.idle);
  if (s.closing) return;
  if (!s.parser.feed(data)) {
    ++counters_.bad_requests;
    narrate("bad request (" + s.parser.error() + "): answering 400 and closing", &c);
    HttpMessage m = HttpMessage::response(400, "Bad Request", "");
    m.set_header("Connection", "close");
    write(s, m);
    close_conn(s, "closing after 400");
    return;
  }
  while (s.parser.has_message()) {
    s.waiting.push_back(s.parser.pop());
    ++counters_.requests;
  }
  start_next(s);
}

void HttpServer::start_next(Conn& s) {
  if (s.job != 0 || s.waiting.empty() || s.closing) return;
  HttpMessage req = std::move(s.waiting.front());
  s.waiting.pop_front();
  idle_stop(s.idle);
  const std::uint64_t id = next_job_++;
  Job& j = jobs_[id];
  j.number = ++s.requests;
  j.conn = s.c->id();
  j.summary = "request " + req.summary();
  j.wants_close = req.wants_close();
  j.started = now();
  s.job = id;
  j.work = set_timer(now() + params_.processing_time, [this, id] { on_work_done(id); });
  if (params_.timeout > 0)
    j.timeout = set_timer(now() + params_.timeout, [this, id] { on_job_timeout(id); });
  std::string what = j.summary + ": working for " + say_duration(params_.processing_time);
  if (params_.timeout > 0) what += " (server timeout " + say_duration(params_.timeout) + ")";
  narrate(what, s.c);
}

void HttpServer::on_job_timeout(std::uint64_t id) {
  auto jt = jobs_.find(id);
  if (jt == jobs_.end()) return;
  Job& j = jt->second;
  j.timeout = 0;
  j.timed_out = true;
  ++counters_.timeouts;
  auto it = conns_.find(j.conn);
  if (it == conns_.end()) {
    narrate(j.summary + ": server timeout after " + say_duration(params_.timeout) +
                ", but the connection is already gone (" + gone_[j.conn] + ")",
            FourTuple{}, j.conn);
    return;
  }
  Conn& s = it->second;
  s.job = 0;  // the work goes on, detached from the connection
  if (params_.on_timeout == "close") {
    close_conn(s, j.summary + ": server timeout after " + say_duration(params_.timeout) +
                      ": closing the connection without an answer");
    return;
  }
  HttpMessage m = HttpMessage::response(504, "Gateway Timeout", "504 Gateway Timeout\n");
  m.set_header("Connection", "close");
  narrate(j.summary + ": server timeout after " + say_duration(params_.timeout) +
              ": answering 504 Gateway Timeout",
          s.c);
  write(s, m);
  close_conn(s, "closing the connection after the 504");
}

void HttpServer::on_work_done(std::uint64_t id) {
  auto jt = jobs_.find(id);
  if (jt == jobs_.end()) return;
  Job j = jt->second;
  jobs_.erase(jt);
  cancel_timer(j.timeout);
  const std::string gone = gone_.count(j.conn) ? gone_[j.conn] : "";
  if (!job_refers_to(j.conn)) gone_.erase(j.conn);
  const std::string took = say_duration(now() - j.started);
  auto it = conns_.find(j.conn);
  if (j.timed_out) {
    if (!params_.send_late_response) {
      narrate(j.summary + ": work done after " + took +
                  ", after the timeout; the late response is dropped",
              FourTuple{}, j.conn);
      return;
    }
    if (it == conns_.end()) {
      ++counters_.late_not_written;
      narrate(j.summary + ": work done after " + took +
                  "; the late response cannot be written: the connection is gone (" + gone + ")",
              FourTuple{}, j.conn);
      return;
    }
    Conn& s = it->second;
    if (s.closing) {
      ++counters_.late_not_written;
      narrate(j.summary + ": work done after " + took +
                  "; the late response cannot be written: the server already closed this socket (" +
                  to_string(s.c->state()) + ")",
              s.c);
      return;
    }
    ++counters_.late_written;
    narrate(j.summary + ": work done after " + took + "; writing the late response into " +
                to_string(s.c->state()),
            s.c);
    write(s, normal_response());
    return;
  }
  if (it == conns_.end()) {
    ++counters_.late_not_written;
    narrate(j.summary + ": response ready after " + took + ", but the connection is gone (" + gone +
                "): nothing is written",
            FourTuple{}, j.conn);
    return;
  }
  Conn& s = it->second;
  s.job = 0;
  HttpMessage m = normal_response();
  const bool close_after = j.wants_close || !params_.keep_alive || s.peer_closed;
  if (close_after) m.set_header("Connection", "close");
  std::string what = j.summary + ": response " + m.summary() + " after " + took;
  if (s.peer_closed)
    what += ", written into " + std::string(to_string(s.c->state())) +
            " (the peer closed its side earlier)";
  narrate(what, s.c);
  write(s, m);
  if (close_after) {
    close_conn(
        s, s.peer_closed ? "closing: the peer had closed its side" : "closing: Connection: close");
    return;
  }
  start_next(s);
  if (s.job == 0) arm_keep_alive(s);
}

bool HttpServer::job_refers_to(int conn) const {
  for (const auto& [id, j] : jobs_)
    if (j.conn == conn) return true;
  return false;
}

void HttpServer::drop_job(std::uint64_t id) {
  auto jt = jobs_.find(id);
  if (jt == jobs_.end()) return;
  cancel_timer(jt->second.work);
  cancel_timer(jt->second.timeout);
  jobs_.erase(jt);
}

void HttpServer::write(Conn& s, const HttpMessage& m) {
  ++counters_.responses;
  for (const Payload& p : m.to_payloads()) s.out.write(*s.c, p);
  idle_touch(s.idle);
}

void HttpServer::close_conn(Conn& s, const std::string& why) {
  if (s.closing) return;
  s.closing = true;
  idle_stop(s.idle);
  s.waiting.clear();
  narrate(why, s.c);
  if (s.out.empty()) s.c->close();
}

void HttpServer::on_writable(TcpConnection& c) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  it->second.out.flush(c);
  if (it->second.closing && it->second.out.empty()) c.close();
}

void HttpServer::on_peer_closed(TcpConnection& c) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  s.peer_closed = true;
  if (s.job != 0 && params_.send_late_response) {
    narrate("the peer closed its side (FIN) while " + jobs_[s.job].summary +
                " is in progress: the work goes on (the server notices when it writes)",
            &c);
    return;
  }
  if (s.job != 0) {
    narrate("the peer closed its side (FIN) while " + jobs_[s.job].summary +
                " is in progress: the server abandons the work (send_late_response is off)",
            &c);
    drop_job(s.job);
    s.job = 0;
  }
  close_conn(s, "the peer closed its side: closing ours");
}

void HttpServer::on_closed(TcpConnection& c, const char* reason) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  if (s.job != 0 || job_refers_to(c.id()))
    gone_[c.id()] = std::string(reason) + " at " + say_time(now());
  std::string what = std::string("connection ") + reason;
  if (s.job != 0) {
    what += " while " + jobs_[s.job].summary + " is in progress";
    if (!params_.send_late_response) {
      what += ": the server abandons the work";
      drop_job(s.job);
    }
  }
  narrate(what, &c);
  idle_stop(s.idle);
  conns_.erase(it);
}

void HttpServer::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("port", params_.port);
  w.field("processing_time_ns", params_.processing_time).field("timeout_ns", params_.timeout);
  w.field("on_timeout", params_.on_timeout);
  w.field("keep_alive_timeout_ns", params_.keep_alive ? params_.keep_alive_timeout : 0);
  w.key("counters")
      .begin_object()
      .field("connections", counters_.connections)
      .field("requests", counters_.requests)
      .field("responses", counters_.responses)
      .field("timeouts", counters_.timeouts)
      .field("late_written", counters_.late_written)
      .field("not_written", counters_.late_not_written)
      .field("keep_alive_closes", counters_.keep_alive_closes)
      .field("bad_requests", counters_.bad_requests)
      .end_object();
  w.key("connections").begin_array();
  for (const auto& [id, s] : conns_) {
    w.begin_object().field("conn", id);
    w.field("peer", format_endpoint(s.c->tuple().remote_addr, s.c->tuple().remote_port));
    w.field("state", to_string(s.c->state())).field("requests", s.requests);
    w.field("waiting", s.waiting.size()).field("closing", s.closing);
    time_field(w, "idle_deadline_ns", s.idle.deadline());
    if (s.job != 0) {
      const Job& job = jobs_.at(s.job);
      w.key("in_progress")
          .begin_object()
          .field("request", job.summary)
          .field("started_ns", job.started);
      w.field("response_at_ns", job.started + params_.processing_time);
      time_field(w, "timeout_at_ns", params_.timeout > 0 ? job.started + params_.timeout : kNever);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.key("work_after_timeout").begin_array();
  for (const auto& [id, job] : jobs_)
    if (job.timed_out)
      w.begin_object()
          .field("request", job.summary)
          .field("conn", job.conn)
          .field("response_at_ns", job.started + params_.processing_time)
          .end_object();
  w.end_array();
}

}  // namespace tcpplay
