// The HTTP/1.1 server and client: request and response, keep-alive, the server's own timeout
// (504 or close), the keep-alive idle timeout, and the client's connection pool.
#include <doctest/doctest.h>

#include "app/http_client.h"
#include "app/http_message.h"
#include "app/http_server.h"
#include "app_fixture.h"
#include "component_snapshot.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {
HttpClientParams client_to(const Host& server, std::vector<SimTime> at) {
  HttpClientParams p;
  p.server = {server.addr(), 80};
  p.at = std::move(at);
  return p;
}
}  // namespace

TEST_CASE("app http parser: request line, headers, Content-Length body, split anywhere") {
  const std::string text =
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: "
      "x\r\n\r\n";
  for (std::size_t cut = 1; cut < text.size(); cut += 7) {
    HttpParser p(true);
    CHECK(p.feed(Payload::from_text(text.substr(0, cut))));
    CHECK(p.feed(Payload::from_text(text.substr(cut))));
    REQUIRE(p.has_message());
    HttpMessage a = p.pop();
    CHECK(a.method == "POST");
    CHECK(a.target == "/upload");
    CHECK(a.header("content-length") == "5");
    CHECK(a.body_size == 5);
    REQUIRE(p.has_message());
    CHECK(p.pop().summary() == "GET /");
    CHECK_FALSE(p.has_message());
  }
  HttpParser bad(false);
  CHECK_FALSE(bad.feed(Payload::from_text("HTTP/1.1 2x0 OK\r\n\r\n")));
  CHECK(contains(bad.error(), "status line"));
  HttpMessage r = HttpMessage::response(200, "OK", "hi");
  CHECK(r.head() == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
}

TEST_CASE("app http: keep-alive through the pool serves several requests on one connection") {
  ThreeHosts w;  // client -- lb -- server, the lb host only routes here
  w.mid.forwarding = true;
  w.route_server_via_mid();
  w.client.add_route({0, 0, w.front.index()});
  auto& server = w.sim.add_component<HttpServer>(w.sim, w.server, "web", HttpServerParams{});
  HttpClientParams cp = client_to(w.server, {0, 1 * kSecond, 2 * kSecond});
  cp.pool = HttpPoolParams{};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.run(5 * kSecond);
  REQUIRE(client.requests().size() == 3);
  for (const auto& r : client.requests()) {
    CHECK(r.outcome == "ok");
    CHECK(r.status == 200);
  }
  CHECK_FALSE(client.requests()[0].reused);
  CHECK(client.requests()[1].reused);
  CHECK(client.requests()[2].reused);
  CHECK(client.connections_opened() == 1);
  CHECK(server.counters().connections == 1);
  CHECK(server.counters().requests == 3);
  // The narration tells the story.
  CHECK(w.app("client", "reused pooled connection (idle for").size() == 2);
  CHECK(w.app("web", "request GET /: response 200 OK after 10 ms").size() == 3);
  // Response bytes on the wire.
  int responses = 0;
  for (const auto& s : w.sent_by(w.server))
    if (contains(s.line, "length 41"))
      ++responses;  // "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nOK\n"
  CHECK(responses == 3);
  nlohmann::json snap = component_snapshot(client);
  CHECK(snap["succeeded"] == 3);
  CHECK(snap["connections"].size() == 1);
  CHECK(snap["connections"][0]["idle_in_pool"] == true);
  CHECK(snap["connections"][0]["pool_idle_deadline_ns"].get<SimTime>() > 2 * kSecond);
}

TEST_CASE("app http: without a pool every request opens (and closes) its own connection") {
  TwoHosts w;
  auto& server = w.sim.add_component<HttpServer>(w.sim, w.server, "web", HttpServerParams{});
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client",
                                                 client_to(w.server, {0, 1 * kSecond}));
  w.sim.run_until(3 * kSecond);
  CHECK(client.succeeded() == 2);
  CHECK(client.connections_opened() == 2);
  CHECK(server.counters().connections == 2);
  // "Connection: close": the server closes after the response, so TIME_WAIT is on the server.
  CHECK(w.times_of(w.server, "TIME_WAIT").size() == 2);
}

TEST_CASE("app http: the server's own timeout answers 504 and the late response is not written") {
  // Case 11's server: timeout 30 s, work 80 s.
  TwoHosts w;
  HttpServerParams sp;
  sp.processing_time = 80 * kSecond;
  sp.timeout = 30 * kSecond;
  auto& server = w.sim.add_component<HttpServer>(w.sim, w.server, "web", sp);
  HttpClientParams cp = client_to(w.server, {0});
  cp.pool = HttpPoolParams{};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.sim.run_until(100 * kSecond);
  REQUIRE(client.requests().size() == 1);
  const auto& r = client.requests()[0];
  CHECK(r.outcome == "504");
  CHECK(r.done_at > 30 * kSecond);
  CHECK(r.done_at < 30 * kSecond + 100 * kMillisecond);
  CHECK(client.failures().at("504") == 1);
  CHECK(server.counters().timeouts == 1);
  CHECK(server.counters().late_not_written == 1);
  // At 80 s the work is done; the server had closed its socket after the 504.
  const Trace& t = w.sim.trace();
  SimTime late = kNever;
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.at(i).kind == TraceKind::app &&
        contains(t.at(i).detail, "the late response cannot be written"))
      late = t.at(i).time;
  CHECK(late > 80 * kSecond);
  CHECK(late < 80100 * kMillisecond);
}

