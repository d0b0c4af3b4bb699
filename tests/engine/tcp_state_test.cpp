// State machine rules of RFC 9293 §3.5–3.6 and §3.10.7: simultaneous open and close, half-close,
// RST and SYN handling with RFC 5961, TIME_WAIT, manual mode and the backlog.
#include <doctest/doctest.h>

#include "tcp_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {
// Client and server connected, with the server's side accepted; run to 1 s.
struct Connected : TwoHosts {
  RecordingApp client_app, server_app;
  TcpConnection* c = nullptr;
  TcpConnection* s = nullptr;
  explicit Connected(const TcpConfig& cfg = plain_config(), const LinkParams& lp = {})
      : TwoHosts(lp, cfg) {
    REQUIRE(stcp().listen(80, 16, &server_app));
    c = *ctcp().connect(server.addr(), 80, 40000, &client_app);
    sim.run_until(1 * kSecond);
    s = server_app.last;
    REQUIRE(c->state() == TcpState::established);
    REQUIRE(s);
  }
  CraftedSegment from_client(std::uint16_t flags) {
    CraftedSegment seg;
    seg.src_port = 40000;
    seg.dst_port = 80;
    seg.flags = flags;
    return seg;
  }
};
}  // namespace

TEST_CASE("tcp: simultaneous open goes through SYN_RECEIVED on both sides (RFC 9293 3.5 Fig. 7)") {
  TwoHosts w({}, plain_config());
  auto a = w.ctcp().connect(w.server.addr(), 40001, 40000, nullptr);
  auto b = w.stcp().connect(w.client.addr(), 40000, 40001, nullptr);
  REQUIRE(a);
  REQUIRE(b);
  w.sim.run_until(1 * kSecond);
  const std::vector<std::string> expected{"CLOSED->SYN_SENT", "SYN_SENT->SYN_RECEIVED",
                                          "SYN_RECEIVED->ESTABLISHED"};
  CHECK(w.states(w.client) == expected);
  CHECK(w.states(w.server) == expected);
}

TEST_CASE("tcp: simultaneous close goes through CLOSING to TIME_WAIT on both sides (Fig. 13)") {
  Connected w;
  w.c->close();
  w.s->close();
  w.sim.run_until(2 * kSecond);
  const std::vector<std::string> tail{"ESTABLISHED->FIN_WAIT_1", "FIN_WAIT_1->CLOSING",
                                      "CLOSING->TIME_WAIT"};
  auto cs = w.states(w.client);
  auto ss = w.states(w.server);
  CHECK(std::vector<std::string>(cs.end() - 3, cs.end()) == tail);
  CHECK(std::vector<std::string>(ss.end() - 3, ss.end()) == tail);
  w.sim.run_until(300 * kSecond);
  CHECK(w.states(w.client).back() == "TIME_WAIT->CLOSED");
  CHECK(w.states(w.server).back() == "TIME_WAIT->CLOSED");
}

TEST_CASE("tcp: half-close lets the server keep sending after the client's FIN (RFC 9293 3.6.1)") {
  Connected w;
  w.c->shutdown_write();
  w.sim.run_until(2 * kSecond);
  CHECK(w.c->state() == TcpState::fin_wait_2);
  CHECK(w.s->state() == TcpState::close_wait);
  w.s->send(Payload::from_text("still talking"));
  w.sim.run_until(3 * kSecond);
  CHECK(w.client_app.data == "still talking");
  w.s->close();
  w.sim.run_until(4 * kSecond);
  CHECK(w.c->state() == TcpState::time_wait);
}

