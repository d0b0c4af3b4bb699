// What keeps an idle connection small (issue 9, benchmark 3) must not change what a connection
// does: shared configurations are copied on write, and the lazily allocated queues behave like
// the std::deque / std::map they replaced.
#include <doctest/doctest.h>

#include "tcp/payload_queue.h"
#include "tcp/sack_scoreboard.h"
#include "tcp_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;

TEST_CASE("tcp memory: connections with the same settings share one config; set_option copies it") {
  TwoHosts w;
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  TcpConnection* a = *w.ctcp().connect(w.server.addr(), 80, 40001, nullptr);
  TcpConnection* b = *w.ctcp().connect(w.server.addr(), 80, 40002, nullptr);
  CHECK(&a->config() == &b->config());
  REQUIRE(a->set_option("nagle", "false"));
  CHECK_FALSE(a->config().nagle);
  CHECK(b->config().nagle);  // untouched
  CHECK(&a->config() != &b->config());
  // A rejected value leaves the connection's settings as they were.
  CHECK_FALSE(a->set_option("mss", "1"));
  CHECK(a->config().mss == 1460);

  // Defaults changed in place apply to later connections only.
  w.ctcp().defaults().keepalive = true;
  TcpConnection* c = *w.ctcp().connect(w.server.addr(), 80, 40003, nullptr);
  CHECK(c->config().keepalive);
  CHECK_FALSE(b->config().keepalive);
  // An explicit config equal to the defaults shares their copy.
  const TcpConfig same = w.ctcp().defaults();
  TcpConnection* d = *w.ctcp().connect(w.server.addr(), 80, 40004, nullptr, &same);
  CHECK(&d->config() == &c->config());

  // The server's connections share their listener's config.
  w.sim.run_until(1 * kSecond);
  const auto accepted = w.stcp().connections();
  REQUIRE(accepted.size() == 4);
  for (TcpConnection* s : accepted) CHECK(&s->config() == &accepted.front()->config());
}

TEST_CASE("tcp memory: PayloadQueue keeps FIFO order across growth and wraparound") {
  PayloadQueue q;
  CHECK(q.empty());
  std::uint64_t next_in = 0, next_out = 0;
  // Push and pop in uneven steps so the ring's head moves around while it grows.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < round % 7 + 1; ++i) q.push_back(Payload::pattern(1, next_in++, 1));
    for (int i = 0; i < round % 5 && !q.empty(); ++i) {
      CHECK(q.front().matches_pattern(1, next_out++));
      q.pop_front();
    }
    REQUIRE(q.size() == next_in - next_out);
    for (std::size_t i = 0; i < q.size(); ++i) CHECK(q[i].matches_pattern(1, next_out + i));
    if (!q.empty()) CHECK(q.back().matches_pattern(1, next_in - 1));
  }
  q.clear();
  CHECK(q.empty());
  q.push_back(Payload::from_text("x"));
  CHECK(q.front().to_string() == "x");
}

TEST_CASE("tcp memory: SackScoreboard is empty and iterable before its first block") {
  SackScoreboard sb;
  CHECK(sb.empty());
  CHECK(sb.begin() == sb.end());
  CHECK(sb.rbegin() == sb.rend());
  sb.clear();
  sb.resize(0);
  sb.push_back({10, 20});
  sb.push_back({30, 40});
  CHECK(sb.size() == 2);
  CHECK(sb.front().left == 10);
  CHECK(sb.rbegin()->left == 30);
  sb.resize(1);
  CHECK(sb.size() == 1);
  sb.clear();
  CHECK(sb.empty());
}
