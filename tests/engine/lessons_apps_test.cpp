// The application and load-balancer lessons in examples/ (10-16): each runs from its JSON, and
// what its description and "watch" list promise is checked from the trace: times, states, who
// sent what. The lesson text and these assertions must agree; change both together.
#include <doctest/doctest.h>

#include <algorithm>

#include "app/bulk.h"
#include "app/http_client.h"
#include "app/http_server.h"
#include "app/udp_stream.h"
#include "lesson_fixture.h"
#include "middlebox/alb.h"
#include "middlebox/nlb.h"
#include "tcp/tcp_connection.h"
#include "tcp_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {

bool starts(const Lesson::Sent& s, const std::string& prefix) {
  return s.line.rfind(prefix, 0) == 0;
}
bool payload_starts(const Lesson::Sent& s, const std::string& text) {
  return s.packet->payload.size() > 0 && s.packet->payload.to_string().rfind(text, 0) == 0;
}

/// Packets `host` put on a wire in [from, to) ("" = any host).
std::vector<Lesson::Sent> sent_between(Lesson& l, const std::string& host, SimTime from,
                                       SimTime to) {
  std::vector<Lesson::Sent> out;
  for (auto& s : l.sent())
    if ((host.empty() || s.host == host) && s.t >= from && s.t < to) out.push_back(s);
  return out;
}

/// "FROM->TO" state changes of the connections on `host` in [from, to).
std::vector<std::string> states_on(Lesson& l, const std::string& host, SimTime from = 0,
                                   SimTime to = kNever) {
  std::vector<std::string> out;
  l.each([&](const TraceEvent& e) {
    if (e.kind == TraceKind::state_change && e.host >= 0 &&
        l.trace().host_names[static_cast<std::size_t>(e.host)] == host && e.time >= from &&
        e.time < to)
      out.push_back(std::string(e.from) + "->" + e.to);
  });
  return out;
}
bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// The first app event of component `name` whose detail contains `needle` (kNever if none).
SimTime first(Lesson& l, const std::string& name, const std::string& needle) {
  auto v = l.app_events(needle, name);
  return v.empty() ? kNever : v.front();
}

/// Packet drops with `reason` seen by `host`.
int drops_on(Lesson& l, const std::string& host, const std::string& reason) {
  int n = 0;
  l.each([&](const TraceEvent& e) {
    if (e.kind == TraceKind::packet_dropped && reason == e.name && e.host >= 0 &&
        l.trace().host_names[static_cast<std::size_t>(e.host)] == host)
      ++n;
  });
  return n;
}

template <typename T>
T& component(Lesson& l, const std::string& name) {
  Component* c = l.runner->sim().find_component(name);
  REQUIRE(c != nullptr);
  T* t = dynamic_cast<T*>(c);
  REQUIRE(t != nullptr);
  return *t;
}

bool within(SimTime t, double from_s, double to_s) { return t >= at(from_s) && t < at(to_s); }

}  // namespace