TEST_CASE("app http: on_timeout close ends the connection without an answer") {
  TwoHosts w;
  HttpServerParams sp;
  sp.processing_time = 80 * kSecond;
  sp.timeout = 30 * kSecond;
  sp.on_timeout = "close";
  w.sim.add_component<HttpServer>(w.sim, w.server, "web", sp);
  HttpClientParams cp = client_to(w.server, {0});
  cp.pool = HttpPoolParams{};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.sim.run_until(100 * kSecond);
  CHECK(client.requests()[0].outcome == "closed");
  CHECK(client.requests()[0].done_at > 30 * kSecond);
  CHECK(client.requests()[0].done_at < 31 * kSecond);
}

TEST_CASE("app http: the server closes an idle keep-alive connection; the pool drops it") {
  TwoHosts w;
  HttpServerParams sp;
  sp.keep_alive_timeout = 5 * kSecond;
  auto& server = w.sim.add_component<HttpServer>(w.sim, w.server, "web", sp);
  HttpClientParams cp = client_to(w.server, {0, 10 * kSecond});
  cp.pool = HttpPoolParams{};
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.sim.run_until(20 * kSecond);
  CHECK(server.counters().keep_alive_closes == 2);
  const SimTime closed = [&] {
    const Trace& t = w.sim.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
      if (t.at(i).kind == TraceKind::app && std::string(t.at(i).name) == "web" &&
          contains(t.at(i).detail, "keep-alive connection idle for 5 s"))
        return t.at(i).time;
    return kNever;
  }();
  CHECK(closed > 5 * kSecond);
  CHECK(closed < 5100 * kMillisecond);
  CHECK(client.succeeded() == 2);
  CHECK(client.connections_opened() == 2);  // the second request needed a new connection
  CHECK_FALSE(client.requests()[1].reused);
}

TEST_CASE("app http pool: an idle pooled connection is closed by the pool idle timeout") {
  TwoHosts w;
  w.sim.add_component<HttpServer>(w.sim, w.server, "web", HttpServerParams{});
  HttpClientParams cp = client_to(w.server, {0, 1 * kSecond, 20 * kSecond});
  cp.pool = HttpPoolParams{};
  cp.pool->idle_timeout = 3 * kSecond;
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.sim.run_until(30 * kSecond);
  CHECK(client.succeeded() == 3);
  CHECK(client.connections_opened() == 2);
  CHECK(client.requests()[1].reused);
  CHECK_FALSE(client.requests()[2].reused);
  // Idle since the response to request 2 (just after 1 s): closed by the client about 3 s later.
  std::vector<SimTime> closes;
  const Trace& t = w.sim.trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.at(i).kind == TraceKind::app && std::string(t.at(i).name) == "client" &&
        contains(t.at(i).detail, "pool idle timeout (3 s)"))
      closes.push_back(t.at(i).time);
  REQUIRE(closes.size() == 2);
  CHECK(closes[0] > 4 * kSecond);
  CHECK(closes[0] < 4100 * kMillisecond);
  // The client closed first, so the client holds TIME_WAIT.
  CHECK(w.times_of(w.client, "FIN_WAIT_1").front() == closes[0]);
}

TEST_CASE("app http pool: max_connections makes requests wait; the pool's TCP keepalive probes") {
  TwoHosts w;
  HttpServerParams sp;
  sp.processing_time = 1 * kSecond;
  w.sim.add_component<HttpServer>(w.sim, w.server, "web", sp);
  HttpClientParams cp = client_to(w.server, {0, 0, 0});
  cp.pool = HttpPoolParams{};
  cp.pool->max_connections = 1;
  cp.pool->keepalive = true;
  cp.pool->keepalive_idle = 10 * kSecond;
  cp.pool->keepalive_interval = 5 * kSecond;
  auto& client = w.sim.add_component<HttpClient>(w.sim, w.client, "client", cp);
  w.sim.run_until(20 * kSecond);
  CHECK(client.succeeded() == 3);
  CHECK(client.connections_opened() == 1);
  CHECK(client.requests()[2].done_at > 3 * kSecond);
  CHECK(client.requests()[2].done_at < 3100 * kMillisecond);
  // Idle from ~3 s: a keepalive probe at ~13 s (zero-length, old sequence number).
  bool probe = false;
  const Trace& t = w.sim.trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.at(i).kind == TraceKind::timer_fired && std::string(t.at(i).name) == "keepalive" &&
        t.at(i).host == w.client.index() && t.at(i).time > 13 * kSecond &&
        t.at(i).time < 13100 * kMillisecond)
      probe = true;
  CHECK(probe);
}

TEST_CASE("app http: a refused connection is recorded as connect_failed") {
  TwoHosts w;
  auto& client =
      w.sim.add_component<HttpClient>(w.sim, w.client, "client", client_to(w.server, {0}));
  w.sim.run_until(1 * kSecond);
  CHECK(client.requests()[0].outcome == "connect_failed");
  CHECK(client.failures().at("connect_failed") == 1);
}
