// Timers: RFC 6298 retransmission and backoff, SYN retries and connect timeouts, delayed ACK,
// Nagle, keepalive, persist (zero window) and the user timeout.
#include <doctest/doctest.h>

#include "tcp/rtt_estimator.h"
#include "tcp_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {
std::vector<SimTime> sent_times(TwoHosts& w, const Host& h, std::uint16_t flag_mask,
                                std::uint16_t flags) {
  std::vector<SimTime> out;
  const Trace& t = w.sim.trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
    const TraceEvent e = t.at(i);
    if (e.kind != TraceKind::packet_sent || e.host != h.index()) continue;
    if ((t.packet(e.packet_id)->tcp.flags & flag_mask) == flags) out.push_back(e.time);
  }
  return out;
}
std::vector<SimTime> secs(std::initializer_list<double> s) {
  std::vector<SimTime> v;
  for (double x : s) v.push_back(static_cast<SimTime>(x * 1e6 + 0.5) * kMicrosecond);
  return v;
}
}  // namespace

TEST_CASE("rtt: RFC 6298 first sample, smoothing, min clamp and backoff") {
  RttEstimator r(1 * kSecond, 200 * kMillisecond, 60 * kSecond);
  CHECK(r.rto() == 1 * kSecond);  // §2.1 initial RTO
  r.sample(100 * kMillisecond);   // §2.2: SRTT=R, RTTVAR=R/2, RTO = R + 4*R/2 = 300 ms
  CHECK(r.srtt() == 100 * kMillisecond);
  CHECK(r.rttvar() == 50 * kMillisecond);
  CHECK(r.rto() == 300 * kMillisecond);
  r.sample(200 * kMillisecond);  // §2.3: RTTVAR = 3/4*50 + 1/4*100 = 62.5; SRTT = 7/8*100 + 1/8*200
  CHECK(r.rttvar() == 62500 * kMicrosecond);
  CHECK(r.srtt() == 112500 * kMicrosecond);
  r.backoff();  // §5.5
  CHECK(r.rto() == 2 * (112500 * kMicrosecond + 4 * 62500 * kMicrosecond));
  for (int i = 0; i < 20; ++i) r.backoff();
  CHECK(r.rto() == 60 * kSecond);  // capped at the maximum
  RttEstimator low(1 * kSecond, 1 * kSecond, 60 * kSecond);
  low.sample(1 * kMillisecond);
  CHECK(low.rto() == 1 * kSecond);  // §2.4: rounded up to the minimum
}

TEST_CASE("tcp: connect to a black-holed host retries the SYN with backoff and fails at 127 s") {
  LinkParams lp;
  lp.up = false;
  TcpConfig cfg = plain_config();
  cfg.rto_max = 120 * kSecond;  // Linux's TCP_RTO_MAX; the rfc profile's 60 s cap gives 123 s
  TwoHosts w(lp, cfg);
  RecordingApp app;
  REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &app));
  w.sim.run_until(200 * kSecond);
  CHECK(show(sent_times(w, w.client, tcp_flag::syn, tcp_flag::syn)) ==
        show(secs({0, 1, 3, 7, 15, 31, 63})));
  CHECK(w.drops("link_down").size() == 7);
  CHECK(app.events == std::vector<std::string>{"closed:timeout"});
  CHECK(show(w.times_of(w.client, "CLOSED")) == show(secs({127})));
}

TEST_CASE("tcp: linear first SYN retries (Linux tcp_syn_linear_timeouts)") {
  LinkParams lp;
  lp.up = false;
  TcpConfig cfg = plain_config();
  cfg.syn_linear_retries = 4;
  TwoHosts w(lp, cfg);
  REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, nullptr));
  w.sim.run_until(200 * kSecond);
  CHECK(show(sent_times(w, w.client, tcp_flag::syn, tcp_flag::syn)) ==
        show(secs({0, 1, 2, 3, 4, 5, 7})));
  CHECK(show(w.times_of(w.client, "CLOSED")) == show(secs({11})));  // RTOs 1,1,1,1,1,2,4
}