TEST_CASE(
    "lesson 10: ALB idle 60 s < response 80 s < server timeout 100 s -> 504 from the ALB at 60 s") {
  Lesson l("10-alb-idle-504.json");
  auto& alb = component<AlbProxy>(l, "alb");
  auto& browser = component<HttpClient>(l, "browser");
  CHECK(alb.params().close_with == "fin");

  // The client's connection ends at the ALB; the ALB's own connection carries the request.
  CHECK(sent_between(l, "lb", 0, at(0.1)).size() >= 3);
  CHECK_FALSE(l.sent_matching("lb", "IP 10.0.0.2.40000 > 10.0.1.1.80: Flags [P.]").empty());
  // After the delayed ACKs at 0.2 s, nothing moves until the idle timeout.
  const SimTime t504 = first(
      l, "alb", "idle timeout (60 s) on the client connection while request GET / is outstanding");
  REQUIRE(within(t504, 60, 60.01));
  CHECK(sent_between(l, "", at(0.3), t504).empty());

  // At 60 s: the 504 and a FIN to the client, a FIN to the server.
  bool body_504 = false, fin_client = false, fin_server = false;
  for (const auto& s : sent_between(l, "lb", t504, t504 + kMillisecond)) {
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") &&
        payload_starts(s, "HTTP/1.1 504 Gateway Time-out\r\n"))
      body_504 = true;
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") && has_flag(s, 'F')) fin_client = true;
    if (starts(s, "IP 10.0.0.2.40000 > 10.0.1.1.80:") && has_flag(s, 'F')) fin_server = true;
  }
  CHECK(body_504);
  CHECK(fin_client);
  CHECK(fin_server);
  CHECK(within(first(l, "browser", "request #1: 504 Gateway Time-out after 60"), 60, 60.01));
  REQUIRE(browser.requests().size() == 1);
  CHECK(browser.requests()[0].outcome == "504");
  CHECK(has(states_on(l, "server", at(60), at(60.01)), "ESTABLISHED->CLOSE_WAIT"));

  // At 80 s the server writes its 200 into CLOSE_WAIT; the ALB's TCP answers with RST.
  const SimTime t200 = first(l, "web", "response 200 OK after 80 s, written into CLOSE_WAIT");
  REQUIRE(within(t200, 80, 80.01));
  bool data_200 = false;
  for (const auto& s : sent_between(l, "server", t200, t200 + kMillisecond))
    if (payload_starts(s, "HTTP/1.1 200 OK\r\n")) data_200 = true;
  CHECK(data_200);
  bool rst = false;
  for (const auto& s : sent_between(l, "lb", t200, t200 + 10 * kMillisecond))
    if (starts(s, "IP 10.0.0.2.40000 > 10.0.1.1.80:") && flags_of_line(s.line) == "R") rst = true;
  CHECK(rst);
  CHECK(has(states_on(l, "lb", t200, t200 + 10 * kMillisecond), "FIN_WAIT_2->CLOSED"));
  CHECK(has(states_on(l, "server", t200, t200 + 10 * kMillisecond), "LAST_ACK->CLOSED"));

  // The summary's numbers.
  CHECK(alb.counters().http_504 == 1);
  CHECK(browser.succeeded() == 0);
  CHECK(browser.failures() == std::map<std::string, std::uint64_t>{{"504", 1}});
}

TEST_CASE(
    "lesson 10 with close_with=rst (as its description suggests): RST to both sides at 60 s") {
  std::ifstream in(std::string(TCPPLAY_SOURCE_DIR) + "/examples/10-alb-idle-504.json");
  std::stringstream ss;
  ss << in.rdbuf();
  LoadResult r = Scenario::load(ss.str(), {Override{"middleboxes.0.close_with", "rst"}});
  REQUIRE(r.ok());
  Lesson l("10-alb-idle-504.json", false);
  l.runner = std::make_unique<ScenarioRunner>(std::move(*r.scenario));
  l.runner->run();
  const SimTime t = first(l, "alb", "closing both connections with RST");
  REQUIRE(within(t, 60, 60.01));
  bool rst_client = false, rst_server = false;
  for (const auto& s : sent_between(l, "lb", t, t + kMillisecond)) {
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") && has_flag(s, 'R')) rst_client = true;
    if (starts(s, "IP 10.0.0.2.40000 > 10.0.1.1.80:") && has_flag(s, 'R')) rst_server = true;
  }
  CHECK(rst_client);
  CHECK(rst_server);
}

