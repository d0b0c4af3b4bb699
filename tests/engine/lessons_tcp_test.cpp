// Each TCP lesson in examples/ runs, and what its "watch" list promises is checked from the
// trace: the lesson text and these assertions must agree.
#include <doctest/doctest.h>

#include "lesson_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;
using V = std::vector<std::string>;

TEST_CASE("lesson 01: handshake and teardown") {
  Lesson l("01-handshake.json");
  CHECK(l.states("c1") == V{"CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED", "ESTABLISHED->FIN_WAIT_1",
                            "FIN_WAIT_1->FIN_WAIT_2", "FIN_WAIT_2->TIME_WAIT"});
  CHECK(l.states("srv.1") == V{"LISTEN->SYN_RECEIVED", "SYN_RECEIVED->ESTABLISHED",
                               "ESTABLISHED->CLOSE_WAIT", "CLOSE_WAIT->LAST_ACK",
                               "LAST_ACK->CLOSED"});
  CHECK(l.sent_matching("server", "Flags [.], ack 6,").size() == 1);  // 1 for the SYN + 5 bytes
  CHECK(l.entered("srv.1", "LAST_ACK") == std::vector<SimTime>{at(3.5)});
}

TEST_CASE("lesson 02: TIME_WAIT lasts 2 x MSL after the last FIN") {
  Lesson l("02-teardown-time-wait.json");
  CHECK(l.states("c1") == V{"CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED", "ESTABLISHED->FIN_WAIT_1",
                            "FIN_WAIT_1->FIN_WAIT_2", "FIN_WAIT_2->TIME_WAIT",
                            "TIME_WAIT->CLOSED"});
  CHECK(l.entered("c1", "TIME_WAIT") == std::vector<SimTime>{at(3.005)});
  CHECK(l.entered("c1", "CLOSED") == std::vector<SimTime>{at(243.005)});
  CHECK(l.states("srv.1").back() == "LAST_ACK->CLOSED");
}

TEST_CASE("lesson 03: simultaneous open") {
  Lesson l("03-simultaneous-open.json");
  const V expected{"CLOSED->SYN_SENT", "SYN_SENT->SYN_RECEIVED", "SYN_RECEIVED->ESTABLISHED"};
  CHECK(l.states("a") == expected);
  CHECK(l.states("b") == expected);
  CHECK(l.sent_matching("", "Flags [S],").size() == 2);
  CHECK(l.sent_matching("", "Flags [S.],").size() == 2);
}

TEST_CASE("lesson 04: simultaneous close goes through CLOSING") {
  Lesson l("04-simultaneous-close.json");
  for (const char* s : {"c1", "srv.1"}) {
    const auto st = l.states(s);
    REQUIRE(st.size() >= 3);
    CHECK(V(st.end() - 3, st.end()) ==
          V{"ESTABLISHED->FIN_WAIT_1", "FIN_WAIT_1->CLOSING", "CLOSING->TIME_WAIT"});
  }
}

TEST_CASE("lesson 05: SYN to a closed port is refused with RST") {
  Lesson l("05-closed-port.json");
  const auto s = l.sent();
  REQUIRE(s.size() == 2);
  CHECK(s[1].line.find("Flags [R.], seq 0, ack ") != std::string::npos);
  CHECK(l.states("c1") == V{"CLOSED->SYN_SENT", "SYN_SENT->CLOSED"});
}

TEST_CASE("lesson 06: connect timeout to a black-holed host") {
  Lesson l("06-connect-timeout.json");
  std::vector<SimTime> syn_times;
  for (const auto& s : l.sent_matching("client", "Flags [S],")) syn_times.push_back(s.t);
  CHECK(syn_times == std::vector<SimTime>{at(1), at(2), at(4), at(8), at(16), at(32), at(64)});
  CHECK(l.drops("link_down").size() == 7);
  CHECK(l.entered("c1", "CLOSED") == std::vector<SimTime>{at(128)});
}

TEST_CASE("lesson 07: TIME_WAIT drops a late duplicate; data after close gets RST") {
  Lesson l("07-time-wait-late-segment.json");
  CHECK(l.drops("scripted_loss") == std::vector<SimTime>{at(3.005)});
  CHECK(l.drops("late_segment_in_time_wait") == std::vector<SimTime>{at(3.505)});
  CHECK(l.entered("srv.1", "CLOSED") == std::vector<SimTime>{at(3.51)});
  CHECK(l.states("c1").back() == "FIN_WAIT_2->TIME_WAIT");
  CHECK(l.states("c2").back() == "FIN_WAIT_2->CLOSED");
  CHECK(l.states("srv.2").back() == "CLOSE_WAIT->CLOSED");
  CHECK(l.sent_matching("client", "Flags [R]").size() == 1);
}

