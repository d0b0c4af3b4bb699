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
  CHECK(l.states("srv.1") == V{"LISTEN->SYN_RECEIVED", "SYN_RECEIVED->ESTABLISHED", "ESTABLISHED->CLOSE_WAIT",
                               "CLOSE_WAIT->LAST_ACK", "LAST_ACK->CLOSED"});
  CHECK(l.sent_matching("server", "Flags [.], ack 6,").size() == 1);  // 1 for the SYN + 5 bytes
  CHECK(l.entered("srv.1", "LAST_ACK") == std::vector<SimTime>{at(3.5)});
}

TEST_CASE("lesson 02: TIME_WAIT lasts 2 x MSL after the last FIN") {
  Lesson l("02-teardown-time-wait.json");
  CHECK(l.states("c1") == V{"CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED", "ESTABLISHED->FIN_WAIT_1",
                            "FIN_WAIT_1->FIN_WAIT_2", "FIN_WAIT_2->TIME_WAIT", "TIME_WAIT->CLOSED"});
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
    CHECK(V(st.end() - 3, st.end()) == V{"ESTABLISHED->FIN_WAIT_1", "FIN_WAIT_1->CLOSING", "CLOSING->TIME_WAIT"});
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
