// The L7 proxy (AWS ALB behaviour): idle timeout on both connections with 504 and the close of
// both sides (lesson case 10), the server's own 504 passed on (case 11), 502 on a target's RST
// or FIN, the connect timeout, keep-alive reuse of target connections, and the pool remedy
// (case 14). Times follow the lesson table: ALB idle 60 s, server timeout 100 s / 30 s, work 80 s.
#include <doctest/doctest.h>

#include "app/http_client.h"
#include "app/http_server.h"
#include "app_fixture.h"
#include "component_snapshot.h"
#include "middlebox/alb.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {

bool to_addr(const SentPacket& s, const std::string& addr) {
  return contains(s.line, "> " + addr + ".");
}

struct AlbWorld : ThreeHosts {
  AlbProxy* alb = nullptr;
  HttpServer* web = nullptr;
  HttpClient* client_app = nullptr;

  AlbWorld(const HttpServerParams& sp, const AlbParams& base = {}) {
    AlbParams ap = base;
    ap.targets = {{server.addr(), 80}};
    alb = &sim.add_component<AlbProxy>(sim, mid, "alb", ap);
    web = &sim.add_component<HttpServer>(sim, server, "web", sp);
  }
  HttpClient& add_client(std::vector<SimTime> at,
                         std::optional<HttpPoolParams> pool = HttpPoolParams{}) {
    HttpClientParams cp;
    cp.server = {mid.addr(), 80};
    cp.at = std::move(at);
    cp.pool = pool;
    client_app = &sim.add_component<HttpClient>(sim, client, "client", cp);
    return *client_app;
  }
};

HttpServerParams work(SimTime processing, SimTime timeout) {
  HttpServerParams sp;
  sp.processing_time = processing;
  sp.timeout = timeout;
  return sp;
}

}  // namespace

TEST_CASE(
    "middlebox alb case 10: idle 60 s < work 80 s < server timeout 100 s -> 504 from the ALB at 60 "
    "s") {
  AlbWorld w(work(80 * kSecond, 100 * kSecond));
  auto& client = w.add_client({0});
  w.run(120 * kSecond);
  INFO(w.dump());

  // The client gets the ALB's 504 at 60 s.
  REQUIRE(client.requests().size() == 1);
  const auto& r = client.requests()[0];
  CHECK(r.outcome == "504");
  CHECK(r.done_at >= 60 * kSecond);
  CHECK(r.done_at < 60100 * kMillisecond);
  CHECK(w.alb->counters().http_504 == 1);
  const SimTime t504 = w.app_time(
      "alb", "idle timeout (60 s) on the client connection while request GET / is outstanding");
  CHECK(t504 >= 60 * kSecond);
  CHECK(t504 < 60100 * kMillisecond);

  // At that moment the ALB closes both sides: a FIN to the client (after the 504) and to the server.
  auto at60 = w.sent_by(w.mid, t504, t504 + kMillisecond);
  bool fin_client = false, fin_server = false, body_504 = false;
  for (const auto& s : at60) {
    if (to_addr(s, "10.0.0.1") && has_flag(s, 'F')) fin_client = true;
    if (to_addr(s, "10.0.0.1") &&
        s.p->payload.to_string().rfind("HTTP/1.1 504 Gateway Time-out\r\n", 0) == 0)
      body_504 = true;
    if (to_addr(s, "10.0.1.1") && has_flag(s, 'F')) fin_server = true;
  }
  CHECK(body_504);
  CHECK(fin_client);
  CHECK(fin_server);
  // Nothing from the ALB before that, after the request was forwarded (idle means idle).
  CHECK(w.sent_by(w.mid, 1 * kSecond, t504).empty());

  // The server keeps working; at 80 s it writes its 200 into CLOSE_WAIT, and the ALB's TCP (its
  // socket closed) answers with RST: the late response meets a closed connection.
  const SimTime t200 = w.app_time("web", "response 200 OK after 80 s, written into CLOSE_WAIT");
  CHECK(t200 >= 80 * kSecond);
  CHECK(t200 < 80100 * kMillisecond);
  bool data_at_80 = false;
  for (const auto& s : w.sent_by(w.server, t200, t200 + kMillisecond))
    if (s.p->payload.size() > 0 && contains(s.p->payload.to_string(), "200 OK")) data_at_80 = true;
  CHECK(data_at_80);
  bool rst_at_80 = false;
  for (const auto& s : w.sent_by(w.mid, t200, t200 + 10 * kMillisecond))
    if (to_addr(s, "10.0.1.1") && flags_of_line(s.line) == "R") rst_at_80 = true;
  CHECK(rst_at_80);
  // The server had closed right after writing (LAST_ACK); the RST ends its connection.
  const auto server_states = w.states(w.server, t200, t200 + 10 * kMillisecond);
  CHECK(std::find(server_states.begin(), server_states.end(), "LAST_ACK->CLOSED") !=
        server_states.end());
  // The client never saw the 200.
  CHECK(client.succeeded() == 0);

  nlohmann::json snap = component_snapshot(*w.alb);
  CHECK(snap["kind"] == "alb");
  CHECK(snap["close_with"] == "fin");
  CHECK(contains(snap["close_with_note"].get<std::string>(), "does not document"));
  CHECK(snap["counters"]["http_504"] == 1);
}

