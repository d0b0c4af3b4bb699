// The handshake and the teardown exactly as the textbooks draw them (RFC 9293 §3.5, §3.6).
#include <doctest/doctest.h>

#include "tcp_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;

TEST_CASE("tcp: 3-way handshake and 4-way teardown, states and packets") {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  TwoHosts w(lp, plain_config());
  RecordingApp server_app, client_app;
  server_app.close_on_peer_fin = false;
  REQUIRE(w.stcp().listen(80, 16, &server_app));
  auto c = w.ctcp().connect(w.server.addr(), 80, 40000, &client_app);
  REQUIRE(c);
  w.sim.run_until(1 * kSecond);
  CHECK(w.states(w.client) ==
        std::vector<std::string>{"CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED"});
  CHECK(w.states(w.server) == std::vector<std::string>{"CLOSED->LISTEN", "LISTEN->SYN_RECEIVED",
                                                       "SYN_RECEIVED->ESTABLISHED"});
  REQUIRE(server_app.last);
  (*c)->close();  // client: FIN_WAIT_1
  w.sim.run_until(2 * kSecond);
  // The server application closes a second later: CLOSE_WAIT -> LAST_ACK.
  server_app.last->close();
  w.sim.run_until(3 * kSecond);
  CHECK(w.states(w.client) == std::vector<std::string>{"CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED",
                                                       "ESTABLISHED->FIN_WAIT_1",
                                                       "FIN_WAIT_1->FIN_WAIT_2",
                                                       "FIN_WAIT_2->TIME_WAIT"});
  CHECK(w.states(w.server) == std::vector<std::string>{"CLOSED->LISTEN", "LISTEN->SYN_RECEIVED",
                                                       "SYN_RECEIVED->ESTABLISHED",
                                                       "ESTABLISHED->CLOSE_WAIT",
                                                       "CLOSE_WAIT->LAST_ACK", "LAST_ACK->CLOSED"});
  // TIME_WAIT lasts 2 x MSL = 240 s under the rfc profile.
  w.sim.run_until(300 * kSecond);
  const auto tw = w.times_of(w.client, "TIME_WAIT");
  const auto closed = w.times_of(w.client, "CLOSED");
  REQUIRE(tw.size() == 1);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0] - tw[0] == 240 * kSecond);

  const auto pk = w.packets();
  REQUIRE(pk.size() == 7);
  const std::string iss_c = std::to_string(w.sim.trace().packet(1)->tcp.seq);
  CHECK(pk[0] == "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq " + iss_c +
                     ", win 65535, options [mss 1460], length 0");
  CHECK(pk[1].find("IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq ") == 0);
  CHECK(pk[1].find(", ack " + std::to_string(std::stoul(iss_c) + 1) +
                   ", win 65535, options [mss 1460], length 0") != std::string::npos);
  CHECK(pk[2] == "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 65535, length 0");
  CHECK(pk[3] == "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [F.], seq 1, ack 1, win 65535, length 0");
  // The FIN takes one sequence number; receiver SWS avoidance (RFC 9293 §3.8.6.2.2) keeps the
  // right edge where it was, so the window shows one less.
  CHECK(pk[4] == "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 2, win 65534, length 0");
  CHECK(pk[5] == "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [F.], seq 1, ack 2, win 65534, length 0");
  CHECK(pk[6] == "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 2, win 65534, length 0");
}

TEST_CASE("tcp: data is delivered in order and PSH marks the end of a write") {
  TwoHosts w({}, plain_config());
  RecordingApp server_app;
  REQUIRE(w.stcp().listen(80, 16, &server_app));
  auto c = w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
  w.sim.run_until(100 * kMillisecond);
  REQUIRE((*c)->state() == TcpState::established);
  (*c)->send(Payload::from_text("hello, world"));
  w.sim.run_until(200 * kMillisecond);
  CHECK(server_app.data == "hello, world");
  const auto pk = w.packets();
  CHECK(
      pk[3] ==
      "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:13, ack 1, win 65535, length 12: HTTP");  // tcpdump decodes port 80
}

TEST_CASE("tcp: SYN to a closed port gets RST,ACK (RFC 9293 3.10.7.1)") {
  TwoHosts w({}, plain_config());
  RecordingApp app;
  auto c = w.ctcp().connect(w.server.addr(), 81, 40000, &app);
  w.sim.run_until(1 * kSecond);
  const auto pk = w.packets();
  REQUIRE(pk.size() == 2);
  const std::uint32_t iss = w.sim.trace().packet(1)->tcp.seq;
  CHECK(pk[1] == "IP 10.0.0.2.81 > 10.0.0.1.40000: Flags [R.], seq 0, ack " +
                     std::to_string(iss + 1) + ", win 0, length 0");
  CHECK(app.events == std::vector<std::string>{"closed:refused"});
}
