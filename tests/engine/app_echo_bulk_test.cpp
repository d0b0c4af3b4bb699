// Echo servers and the bulk sender/sink: what comes back is what was sent, and a bulk transfer
// arrives intact (checked byte by byte against the pattern stream).
#include <doctest/doctest.h>

#include "app/bulk.h"
#include "app/echo.h"
#include "app_fixture.h"
#include "component_snapshot.h"

using namespace tcpplay;
using namespace tcpplay::test;

TEST_CASE("app tcp echo: the bytes come back, and the server closes after the client") {
  TwoHosts w({}, plain_config());
  auto& echo = w.sim.add_component<TcpEchoServer>(w.sim, w.server, "echo", TcpEchoParams{});
  RecordingApp client;
  client.close_on_peer_fin = false;
  TcpConnection* c = *w.ctcp().connect(w.server.addr(), 7, 0, &client);
  w.sim.run_until(100 * kMillisecond);
  c->send(Payload::from_text("hello, echo"));
  w.sim.run_until(200 * kMillisecond);
  CHECK(client.data == "hello, echo");
  CHECK(echo.bytes_echoed() == 11);
  c->close();
  w.sim.run_until(2 * kSecond);
  CHECK(client.events.back() == "peer_closed");
  // The server's side went through CLOSE_WAIT and LAST_ACK: it closed after the client.
  auto st = w.states(w.server);
  CHECK(std::find(st.begin(), st.end(), "CLOSE_WAIT->LAST_ACK") != st.end());
  nlohmann::json snap = component_snapshot(echo);
  CHECK(snap["kind"] == "tcp_echo");
  CHECK(snap["bytes_echoed"] == 11);
}

namespace {
struct UdpRecorder : UdpObserver {
  std::vector<std::string> got;
  void on_datagram(UdpSocket&, Ipv4Addr, std::uint16_t, const Payload& d) override {
    got.push_back(d.to_string());
  }
};
}  // namespace

TEST_CASE("app udp echo: each datagram is sent back to its sender") {
  TwoHosts w;
  auto& echo = w.sim.add_component<UdpEchoServer>(w.sim, w.server, "uecho", UdpEchoParams{7});
  UdpRecorder rec;
  UdpSocket* s = *w.sim.udp(w.client).bind(0, &rec);
  CHECK(s->send_to(w.server.addr(), 7, Payload::from_text("one")).ok());
  CHECK(s->send_to(w.server.addr(), 7, Payload::from_text("two")).ok());
  w.sim.run_until(1 * kSecond);
  CHECK(rec.got == std::vector<std::string>{"one", "two"});
  CHECK(echo.echoed() == 2);
}

TEST_CASE("app bulk: 2 MB arrive intact and the sink reports goodput") {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  lp.bandwidth_bps = 10'000'000;
  TwoHosts w(lp);
  BulkSinkParams sp;
  auto& sink = w.sim.add_component<BulkSink>(w.sim, w.server, "sink", sp);
  BulkSenderParams bp;
  bp.to = {w.server.addr(), sp.port};
  bp.bytes = 2'000'000;
  auto& sender = w.sim.add_component<BulkSender>(w.sim, w.client, "bulk", bp);
  w.sim.run_until(10 * kSecond);
  REQUIRE(sink.stats().size() == 1);
  const auto& st = sink.stats()[0];
  CHECK(st.bytes == 2'000'000);
  CHECK(st.mismatches == 0);
  CHECK(st.finished);
  CHECK(sender.bytes_acked() == 2'000'000);
  // 2 MB over 10 Mbit/s takes at least 1.6 s: goodput cannot beat the link.
  CHECK(st.goodput_bps() <= 10'000'000);
  CHECK(st.goodput_bps() > 5'000'000);
}

TEST_CASE("app bulk: a slow reader (read_rate) throttles the transfer through the window") {
  LinkParams lp;
  lp.delay = 5 * kMillisecond;
  TcpConfig cfg;
  cfg.recv_buffer = 32768;
  cfg.window_scaling = false;
  TwoHosts w(lp, cfg);
  BulkSinkParams sp;
  sp.read_rate = 100'000;  // 100 kB/s
  auto& sink = w.sim.add_component<BulkSink>(w.sim, w.server, "sink", sp);
  BulkSenderParams bp;
  bp.to = {w.server.addr(), sp.port};
  bp.bytes = 0;
  bp.duration = 3 * kSecond;
  auto& sender = w.sim.add_component<BulkSender>(w.sim, w.client, "bulk", bp);
  w.sim.run_until(30 * kSecond);
  REQUIRE(sink.stats().size() == 1);
  const auto& st = sink.stats()[0];
  CHECK(st.mismatches == 0);
  CHECK(st.bytes == sender.bytes_queued());
  // In 3 s a 100 kB/s reader takes about 300 kB plus what the buffers held.
  CHECK(sender.bytes_queued() < 700'000);
  CHECK(sender.bytes_queued() > 300'000);
  // The reader was the bottleneck: the window the sink advertised closed to a small fraction of
  // its 32 KB buffer (zero, or the little that receiver SWS avoidance lets it offer).
  long smallest = 65535;
  for (const std::string& line : w.packets()) {
    const auto at = line.find(", win ");
    if (line.rfind("IP 10.0.0.2.5001 >", 0) == 0 && at != std::string::npos)
      smallest = std::min(smallest, std::stol(line.substr(at + 6)));
  }
  CHECK(smallest < 4096);
}

TEST_CASE("app bulk: the sink counts bytes that differ from the pattern stream") {
  TwoHosts w;
  BulkSinkParams sp;
  sp.pattern_seed = 7;  // the sender uses seed 1: every byte is checked against the wrong stream
  auto& sink = w.sim.add_component<BulkSink>(w.sim, w.server, "sink", sp);
  BulkSenderParams bp;
  bp.to = {w.server.addr(), sp.port};
  bp.bytes = 10000;
  w.sim.add_component<BulkSender>(w.sim, w.client, "bulk", bp);
  w.sim.run_until(5 * kSecond);
  REQUIRE(sink.stats().size() == 1);
  CHECK(sink.stats()[0].bytes == 10000);
  CHECK(sink.stats()[0].mismatches > 9000);
}
