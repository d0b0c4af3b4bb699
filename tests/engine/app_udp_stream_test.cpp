// The UDP stream on a bad link: the receiver's counts of loss, duplicates and reordering agree
// with what the trace says the link did; TCP on the same link delivers everything.
#include <doctest/doctest.h>

#include <set>

#include "app/bulk.h"
#include "app/udp_stream.h"
#include "app_fixture.h"
#include "component_snapshot.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {
LinkParams bad_link() {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  lp.loss = 0.10;
  lp.duplicate = 0.05;
  lp.reorder = 0.10;
  lp.reorder_delay = 25 * kMillisecond;
  return lp;
}
}  // namespace

TEST_CASE("app udp stream: loss, duplicates and reordering on a lossy link") {
  TwoHosts w(bad_link(), {}, 7);
  UdpStreamReceiverParams rp;
  rp.expected = 1000;
  auto& rx = w.sim.add_component<UdpStreamReceiver>(w.sim, w.server, "rx", rp);
  UdpStreamSenderParams sp;
  sp.to = {w.server.addr(), rp.port};
  sp.rate = 200;  // one every 5 ms: a reordered datagram (held 25 ms) lands behind later ones
  sp.count = 1000;
  auto& tx = w.sim.add_component<UdpStreamSender>(w.sim, w.client, "tx", sp);
  w.sim.run_until(10 * kSecond);
  CHECK(tx.sent() == 1000);

  // What the trace says arrived at the receiver, datagram by datagram.
  std::multiset<std::uint64_t> arrivals;
  std::set<std::uint64_t> distinct;
  std::uint64_t late = 0, highest_plus_one = 0;
  const Trace& t = w.sim.trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
    const TraceEvent e = t.at(i);
    if (e.kind != TraceKind::packet_received || e.host != w.server.index()) continue;
    const std::optional<Packet> p = t.packet(e.packet_id);
    if (!p->is_udp()) continue;
    std::uint64_t n = 0;
    for (std::uint32_t b = 0; b < 8; ++b) n = (n << 8) | p->payload.at(b);
    if (!distinct.count(n) && n < highest_plus_one) ++late;
    if (!distinct.count(n)) highest_plus_one = std::max(highest_plus_one, n + 1);
    arrivals.insert(n);
    distinct.insert(n);
  }
  CHECK(rx.received() == distinct.size());
  CHECK(rx.duplicates() == arrivals.size() - distinct.size());
  CHECK(rx.lost() == 1000 - distinct.size());
  CHECK(rx.reordered() == late);
  // A bad link did all three things.
  CHECK(rx.lost() > 50);
  CHECK(rx.duplicates() > 10);
  CHECK(rx.reordered() > 20);
  CHECK(rx.received() + rx.lost() == 1000);
  CHECK_FALSE(app_events(w.sim, "rx", "gap:").empty());
  CHECK_FALSE(app_events(w.sim, "rx", "arrived late").empty());
  CHECK_FALSE(app_events(w.sim, "rx", "duplicate of datagram").empty());
  nlohmann::json snap = component_snapshot(rx);
  CHECK(snap["lost"] == rx.lost());
  CHECK(snap["reordered"] == rx.reordered());
}

TEST_CASE("app udp stream vs tcp: on the same bad link TCP delivers every byte") {
  TwoHosts w(bad_link(), {}, 7);
  auto& sink = w.sim.add_component<BulkSink>(w.sim, w.server, "sink", BulkSinkParams{});
  BulkSenderParams bp;
  bp.to = {w.server.addr(), 5001};
  bp.bytes = 200'000;
  w.sim.add_component<BulkSender>(w.sim, w.client, "bulk", bp);
  UdpStreamReceiverParams rp;
  rp.expected = 500;
  auto& rx = w.sim.add_component<UdpStreamReceiver>(w.sim, w.server, "rx", rp);
  UdpStreamSenderParams sp;
  sp.to = {w.server.addr(), rp.port};
  sp.count = 500;
  w.sim.add_component<UdpStreamSender>(w.sim, w.client, "tx", sp);
  w.sim.run_until(120 * kSecond);
  REQUIRE(sink.stats().size() == 1);
  CHECK(sink.stats()[0].bytes == 200'000);
  CHECK(sink.stats()[0].mismatches == 0);
  CHECK(rx.lost() > 0);
}