TEST_CASE(
    "lesson 11: server timeout 30 s < ALB idle 60 s -> the server's 504 is passed on at 30 s") {
  Lesson l("11-server-timeout-504.json");
  auto& alb = component<AlbProxy>(l, "alb");
  auto& browser = component<HttpClient>(l, "browser");
  auto& web = component<HttpServer>(l, "web");

  const SimTime t = first(l, "web", "server timeout after 30 s: answering 504 Gateway Timeout");
  REQUIRE(within(t, 30, 30.01));
  bool body = false, fin = false;
  for (const auto& s : sent_between(l, "server", t, t + kMillisecond)) {
    if (payload_starts(s, "HTTP/1.1 504 Gateway Timeout\r\n")) body = true;
    if (has_flag(s, 'F')) fin = true;
  }
  CHECK(body);
  CHECK(fin);
  // The ALB passes it on, with the server's wording.
  CHECK(within(first(l, "alb", "response 504 Gateway Timeout from the target"), 30, 30.01));
  bool relayed = false;
  for (const auto& s : sent_between(l, "lb", t, t + 10 * kMillisecond))
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") &&
        payload_starts(s, "HTTP/1.1 504 Gateway Timeout\r\n"))
      relayed = true;
  CHECK(relayed);
  CHECK(l.sent_matching("lb", "504 Gateway Time-out").empty());
  REQUIRE(browser.requests().size() == 1);
  CHECK(browser.requests()[0].outcome == "504");
  CHECK(within(browser.requests()[0].done_at, 30, 30.01));
  CHECK(alb.counters().http_504 == 0);
  CHECK(web.counters().timeouts == 1);

  // 80 s: the work ends; the server closed that socket at 30 s, so nothing is written.
  CHECK(within(first(l, "web", "the late response cannot be written"), 80, 80.01));
  CHECK(sent_between(l, "server", at(30.1), kNever).empty());

  // 90 s: the ALB closes the idle client connection; the pool removes it.
  CHECK(within(first(l, "alb", "client connection idle for 60 s: closing it with FIN"), 90, 90.01));
  CHECK(within(first(l, "browser", "the server closed an idle pooled connection"), 90, 90.01));
}

TEST_CASE(
    "lesson 12: NLB idle 350 s < response 400 s < server timeout 450 s -> silent expiry, then "
    "RSTs") {
  Lesson l("12-nlb-idle-rst.json");
  auto& nlb = component<NlbBalancer>(l, "nlb");
  auto& browser = component<HttpClient>(l, "browser");

  // Pass-through: the client's address is kept on the back link; the NLB host's TCP is not involved.
  CHECK(within(first(l, "nlb", "new TCP flow 10.0.0.1:40000 -> 10.0.0.2:80 -> 10.0.1.1:80"), 0,
               0.01));
  CHECK_FALSE(l.sent_matching("lb", "IP 10.0.0.1.40000 > 10.0.1.1.80: Flags [S]").empty());
  CHECK(states_on(l, "lb").empty());

  // 350 s after the last packet the flow is forgotten, and no packet leaves anyone (the balancer included).
  const SimTime expired = first(l, "nlb", "flow expired");
  REQUIRE(within(expired, 350, 351));
  CHECK(l.app_events("forgotten silently (no packet is sent to either side)", "nlb").size() == 1);
  CHECK(sent_between(l, "", at(0.3), at(400)).empty());

  // 400 s: the server's response meets no flow: RST to the server in the client's name.
  const SimTime answered = first(l, "web", "response 200 OK after 400 s");
  REQUIRE(within(answered, 400, 400.01));
  bool rst_to_server = false;
  for (const auto& s : sent_between(l, "lb", answered, answered + 10 * kMillisecond))
    if (starts(s, "IP 10.0.0.1.40000 > 10.0.1.1.80:") && flags_of_line(s.line) == "R")
      rst_to_server = true;
  CHECK(rst_to_server);
  CHECK(has(states_on(l, "server", answered, answered + 10 * kMillisecond), "ESTABLISHED->CLOSED"));
  CHECK(drops_on(l, "lb", "nlb_no_flow") == 2);
  // The client hears nothing at 400 s.
  CHECK(sent_between(l, "lb", answered, at(420)).size() == 1);

  // 420 s: the client sends on the connection it believes open: RST from the VIP.
  bool rst_to_client = false;
  for (const auto& s : sent_between(l, "lb", at(420), at(421)))
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") && flags_of_line(s.line) == "R")
      rst_to_client = true;
  CHECK(rst_to_client);
  CHECK(has(states_on(l, "client", at(420), at(421)), "ESTABLISHED->CLOSED"));
  REQUIRE(browser.requests().size() == 2);
  CHECK(browser.requests()[0].outcome == "reset");
  CHECK(browser.requests()[1].outcome == "reset");
  CHECK(within(browser.requests()[1].sent_at, 420, 420.001));
  CHECK(nlb.counters().flows_expired == 1);
  CHECK(nlb.counters().rst_to_targets == 1);
  CHECK(nlb.counters().rst_to_clients == 1);
}