TEST_CASE(
    "tcp: RST with SEG.SEQ = RCV.NXT resets; in window gets a challenge ACK; outside is dropped "
    "(RFC 5961)") {
  SUBCASE("exact") {
    Connected w;
    REQUIRE(w.ctcp().inject(w.from_client(tcp_flag::rst), w.server.addr()));
    w.sim.run_until(2 * kSecond);
    CHECK(w.server_app.events.back() == "closed:reset");
    CHECK(w.states(w.server).back() == "ESTABLISHED->CLOSED");
  }
  SUBCASE("in window, not exact: challenge ACK") {
    Connected w;
    auto seg = w.from_client(tcp_flag::rst);
    seg.seq = w.c->snd_nxt() + 100;
    REQUIRE(w.ctcp().inject(seg, w.server.addr()));
    w.sim.run_until(2 * kSecond);
    CHECK(w.s->state() == TcpState::established);
    CHECK(w.drops("rst_in_window_challenge_ack").size() == 1);
    const auto pk = w.packets();
    CHECK(pk.back().find("IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 1, win") == 0);
  }
  SUBCASE("in window with rfc5961 off (RFC 793): reset") {
    TcpConfig cfg = plain_config();
    cfg.rfc5961 = false;
    Connected w(cfg);
    auto seg = w.from_client(tcp_flag::rst);
    seg.seq = w.c->snd_nxt() + 100;
    REQUIRE(w.ctcp().inject(seg, w.server.addr()));
    w.sim.run_until(2 * kSecond);
    CHECK(w.server_app.events.back() == "closed:reset");
  }
  SUBCASE("out of window: silently dropped") {
    Connected w;
    auto seg = w.from_client(tcp_flag::rst);
    seg.seq = w.c->snd_nxt() + 1000000;
    const auto before = w.packets().size();
    REQUIRE(w.ctcp().inject(seg, w.server.addr()));
    w.sim.run_until(2 * kSecond);
    CHECK(w.s->state() == TcpState::established);
    CHECK(w.drops("rst_out_of_window").size() == 1);
    CHECK(w.packets().size() == before + 1);  // only the injected RST itself
  }
}

TEST_CASE("tcp: SYN in ESTABLISHED gets a challenge ACK (RFC 5961 4), or a RST under RFC 793") {
  {
    Connected w;
    REQUIRE(w.ctcp().inject(w.from_client(tcp_flag::syn), w.server.addr()));
    w.sim.run_until(2 * kSecond);
    CHECK(w.s->state() == TcpState::established);
    CHECK(w.drops("syn_in_synchronized_state_challenge_ack").size() == 1);
  }
  {
    TcpConfig cfg = plain_config();
    cfg.rfc5961 = false;
    Connected w(cfg);
    REQUIRE(w.ctcp().inject(w.from_client(tcp_flag::syn), w.server.addr()));
    w.sim.run_until(2 * kSecond);
    CHECK(w.server_app.events.back() == "closed:reset");
  }
}

TEST_CASE("tcp: TIME_WAIT re-ACKs a retransmitted FIN and restarts 2MSL (RFC 9293 3.6.1)") {
  Connected w;
  w.link.script_drops(0, {4});  // the client's 4th packet: its ACK of the server's FIN
  w.c->close();
  w.sim.run_until(2 * kSecond);
  w.s->close();
  w.sim.run_until(2500 * kMillisecond);
  REQUIRE(w.c->state() == TcpState::time_wait);
  CHECK(w.s->state() == TcpState::last_ack);
  w.sim.run_until(10 * kSecond);  // the server's RTO (1 s) resends the FIN; the client ACKs it
  CHECK(w.states(w.server).back() == "LAST_ACK->CLOSED");
  const auto tw = w.times_of(w.client, "TIME_WAIT");
  REQUIRE(tw.size() == 1);
  w.sim.run_until(400 * kSecond);
  // The FIN came again one RTO (1 s) after the first: TIME_WAIT ends 240 s after that.
  CHECK(w.times_of(w.client, "CLOSED")[0] == tw[0] + 1 * kSecond + 240 * kSecond);
}

TEST_CASE("tcp: a late segment in TIME_WAIT is ACKed and dropped") {
  Connected w;
  w.link.script_drops(0, {4});
  w.c->close();
  w.sim.run_until(2 * kSecond);
  w.s->close();
  w.sim.run_until(2500 * kMillisecond);
  REQUIRE(w.c->state() == TcpState::time_wait);
  CraftedSegment late;
  late.src_port = 80;
  late.dst_port = 40000;
  late.flags = tcp_flag::ack | tcp_flag::psh;
  late.payload = "late";
  late.seq = w.s->snd_nxt() - 10;
  REQUIRE(w.stcp().inject(late, w.client.addr()));
  w.sim.run_until(2600 * kMillisecond);
  CHECK(w.drops("late_segment_in_time_wait").size() == 1);
  CHECK(w.c->state() == TcpState::time_wait);
  CHECK(w.client_app.data.empty());
  // The client's answer carries the ACK the server was missing.
  CHECK(w.states(w.server).back() == "LAST_ACK->CLOSED");
}