TEST_CASE(
    "middlebox alb case 11: server timeout 30 s < idle 60 s -> the server's 504 is passed on at 30 "
    "s") {
  AlbWorld w(work(80 * kSecond, 30 * kSecond));
  auto& client = w.add_client({0});
  w.run(200 * kSecond);
  INFO(w.dump());
  const auto& r = client.requests()[0];
  CHECK(r.outcome == "504");
  CHECK(r.done_at >= 30 * kSecond);
  CHECK(r.done_at < 30100 * kMillisecond);
  // The 504 came from the server, not the ALB.
  CHECK(w.alb->counters().http_504 == 0);
  CHECK(w.web->counters().timeouts == 1);
  const SimTime pass = w.app_time("alb", "response 504 Gateway Timeout from the target after 30.0");
  CHECK(pass >= 30 * kSecond);
  CHECK(pass < 30100 * kMillisecond);
  // The server closed its socket after its 504: at 80 s its work ends, and nothing can be written.
  const SimTime late = w.app_time("web", "the late response cannot be written");
  CHECK(late >= 80 * kSecond);
  CHECK(late < 80100 * kMillisecond);
  CHECK(w.sent_by(w.server, late, late + kSecond).empty());
  // The client connection stays open (keep-alive) until the ALB's idle timeout, 60 s after the 504.
  const SimTime idle_close =
      w.app_time("alb", "client connection idle for 60 s: closing it with FIN");
  CHECK(idle_close >= 90 * kSecond);
  CHECK(idle_close < 90100 * kMillisecond);
}

TEST_CASE("middlebox alb: the target closes (FIN) with the request outstanding -> 502") {
  HttpServerParams sp = work(80 * kSecond, 30 * kSecond);
  sp.on_timeout = "close";
  AlbWorld w(sp);
  auto& client = w.add_client({0});
  w.run(40 * kSecond);
  INFO(w.dump());
  CHECK(client.requests()[0].outcome == "502");
  CHECK(client.requests()[0].done_at >= 30 * kSecond);
  CHECK(client.requests()[0].done_at < 30100 * kMillisecond);
  CHECK(w.alb->counters().http_502 == 1);
  CHECK_FALSE(
      w.app("alb", "the target closed the connection (FIN) with the request outstanding").empty());
}

namespace {
/// A target that resets every connection as soon as a request arrives.
struct ResettingTarget : TcpObserver {
  void on_data(TcpConnection& c, const Payload&) override { c.abort(); }
};
}  // namespace

