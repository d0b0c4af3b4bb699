// The lessons about what applications see of their sockets (21: the socket timeout, 24: UDP to a
// closed port), checked from the trace: their "watch" texts and these assertions must agree.
#include <doctest/doctest.h>

#include "lesson_fixture.h"
#include "scenario/summary.h"

using namespace tcpplay;
using namespace tcpplay::test;
using V = std::vector<std::string>;

namespace {

/// "call ERRNO @ time" for each socket_error event.
std::vector<std::string> socket_errors(Lesson& l) {
  std::vector<std::string> out;
  l.each([&](const TraceEvent& e) {
    if (e.kind == TraceKind::socket_error)
      out.push_back(std::string(e.from) + " " + e.name + " @ " + format_duration(e.time));
  });
  return out;
}

}  // namespace

TEST_CASE("lesson 21: a read past SO_RCVTIMEO fails with EAGAIN; the connection stays up") {
  Lesson l("21-socket-timeout.json");
  // One error: the first read, 5 s after it began waiting at 1.5 s.
  CHECK(socket_errors(l) == V{"read EAGAIN @ 6500ms"});
  CHECK(l.app_events("read waits", "c1") == std::vector<SimTime>{at(1.5), at(7)});
  // Nothing on the wire at 6.5 s, and no state change until the client closes at 10 s.
  for (const auto& s : l.sent()) CHECK((s.t < at(6.5) || s.t > at(6.5)));
  CHECK(l.states("c1") == V{"CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED", "ESTABLISHED->FIN_WAIT_1",
                            "FIN_WAIT_1->FIN_WAIT_2", "FIN_WAIT_2->TIME_WAIT"});
  CHECK(l.entered("c1", "FIN_WAIT_1") == std::vector<SimTime>{at(10)});
  // The second read got the answer as soon as it arrived (sent at 8.995 s, 5 ms away).
  CHECK(l.app_events("received 16 bytes \"report: 42 rows\\n\"", "c1") ==
        std::vector<SimTime>{at(9)});
  const RunSummary s = summarize(*l.runner);
  CHECK(s.socket_errors == std::map<std::string, std::uint64_t>{{"EAGAIN", 1}});
}

TEST_CASE("lesson 24: UDP to a closed port: ICMP, ECONNREFUSED when connected, nothing if not") {
  Lesson l("24-udp-closed-port.json");
  // On the wire: four datagrams (1, 2, 6, 7 s; the one at 7 s from conn is never sent), each
  // answered by a port unreachable.
  const auto udp = l.sent_matching("client", ": UDP, length ");
  REQUIRE(udp.size() == 4);
  CHECK(udp[0].t == at(1));
  CHECK(udp[0].line == "IP 10.0.0.1.40000 > 10.0.0.2.9999: UDP, length 6");
  CHECK(udp[1].line == "IP 10.0.0.1.40001 > 10.0.0.2.9999: UDP, length 6");
  CHECK(udp[2].t == at(6));
  CHECK(udp[3].t == at(7));
  CHECK(udp[3].line.find("10.0.0.1.40001 >") != std::string::npos);
  const auto icmp = l.sent_matching("server", "ICMP 10.0.0.2 udp port 9999 unreachable, length 36");
  CHECK(icmp.size() == 4);
  // What the applications saw: conn's recv and later send fail with ECONNREFUSED; free only
  // ever times out.
  CHECK(socket_errors(l) ==
        V{"recv ECONNREFUSED @ 3s", "recv EAGAIN @ 5s", "send ECONNREFUSED @ 7s"});
  l.each([&](const TraceEvent& e) {
    if (e.kind == TraceKind::socket_error && std::string(e.name) == "ECONNREFUSED")
      CHECK(e.detail.rfind("conn: ", 0) == 0);
  });
  const RunSummary s = summarize(*l.runner);
  CHECK(s.socket_errors ==
        std::map<std::string, std::uint64_t>{{"EAGAIN", 1}, {"ECONNREFUSED", 2}});
}
