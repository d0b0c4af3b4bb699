// The link model: loss rate, exact serialization delay, drop-tail queue limits, duplication,
// reordering, MTU, up/down, and parameter changes while running.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "net/network.h"

using namespace tcpplay;

namespace {
struct Counter : PacketHandler {
  std::vector<SimTime> arrivals;
  std::vector<std::uint16_t> ids;
  Network& net;
  explicit Counter(Network& n) : net(n) {}
  bool handle(const Packet& p, int, std::uint64_t) override {
    arrivals.push_back(net.now());
    ids.push_back(p.ip.id);
    return true;
  }
};
struct World {
  Network net{5};
  Host& a = net.add_host("a", *parse_ipv4("10.0.0.1"));
  Host& b = net.add_host("b", *parse_ipv4("10.0.0.2"));
  Counter sink{net};
  Link* link = nullptr;
  explicit World(const LinkParams& lp) {
    link = &net.add_link("ab", a, b, lp);
    b.add_handler(&sink);
  }
  Packet packet(std::uint32_t payload, std::uint16_t id = 0) {
    Packet p;
    p.ip.protocol = 17;
    p.ip.src = a.addr();
    p.ip.dst = b.addr();
    p.ip.id = id;
    p.udp.src_port = 40000;
    p.udp.dst_port = 9000;
    p.payload = Payload::pattern(1, 0, payload);
    return p;
  }
  std::size_t drops(const char* reason) {
    std::size_t n = 0;
    const Trace& t = net.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
      if (t.at(i).kind == TraceKind::packet_dropped && std::string(reason) == t.at(i).name) ++n;
    return n;
  }
};
}  // namespace

TEST_CASE("link: the loss rate over 100k packets is within tolerance") {
  LinkParams lp;
  lp.loss = 0.05;
  World w(lp);
  w.net.trace().set_retention({0, 0});
  const int n = 100000;
  for (int i = 0; i < n; ++i) w.a.send(w.packet(10));
  w.net.sched().run_until_idle();
  const double rate = 1.0 - static_cast<double>(w.sink.arrivals.size()) / n;
  // 5% with sd sqrt(p(1-p)/n) = 0.07%: 4 sd is 0.28%.
  CHECK(std::abs(rate - 0.05) < 0.003);
  CHECK(w.drops("loss") == n - w.sink.arrivals.size());
}

TEST_CASE("link: serialization delay is exact and packets queue behind each other") {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  lp.bandwidth_bps = 100'000'000;
  World w(lp);
  for (int i = 0; i < 3; ++i) w.a.send(w.packet(1500 - 28));  // 1500-byte IP packets
  w.net.sched().run_until_idle();
  // 1500 bytes at 100 Mbit/s = 120 us each.
  CHECK(w.sink.arrivals ==
        std::vector<SimTime>{10120 * kMicrosecond, 10240 * kMicrosecond, 10360 * kMicrosecond});
}

TEST_CASE("link: the drop-tail queue drops at its limit, in packets and in bytes") {
  LinkParams lp;
  lp.bandwidth_bps = 1'000'000;
  lp.queue_packets = 5;
  {
    World w(lp);
    for (int i = 0; i < 10; ++i) w.a.send(w.packet(972));  // 1000-byte packets
    w.net.sched().run_until_idle();
    CHECK(w.sink.arrivals.size() == 6);  // one on the wire + 5 queued
    CHECK(w.drops("queue_full") == 4);
  }
  lp.queue_packets = 0;
  lp.queue_bytes = 2500;
  {
    World w(lp);
    for (int i = 0; i < 10; ++i) w.a.send(w.packet(972));
    w.net.sched().run_until_idle();
    CHECK(w.sink.arrivals.size() == 3);  // one on the wire + 2 x 1000 bytes queued
    CHECK(w.drops("queue_full") == 7);
  }
}

TEST_CASE("link: duplication, reordering, MTU and a downed link") {
  {
    LinkParams lp;
    lp.duplicate = 1.0;
    World w(lp);
    w.a.send(w.packet(10));
    w.net.sched().run_until_idle();
    CHECK(w.sink.arrivals.size() == 2);
  }
  {
    LinkParams lp;
    lp.reorder = 0.5;
    lp.reorder_delay = 5 * kMillisecond;
    World w(lp);
    for (std::uint16_t i = 0; i < 50; ++i) w.a.send(w.packet(10, i));
    w.net.sched().run_until_idle();
    CHECK(w.sink.ids.size() == 50);
    CHECK_FALSE(std::is_sorted(w.sink.ids.begin(), w.sink.ids.end()));
  }
  {
    LinkParams lp;
    lp.mtu = 576;
    World w(lp);
    w.a.send(w.packet(600));
    w.net.sched().run_until_idle();
    CHECK(w.sink.arrivals.empty());
    CHECK(w.drops("exceeds_mtu") == 1);
  }
  {
    LinkParams lp;
    lp.delay = 10 * kMillisecond;
    World w(lp);
    w.a.send(w.packet(10));  // in flight when the link goes down
    w.net.sched().run_until(5 * kMillisecond);
    LinkParams down = lp;
    down.up = false;
    w.link->set_params(down);
    w.a.send(w.packet(10));
    w.net.sched().run_until_idle();
    CHECK(w.sink.arrivals.empty());
    CHECK(w.drops("link_down") == 2);
    w.link->set_params(lp);  // back up: traffic flows again
    w.a.send(w.packet(10));
    w.net.sched().run_until_idle();
    CHECK(w.sink.arrivals.size() == 1);
  }
}

TEST_CASE("link: a delay change applies to packets sent afterwards") {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  World w(lp);
  w.a.send(w.packet(10));
  LinkParams slow = lp;
  slow.delay = 50 * kMillisecond;
  w.link->set_params(slow);
  w.a.send(w.packet(10));
  w.net.sched().run_until_idle();
  CHECK(w.sink.arrivals == std::vector<SimTime>{10 * kMillisecond, 50 * kMillisecond});
}

TEST_CASE("link: draws skipped while nothing can be lost are made up before the stream is used") {
  // Each packet takes three draws (loss, duplication, reordering) whatever the parameters; a link
  // with all three at zero only counts them. Raising the loss after 100 packets must see exactly
  // the stream positions it would have seen had every draw been made.
  LinkParams lp;
  World w(lp);
  for (int i = 0; i < 100; ++i) w.a.send(w.packet(10, static_cast<std::uint16_t>(i)));
  w.net.sched().run_until_idle();
  lp.loss = 0.5;
  w.link->set_params(lp);
  for (int i = 100; i < 200; ++i) w.a.send(w.packet(10, static_cast<std::uint16_t>(i)));
  w.net.sched().run_until_idle();

  Rng expected = w.net.rng("link:ab");
  std::vector<std::uint16_t> delivered;
  for (int i = 0; i < 200; ++i) {
    const bool lost = expected.bernoulli(i < 100 ? 0.0 : 0.5);
    expected.uniform();  // duplication
    expected.uniform();  // reordering
    if (!lost) delivered.push_back(static_cast<std::uint16_t>(i));
  }
  CHECK(w.sink.ids == delivered);
  CHECK(w.sink.ids.size() > 120);
  CHECK(w.sink.ids.size() < 180);
}