TEST_CASE("middlebox alb: the target resets (RST) with the request outstanding -> 502") {
  ThreeHosts w;
  AlbParams ap;
  ap.targets = {{w.server.addr(), 80}};
  auto& alb = w.sim.add_component<AlbProxy>(w.sim, w.mid, "alb", ap);
  ResettingTarget target;
  REQUIRE(w.sim.tcp(w.server).listen(80, 16, &target).ok());
  HttpClientParams cp;
  cp.server = {w.mid.addr(), 80};
  cp.at = {0, 5 * kSecond};
  cp.pool = HttpPoolParams{};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.run(10 * kSecond);
  INFO(w.dump());
  CHECK(client.requests()[0].outcome == "502");
  CHECK(client.requests()[0].done_at < 100 * kMillisecond);
  CHECK(client.requests()[1].outcome == "502");
  // The client connection survived the first 502: the second request reused it.
  CHECK(client.requests()[1].reused);
  CHECK(alb.counters().http_502 == 2);
  CHECK(
      app_events(w.sim, "alb", "the target reset the connection (RST) with the request outstanding")
          .size() == 2);
}

TEST_CASE("middlebox alb: no connection to the target within 10 s -> 504") {
  AlbWorld w(HttpServerParams{});
  LinkParams down;
  down.up = false;
  w.back.set_params(down);  // the target's SYNs vanish
  auto& client = w.add_client({0});
  w.run(30 * kSecond);
  INFO(w.dump());
  CHECK(client.requests()[0].outcome == "504");
  CHECK(client.requests()[0].done_at >= 10 * kSecond);
  CHECK(client.requests()[0].done_at < 10100 * kMillisecond);
  CHECK_FALSE(w.app("alb", "within the connect timeout of 10 s").empty());
  // The ALB tried: SYNs to the target, retransmitted with backoff, until the timeout.
  int syns = 0;
  for (const auto& s : w.sent_by(w.mid, 0, 10 * kSecond))
    if (to_addr(s, "10.0.1.1") && flags_of_line(s.line) == "S") ++syns;
  CHECK(syns >= 3);
  CHECK(w.sent_by(w.mid, 10100 * kMillisecond, 30 * kSecond).empty());
}

TEST_CASE("middlebox alb: keep-alive reuse of the target connection, round-robin over targets") {
  ThreeHosts w;
  w.server.add_addr(ThreeHosts::ip("10.0.1.2"));  // a second target address on the same host
  AlbParams ap;
  ap.targets = {{w.server.addr(), 80}, {w.server.addr(), 8080}};
  auto& alb = w.sim.add_component<AlbProxy>(w.sim, w.mid, "alb", ap);
  w.sim.add_component<HttpServer>(w.sim, w.server, "web", HttpServerParams{});
  HttpServerParams other;
  other.port = 8080;
  w.sim.add_component<HttpServer>(w.sim, w.server, "web8080", other);
  HttpClientParams cp;
  cp.server = {w.mid.addr(), 80};
  cp.at = {0, 1 * kSecond, 2 * kSecond, 3 * kSecond};
  cp.pool = HttpPoolParams{};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.run(10 * kSecond);
  CHECK(client.succeeded() == 4);
  CHECK(alb.counters().target_connections == 2);  // one per target
  CHECK(alb.counters().target_reuses == 2);
  CHECK(app_events(w.sim, "web", "response 200 OK").size() == 2);
  CHECK(app_events(w.sim, "web8080", "response 200 OK").size() == 2);
  nlohmann::json snap = component_snapshot(alb);
  CHECK(snap["target_connections"].size() == 2);
  CHECK(snap["target_connections"][0]["idle_in_pool"] == true);
  CHECK(snap["client_connections"].size() == 1);
  CHECK(snap["client_connections"][0]["idle_deadline_ns"].get<SimTime>() > 63 * kSecond);
}

TEST_CASE("middlebox alb case 10 with close_with=rst: both sides get RST at 60 s") {
  AlbParams ap;
  ap.close_with = "rst";
  AlbWorld w(work(80 * kSecond, 100 * kSecond), ap);
  auto& client = w.add_client({0});
  w.run(120 * kSecond);
  INFO(w.dump());
  CHECK(client.requests()[0].outcome == "504");
  const SimTime t504 = w.app_time("alb", "closing both connections with RST");
  CHECK(t504 >= 60 * kSecond);
  CHECK(t504 < 60100 * kMillisecond);
  bool rst_client = false, rst_server = false;
  for (const auto& s : w.sent_by(w.mid, t504, t504 + kMillisecond)) {
    if (to_addr(s, "10.0.0.1") && has_flag(s, 'R')) rst_client = true;
    if (to_addr(s, "10.0.1.1") && has_flag(s, 'R')) rst_server = true;
  }
  CHECK(rst_client);
  CHECK(rst_server);
  // The server's connection is gone: at 80 s the response cannot be written, and nothing is sent.
  const SimTime late = w.app_time("web", "but the connection is gone (reset at 60.");
  CHECK(late >= 80 * kSecond);
  CHECK(w.sent_by(w.server, late, 120 * kSecond).empty());
}

