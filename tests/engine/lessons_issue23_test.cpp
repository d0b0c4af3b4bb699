// Lessons 20, 22 and 23 (the connection timeout through a packet filter, the idle timeout of a
// proxy, PSH and URG): what each "watch" list promises, checked from the trace.
#include <doctest/doctest.h>

#include "lesson_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;
using V = std::vector<std::string>;
using T = std::vector<SimTime>;

TEST_CASE("lesson 20: SYNs into a filter's black hole, the connection timeout, then reject") {
  Lesson l("20-connection-timeout.json");
  // The SYN and its retries leave at 1, 2, 4 and 8 s (gaps 1, 2, 4 s: the RTO doubles), all with
  // one sequence number, and each is dropped by the filter's rule at the server.
  const auto syns = l.sent_matching("client", "10.0.0.1.40000 > 10.0.0.2.80: Flags [S],");
  REQUIRE(syns.size() == 4);
  CHECK(T{syns[0].t, syns[1].t, syns[2].t, syns[3].t} == T{at(1), at(2), at(4), at(8)});
  for (const auto& s : syns) CHECK(s.packet->tcp.seq == syns[0].packet->tcp.seq);
  CHECK(l.drops("filter:fw/syn-blackhole") == T{at(1.02), at(2.02), at(4.02), at(8.02)});
  // The connect timeout (10 s) ends it at 11 s: SYN_SENT -> CLOSED with the cause "timeout".
  CHECK(l.states("c1") == V{"CLOSED->SYN_SENT", "SYN_SENT->CLOSED"});
  CHECK(l.entered("c1", "CLOSED") == T{at(11)});
  // Switched to reject: one RST answers c2's SYN (seq 0, ack = ISS + 1), refused at 13.04 s.
  const auto c2_syn = l.sent_matching("client", "10.0.0.1.40001 > 10.0.0.2.80: Flags [S],");
  const auto rst = l.sent_matching("server", "Flags [R.], seq 0, ack ");
  REQUIRE(c2_syn.size() == 1);
  REQUIRE(rst.size() == 1);
  CHECK(rst[0].packet->tcp.ack == c2_syn[0].packet->tcp.seq + 1);
  CHECK(l.drops("filter:fw/syn-reject") == T{at(13.02)});
  CHECK(l.entered("c2", "CLOSED") == T{at(13.04)});
  // With both rules off, c3's handshake completes.
  CHECK(l.entered("c3", "ESTABLISHED") == T{at(16.04)});
}

TEST_CASE("lesson 22: the proxy's idle timeout closes a quiet connection despite keepalives") {
  Lesson l("22-idle-timeout.json");
  CHECK(l.app_events("request #1: 200 OK", "client").size() == 1);
  // Keepalive probes at 11 and 21 s (10 s idle, 10 s interval), each answered.
  const auto probes = l.sent_matching("client", "10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 42,");
  REQUIRE(probes.size() >= 3);  // the ACK of the response, then two probes
  CHECK(probes[1].t > at(11));
  CHECK(probes[1].t < at(11.1));
  CHECK(probes[2].t > at(21));
  CHECK(probes[2].t < at(21.1));
  // 30 s after the response (1.017 s) the ALB closes both of its connections with FIN.
  CHECK(l.app_events("client connection idle for 30 s: closing it with FIN", "alb") ==
        T{at(31.017)});
  CHECK(l.app_events("target connection #3 idle for 30 s", "alb") == T{at(31.017)});
  CHECK(l.sent_matching("lb", "10.0.0.2.80 > 10.0.0.1.40000: Flags [F.]").size() == 1);
  // The client's pooled connection: CLOSE_WAIT on the FIN, then its own close.
  CHECK(l.app_events("the server closed an idle pooled connection (FIN)", "client").size() == 1);
  // Request #2 opens a new connection from port 40001 and succeeds.
  CHECK(l.sent_matching("client", "10.0.0.1.40001 > 10.0.0.2.80: Flags [S],").size() == 1);
  CHECK(l.app_events("request #2: 200 OK", "client").size() == 1);
}

TEST_CASE("lesson 23: PSH on a write, Ctrl-C as urgent data read out of band") {
  Lesson l("23-psh-urg.json");
  // The write "date\r\n" is one segment with PSH; the reader gets it on arrival.
  const auto date = l.sent_matching("client", "10.0.0.1.40000 > 10.0.0.2.23: Flags [P.], seq 1:7,");
  REQUIRE(date.size() == 1);
  CHECK(l.app_events("received 6 bytes \"date\\r\\n\"") == T{date[0].t + 10 * kMillisecond});
  // Ctrl-C: one byte with URG and urgent pointer 1 (SEG.SEQ + 1 = the byte after it).
  const auto urg = l.sent_matching("client", "Flags [P.U], seq 12:13, ack 1, win 32768, urg 1,");
  REQUIRE(urg.size() == 1);
  CHECK(urg[0].packet->tcp.urgent == 1);
  CHECK(urg[0].packet->payload.at(0) == 0x03);
  // The server's TCP reports the urgent data at once (4.01 s), though nothing is read till 5 s.
  CHECK(l.app_events("urgent data up to stream offset 12") == T{at(4.01)});
  // At the read: the 11 bytes in band, the urgent byte out of band.
  CHECK(l.app_events("received 11 bytes \"sleep 100\\r\\n\"", "busy.1") == T{at(5)});
  CHECK(l.app_events("the urgent byte 0x03 (stream offset 11) is read out of band", "busy.1") ==
        T{at(5)});
}