TEST_CASE("tcp: an explicit connect timeout ends the attempt early") {
  LinkParams lp;
  lp.up = false;
  TcpConfig cfg = plain_config();
  cfg.connect_timeout = 5 * kSecond;
  TwoHosts w(lp, cfg);
  RecordingApp app;
  REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &app));
  w.sim.run_until(60 * kSecond);
  CHECK(app.events == std::vector<std::string>{"closed:timeout"});
  CHECK(show(w.times_of(w.client, "CLOSED")) == show(secs({5})));
}

TEST_CASE(
    "tcp: RTO doubles on each retransmission and the connection gives up after data_retries") {
  TcpConfig cfg = plain_config();
  cfg.data_retries = 3;
  TwoHosts w({}, cfg);
  RecordingApp app;
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, &app);
  w.sim.run_until(1 * kSecond);
  LinkParams down;
  down.up = false;
  w.link.set_params(down);
  c->send(Payload::from_text("lost"));
  w.sim.run_until(100 * kSecond);
  // Sent at 1 s, then retransmitted after 1, 2 and 4 s; given up 8 s after the last.
  CHECK(show(sent_times(w, w.client, tcp_flag::psh, tcp_flag::psh)) == show(secs({1, 2, 4, 8})));
  CHECK(app.events.back() == "closed:timeout");
  CHECK(show(w.times_of(w.client, "CLOSED")) == show(secs({16})));
}

TEST_CASE("tcp: the user timeout (TCP_USER_TIMEOUT) closes before the retry limit") {
  TcpConfig cfg = plain_config();
  cfg.user_timeout = 5 * kSecond;
  TwoHosts w({}, cfg);
  RecordingApp app;
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, &app);
  w.sim.run_until(1 * kSecond);
  LinkParams down;
  down.up = false;
  w.link.set_params(down);
  c->send(Payload::from_text("lost"));
  w.sim.run_until(100 * kSecond);
  CHECK(app.events.back() == "closed:timeout");
  CHECK(show(w.times_of(w.client, "CLOSED")) ==
        show(secs({8})));  // first RTO expiry at or after 1 + 5 s
}

TEST_CASE(
    "tcp: delayed ACK waits for the timer on one segment and ACKs every second full segment") {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  TcpConfig cfg = plain_config();
  TwoHosts w(lp, cfg);
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
  w.sim.run_until(1 * kSecond);
  c->send(Payload::from_text("x"));
  w.sim.run_until(2 * kSecond);
  auto acks = sent_times(w, w.server, tcp_flag::ack | tcp_flag::syn, tcp_flag::ack);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0] == 1 * kSecond + 10 * kMillisecond + 200 * kMillisecond);
  c->send(Payload::pattern(1, 0, 2 * 1460));
  w.sim.run_until(3 * kSecond);
  acks = sent_times(w, w.server, tcp_flag::ack | tcp_flag::syn, tcp_flag::ack);
  REQUIRE(acks.size() == 2);
  CHECK(acks[1] == 2 * kSecond + 10 * kMillisecond);  // at once, on the second full segment
}

TEST_CASE("tcp: Nagle holds a small write while data is unacknowledged; TCP_NODELAY does not") {
  for (bool nagle : {true, false}) {
    LinkParams lp;
    lp.delay = 10 * kMillisecond;
    TcpConfig cfg = plain_config();
    cfg.nagle = nagle;
    cfg.delayed_ack = false;
    TwoHosts w(lp, cfg);
    REQUIRE(w.stcp().listen(80, 16, nullptr));
    auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
    w.sim.run_until(1 * kSecond);
    c->send(Payload::from_text("a"));
    c->send(Payload::from_text("b"));
    w.sim.run_until(2 * kSecond);
    const auto data = sent_times(w, w.client, tcp_flag::psh, tcp_flag::psh);
    REQUIRE(data.size() == 2);
    // With Nagle the second byte waits one round trip for the ACK of the first.
    CHECK(data[1] - data[0] == (nagle ? 20 * kMillisecond : 0));
  }
}