TEST_CASE("lesson 13: server timeout 300 s < NLB idle 350 s -> the server's 504 at 300 s, no RST") {
  Lesson l("13-nlb-server-timeout.json");
  auto& nlb = component<NlbBalancer>(l, "nlb");
  auto& browser = component<HttpClient>(l, "browser");

  const SimTime t = first(l, "web", "server timeout after 300 s: answering 504 Gateway Timeout");
  REQUIRE(within(t, 300, 300.01));
  bool body = false, fin = false;
  for (const auto& s : sent_between(l, "lb", t, t + 10 * kMillisecond)) {
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") &&
        payload_starts(s, "HTTP/1.1 504 Gateway Timeout\r\n"))
      body = true;
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40000:") && has_flag(s, 'F')) fin = true;
  }
  CHECK(body);
  CHECK(fin);
  REQUIRE(browser.requests().size() == 1);
  CHECK(browser.requests()[0].outcome == "504");
  CHECK(within(browser.requests()[0].done_at, 300, 300.01));
  CHECK(within(first(l, "web", "the late response cannot be written"), 400, 400.01));
  // The client closes too; its FIN goes through the flow to the server.
  CHECK(sent_between(l, "lb", t, t + 10 * kMillisecond).size() >= 4);
  bool client_fin = false;
  for (const auto& s : sent_between(l, "lb", t, t + 10 * kMillisecond))
    if (starts(s, "IP 10.0.0.1.40000 > 10.0.1.1.80: Flags [F.]")) client_fin = true;
  CHECK(client_fin);

  for (const auto& s : l.sent()) CHECK(flags_of_line(s.line).find('R') == std::string::npos);
  CHECK(nlb.counters().rst_to_clients == 0);
  CHECK(nlb.counters().rst_to_targets == 0);

  // Both ends leave TIME_WAIT at 540 s; the flow lingers until 350 s after the last packet.
  std::vector<SimTime> closed;
  l.each([&](const TraceEvent& e) {
    if (e.kind == TraceKind::state_change && std::string(e.from) == "TIME_WAIT")
      closed.push_back(e.time);
  });
  REQUIRE(closed.size() == 2);
  for (SimTime c : closed) CHECK(within(c, 540, 540.1));
  CHECK(within(first(l, "nlb", "flow expired"), 650, 651));
  CHECK(nlb.counters().flows_expired == 1);
}

