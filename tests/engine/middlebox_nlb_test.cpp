// The L4 balancer (AWS NLB behaviour): pass-through with rewritten addresses, the silent expiry
// of an idle flow and the RSTs that follow (lesson case 12), the server timing out first
// (case 13), TCP keepalive keeping a flow alive (case 15), and UDP flows. Times follow the
// lesson table: NLB idle 350 s, server timeout 450 s / 300 s, work 400 s.
#include <doctest/doctest.h>

#include "app/echo.h"
#include "app/http_client.h"
#include "app/http_server.h"
#include "app_fixture.h"
#include "component_snapshot.h"
#include "middlebox/nlb.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {

bool starts(const SentPacket& s, const std::string& prefix) { return s.line.rfind(prefix, 0) == 0; }

struct NlbWorld : ThreeHosts {
  NlbBalancer* nlb = nullptr;
  HttpServer* web = nullptr;

  explicit NlbWorld(const HttpServerParams& sp, const NlbParams& base = {}) {
    route_server_via_mid();
    NlbParams np = base;
    np.targets = {{server.addr(), 80}};
    nlb = &sim.add_component<NlbBalancer>(sim, mid, "nlb", np);
    web = &sim.add_component<HttpServer>(sim, server, "web", sp);
  }
  HttpClient& add_client(std::vector<SimTime> at, HttpPoolParams pool = {},
                         SimTime request_timeout = 0) {
    HttpClientParams cp;
    cp.server = {mid.addr(), 80};  // the VIP
    cp.at = std::move(at);
    cp.pool = pool;
    cp.request_timeout = request_timeout;
    return sim.add_component<HttpClient>(sim, client, "client", cp);
  }
};

HttpServerParams work(SimTime processing, SimTime timeout) {
  HttpServerParams sp;
  sp.processing_time = processing;
  sp.timeout = timeout;
  sp.keep_alive_timeout = 0;  // the server never closes an idle connection by itself
  return sp;
}

}  // namespace

TEST_CASE("middlebox nlb: pass-through rewrites the destination and keeps the client's address") {
  NlbWorld w(work(10 * kMillisecond, 0));
  auto& client = w.add_client({0});
  w.run(2 * kSecond);
  INFO(w.dump());
  CHECK(client.succeeded() == 1);
  // The server accepted a connection from the client's own address.
  CHECK_FALSE(w.app("web", "accepted connection from 10.0.0.1:40000").empty());
  // On the back link: client address to the target. On the front link: from the VIP.
  bool back_syn = false, front_synack = false;
  for (const auto& s : w.sent_by(w.mid)) {
    if (starts(s, "IP 10.0.0.1.40000 > 10.0.1.1.80:") && flags_of_line(s.line) == "S")
      back_syn = true;
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") && flags_of_line(s.line) == "S.")
      front_synack = true;
  }
  CHECK(back_syn);
  CHECK(front_synack);
  // The balancer host's own TCP never saw the connection (no state changes there).
  CHECK(w.states(w.mid).empty());
  CHECK(w.nlb->counters().flows_created == 1);
  nlohmann::json snap = component_snapshot(*w.nlb);
  CHECK(snap["kind"] == "nlb");
  REQUIRE(snap["flows"].size() == 1);
  CHECK(snap["flows"][0]["client"] == "10.0.0.1:40000");
  CHECK(snap["flows"][0]["target"] == "10.0.1.1:80");
  const SimTime deadline = snap["flows"][0]["idle_deadline_ns"].get<SimTime>();
  CHECK(deadline == snap["flows"][0]["last_activity_ns"].get<SimTime>() + 350 * kSecond);
}

TEST_CASE(
    "middlebox nlb case 12: idle 350 s < work 400 s < server timeout 450 s -> silent expiry, then "
    "RSTs") {
  NlbWorld w(work(400 * kSecond, 450 * kSecond));
  HttpPoolParams pool;
  pool.pipeline = true;  // the client's next request goes on the connection it believes is open
  auto& client = w.add_client({0, 420 * kSecond}, pool);
  w.run(500 * kSecond);
  INFO(w.dump());

  // 350 s after the last packet the flow is forgotten, and no packet leaves the balancer.
  const SimTime expired = w.app_time("nlb", "flow expired");
  CHECK(expired >= 350 * kSecond);
  CHECK(expired < 351 * kSecond);
  CHECK(contains(w.app("nlb", "flow expired").front().detail, "forgotten silently"));
  CHECK(w.sent_by(w.mid, 1 * kSecond, 400 * kSecond).empty());
  CHECK(w.nlb->flow_count() == 0);

  // At 400 s the server's response meets no flow: the balancer answers the server with an RST
  // from the client's address.
  const SimTime answered = w.app_time("web", "response 200 OK after 400 s");
  CHECK(answered >= 400 * kSecond);
  CHECK(answered < 400100 * kMillisecond);
  bool rst_to_server = false;
  for (const auto& s : w.sent_by(w.mid, answered, answered + 10 * kMillisecond))
    if (starts(s, "IP 10.0.0.1.40000 > 10.0.1.1.80:") && flags_of_line(s.line) == "R")
      rst_to_server = true;
  CHECK(rst_to_server);
  CHECK_FALSE(w.app("nlb", "answering the target with RST from the client's address").empty());
  CHECK_FALSE(w.app("web", "connection reset").empty());
  // The client heard nothing at 400 s.
  CHECK(w.sent_by(w.mid, answered, 420 * kSecond).size() == 1);

  // At 420 s the client, still believing the connection is open, sends: RST from the VIP.
  bool rst_to_client = false;
  for (const auto& s : w.sent_by(w.mid, 420 * kSecond, 421 * kSecond))
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") && flags_of_line(s.line) == "R")
      rst_to_client = true;
  CHECK(rst_to_client);
  CHECK(client.requests()[0].outcome == "reset");
  CHECK(client.requests()[1].outcome == "reset");
  CHECK(client.requests()[1].done_at < 421 * kSecond);
  CHECK(w.nlb->counters().flows_expired == 1);
  CHECK(w.nlb->counters().rst_to_targets == 1);
  CHECK(w.nlb->counters().rst_to_clients == 1);
}

