// UDP (RFC 768) on a two-host world: delivery, no ordering or retransmission, ICMP port
// unreachable both ways (RFC 1122 §4.1.3.1), the MTU limit and the checksum.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "net/host.h"
#include "net/link.h"
#include "net/network.h"
#include "trace/trace.h"
#include "udp/udp_stack.h"
#include "wire/packet.h"
#include "wire/payload.h"

using namespace tcpplay;

namespace {

struct Recorder : UdpObserver {
  struct Datagram {
    Ipv4Addr from = 0;
    std::uint16_t from_port = 0;
    Payload data;
  };
  std::vector<Datagram> datagrams;
  std::vector<std::string> errors;

  void on_datagram(UdpSocket&, Ipv4Addr from, std::uint16_t from_port,
                   const Payload& data) override {
    datagrams.push_back({from, from_port, data});
  }
  void on_error(UdpSocket&, const std::string& error) override { errors.push_back(error); }
};

/// Hosts a (10.0.0.1) and b (10.0.0.2) on one link, each with a UDP stack.
struct World {
  Network net{1};
  Host& a;
  Host& b;
  UdpStack ua;
  UdpStack ub;

  explicit World(const LinkParams& params = LinkParams{})
      : a(net.add_host("a", *parse_ipv4("10.0.0.1"))),
        b(net.add_host("b", *parse_ipv4("10.0.0.2"))),
        ua(net, a),
        ub(net, b) {
    net.add_link("ab", a, b, params);
    a.add_handler(&ua);
    b.add_handler(&ub);
  }

  void run(SimTime until = 1 * kSecond) { net.sched().run_until(until); }

  /// Events of one kind, oldest first.
  std::vector<TraceEvent> events(TraceKind kind) const {
    std::vector<TraceEvent> out;
    const Trace& t = net.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
      if (t.kind_at(i) == kind) out.push_back(t.at(i));
    return out;
  }

  /// Packets that left `host`, oldest first.
  std::vector<std::optional<Packet>> sent_by(const Host& host) const {
    std::vector<std::optional<Packet>> out;
    for (const TraceEvent& e : events(TraceKind::packet_sent))
      if (e.host == host.index()) out.push_back(net.trace().packet(e.packet_id));
    return out;
  }
};

Payload numbered(int i) { return Payload::from_text("datagram " + std::to_string(i)); }

int number_of(const Payload& p) { return std::stoi(p.to_string().substr(9)); }

}  // namespace

TEST_CASE("udp: a datagram arrives intact, with its source address and port") {
  World w;
  Recorder rb;
  UdpSocket* sa = w.ua.bind(0).value();
  UdpSocket* sb = w.ub.bind(9000, &rb).value();
  CHECK(sa->port() == 40000);

  std::vector<std::uint8_t> bytes(256);
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<std::uint8_t>(255 - i);
  const Payload data = Payload::from_bytes(bytes);
  REQUIRE(sa->send_to(w.b.addr(), 9000, data).ok());
  w.run();

  REQUIRE(rb.datagrams.size() == 1);
  CHECK(rb.datagrams[0].from == w.a.addr());
  CHECK(rb.datagrams[0].from_port == 40000);
  CHECK(rb.datagrams[0].data.to_vector() == bytes);
  CHECK(sa->stats().sent == 1);
  CHECK(sa->stats().bytes_sent == 256);
  CHECK(sb->stats().received == 1);
  CHECK(sb->stats().bytes_received == 256);

  const std::vector<std::optional<Packet>> sent = w.sent_by(w.a);
  REQUIRE(sent.size() == 1);
  const Packet& p = *sent[0];
  CHECK(p.is_udp());
  CHECK(p.ip.src == w.a.addr());
  CHECK(p.ip.dst == w.b.addr());
  CHECK(p.ip.ttl == 64);
  CHECK(p.ip.dont_fragment);
  CHECK(p.udp.src_port == 40000);
  CHECK(p.udp.dst_port == 9000);
  CHECK(p.wire_size() == 20 + 8 + 256);
  CHECK(w.sent_by(w.b).empty());  // nothing comes back: no ACKs in UDP
}

TEST_CASE("udp: bind, ephemeral ports and close") {
  World w;
  CHECK(w.ua.bind(0).value()->port() == 40000);
  CHECK(w.ua.bind(0).value()->port() == 40001);
  REQUIRE(w.ua.bind(40002).ok());
  CHECK(w.ua.bind(0).value()->port() == 40003);  // bound ports are skipped
  REQUIRE(w.ua.bind(53).ok());
  const Result<UdpSocket*> again = w.ua.bind(53);
  REQUIRE(!again.ok());
  CHECK(again.error() == "UDP port 53 is already bound on a");
  CHECK(w.ua.socket(53) != nullptr);
  CHECK(w.ua.close(53).ok());
  CHECK(w.ua.socket(53) == nullptr);
  CHECK(w.ua.close(53).error() == "UDP port 53 is not bound on a");
  CHECK(w.ua.bind(53).ok());
  CHECK(w.ua.sockets().size() == 5);
}