TEST_CASE("tcp: RST in TIME_WAIT closes it (RFC 9293 3.10.7.4; Linux tcp_rfc1337=0)") {
  Connected w;
  w.c->close();
  w.sim.run_until(2 * kSecond);
  w.s->close();
  w.sim.run_until(3 * kSecond);
  REQUIRE(w.c->state() == TcpState::time_wait);
  CraftedSegment rst;
  rst.src_port = 80;
  rst.dst_port = 40000;
  rst.flags = tcp_flag::rst;
  rst.seq = w.c->rcv_nxt();
  REQUIRE(w.stcp().inject(rst, w.client.addr()));
  w.sim.run_until(4 * kSecond);
  CHECK(w.states(w.client).back() == "TIME_WAIT->CLOSED");
}

TEST_CASE("tcp: data after a full close is answered with RST (RFC 9293 3.6.1 SHLD-3)") {
  Connected w;
  w.c->close();
  w.sim.run_until(2 * kSecond);
  REQUIRE(w.c->state() == TcpState::fin_wait_2);
  w.s->send(Payload::from_text("too late"));
  w.sim.run_until(3 * kSecond);
  CHECK(w.client_app.events.back() == "closed:reset");
  CHECK(w.server_app.events.back() == "closed:reset");
}

TEST_CASE("tcp: orphaned FIN_WAIT_2 times out under the linux profile (tcp_fin_timeout 60 s)") {
  TcpConfig cfg = *TcpConfig::profile_defaults("linux");
  Connected w(cfg);
  w.c->close();
  w.sim.run_until(30 * kSecond);
  CHECK(w.c->state() == TcpState::fin_wait_2);
  w.sim.run_until(70 * kSecond);
  CHECK(w.client_app.events.back() == "closed:timeout");
}

TEST_CASE("tcp: manual mode - a person completes the handshake with crafted segments") {
  TwoHosts w({}, plain_config());
  RecordingApp server_app;
  REQUIRE(w.stcp().listen(80, 16, &server_app));
  w.ctcp().manual = true;
  CraftedSegment syn;
  syn.src_port = 40000;
  syn.dst_port = 80;
  syn.flags = tcp_flag::syn;
  syn.seq = 1000;
  REQUIRE(w.ctcp().inject(syn, w.server.addr()));
  w.sim.run_until(1 * kSecond);
  CHECK(w.states(w.server).back() == "LISTEN->SYN_RECEIVED");
  // The client's TCP stayed silent; the helper fills seq = 1001 and ack = server ISS + 1.
  const auto sa = w.ctcp().suggest_seq_ack({w.client.addr(), w.server.addr(), 40000, 80});
  CHECK(sa.seq == 1001);
  CraftedSegment ack;
  ack.src_port = 40000;
  ack.dst_port = 80;
  ack.flags = tcp_flag::ack;
  REQUIRE(w.ctcp().inject(ack, w.server.addr()));
  w.sim.run_until(2 * kSecond);
  CHECK(w.states(w.server).back() == "SYN_RECEIVED->ESTABLISHED");
  CHECK(w.drops("manual_mode").size() >= 1);  // the SYN-ACK reached a silent client
}

TEST_CASE("tcp: the backlog bounds connections waiting in SYN_RECEIVED") {
  TwoHosts w({}, plain_config());
  REQUIRE(w.stcp().listen(80, 1, nullptr));
  w.ctcp().manual = true;  // never completes the handshakes
  for (std::uint16_t port : {40000, 40001}) {
    CraftedSegment syn;
    syn.src_port = port;
    syn.dst_port = 80;
    syn.flags = tcp_flag::syn;
    syn.seq = 5000;
    REQUIRE(w.ctcp().inject(syn, w.server.addr()));
  }
  w.sim.run_until(500 * kMillisecond);
  CHECK(w.stcp().listener(80)->pending == 1);
  CHECK(w.drops("backlog_full").size() == 1);
}

TEST_CASE("tcp: a crafted segment with malformed options is refused with a message") {
  TwoHosts w({}, plain_config());
  CraftedSegment seg;
  seg.src_port = 40000;
  seg.dst_port = 80;
  seg.flags = tcp_flag::syn;
  seg.options.data[0] = 2;  // MSS kind with length 5
  seg.options.data[1] = 5;
  seg.options.len = 4;
  auto st = w.ctcp().inject(seg, w.server.addr());
  CHECK_FALSE(st.ok());
  CHECK(st.error().find("inject: ") == 0);
}