TEST_CASE(
    "middlebox nlb case 12 variant: the client gives up and closes; its FIN is answered with RST") {
  NlbWorld w(work(400 * kSecond, 450 * kSecond));
  auto& client = w.add_client({0}, {}, 500 * kSecond);
  w.run(600 * kSecond);
  INFO(w.dump());
  CHECK(client.requests()[0].outcome == "timeout");
  bool rst = false;
  for (const auto& s : w.sent_by(w.mid, 500 * kSecond, 501 * kSecond))
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") && flags_of_line(s.line) == "R") rst = true;
  CHECK(rst);
}

TEST_CASE("middlebox nlb case 13: server timeout 300 s < idle 350 s -> the server's 504 at 300 s") {
  NlbWorld w(work(400 * kSecond, 300 * kSecond));
  auto& client = w.add_client({0});
  w.run(1000 * kSecond);
  INFO(w.dump());
  CHECK(client.requests()[0].outcome == "504");
  CHECK(client.requests()[0].done_at >= 300 * kSecond);
  CHECK(client.requests()[0].done_at < 300100 * kMillisecond);
  CHECK(w.nlb->counters().rst_to_clients == 0);
  CHECK(w.nlb->counters().rst_to_targets == 0);
  for (const auto& s : w.sent()) CHECK(flags_of_line(s.line).find('R') == std::string::npos);
  // The flow carried the 504 and both FINs; it expires 350 s after its last packet.
  const SimTime expired = w.app_time("nlb", "flow expired");
  CHECK(expired >= 650 * kSecond);
  CHECK(expired < 651 * kSecond);
}

TEST_CASE("middlebox nlb case 15: TCP keepalive (300 s) keeps the flow alive past 350 s") {
  NlbWorld w(work(10 * kMillisecond, 0));
  HttpPoolParams pool;
  pool.idle_timeout = 0;  // the pool keeps its connection
  pool.keepalive = true;
  pool.keepalive_idle = 300 * kSecond;
  auto& client = w.add_client({0, 1000 * kSecond}, pool);
  w.run(1100 * kSecond);
  INFO(w.dump());
  CHECK(w.nlb->counters().flows_expired == 0);
  CHECK(client.requests()[1].outcome == "ok");
  CHECK(client.requests()[1].reused);
  // Probes at about 300, 600 and 900 s went through the balancer (and their ACKs came back).
  int probes = 0;
  for (const auto& s : w.sent_by(w.mid, 250 * kSecond, 1000 * kSecond))
    if (starts(s, "IP 10.0.0.1.40000 > 10.0.1.1.80:") && s.p->payload.size() == 0) ++probes;
  CHECK(probes == 3);
}

TEST_CASE("middlebox nlb: without keepalive the same idle connection is reset at 1000 s") {
  NlbWorld w(work(10 * kMillisecond, 0));
  HttpPoolParams pool;
  pool.idle_timeout = 0;
  auto& client = w.add_client({0, 1000 * kSecond}, pool);
  w.run(1100 * kSecond);
  CHECK(w.nlb->counters().flows_expired == 1);
  CHECK(client.requests()[1].outcome == "reset");
}