TEST_CASE("middlebox alb case 14: pool idle timeout below the ALB's 60 s -> no resets") {
  AlbWorld w(HttpServerParams{});
  HttpPoolParams pool;
  pool.idle_timeout = 50 * kSecond;
  auto& client = w.add_client({0, 70 * kSecond, 140 * kSecond, 150 * kSecond}, pool);
  w.run(300 * kSecond);
  INFO(w.dump());
  CHECK(client.succeeded() == 4);
  CHECK(client.failed() == 0);
  // The pool closed its idle connection before the ALB would have: the ALB never idled one out.
  CHECK(w.alb->counters().client_idle_closes == 0);
  CHECK(app_events(w.sim, "client", "pool idle timeout (50 s)").size() == 3);
  CHECK(client.requests()[3].reused);
  // No RST anywhere.
  for (const auto& s : w.sent()) CHECK_FALSE(has_flag(s, 'R'));
}

TEST_CASE(
    "middlebox alb: pool idle timeout above the ALB's -> a request racing the ALB's FIN fails") {
  // First run: when does the ALB close the idle client connection?
  SimTime fin_at = kNever;
  {
    AlbWorld w(HttpServerParams{});
    w.add_client({0});
    w.run(100 * kSecond);
    fin_at = w.app_time("alb", "client connection idle for 60 s");
    REQUIRE(fin_at != kNever);
  }
  // Second run: the client sends its next request while that FIN is on the wire (1 ms delay).
  AlbWorld w(HttpServerParams{});
  auto& client = w.add_client({0, fin_at + 500 * kMicrosecond});
  w.run(100 * kSecond);
  INFO(w.dump());
  CHECK(client.requests()[0].outcome == "ok");
  CHECK(client.requests()[1].reused);
  // The FIN arrives right after the request left: the client sees the connection closed before
  // any answer, and the ALB's TCP (its socket closed) answers the request with RST.
  CHECK(client.requests()[1].outcome == "closed");
  CHECK(client.failed() == 1);
  bool rst = false;
  for (const auto& s : w.sent_by(w.mid, fin_at, fin_at + 5 * kMillisecond))
    if (to_addr(s, "10.0.0.1") && flags_of_line(s.line) == "R") rst = true;
  CHECK(rst);
}

TEST_CASE("middlebox alb: TCP keepalives do not reset the ALB's idle timeout") {
  AlbWorld w(HttpServerParams{});
  HttpPoolParams pool;
  pool.idle_timeout = 0;
  pool.keepalive = true;
  pool.keepalive_idle = 20 * kSecond;
  pool.keepalive_interval = 20 * kSecond;
  auto& client = w.add_client({0}, pool);
  w.run(100 * kSecond);
  INFO(w.dump());
  CHECK(client.succeeded() == 1);
  // Probes at about 20 and 40 s reached the ALB and were answered by its TCP ...
  int probes = 0;
  for (const auto& s : w.sent_by(w.client, 10 * kSecond, 60 * kSecond))
    if (to_addr(s, "10.0.0.2") && s.p->payload.size() == 0) ++probes;
  CHECK(probes == 2);
  // ... but carry no data, so the ALB still closed the connection 60 s after the response.
  const SimTime closed = w.app_time("alb", "client connection idle for 60 s");
  CHECK(closed >= 60 * kSecond);
  CHECK(closed < 60100 * kMillisecond);
  CHECK_FALSE(w.app("client", "the server closed an idle pooled connection").empty());
}

