// Trace retention: the compact recording (24-byte records in reused ring slots, details and
// events kept whole on the side, 40-byte packets or packets kept whole on the side, batch drops
// that do not read the dropped records) keeps exactly what a plain deque model of the documented
// rule keeps, and reads every field back: drop from the front in batches of max_events/16 while
// over either limit, then drop the packets no retained event refers to.
#include <doctest/doctest.h>

#include <deque>
#include <string>

#include "core/rng.h"
#include "trace/trace.h"

namespace tcpplay {
namespace {

struct Model {
  struct Ev {
    std::uint64_t packet_id;
    std::size_t bytes;
    TraceKind kind;
    std::string detail;
    bool spilled = false;  // kept whole: its fields do not fit a compact record
  };
  Trace::Retention r;
  std::deque<Ev> events;
  std::uint64_t first = 0, first_packet = 1;
  std::deque<bool> packets;  // stored, oldest first: kept whole?
  std::size_t bytes = 0;

  bool over() const {
    return (r.max_events && events.size() > r.max_events) || (r.max_bytes && bytes > r.max_bytes);
  }
  std::size_t packet_bytes(bool whole) const {
    return Trace::kPacketBytes + (whole ? Trace::kWholePacketBytes : 0);
  }
  void add_packet(bool whole) {
    packets.push_back(whole);
    bytes += packet_bytes(whole);
  }
  void add(Ev e) {
    e.bytes = Trace::kRecordBytes;
    if (e.spilled) e.bytes += Trace::kSpilledBytes + e.detail.size();
    else if (!e.detail.empty()) e.bytes += Trace::kDetailBytes + e.detail.size();
    bytes += e.bytes;
    events.push_back(std::move(e));
    if (!over()) return;
    const std::size_t batch = std::max<std::size_t>(1, r.max_events / 16);
    std::size_t dropped = 0;
    while (!events.empty() && (over() || dropped < batch)) {
      bytes -= events.front().bytes;
      events.pop_front();
      ++first;
      ++dropped;
    }
    std::uint64_t keep_from = first_packet + packets.size();
    for (const Ev& x : events)
      if (x.packet_id) {
        keep_from = x.packet_id;
        break;
      }
    while (!packets.empty() && first_packet < keep_from) {
      ++first_packet;
      bytes -= packet_bytes(packets.front());
      packets.pop_front();
    }
  }
};

/// The k-th stored packet reads back, compact or kept whole.
void check_packet(const Trace& trace, const Model& m, std::size_t k) {
  const std::uint64_t id = m.first_packet + k;
  const std::optional<Packet> p = trace.packet(id);
  REQUIRE(p);
  REQUIRE(p->is_udp() == m.packets[k]);
  if (p->is_udp()) REQUIRE(p->udp.src_port == static_cast<std::uint16_t>(id));
  else REQUIRE(p->tcp.seq == static_cast<std::uint32_t>(id));
}

void run_against_model(Trace::Retention r, std::uint64_t seed) {
  Trace trace;
  trace.set_retention(r);
  Model m;
  m.r = r;
  Rng rng(seed, "trace-retention-test");
  std::uint64_t next_packet = 1;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t pick = rng.next_u64() % 10;
    if (pick < 5) {
      // A packet and its event, sometimes a second event for the same packet. Every third packet
      // is UDP, which the trace keeps whole.
      const bool whole = rng.next_u64() % 3 == 0;
      Packet p;
      p.ip.protocol = static_cast<std::uint8_t>(whole ? IpProto::udp : IpProto::tcp);
      if (whole) p.udp.src_port = static_cast<std::uint16_t>(next_packet);
      else p.tcp.seq = static_cast<std::uint32_t>(next_packet);
      const std::uint64_t id = trace.add_packet(p);
      m.add_packet(whole);
      REQUIRE(id == next_packet);
      ++next_packet;
      trace.add_packet_event(i, TraceKind::packet_sent, 0, 0, id, "");
      m.add({id, 0, TraceKind::packet_sent, ""});
      if (pick == 0) {
        trace.add_packet_event(i, TraceKind::packet_received, 1, 0, id, "");
        m.add({id, 0, TraceKind::packet_received, ""});
      }
    } else if (pick < 8) {
      trace.add_conn_event(i, TraceKind::timer_set, 0, 1, FourTuple{1, 2, 3, 4}, "retransmit",
                           i + 5);
      m.add({0, 0, TraceKind::timer_set, ""});
    } else if (pick == 8) {
      // A state change; every 4th from a host index too large for a record (kept whole).
      const bool spilled = rng.next_u64() % 4 == 0;
      TraceEvent e;
      e.time = i;
      e.kind = TraceKind::state_change;
      e.host = spilled ? 40000 : 1;
      e.conn = 7;
      e.tuple = FourTuple{5, 6, 7, 8};
      e.from = "SYN_SENT";
      e.to = "ESTABLISHED";
      e.detail = "SYN-ACK received";
      m.add({0, 0, TraceKind::state_change, e.detail, spilled});
      trace.add(std::move(e));
    } else {
      TraceEvent e;
      e.time = i;
      e.kind = TraceKind::note;
      e.detail = std::string(rng.next_u64() % 60, 'x');  // short and heap-allocated details
      m.add({0, 0, TraceKind::note, e.detail});
      trace.add(std::move(e));
    }
    REQUIRE(trace.first_index() == m.first);
    REQUIRE(trace.end_index() == m.first + m.events.size());
    REQUIRE(trace.approx_bytes() == m.bytes);
    REQUIRE(!trace.packet(m.first_packet - 1));
    if (!m.packets.empty()) {  // the first, the last and one in between
      check_packet(trace, m, 0);
      check_packet(trace, m, m.packets.size() - 1);
      check_packet(trace, m, rng.next_u64() % m.packets.size());
    }
    REQUIRE(!trace.packet(m.first_packet + m.packets.size()));
  }
  for (std::size_t k = 0; k < m.packets.size(); ++k) check_packet(trace, m, k);
  // Every retained event reads back as written, slots reused or not.
  for (std::size_t k = 0; k < m.events.size(); ++k) {
    const TraceEvent e = trace.at(m.first + k);
    REQUIRE(e.index == m.first + k);
    REQUIRE(e.kind == m.events[k].kind);
    REQUIRE(e.packet_id == m.events[k].packet_id);
    REQUIRE(e.detail == m.events[k].detail);
    if (e.kind == TraceKind::state_change) {
      CHECK(e.host == (m.events[k].spilled ? 40000 : 1));
      CHECK(e.conn == 7);
      CHECK(e.tuple == FourTuple{5, 6, 7, 8});
      CHECK(std::string(e.from) == "SYN_SENT");
      CHECK(std::string(e.to) == "ESTABLISHED");
      CHECK(e.deadline == kNever);
    } else if (e.kind == TraceKind::timer_set) {
      CHECK(e.conn == 1);
      CHECK(e.deadline == static_cast<SimTime>(e.time + 5));
      CHECK(std::string(e.name) == "retransmit");
    } else {
      CHECK(e.conn == -1);
      CHECK(e.deadline == kNever);
      CHECK(e.tuple == FourTuple{});
    }
  }
}

TEST_CASE("trace: retention by events, by bytes and by both matches the plain model") {
  run_against_model({3000, 0}, 1);
  run_against_model({100, 0}, 2);
  run_against_model({0, 200'000}, 3);
  run_against_model({1500, 300'000}, 4);
  run_against_model({0, 0}, 5);
  run_against_model({1, 0}, 6);
}

}  // namespace
}  // namespace tcpplay