TEST_CASE(
    "lesson 14: a pool idle timeout below the ALB's 60 s -> no resets; above it, a request races "
    "the FIN") {
  Lesson l("14-pool-below-idle.json");
  auto& alb = component<AlbProxy>(l, "alb");
  auto& good = component<HttpClient>(l, "good");
  auto& racy = component<HttpClient>(l, "racy");
  auto& web = component<HttpServer>(l, "web");

  // good: every request succeeds; #2 and #5 reuse, #3 and #4 open new connections.
  REQUIRE(good.requests().size() == 5);
  for (const auto& r : good.requests()) CHECK(r.outcome == "ok");
  CHECK(good.requests()[1].reused);
  CHECK_FALSE(good.requests()[2].reused);
  CHECK_FALSE(good.requests()[3].reused);
  CHECK(good.requests()[4].reused);
  CHECK(good.failed() == 0);
  const auto pool_closes =
      l.app_events("pool idle timeout (50 s): closing the idle pooled connection", "good");
  REQUIRE(pool_closes.size() == 3);
  CHECK(within(pool_closes[0], 80, 80.02));
  CHECK(l.sent_matching("client", "IP 10.0.0.1.40002 > 10.0.0.2.80: Flags [S]").size() == 1);
  CHECK(l.sent_matching("client", "IP 10.0.0.1.40003 > 10.0.0.2.80: Flags [S]").size() == 1);
  // No RST touches good's connections: every RST is on racy's (10.0.0.1:40001).
  int rsts = 0;
  for (const auto& s : l.sent()) {
    if (!has_flag(s, 'R')) continue;
    ++rsts;
    CHECK(s.line.find("10.0.0.1.40001") != std::string::npos);
  }
  CHECK(rsts > 0);

  // racy: its request #2 crosses the ALB's FIN and fails; the ALB answers it with RST.
  REQUIRE(racy.requests().size() == 2);
  CHECK(racy.requests()[0].outcome == "ok");
  CHECK(racy.requests()[1].reused);
  CHECK(racy.requests()[1].outcome == "closed");
  CHECK(within(racy.requests()[1].sent_at, 60.5145, 60.5146));
  const SimTime fin = first(l, "alb", "client connection idle for 60 s: closing it with FIN");
  REQUIRE(within(fin, 60.515, 60.5151));
  CHECK(racy.requests()[1].sent_at < fin);
  bool rst = false;
  for (const auto& s : sent_between(l, "lb", fin, fin + 5 * kMillisecond))
    if (starts(s, "IP 10.0.0.2.80 > 10.0.0.1.40001:") && flags_of_line(s.line) == "R") rst = true;
  CHECK(rst);

  // The ALB, not the server, closes idle target connections (60 s < the server's 75 s): no 502.
  const auto target_closes = l.app_events("idle for 60 s: closing it with FIN", "alb");
  std::vector<SimTime> back;
  for (SimTime t : target_closes)
    if (t != fin) back.push_back(t);
  REQUIRE(back.size() == 3);
  CHECK(within(back[0], 90.013, 90.0131));
  CHECK(within(back[1], 160.017, 160.0171));
  CHECK(within(back[2], 240.013, 240.0131));
  CHECK(web.counters().keep_alive_closes == 0);
  CHECK(alb.counters().http_502 == 0);
  CHECK(alb.counters().client_idle_closes == 1);
  CHECK(alb.counters().target_idle_closes == 3);
  CHECK(good.succeeded() == 5);
  CHECK(racy.succeeded() == 1);
  CHECK(racy.failed() == 1);
}

TEST_CASE(
    "lesson 15: TCP keepalive every 300 s keeps the NLB flow; the 7200 s default and no keepalive "
    "do not") {
  Lesson l("15-keepalive-nlb.json");
  auto& nlb = component<NlbBalancer>(l, "nlb");
  auto& ka300 = component<HttpClient>(l, "ka300");
  auto& ka_default = component<HttpClient>(l, "ka_default");
  auto& no_ka = component<HttpClient>(l, "no_ka");

  // ka300's probes at about 300, 600 and 900 s pass the NLB and are answered.
  std::vector<SimTime> probes, passed;
  for (const auto& s : sent_between(l, "client", at(1), at(1000)))
    if (starts(s, "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.]") && s.packet->payload.size() == 0)
      probes.push_back(s.t);
  for (const auto& s : sent_between(l, "lb", at(1), at(1000)))
    if (starts(s, "IP 10.0.0.1.40000 > 10.0.1.1.80: Flags [.]") && s.packet->payload.size() == 0)
      passed.push_back(s.t);
  REQUIRE(probes.size() == 3);
  CHECK(within(probes[0], 300, 300.1));
  CHECK(within(probes[1], 600, 600.1));
  CHECK(within(probes[2], 900, 900.1));
  CHECK(passed.size() == 3);
  CHECK(l.sent_matching("server", "IP 10.0.1.1.80 > 10.0.0.1.40000: Flags [.]").size() >= 3);
  CHECK(drops_on(l, "server", "unacceptable_seq") == 3);
  // ka_default (keepalive idle 7200 s) and no_ka send nothing between the first and the second request.
  for (const auto& s : sent_between(l, "client", at(1), at(1000)))
    CHECK(s.line.find("10.0.0.1.40000 >") != std::string::npos);

  // Only the two silent flows expire, at about 350 s.
  const auto expired = l.app_events("flow expired", "nlb");
  REQUIRE(expired.size() == 2);
  for (SimTime t : expired) CHECK(within(t, 350, 351));
  CHECK(l.app_events("flow expired: TCP flow 10.0.0.1:40001", "nlb").size() == 1);
  CHECK(l.app_events("flow expired: TCP flow 10.0.0.1:40002", "nlb").size() == 1);

  // 1000 s: ka300 succeeds on its reused connection; the others are reset by the NLB.
  REQUIRE(ka300.requests().size() == 2);
  CHECK(ka300.requests()[1].outcome == "ok");
  CHECK(ka300.requests()[1].reused);
  for (HttpClient* c : {&ka_default, &no_ka}) {
    REQUIRE(c->requests().size() == 2);
    CHECK(c->requests()[0].outcome == "ok");
    CHECK(c->requests()[1].reused);
    CHECK(c->requests()[1].outcome == "reset");
    CHECK(within(c->requests()[1].done_at, 1000, 1000.3));
    CHECK(c->succeeded() == 1);
    CHECK(c->failed() == 1);
  }
  CHECK(l.sent_matching("lb", "IP 10.0.0.2.80 > 10.0.0.1.40001: Flags [R]").size() == 1);
  CHECK(l.sent_matching("lb", "IP 10.0.0.2.80 > 10.0.0.1.40002: Flags [R]").size() == 1);
  CHECK(ka300.succeeded() == 2);

  // The server never heard of the resets: all three of its connections are still ESTABLISHED.
  Host* server = l.runner->sim().net().find_host("server");
  REQUIRE(server);
  int established = 0;
  for (TcpConnection* c : l.runner->sim().tcp(*server).connections())
    if (c->state() == TcpState::established) ++established;
  CHECK(established == 3);
  CHECK(nlb.counters().flows_expired == 2);
  CHECK(nlb.counters().rst_to_clients == 2);
}