TEST_CASE("tcp: keepalive probes an idle connection and resets it when probes go unanswered") {
  TcpConfig cfg = plain_config();
  cfg.keepalive = true;
  cfg.keepalive_idle = 10 * kSecond;
  cfg.keepalive_interval = 2 * kSecond;
  cfg.keepalive_count = 3;
  TwoHosts w({}, cfg);
  RecordingApp app;
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, &app);
  w.sim.run_until(25 * kSecond);
  CHECK(c->state() == TcpState::established);  // probes answered: alive
  LinkParams down;
  down.up = false;
  w.link.set_params(down);
  w.sim.run_until(100 * kSecond);
  CHECK(app.events.back() == "closed:timeout");
  // The last answered probe was at 20.002 s (the server's own keepalive is answered too); three
  // more go unanswered from 30 s, at 2 s intervals, then the RST.
  const auto rst = sent_times(w, w.client, tcp_flag::rst, tcp_flag::rst);
  REQUIRE(rst.size() == 1);
}

TEST_CASE("tcp: a slow reader closes the window; persist probes keep asking until it opens") {
  TcpConfig cfg = plain_config();
  cfg.delayed_ack = false;
  TwoHosts w({}, cfg);
  RecordingApp server_app;
  REQUIRE(w.stcp().listen(80, 16, &server_app));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
  w.sim.run_until(1 * kSecond);
  TcpConnection* s = server_app.last;
  REQUIRE(s);
  s->auto_read = false;
  c->send(Payload::pattern(7, 0, 100000));
  w.sim.run_until(10 * kSecond);
  const auto pk = w.packets();
  bool zero_window = false;
  for (const auto& line : pk)
    if (line.find("IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack ") == 0 &&
        line.find(", win 0,") != std::string::npos)
      zero_window = true;
  CHECK(zero_window);
  CHECK(c->snapshot().timers.size() >= 1);
  bool persist = false;
  for (const auto& t : c->snapshot().timers) persist |= std::string(t.name) == "persist";
  CHECK(persist);
  s->read(UINT32_MAX);
  w.sim.run_until(60 * kSecond);
  s->read(UINT32_MAX);
  w.sim.run_until(120 * kSecond);
  CHECK(server_app.data.size() == 100000);
}

TEST_CASE("tcp: after a SYN timeout the RTO falls back to 3 s once data starts (RFC 6298 5.7)") {
  TwoHosts w({}, plain_config());
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  w.link.script_drops(0, {1});  // the first SYN is lost
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
  w.sim.run_until(3 * kSecond);
  REQUIRE(c->state() == TcpState::established);
  CHECK(c->snapshot().rto == 3 * kSecond);
  CHECK(c->snapshot().srtt == 0);  // Karn: no sample from the retransmitted SYN
}

TEST_CASE("tcp: Karn's rule - no RTT sample from a retransmitted segment (RFC 6298 3)") {
  LinkParams lp;
  lp.delay = 50 * kMillisecond;
  TwoHosts w(lp, plain_config());
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
  w.sim.run_until(1 * kSecond);
  const SimTime srtt_after_handshake = c->snapshot().srtt;
  CHECK(srtt_after_handshake == 100 * kMillisecond);
  w.link.script_drops(0, {3});  // the first data segment
  c->send(Payload::from_text("x"));
  w.sim.run_until(5 * kSecond);
  // The retransmission was acked 100 ms after it left, 1.1 s after the original: had either
  // been sampled, SRTT would have moved.
  CHECK(c->snapshot().retransmits == 1);
  CHECK(c->snapshot().srtt == srtt_after_handshake);
}

TEST_CASE("tcp: SYN-ACK retries, then the half-open connection is dropped") {
  TcpConfig cfg = plain_config();
  cfg.synack_retries = 2;
  TwoHosts w({}, cfg);
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  w.ctcp().manual = true;
  CraftedSegment syn;
  syn.src_port = 40000;
  syn.dst_port = 80;
  syn.flags = tcp_flag::syn;
  syn.seq = 7;
  REQUIRE(w.ctcp().inject(syn, w.server.addr()));
  w.sim.run_until(30 * kSecond);
  CHECK(show(sent_times(w, w.server, tcp_flag::syn | tcp_flag::ack,
                        tcp_flag::syn | tcp_flag::ack)) == show(secs({0.001, 1.001, 3.001})));
  CHECK(show(w.times_of(w.server, "CLOSED")) == show(secs({7.001})));
  CHECK(w.stcp().listener(80)->pending == 0);
}