TEST_CASE(
    "middlebox nlb: UDP flows time out after 120 s; a later datagram from the target is dropped") {
  ThreeHosts w;
  w.route_server_via_mid();
  NlbParams np;
  np.port = 7;
  np.protocol = "udp";
  np.targets = {{w.server.addr(), 7}};
  auto& nlb = w.sim.add_component<NlbBalancer>(w.sim, w.mid, "nlb", np);
  w.sim.add_component<UdpEchoServer>(w.sim, w.server, "echo", UdpEchoParams{7});
  struct Rec : UdpObserver {
    std::vector<std::string> from;
    void on_datagram(UdpSocket&, Ipv4Addr a, std::uint16_t p, const Payload&) override {
      from.push_back(format_endpoint(a, p));
    }
  } rec;
  UdpSocket* s = *w.sim.udp(w.client).bind(5555, &rec);
  REQUIRE(s->send_to(w.mid.addr(), 7, Payload::from_text("ping")).ok());
  w.run(1 * kSecond);
  REQUIRE(rec.from.size() == 1);
  CHECK(rec.from[0] == "10.0.0.2:7");  // the answer comes from the VIP
  w.run(200 * kSecond);
  const SimTime expired = w.app_time("nlb", "flow expired: UDP flow");
  CHECK(expired >= 120 * kSecond);
  CHECK(expired < 121 * kSecond);
  // The target sends to the client on the forgotten flow: dropped, no RST for UDP.
  REQUIRE(w.sim.udp(w.server)
              .socket(7)
              ->send_to(w.client.addr(), 5555, Payload::from_text("late"))
              .ok());
  w.run(201 * kSecond);
  CHECK(rec.from.size() == 1);
  CHECK_FALSE(w.app("nlb", "matches no flow: dropped").empty());
  CHECK(nlb.counters().dropped_no_flow == 1);
}

TEST_CASE("middlebox nlb: a packet that is not a SYN opens no flow: RST from the VIP") {
  NlbWorld w(work(10 * kMillisecond, 0));
  CraftedSegment seg;
  seg.src_port = 41000;
  seg.dst_port = 80;
  seg.flags = tcp_flag::ack;
  seg.seq = 1000;
  seg.ack = 5000;
  REQUIRE(w.sim.tcp(w.client).inject(seg, w.mid.addr()).ok());
  w.run(1 * kSecond);
  auto out = w.sent_by(w.mid);
  REQUIRE(out.size() == 1);
  // RFC 9293 §3.10.7.1: the ACK was on, so <SEQ=SEG.ACK><CTL=RST>.
  CHECK(starts(out[0], "IP 10.0.0.2.80 > 10.0.0.1.41000: Flags [R], seq 5000,"));
  CHECK(w.nlb->counters().flows_created == 0);
}

TEST_CASE(
    "middlebox nlb: a busy, lossy mix of clients - every request ends, flows are cleaned up") {
  LinkParams lp;
  lp.delay = 2 * kMillisecond;
  lp.loss = 0.05;
  ThreeHosts w(lp, {}, 5);
  w.route_server_via_mid();
  w.server.add_addr(ThreeHosts::ip("10.0.1.2"));
  NlbParams np;
  np.tcp_idle_timeout = 5 * kSecond;
  np.targets = {{w.server.addr(), 80}, {w.server.addr(), 81}};
  auto& nlb = w.sim.add_component<NlbBalancer>(w.sim, w.mid, "nlb", np);
  HttpServerParams fast;
  fast.processing_time = 300 * kMillisecond;
  fast.keep_alive_timeout = 0;
  w.sim.add_component<HttpServer>(w.sim, w.server, "fast", fast);
  HttpServerParams slow = fast;
  slow.port = 81;
  slow.processing_time = 7 * kSecond;  // beyond the flow idle timeout
  slow.body_bytes = 50000;
  w.sim.add_component<HttpServer>(w.sim, w.server, "slow", slow);
  std::vector<HttpClient*> clients;
  for (int i = 0; i < 4; ++i) {
    HttpClientParams cp;
    cp.server = {w.mid.addr(), 80};
    cp.count = 10;
    cp.start = i * 100 * kMillisecond;
    cp.interval = (1 + i) * 900 * kMillisecond;
    if (i != 1) cp.pool = HttpPoolParams{};
    if (i == 2) {
      cp.pool->keepalive = true;
      cp.pool->keepalive_idle = 2 * kSecond;
      cp.pool->keepalive_interval = 1 * kSecond;
    }
    // Without a timeout a client whose response was lost to a forgotten flow waits forever
    // (case 12); with one, every request ends.
    cp.request_timeout = i == 3 ? 10 * kSecond : 30 * kSecond;
    clients.push_back(
        &w.sim.add_component<HttpClient>(w.sim, w.client, "c" + std::to_string(i), cp));
  }
  w.run(600 * kSecond);
  std::uint64_t ok = 0, failed = 0;
  for (HttpClient* c : clients) {
    for (const auto& r : c->requests()) CHECK_FALSE(r.outcome.empty());
    CHECK(c->succeeded() + c->failed() == c->requests().size());
    ok += c->succeeded();
    failed += c->failed();
  }
  CHECK(ok > 10);
  CHECK(failed > 0);
  CHECK(nlb.counters().flows_expired > 0);
  CHECK(nlb.counters().rst_to_targets + nlb.counters().rst_to_clients > 0);
  CHECK(nlb.flow_count() == 0);
}