TEST_CASE("tcp: an ACK to a port with no socket gets <SEQ=SEG.ACK><CTL=RST> (RFC 9293 3.10.7.1)") {
  TwoHosts w({}, plain_config());
  CraftedSegment seg;
  seg.src_port = 40000;
  seg.dst_port = 9999;
  seg.flags = tcp_flag::ack;
  seg.seq = 100;
  seg.ack = 5000;
  REQUIRE(w.ctcp().inject(seg, w.server.addr()));
  w.sim.run_until(1 * kSecond);
  const auto pk = w.packets();
  REQUIRE(pk.size() == 2);
  CHECK(pk[1] == "IP 10.0.0.2.9999 > 10.0.0.1.40000: Flags [R], seq 5000, win 0, length 0");
}

TEST_CASE(
    "tcp: a new SYN with a higher sequence number reopens a TIME_WAIT connection (RFC 9293 "
    "3.6.1)") {
  Connected w;
  // Let the server close first so that the server side holds TIME_WAIT.
  w.s->close();
  w.sim.run_until(2 * kSecond);
  w.c->close();
  w.sim.run_until(3 * kSecond);
  REQUIRE(w.s->state() == TcpState::time_wait);
  const std::uint32_t old_rcv_nxt = w.s->rcv_nxt();
  w.ctcp().manual = true;
  CraftedSegment syn;
  syn.src_port = 40000;
  syn.dst_port = 80;
  syn.flags = tcp_flag::syn;
  syn.seq = old_rcv_nxt + 100000;
  REQUIRE(w.ctcp().inject(syn, w.server.addr()));
  w.sim.run_until(4 * kSecond);
  const auto st = w.states(w.server);
  CHECK(st[st.size() - 2] == "TIME_WAIT->CLOSED");
  CHECK(st.back() == "LISTEN->SYN_RECEIVED");
}

TEST_CASE("tcp: an older segment does not move the send window back (WL1/WL2, RFC 9293 3.10.7.4)") {
  Connected w;
  // Two crafted data segments from the server side, arriving in reverse order: the later one
  // (window 500) first, then the earlier one (window 1000). The window must stay 500.
  CraftedSegment later;
  later.src_port = 80;
  later.dst_port = 40000;
  later.flags = tcp_flag::ack;
  later.seq_offset = 100;
  later.window = 500;
  later.payload = std::string(100, 'b');
  CraftedSegment earlier = later;
  earlier.seq_offset = 0;
  earlier.window = 1000;
  earlier.payload = std::string(100, 'a');
  REQUIRE(w.stcp().inject(later, w.client.addr()));
  w.sim.run_until(1100 * kMillisecond);
  CHECK(w.c->snapshot().snd_wnd == 500);
  REQUIRE(w.stcp().inject(earlier, w.client.addr()));
  w.sim.run_until(1200 * kMillisecond);
  CHECK(w.client_app.data ==
        std::string(100, 'a') + std::string(100, 'b'));  // reassembled in order
  CHECK(w.c->snapshot().snd_wnd == 500);
}

TEST_CASE(
    "tcp: out-of-order data is held, ACKed at once with SACK blocks, and delivered in order") {
  TcpConfig cfg;  // rfc defaults: SACK and timestamps on
  LinkParams lp;
  Connected w(cfg, lp);
  w.link.script_drops(0, {4});  // SYN, ACK, first data segment, then this: the second
  w.c->send(Payload::pattern(3, 0, 3 * 1448));
  w.sim.run_until(1100 * kMillisecond);
  bool sack_seen = false;
  for (const auto& line : w.packets())
    sack_seen |= line.find("IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 1449, win") == 0 &&
                 line.find("sack 1 {2897:4345}") != std::string::npos;
  CHECK(sack_seen);
  w.sim.run_until(5 * kSecond);
  CHECK(w.server_app.data.size() == 3 * 1448);
  CHECK(Payload::from_text(w.server_app.data).matches_pattern(3, 0));
}

TEST_CASE(
    "tcp: answers to invalid pure ACKs are rate-limited (RFC 5961 7, Linux "
    "tcp_invalid_ratelimit)") {
  Connected w;
  for (int i = 0; i < 3; ++i) {
    CraftedSegment seg = w.from_client(tcp_flag::ack);
    seg.seq_offset = 100000;  // out of window
    REQUIRE(w.ctcp().inject(seg, w.server.addr()));
  }
  w.sim.run_until(1100 * kMillisecond);
  CHECK(w.drops("unacceptable_seq").size() == 3);
  CHECK(w.drops("ack_rate_limited").size() == 2);
}