TEST_CASE("middlebox alb: a target that refuses the connection -> 502") {
  ThreeHosts w;
  AlbParams ap;
  ap.targets = {{w.server.addr(), 80}};  // nothing listens there
  auto& alb = w.sim.add_component<AlbProxy>(w.sim, w.mid, "alb", ap);
  HttpClientParams cp;
  cp.server = {w.mid.addr(), 80};
  cp.at = {0};
  cp.pool = HttpPoolParams{};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.run(5 * kSecond);
  CHECK(client.requests()[0].outcome == "502");
  CHECK(client.requests()[0].done_at < 100 * kMillisecond);
  CHECK(alb.counters().http_502 == 1);
  CHECK_FALSE(app_events(w.sim, "alb", "the target refused the connection (refused)").empty());
}

TEST_CASE("middlebox alb: no targets -> 503") {
  ThreeHosts w;
  w.sim.add_component<AlbProxy>(w.sim, w.mid, "alb", AlbParams{});
  HttpClientParams cp;
  cp.server = {w.mid.addr(), 80};
  cp.at = {0};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.run(1 * kSecond);
  CHECK(client.requests()[0].outcome == "503");
}

TEST_CASE("middlebox alb: a busy, lossy mix of clients - every request ends with an outcome") {
  for (const char* close_with : {"fin", "rst"}) {
    CAPTURE(close_with);
    LinkParams lp;
    lp.delay = 2 * kMillisecond;
    lp.loss = 0.05;
    ThreeHosts w(lp, {}, 3);
    w.server.add_addr(ThreeHosts::ip("10.0.1.2"));
    AlbParams ap;
    ap.idle_timeout = 5 * kSecond;
    ap.close_with = close_with;
    ap.targets = {{w.server.addr(), 80}, {w.server.addr(), 81}};
    auto& alb = w.sim.add_component<AlbProxy>(w.sim, w.mid, "alb", ap);
    HttpServerParams fast;
    fast.processing_time = 300 * kMillisecond;
    fast.keep_alive_timeout = 3 * kSecond;  // below the ALB's idle timeout: the target closes first
    w.sim.add_component<HttpServer>(w.sim, w.server, "fast", fast);
    HttpServerParams slow;
    slow.port = 81;
    slow.processing_time = 7 * kSecond;  // beyond the ALB's idle timeout: 504s
    slow.body_bytes = 50000;
    w.sim.add_component<HttpServer>(w.sim, w.server, "slow", slow);

    std::vector<HttpClient*> clients;
    for (int i = 0; i < 4; ++i) {
      HttpClientParams cp;
      cp.server = {w.mid.addr(), 80};
      cp.count = 12;
      cp.start = i * 100 * kMillisecond;
      cp.interval = (1 + i) * 700 * kMillisecond;
      // A lost 504 followed by an RST beyond RCV.NXT draws only a challenge ACK (RFC 5961);
      // if that is lost too, the client's connection is half-open for good, as in real life.
      // A request timeout is what ends such a request.
      cp.request_timeout = 30 * kSecond;
      if (i != 1) cp.pool = HttpPoolParams{};
      if (i == 2) cp.pool->pipeline = true;
      if (i == 3) {
        cp.pool->max_connections = 1;
        cp.request_timeout = 4 * kSecond;
        cp.body_bytes = 3000;
      }
      clients.push_back(
          &w.sim.add_component<HttpClient>(w.sim, w.client, "c" + std::to_string(i), cp));
    }
    w.run(600 * kSecond);  // past every TIME_WAIT (240 s)
    std::uint64_t ok = 0, failed = 0;
    for (HttpClient* c : clients) {
      for (const auto& r : c->requests()) CHECK_FALSE(r.outcome.empty());
      ok += c->succeeded();
      failed += c->failed();
      CHECK(c->succeeded() + c->failed() == c->requests().size());
    }
    CHECK(ok > 10);
    CHECK(failed > 0);
    CHECK(alb.counters().http_504 > 0);
    // Nothing is left open on the ALB long after the last request.
    nlohmann::json snap = component_snapshot(alb);
    CHECK(snap["client_connections"].empty());
    CHECK(snap["target_connections"].empty());
  }
}