TEST_CASE(
    "lesson 16: UDP loses, reorders and duplicates; TCP delivers every byte, three times slower") {
  Lesson l("16-udp-vs-tcp-loss.json");
  auto& rx = component<UdpStreamReceiver>(l, "udp_rx");
  auto& tx = component<UdpStreamSender>(l, "udp_tx");
  auto& sink = component<BulkSink>(l, "tcp_rx");

  // UDP: done at 6 s; about a tenth lost, some reordered, a few duplicated; nothing resent.
  CHECK(tx.sent() == 500);
  CHECK(within(first(l, "udp_tx", "done: 500 datagrams sent"), 6, 6.001));
  CHECK(l.sent_matching("udp_src", "UDP").size() == 500);
  CHECK(rx.received() + rx.lost() == 500);
  CHECK(rx.lost() >= 25);
  CHECK(rx.lost() <= 75);
  CHECK(rx.reordered() >= 10);
  CHECK(rx.duplicates() >= 1);
  CHECK(rx.malformed() == 0);
  CHECK_FALSE(l.app_events("gap: #", "udp_rx").empty());
  CHECK_FALSE(l.app_events("arrived late (after #", "udp_rx").empty());
  CHECK_FALSE(l.app_events("duplicate of datagram #", "udp_rx").empty());

  // TCP: losses on its path too (even the SYN, retried after 1 s), yet every byte arrives, in order.
  CHECK(drops_on(l, "tcp_src", "loss") + drops_on(l, "tcp_dst", "loss") > 10);
  bool sack = false;
  for (const auto& s : l.sent_matching("tcp_dst", "Flags [.]"))
    if (s.line.find("sack ") != std::string::npos) sack = true;
  CHECK(sack);
  const auto syns = l.sent_matching("tcp_src", "Flags [S]");
  REQUIRE(syns.size() == 2);
  CHECK(syns[1].t - syns[0].t == at(1));
  CHECK(sink.total_bytes() == 500000);
  CHECK(sink.total_mismatches() == 0);
  const SimTime done = first(l, "tcp_rx", "received 500000 bytes, 0 mismatched");
  REQUIRE(within(done, 16, 18));
  // "Three times as long": the UDP stream took 5 s from its start at 1 s.
  CHECK(done - at(1) >= at(15));
}