TEST_CASE("lesson 08: half-close keeps the other direction open") {
  Lesson l("08-half-close.json");
  CHECK(l.entered("c1", "FIN_WAIT_2").size() == 1);
  CHECK(l.entered("c1", "TIME_WAIT") == std::vector<SimTime>{at(6.01)});
  const auto parts = l.sent_matching("server", "Flags [P.]");
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].t == at(3));
  CHECK(parts[2].t == at(5));
  CHECK(l.app_events("part three.", "c1").size() == 1);
}

TEST_CASE("lesson 09: injected RSTs - challenge ACK, then the reset") {
  Lesson l("09-rst-injection.json");
  CHECK(l.drops("rst_in_window_challenge_ack") == std::vector<SimTime>{at(2.01)});
  CHECK(l.sent_matching("server", "Flags [.], ack ").size() > 0);
  CHECK(l.entered("srv.1", "CLOSED") == std::vector<SimTime>{at(3.01)});
  CHECK(l.states("srv.1").back() == "ESTABLISHED->CLOSED");
  CHECK(l.entered("c1", "CLOSED") == std::vector<SimTime>{at(3.27)});
}

TEST_CASE("lesson 17: a slow reader closes the window; persist probes until it opens") {
  Lesson l("17-flow-control-zero-window.json");
  CHECK(l.sent_matching("server", ", win 0, length 0").size() >= 5);
  int persist_fired = 0;
  l.each([&](const TraceEvent& e) {
    if (e.kind == TraceKind::timer_fired && std::string(e.name) == "persist") ++persist_fired;
  });
  CHECK(persist_fired >= 5);
  // After a zero window, the window reopens by at least one MSS (receiver SWS avoidance).
  bool was_zero = false;
  int reopened = 0;
  for (const auto& s : l.sent_matching("server", "Flags [.]")) {
    const std::uint16_t w = s.packet->tcp.window;
    if (was_zero && w > 0) {
      CHECK(w >= 1460);
      ++reopened;
    }
    was_zero = w == 0;
  }
  CHECK(reopened >= 5);
  CHECK(l.runner->socket("srv.1")->snapshot().bytes_delivered > 20000);
}

TEST_CASE(
    "lesson 18: slow start, queue overflow, fast retransmit and recovery for NewReno and CUBIC") {
  Lesson l("18-congestion-control.json");
  CHECK(l.drops("queue_full").size() > 20);
  int reno = 0, cubic = 0, rto = 0;
  l.each([&](const TraceEvent& e) {
    if (e.kind == TraceKind::note && e.detail.find("fast retransmit") != std::string::npos) {
      if (e.host == 0) ++reno;
      if (e.host == 2) ++cubic;
    }
    if (e.kind == TraceKind::timer_fired && std::string(e.name) == "retransmit") ++rto;
  });
  CHECK(reno >= 3);
  CHECK(cubic >= 3);
  CHECK(rto == 0);
  auto* newreno = l.runner->socket("newreno");
  auto* cub = l.runner->socket("cubic");
  REQUIRE(newreno);
  REQUIRE(cub);
  CHECK(newreno->snapshot().congestion_control == "newreno");
  CHECK(cub->snapshot().congestion_control == "cubic");
  CHECK(newreno->series().size() > 100);
  CHECK(l.runner->socket("s1.1")->snapshot().bytes_delivered == 30000000);
  CHECK(l.runner->socket("s2.1")->snapshot().bytes_delivered == 30000000);
}

TEST_CASE(
    "lesson 19: Nagle plus delayed ACK stalls the second write by 40 ms; TCP_NODELAY does not") {
  Lesson l("19-nagle-delayed-ack.json");
  const auto nagle = l.sent_matching("client", "10.0.0.1.40000 > 10.0.0.2.9000: Flags [P.]");
  const auto nodelay = l.sent_matching("client", "10.0.0.1.40001 > 10.0.0.2.9000: Flags [P.]");
  REQUIRE(nagle.size() == 2);
  REQUIRE(nodelay.size() == 2);
  CHECK(nagle[0].t == at(1));
  CHECK(nagle[1].t == at(1.05));  // 5 ms there, 40 ms delayed ACK, 5 ms back
  CHECK(nodelay[0].t == at(2));
  CHECK(nodelay[1].t == at(2));
}