TEST_CASE("udp: no ordering guarantee under jitter and reordering") {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  lp.jitter = 5 * kMillisecond;
  lp.reorder = 0.2;
  World w(lp);
  Recorder rb;
  UdpSocket* sa = w.ua.bind(0).value();
  w.ub.bind(7, &rb);
  for (int i = 0; i < 50; ++i) {
    REQUIRE(sa->send_to(w.b.addr(), 7, numbered(i)).ok());
    w.run(w.net.now() + 1 * kMillisecond);
  }
  w.run(2 * kSecond);

  REQUIRE(rb.datagrams.size() == 50);
  std::vector<int> order;
  for (const auto& d : rb.datagrams) order.push_back(number_of(d.data));
  CHECK(!std::is_sorted(order.begin(), order.end()));  // delivered as they arrive
  std::sort(order.begin(), order.end());
  for (int i = 0; i < 50; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("udp: lost datagrams are not retransmitted") {
  LinkParams lp;
  lp.loss = 0.3;
  World w(lp);
  Recorder rb;
  UdpSocket* sa = w.ua.bind(0).value();
  w.ub.bind(7, &rb);
  for (int i = 0; i < 50; ++i) REQUIRE(sa->send_to(w.b.addr(), 7, numbered(i)).ok());
  w.run(10 * kSecond);

  CHECK(w.sent_by(w.a).size() == 50);  // each datagram left exactly once
  CHECK(rb.datagrams.size() < 50);
  CHECK(rb.datagrams.size() > 20);
  std::size_t lost = 0;
  for (const TraceEvent& e : w.events(TraceKind::packet_dropped))
    if (std::string(e.name) == drop_reason::loss) ++lost;
  CHECK(lost == 50 - rb.datagrams.size());
  std::set<int> seen;
  for (const auto& d : rb.datagrams) CHECK(seen.insert(number_of(d.data)).second);
  CHECK(sa->stats().sent == 50);  // the sender cannot tell
  CHECK(sa->stats().errors == 0);
}

TEST_CASE("udp: a datagram to an unbound port gets ICMP port unreachable back") {
  World w;
  Recorder ra;
  UdpSocket* sa = w.ua.bind(5000, &ra).value();
  REQUIRE(sa->send_to(w.b.addr(), 9999, Payload::from_text("anyone there?")).ok());
  w.run();

  const std::vector<std::optional<Packet>> from_b = w.sent_by(w.b);
  REQUIRE(from_b.size() == 1);
  const Packet& icmp = *from_b[0];
  CHECK(icmp.is_icmp());
  CHECK(icmp.ip.src == w.b.addr());
  CHECK(icmp.ip.dst == w.a.addr());
  CHECK(icmp.icmp.type == icmp_type::dest_unreachable);
  CHECK(icmp.icmp.code == icmp_code::port_unreachable);
  CHECK(icmp.wire_size() == 20 + 8 + 28);  // tcpdump: "length 36" for the ICMP part

  // The body quotes the offending IP header and UDP header exactly as they were on the wire.
  const Packet udp = *w.sent_by(w.a).at(0);  // a copy: the vector is a temporary
  const std::vector<std::uint8_t> original = serialize(udp);
  const std::vector<std::uint8_t> quote(original.begin(), original.begin() + 28);
  CHECK(icmp.payload.to_vector() == quote);

  // On the wire it is a valid ICMP packet.
  const Result<Packet> parsed = parse(serialize(icmp));
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK(parsed->icmp.type == 3);
  CHECK(parsed->icmp.code == 3);
  CHECK(parsed->payload.to_vector() == quote);

  // The sender's stack sees it, but an unconnected socket is not told (Linux udp_err with
  // IP_RECVERR off): no error for the application, no pending error; the trace says why.
  CHECK(ra.errors.empty());
  CHECK(sa->pending_error() == nullptr);
  CHECK(sa->stats().errors == 1);
  CHECK(sa->stats().last_error == "port unreachable: 10.0.0.2:9999");
  CHECK(w.events(TraceKind::app).empty());
  const std::vector<TraceEvent> notes = w.events(TraceKind::note);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].host == w.a.index());
  CHECK(notes[0].detail.find("port unreachable: 10.0.0.2:9999: not reported, the socket is not "
                             "connected") != std::string::npos);
  CHECK(notes[0].tuple == FourTuple{w.a.addr(), w.b.addr(), 5000, 9999});
}

