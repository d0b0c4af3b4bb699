// Trace storage: what the trace keeps in compact form (24-byte records, 40-byte packets) and what
// it keeps whole must read back exactly as it was added: every packet equal field by field and
// on the wire, every event field for field, whatever its kind, indexes, names or tuple.
#include <doctest/doctest.h>

#include <deque>
#include <string>
#include <vector>

#include "core/rng.h"
#include "trace/trace.h"

namespace tcpplay {
namespace {

Packet engine_tcp(std::uint16_t flags) {
  Packet p;
  p.ip.src = 0x0A000001;
  p.ip.dst = 0x0A000002;
  p.ip.id = 7;
  p.tcp.src_port = 40000;
  p.tcp.dst_port = 80;
  p.tcp.seq = 1000;
  p.tcp.ack = 2000;
  p.tcp.flags = flags;
  p.tcp.window = 65535;
  return p;
}

/// Adds `p` and checks it reads back equal, and whether it took the compact form.
void check_round_trip(Trace& t, const Packet& p, bool compact) {
  const std::size_t before = t.approx_bytes();
  const std::uint64_t id = t.add_packet(p);
  CHECK(t.approx_bytes() - before ==
        Trace::kPacketBytes + (compact ? 0 : Trace::kWholePacketBytes));
  const std::optional<Packet> q = t.packet(id);
  REQUIRE(q);
  CHECK(*q == p);
  CHECK(q->payload.is_pattern() == p.payload.is_pattern());
  CHECK(serialize(*q, SerializeMode::exact) == serialize(p, SerializeMode::exact));
  CHECK(serialize(*q) == serialize(p));
}

TEST_CASE("trace storage: engine-made TCP packets are stored compact and read back equal") {
  Trace t;
  check_round_trip(t, engine_tcp(tcp_flag::syn), true);
  Packet ts = engine_tcp(tcp_flag::ack);
  write_timestamp_option(ts.tcp.options, 0xDEADBEEF, 0x01020304);
  check_round_trip(t, ts, true);
  ts.payload = Payload::pattern(99, (std::uint64_t{1} << 40) + 3, 1448);  // offset past 32 bits
  check_round_trip(t, ts, true);
  Packet rst = engine_tcp(tcp_flag::rst | tcp_flag::ack);
  check_round_trip(t, rst, true);
  Packet urg = engine_tcp(tcp_flag::urg | tcp_flag::psh | tcp_flag::ack | tcp_flag::ae |
                          tcp_flag::ece | tcp_flag::cwr | tcp_flag::fin);
  urg.tcp.urgent = 0xBEEF;
  urg.tcp.reserved = 5;
  urg.payload = Payload::pattern(1, 0, 1);
  check_round_trip(t, urg, true);
  Packet odd_ip = engine_tcp(tcp_flag::ack);
  odd_ip.ip.tos = 0xFF;
  odd_ip.ip.ttl = 1;
  odd_ip.ip.id = 0xFFFF;
  odd_ip.ip.reserved_flag = true;
  odd_ip.ip.dont_fragment = false;
  odd_ip.ip.more_fragments = true;
  odd_ip.ip.fragment_offset = 0x1FFF;
  check_round_trip(t, odd_ip, true);
}

TEST_CASE("trace storage: every other packet is kept whole and reads back equal") {
  Trace t;
  TcpOptions sack;
  sack.has_timestamp = true;
  sack.ts_val = 5;
  sack.sack_count = 2;
  sack.sack[0] = {100, 200};
  sack.sack[1] = {300, 400};
  Packet p = engine_tcp(tcp_flag::ack);
  p.tcp.options = encode_tcp_options(sack, false);
  check_round_trip(t, p, false);

  TcpOptions syn;
  syn.mss = 1460;
  syn.window_scale = 7;
  syn.sack_permitted = true;
  syn.has_timestamp = true;
  p = engine_tcp(tcp_flag::syn);
  p.tcp.options = encode_tcp_options(syn, true);
  check_round_trip(t, p, false);

  p = engine_tcp(tcp_flag::ack);  // a timestamp option without the two NOPs
  TcpOptionWriter w;
  REQUIRE(w.add_timestamp(1, 2));
  p.tcp.options = w.bytes();
  check_round_trip(t, p, false);

  p = engine_tcp(tcp_flag::psh | tcp_flag::ack);
  p.payload = Payload::from_text("GET / HTTP/1.1\r\n\r\n");
  check_round_trip(t, p, false);
  p.payload = Payload::pattern(3, 10, 0);  // an empty pattern piece
  check_round_trip(t, p, false);

  p.payload = Payload::pattern(3, 10, 70000);  // longer than the compact form's 16 bits
  check_round_trip(t, p, false);

  p = engine_tcp(tcp_flag::ack);
  p.ip.fragment_offset = 0x2000;  // crafted: more than the wire's 13 bits
  check_round_trip(t, p, false);
  p = engine_tcp(tcp_flag::ack);
  p.tcp.flags = 0x200;  // crafted: past the 9 flag bits
  check_round_trip(t, p, false);
  p = engine_tcp(tcp_flag::ack);
  p.udp.src_port = 1;  // a stray UDP header on a TCP packet
  check_round_trip(t, p, false);

  // Parsed from wire bytes: lengths and checksums are stored.
  Packet sent = engine_tcp(tcp_flag::ack);
  write_timestamp_option(sent.tcp.options, 9, 8);
  sent.payload = Payload::pattern(4, 0, 100);
  Result<Packet> parsed = parse(serialize(sent));
  REQUIRE(parsed);
  check_round_trip(t, *parsed, false);

  Packet udp;
  udp.ip.protocol = static_cast<std::uint8_t>(IpProto::udp);
  udp.udp.src_port = 5000;
  udp.udp.dst_port = 53;
  udp.payload = Payload::from_text("datagram");
  check_round_trip(t, udp, false);
  udp.payload = Payload::pattern(2, 7, 300);
  check_round_trip(t, udp, false);

  Packet icmp;
  icmp.ip.protocol = static_cast<std::uint8_t>(IpProto::icmp);
  icmp.icmp.type = icmp_type::dest_unreachable;
  icmp.icmp.code = icmp_code::fragmentation_needed;
  icmp.icmp.rest = 1400;
  icmp.payload = Payload::from_bytes(serialize(udp));
  check_round_trip(t, icmp, false);
}

TEST_CASE("trace storage: random packets read back equal, compact or whole") {
  Trace t;
  Rng rng(7, "trace-storage-packets");
  std::vector<Packet> added;
  for (int i = 0; i < 5000; ++i) {
    Packet p;
    const std::uint64_t proto = rng.below(10);
    p.ip.protocol = static_cast<std::uint8_t>(proto < 8    ? IpProto::tcp
                                              : proto == 8 ? IpProto::udp
                                                           : IpProto::icmp);
    p.ip.tos = static_cast<std::uint8_t>(rng.below(4) == 0 ? rng.next_u32() : 0);
    p.ip.id = static_cast<std::uint16_t>(rng.next_u32());
    p.ip.dont_fragment = rng.below(2) == 0;
    p.ip.more_fragments = rng.below(8) == 0;
    p.ip.reserved_flag = rng.below(8) == 0;
    p.ip.fragment_offset = static_cast<std::uint16_t>(rng.below(8) == 0 ? rng.next_u32() : 0);
    p.ip.ttl = static_cast<std::uint8_t>(rng.next_u32());
    p.ip.src = rng.next_u32();
    p.ip.dst = rng.next_u32();
    if (rng.below(16) == 0) p.ip.checksum = static_cast<std::uint16_t>(rng.next_u32());
    if (rng.below(16) == 0) p.ip.total_length = static_cast<std::uint16_t>(rng.next_u32());
    if (p.is_tcp()) {
      p.tcp.src_port = static_cast<std::uint16_t>(rng.next_u32());
      p.tcp.dst_port = static_cast<std::uint16_t>(rng.next_u32());
      p.tcp.seq = rng.next_u32();
      p.tcp.ack = rng.next_u32();
      p.tcp.flags = static_cast<std::uint16_t>(rng.below(0x200));
      p.tcp.reserved = static_cast<std::uint8_t>(rng.below(4) == 0 ? rng.below(8) : 0);
      p.tcp.window = static_cast<std::uint16_t>(rng.next_u32());
      p.tcp.urgent = static_cast<std::uint16_t>(rng.below(4) == 0 ? rng.next_u32() : 0);
      if (rng.below(16) == 0) p.tcp.checksum = static_cast<std::uint16_t>(rng.next_u32());
      const std::uint64_t opt = rng.below(4);
      if (opt == 1 || opt == 2)
        write_timestamp_option(p.tcp.options, rng.next_u32(), rng.next_u32());
      if (opt == 2 && rng.below(2) == 0) p.tcp.options.data[2] = 5;  // not TS any more
      if (opt == 3) {
        TcpOptions o;
        o.mss = static_cast<std::uint16_t>(rng.next_u32());
        o.has_timestamp = rng.below(2) == 0;
        p.tcp.options = encode_tcp_options(o, true);
      }
    } else if (p.is_udp()) {
      p.udp.src_port = static_cast<std::uint16_t>(rng.next_u32());
      p.udp.dst_port = static_cast<std::uint16_t>(rng.next_u32());
    } else {
      p.icmp.type = static_cast<std::uint8_t>(rng.below(16));
      p.icmp.rest = rng.next_u32();
    }
    const std::uint64_t pay = rng.below(4);
    if (pay == 1)
      p.payload = Payload::pattern(rng.next_u32(), rng.next_u64() >> 8,
                                   static_cast<std::uint32_t>(rng.below(1500)));
    if (pay == 2) p.payload = Payload::from_text(std::string(rng.below(40), 'x'));
    const std::uint64_t id = t.add_packet(p);
    REQUIRE(id == added.size() + 1);
    added.push_back(p);
  }
  for (std::size_t i = 0; i < added.size(); ++i) {
    const std::optional<Packet> q = t.packet(i + 1);
    REQUIRE(q);
    REQUIRE(*q == added[i]);
    REQUIRE(q->payload.is_pattern() == added[i].payload.is_pattern());
    REQUIRE(serialize(*q, SerializeMode::exact) == serialize(added[i], SerializeMode::exact));
  }
  CHECK(!t.packet(0));
  CHECK(!t.packet(added.size() + 1));
}

bool same_label(const char* got, const char* want) {
  const std::string w = want ? want : "";
  return std::string(got) == w && (w.empty() || got == want);  // the very pointer given
}

void check_event(const TraceEvent& got, const TraceEvent& want) {
  REQUIRE(got.index == want.index);
  CHECK(got.time == want.time);
  CHECK(got.kind == want.kind);
  CHECK(got.host == want.host);
  CHECK(got.link == want.link);
  CHECK(got.conn == want.conn);
  CHECK(got.tuple == want.tuple);
  CHECK(got.packet_id == want.packet_id);
  CHECK(same_label(got.from, want.from));
  CHECK(same_label(got.to, want.to));
  CHECK(same_label(got.name, want.name));
  CHECK(got.deadline == want.deadline);
  CHECK(got.detail == want.detail);
}

TEST_CASE("trace storage: every event reads back field for field") {
  // 300 distinct names (more than a record's 255 label ids), alive as long as the trace.
  std::deque<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back("name" + std::to_string(i));
  const char* states[] = {"", "CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1"};
  const int hosts[] = {-1, 0, 3, 32767, 32768, 40000, -32768, -32769};
  const int links[] = {-1, -1, 0, 2, 32767, 32768, 70000, -5};
  const int conns[] = {-1, -1, 1, 2, 3, 4, 0, 200000, -7};
  const FourTuple tuples[] = {{}, {1, 2, 3, 4}, {5, 6, 7, 8}};

  for (const Trace::Retention r : {Trace::Retention{0, 0}, Trace::Retention{700, 0}}) {
    Trace t;
    t.set_retention(r);
    Rng rng(11, "trace-storage-events");
    std::vector<TraceEvent> want;
    std::vector<FourTuple> conn_tuple(8);  // the tuple each small conn id usually has
    for (std::size_t c = 0; c < conn_tuple.size(); ++c)
      conn_tuple[c] = FourTuple{static_cast<Ipv4Addr>(c), 9, static_cast<std::uint16_t>(c), 80};
    for (int i = 0; i < 6000; ++i) {
      TraceEvent e;
      e.index = t.end_index();
      e.time = static_cast<SimTime>(i) * 1000 + static_cast<SimTime>(rng.below(1000));
      e.kind = static_cast<TraceKind>(rng.below(10));
      e.host = hosts[rng.below(std::size(hosts))];
      const char* name =
          rng.below(3) == 0 ? "" : names[rng.below(rng.below(4) == 0 ? 300 : 20)].c_str();
      const std::uint64_t how = rng.below(3);
      if (how == 0) {  // a packet event, written in place
        e.link = links[rng.below(std::size(links))];
        e.packet_id = rng.below(8) == 0 ? 0 : 1 + rng.below(1000);
        e.name = name;
        t.add_packet_event(e.time, e.kind, e.host, e.link, e.packet_id, e.name);
      } else if (how == 1) {  // a connection event, written in place
        e.conn = conns[rng.below(std::size(conns))];
        const bool usual = e.conn >= 0 && e.conn < 8 && rng.below(8) != 0;
        e.tuple = usual ? conn_tuple[static_cast<std::size_t>(e.conn)] : tuples[rng.below(3)];
        e.name = name;
        e.deadline = rng.below(2) == 0 ? kNever : static_cast<SimTime>(rng.next_u64() >> 1);
        t.add_conn_event(e.time, e.kind, e.host, e.conn, e.tuple, e.name, e.deadline);
      } else {  // any combination of fields
        if (rng.below(2) == 0) e.link = links[rng.below(std::size(links))];
        if (rng.below(2) == 0) e.conn = conns[rng.below(std::size(conns))];
        const bool usual = e.conn >= 0 && e.conn < 8 && rng.below(4) != 0;
        e.tuple = usual ? conn_tuple[static_cast<std::size_t>(e.conn)] : tuples[rng.below(3)];
        if (rng.below(3) == 0) e.packet_id = 1 + rng.below(1000);
        if (rng.below(3) == 0) e.deadline = static_cast<SimTime>(rng.below(1'000'000'000));
        if (rng.below(3) == 0) {
          e.from = states[rng.below(std::size(states))];
          e.to = states[rng.below(std::size(states))];
        }
        e.name = name;
        if (rng.below(2) == 0)
          e.detail = std::string(rng.below(50), static_cast<char>('a' + rng.below(26)));
        TraceEvent copy = e;
        t.add(std::move(copy));
      }
      want.push_back(e);
      if (r.max_events == 0) {  // read back right away too, before later events change tables
        check_event(t.at(e.index), e);
      }
    }
    REQUIRE(t.end_index() == want.size());
    if (r.max_events) CHECK(t.first_index() > 0);
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      CHECK(t.kind_at(i) == want[i].kind);
      check_event(t.at(i), want[i]);
    }
  }
}

TEST_CASE("trace storage: retention drops the packets no retained event refers to") {
  Trace t;
  t.set_retention({32, 0});
  for (int i = 0; i < 1000; ++i) {
    Packet p = i % 5 == 0 ? Packet{} : engine_tcp(tcp_flag::ack);
    if (i % 5 == 0) p.ip.protocol = static_cast<std::uint8_t>(IpProto::udp);  // kept whole
    p.ip.id = static_cast<std::uint16_t>(i);
    const std::uint64_t id = t.add_packet(p);
    t.add_packet_event(i, TraceKind::packet_sent, 0, 0, id, "");
  }
  REQUIRE(t.end_index() - t.first_index() <= 32);
  const std::uint64_t oldest = t.at(t.first_index()).packet_id;
  CHECK(!t.packet(oldest - 1));  // dropped with its event
  std::size_t bytes = (t.end_index() - t.first_index()) * Trace::kRecordBytes;
  for (std::uint64_t id = oldest; id <= 1000; ++id) {
    const std::optional<Packet> p = t.packet(id);
    REQUIRE(p);
    CHECK(p->ip.id == id - 1);
    bytes += Trace::kPacketBytes + (p->is_udp() ? Trace::kWholePacketBytes : 0);
  }
  CHECK(t.approx_bytes() == bytes);
}

}  // namespace
}  // namespace tcpplay

namespace tcpplay {

TEST_CASE("trace storage: a flow is forgotten with its last retained packet, its index reused") {
  // 2,000 short flows (one packet each, a new source port) between the packets of one long flow,
  // ten packets retained at a time: the flows in use stay few, the hash index keeps finding
  // them through removals (backward shifts past collisions), and every retained packet still
  // reads back equal.
  PacketStore store;
  std::deque<std::pair<std::uint64_t, Packet>> kept;
  Packet along = engine_tcp(tcp_flag::ack);
  for (int i = 0; i < 4000; ++i) {
    Packet p = engine_tcp(tcp_flag::ack);
    if (i % 2 == 0) {
      along.tcp.seq += 1448;
      along.payload = Payload::pattern(3, along.tcp.seq, 1448);
      p = along;
    } else {
      p.tcp.src_port = static_cast<std::uint16_t>(1024 + i);
      p.ip.id = static_cast<std::uint16_t>(i);
    }
    bool whole = true;
    const std::uint64_t id = store.add(p, &whole);
    CHECK_FALSE(whole);
    kept.emplace_back(id, p);
    if (kept.size() > 10) {
      kept.pop_front();
      store.drop_before(kept.front().first);
    }
    CHECK(store.flows_in_use() <= 11);
    for (const auto& [kid, kp] : kept) {
      const std::optional<Packet> q = store.get(kid);
      REQUIRE(q);
      CHECK(*q == kp);
    }
  }
  store.drop_before(store.end_id());
  CHECK(store.flows_in_use() == 0);
}

}  // namespace tcpplay