TEST_CASE("udp: a connected socket gets the port unreachable as its pending error") {
  World w;
  Recorder ra;
  UdpSocket* sa = w.ua.bind(5000, &ra).value();
  sa->connect(w.b.addr(), 9999);
  CHECK(sa->connected());
  REQUIRE(sa->send_to(w.b.addr(), 9999, Payload::from_text("anyone there?")).ok());
  w.run();
  REQUIRE(ra.errors.size() == 1);
  CHECK(ra.errors[0] == "port unreachable: 10.0.0.2:9999");
  REQUIRE(sa->pending_error() != nullptr);
  CHECK(std::string(sa->pending_error()) == "ECONNREFUSED");
  sa->connect(w.b.addr(), 9998);  // connecting again does not clear it (Linux leaves sk_err)
  REQUIRE(sa->pending_error() != nullptr);
  // The call that reports it clears it (sock_error()).
  CHECK(std::string(sa->take_pending_error()) == "ECONNREFUSED");
  CHECK(sa->pending_error() == nullptr);
}

TEST_CASE("udp: a connected socket receives only from its peer; others get port unreachable") {
  World w;
  Recorder rb;
  UdpSocket* sb = w.ub.bind(7000, &rb).value();
  sb->connect(w.a.addr(), 5000);
  UdpSocket* peer = w.ua.bind(5000).value();
  UdpSocket* other = w.ua.bind(5001).value();
  REQUIRE(peer->send_to(w.b.addr(), 7000, Payload::from_text("from the peer")).ok());
  REQUIRE(other->send_to(w.b.addr(), 7000, Payload::from_text("from another port")).ok());
  w.run();
  REQUIRE(rb.datagrams.size() == 1);
  CHECK(rb.datagrams[0].data.to_string() == "from the peer");
  // The other datagram found no socket: b answered it with a port unreachable.
  const std::vector<std::optional<Packet>> from_b = w.sent_by(w.b);
  REQUIRE(from_b.size() == 1);
  CHECK(from_b[0]->is_icmp());
  CHECK(from_b[0]->icmp.code == icmp_code::port_unreachable);
}

TEST_CASE("udp: a soft ICMP error (host unreachable) does not reach even a connected socket") {
  World w;
  UdpSocket* sa = w.ua.bind(5000).value();
  sa->connect(w.b.addr(), 7);
  Packet udp;
  udp.ip.protocol = 17;
  udp.ip.src = w.a.addr();
  udp.ip.dst = w.b.addr();
  udp.udp.src_port = 5000;
  udp.udp.dst_port = 7;
  const std::vector<std::uint8_t> wire = serialize(udp);
  Packet icmp;
  icmp.ip.protocol = 1;
  icmp.ip.src = w.b.addr();
  icmp.ip.dst = w.a.addr();
  icmp.icmp.type = 3;
  icmp.icmp.code = 1;  // host unreachable: icmp_err_convert's fatal = 0
  icmp.payload = Payload::from_bytes(std::vector<std::uint8_t>(wire.begin(), wire.begin() + 28));
  CHECK(w.ua.handle(icmp, 0, 0));
  CHECK(sa->pending_error() == nullptr);
  icmp.icmp.code = 13;  // administratively prohibited (a firewall's reject): hard
  CHECK(w.ua.handle(icmp, 0, 0));
  REQUIRE(sa->pending_error() != nullptr);
  CHECK(std::string(sa->pending_error()) == "EHOSTUNREACH");
}

TEST_CASE("udp: an oversize datagram is dropped at the sender, not fragmented") {
  World w;
  Recorder rb;
  UdpSocket* sa = w.ua.bind(0).value();
  w.ub.bind(7, &rb);
  const Status too_big = sa->send_to(w.b.addr(), 7, Payload::pattern(1, 0, 1473));
  REQUIRE(!too_big.ok());
  CHECK(too_big.error() ==
        "datagram of 1501 bytes exceeds the path MTU 1500 (fragmentation is not modelled)");
  CHECK(sa->stats().errors == 1);
  CHECK(sa->stats().sent == 0);
  const std::vector<TraceEvent> drops = w.events(TraceKind::packet_dropped);
  REQUIRE(drops.size() == 1);
  CHECK(std::string(drops[0].name) == drop_reason::too_big);
  CHECK(std::string(drops[0].name) == "exceeds_mtu");
  CHECK(drops[0].host == w.a.index());
  CHECK(drops[0].link == 0);
  CHECK(w.net.trace().packet(drops[0].packet_id)->wire_size() == 1501);

  CHECK(sa->send_to(w.b.addr(), 7, Payload::pattern(1, 0, 1472)).ok());  // exactly 1500
  w.run();
  REQUIRE(rb.datagrams.size() == 1);
  CHECK(rb.datagrams[0].data == Payload::pattern(1, 0, 1472));
}

TEST_CASE("udp: no route is an error and a traced drop") {
  World w;
  UdpSocket* sa = w.ua.bind(0).value();
  const Status s = sa->send_to(*parse_ipv4("192.0.2.1"), 7, Payload::from_text("x"));
  CHECK(s.error() == "no route to 192.0.2.1");
  const std::vector<TraceEvent> drops = w.events(TraceKind::packet_dropped);
  REQUIRE(drops.size() == 1);
  CHECK(std::string(drops[0].name) == drop_reason::no_route);
}

TEST_CASE("udp: the checksum covers the pseudo-header, header and data (RFC 768)") {
  World w;
  UdpSocket* sa = w.ua.bind(1234).value();
  REQUIRE(sa->send_to(w.b.addr(), 53, Payload::from_text("odd")).ok());  // odd length: padded
  const Packet p = *w.sent_by(w.a).at(0);  // a copy: the vector is a temporary
  std::vector<std::uint8_t> bytes = serialize(p);
  REQUIRE(bytes.size() == 20 + 8 + 3);
  const std::span<const std::uint8_t> segment(bytes.data() + 20, bytes.size() - 20);
  CHECK(l4_checksum(p.ip.src, p.ip.dst, 17, segment) == 0);  // a valid sum folds to zero
  const std::uint16_t field = static_cast<std::uint16_t>((bytes[26] << 8) | bytes[27]);
  CHECK(field != 0);
  std::vector<std::uint8_t> zeroed(segment.begin(), segment.end());
  zeroed[6] = zeroed[7] = 0;
  CHECK(l4_checksum(p.ip.src, p.ip.dst, 17, zeroed) == field);
  CHECK((bytes[24] << 8 | bytes[25]) == 11);  // UDP length: header + data
  CHECK(parse(bytes).ok());

  bytes.back() ^= 0x01;
  const Result<Packet> bad = parse(bytes);
  REQUIRE(!bad.ok());
  CHECK(bad.error().find("udp: checksum") == 0);
}

TEST_CASE("udp: the stack leaves TCP and unrelated ICMP to other handlers") {
  World w;
  w.ua.bind(5000);
  Packet tcp;
  tcp.ip.protocol = 6;
  tcp.ip.src = w.b.addr();
  tcp.ip.dst = w.a.addr();
  CHECK(!w.ua.handle(tcp, 0, 0));

  // A port unreachable quoting a datagram from a port nobody has bound here.
  Packet udp;
  udp.ip.protocol = 17;
  udp.ip.src = w.a.addr();
  udp.ip.dst = w.b.addr();
  udp.udp.src_port = 6000;
  udp.udp.dst_port = 7;
  const std::vector<std::uint8_t> wire = serialize(udp);
  Packet icmp;
  icmp.ip.protocol = 1;
  icmp.ip.src = w.b.addr();
  icmp.ip.dst = w.a.addr();
  icmp.icmp.type = 3;
  icmp.icmp.code = 3;
  icmp.payload = Payload::from_bytes(std::vector<std::uint8_t>(wire.begin(), wire.begin() + 28));
  CHECK(!w.ua.handle(icmp, 0, 0));
  icmp.payload = Payload::from_bytes(std::vector<std::uint8_t>(wire.begin(), wire.begin() + 27));
  CHECK(!w.ua.handle(icmp, 0, 0));  // truncated quote: ignored, never read past the end

  // The same quote from our bound port is consumed; an echo reply is not.
  udp.udp.src_port = 5000;
  const std::vector<std::uint8_t> ours = serialize(udp);
  icmp.payload = Payload::from_bytes(std::vector<std::uint8_t>(ours.begin(), ours.begin() + 28));
  CHECK(w.ua.handle(icmp, 0, 0));
  icmp.icmp.type = icmp_type::echo_reply;
  CHECK(!w.ua.handle(icmp, 0, 0));
}

TEST_CASE("udp: no ICMP error about a datagram from an unspecified source (RFC 1122 §3.2.2)") {
  World w;
  Packet udp;
  udp.ip.protocol = 17;
  udp.ip.src = 0;
  udp.ip.dst = w.b.addr();
  udp.udp.dst_port = 67;
  CHECK(w.ub.handle(udp, 0, 0));
  w.run();
  CHECK(w.sent_by(w.b).empty());
}
