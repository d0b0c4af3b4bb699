// The three fuzzing entry points of issue 9, header-only so that the libFuzzer targets in this
// folder and the doctest regression suite (tests/engine/fuzz_regression_test.cpp) run exactly
// the same code on the same bytes.
//
// Each returns "" when the input was handled, or a message when a property the engine promises
// was broken (the libFuzzer wrapper aborts on it, so the input is saved as a crash). Crashes
// proper (out-of-bounds access, undefined behaviour, assertions) are caught by the sanitizers.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/packet_json.h"
#include "scenario/scenario.h"
#include "sim/simulation.h"
#include "tcp/tcp_stack.h"
#include "wire/dissect.h"
#include "wire/packet.h"

namespace tcpplay::fuzz {

// --- 1. packet parser --------------------------------------------------------------------------

/// parse() is the exact inverse of serialize(exact): whenever it accepts bytes, serializing the
/// result reproduces them (up to the IPv4 total length; link padding after it is not part of the
/// packet). And what serialize(compute) makes of a parsed packet must parse, checksums included.
/// dissect() never crashes on any bytes: every field lies inside the bytes (and inside its
/// parent), an error names its layer and field, the JSON writes, and bytes that parse() accepts
/// (checksums verified) dissect without an error outside an ICMP quote, every checksum valid.
inline std::string fields_inside(const std::vector<DissectField>& fields, std::uint64_t lo,
                                 std::uint64_t hi) {
  for (const DissectField& f : fields) {
    if (f.offset < lo || std::uint64_t{f.offset} + f.length > hi)
      return "field " + f.name + " at " + std::to_string(f.offset) + "+" +
             std::to_string(f.length) + " is outside [" + std::to_string(lo) + ", " +
             std::to_string(hi) + ")";
    if (std::string e = fields_inside(f.children, f.offset, std::uint64_t{f.offset} + f.length);
        !e.empty())
      return e;
  }
  return "";
}

inline std::string packet_dissection(std::span<const std::uint8_t> bytes) {
  const Dissection d = dissect(bytes);
  if (d.length != bytes.size()) return "dissect: length is not the byte count";
  if (d.error && (d.error->layer.empty() || d.error->field.empty() || d.error->message.empty()))
    return "dissect: an error without its layer, field or message";
  const bool accepted = static_cast<bool>(parse(bytes));
  for (const DissectLayer& l : d.layers) {
    if (std::string e = fields_inside(l.fields, 0, bytes.size()); !e.empty())
      return "dissect: " + e;
    for (const DissectLayer& q : l.quoted)
      if (std::string e = fields_inside(q.fields, 0, bytes.size()); !e.empty())
        return "dissect: quoted " + e;
    if (accepted && l.error)
      return "dissect: parse() accepts bytes that dissect faults: " + l.error->message;
    if (accepted)
      for (const DissectField& f : l.fields)
        if (f.valid == false) return "dissect: parse() accepts a wrong " + f.name;
  }
  if (dissection_json(d, 1).empty()) return "dissect: empty JSON";
  return "";
}

inline std::string packet_round_trip(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (std::string e = packet_dissection(bytes); !e.empty()) return e;
  for (bool verify : {true, false}) {
    Result<Packet> p = parse(bytes, ParseOptions{verify});
    if (!p) continue;
    const std::vector<std::uint8_t> out = serialize(*p, SerializeMode::exact);
    const std::size_t total = p->ip.total_length;
    if (out.size() != total || !std::equal(out.begin(), out.end(), bytes.begin()))
      return "serialize(parse(bytes), exact) != bytes (verify_checksums=" +
             std::string(verify ? "true" : "false") + ")";
    const std::vector<std::uint8_t> fresh = serialize(*p, SerializeMode::compute);
    if (Result<Packet> again = parse(fresh); !again)
      return "serialize(compute) of a parsed packet does not parse: " + again.error();
  }
  return "";
}

// --- 2. scenario loader ------------------------------------------------------------------------

/// Bounds on what one input may cost, so that the fuzzer explores instead of simulating.
constexpr SimTime kScenarioVirtualLimit = 30 * kSecond;
constexpr std::uint64_t kScenarioEventLimit = 20000;

/// Scenario::load never throws or crashes on any text; a scenario that loads runs.
inline std::string scenario_load_and_run(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadResult r = Scenario::load(text);
  if (r.ok() != r.scenario.has_value()) return "LoadResult::ok() disagrees with scenario";
  if (!r.ok()) {
    if (r.error_text().empty()) return "a failed load reported no error text";
    return "";
  }
  ScenarioRunner runner(std::move(*r.scenario));
  const SimTime limit = std::min(runner.duration(), kScenarioVirtualLimit);
  for (std::uint64_t n = 0; n < kScenarioEventLimit; ++n) {
    if (runner.sim().next_event_time() > limit || !runner.step()) break;
  }
  (void)runner.scenario_json();  // the replayable document must still serialize
  return "";
}

// --- 3. crafted segments -----------------------------------------------------------------------

/// Reads the fuzzer's bytes front to back; past the end it yields zeros.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) << 16 | u16(); }
  std::string bytes(std::size_t n) {
    std::string s;
    while (n-- > 0 && !empty()) s.push_back(static_cast<char>(u8()));
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// Application used on both ends: counts what arrives and, when told, closes on the peer's FIN.
struct SegmentFuzzApp : TcpObserver {
  std::uint64_t received = 0;
  void on_data(TcpConnection&, const Payload& d) override { received += d.size(); }
  void on_peer_closed(TcpConnection& c) override { c.close(); }
};

constexpr SimTime kSegmentVirtualLimit = 20 * kSecond;
constexpr std::uint64_t kSegmentEventLimit = 600;  // an ACK storm (see README) would run forever

/// A fixed two-host world (client 10.0.0.1:40000 connected to server 10.0.0.2:80, 3000 bytes
/// sent, 100 ms in), then up to 8 crafted segments decoded from the input, injected with
/// TcpStack::inject from either host, and a bounded run. It must never crash.
///
/// Input layout, one header byte then per segment:
///   header    bit 0 client sends 3000 bytes first, bit 1 server in manual mode,
///             bits 2-4 segment count - 1
///   segment   u8 how: bit 0 from server, bits 1-2 ports (0 the connection's, 1 new source port
///             to the listener, 2 from the input, 3 to a closed port), bits 3-4 seq (0 filled in,
///             1 filled in + signed 16-bit delta, 2 absolute 32-bit), bits 5-6 ack (same), bit 7
///             window given
///             u8 wait before the next segment (0-255 ms), u16 flags (9 bits used), [u16 u16
///             ports], [seq], [ack], [u16 window], u16 urgent, u8 TTL, u8 option length (mod 41)
///             + options, u8 payload length + payload
/// `inspect` (for tests and debugging) sees the simulation at the end.
inline std::string crafted_segments(const std::uint8_t* data, std::size_t size,
                                    const std::function<void(Simulation&)>& inspect = {}) {
  ByteReader in(data, size);
  const std::uint8_t header = in.u8();
  Simulation sim(1);
  TcpConfig cfg;
  Host& client = sim.add_host("client", 0x0A000001, cfg);
  Host& server = sim.add_host("server", 0x0A000002, cfg);
  LinkParams lp;
  lp.delay = 5 * kMillisecond;
  lp.bandwidth_bps = 10'000'000;
  sim.net().add_link("wire", client, server, lp);
  SegmentFuzzApp client_app, server_app;
  if (!sim.tcp(server).listen(80, 16, &server_app)) return "listen failed";
  Result<TcpConnection*> conn = sim.tcp(client).connect(server.addr(), 80, 40000, &client_app);
  if (!conn) return "connect failed";
  if (header & 1) (*conn)->send(Payload::pattern(1, 0, 3000));
  sim.run_until(100 * kMillisecond);
  sim.tcp(server).manual = (header & 2) != 0;

  const int segments = ((header >> 2) & 7) + 1;
  for (int i = 0; i < segments && !in.empty(); ++i) {
    const std::uint8_t how = in.u8();
    const SimTime wait = in.u8() * kMillisecond;
    const bool from_server = how & 1;
    Host& from = from_server ? server : client;
    Host& to = from_server ? client : server;
    CraftedSegment seg;
    seg.from_host = from.name();
    seg.flags = in.u16() & 0x1FF;
    switch ((how >> 1) & 3) {
      case 0:
        seg.src_port = from_server ? 80 : 40000;
        seg.dst_port = from_server ? 40000 : 80;
        break;
      case 1:
        seg.src_port = from_server ? 80 : 40001;
        seg.dst_port = from_server ? 40001 : 80;
        break;
      case 2:
        seg.src_port = in.u16();
        seg.dst_port = in.u16();
        break;
      default:
        seg.src_port = 40002;
        seg.dst_port = 81;
        break;
    }
    const TcpStack::SeqAck base = sim.tcp(from).suggest_seq_ack(
        FourTuple{from.addr(), to.addr(), seg.src_port, seg.dst_port});
    auto number = [&](int mode, std::uint32_t suggested) -> std::optional<std::uint32_t> {
      if (mode == 1)
        return suggested + static_cast<std::uint32_t>(static_cast<std::int16_t>(in.u16()));
      if (mode == 2 || mode == 3) return in.u32();
      return std::nullopt;
    };
    seg.seq = number((how >> 3) & 3, base.seq);
    seg.ack = number((how >> 5) & 3, base.ack);
    if (how & 0x80) seg.window = in.u16();
    seg.urgent = in.u16();
    seg.ttl = in.u8();
    seg.options.len = static_cast<std::uint8_t>(in.u8() % 41);
    for (int k = 0; k < seg.options.len; ++k) seg.options.data[k] = in.u8();
    seg.payload = in.bytes(in.u8());
    seg.to_addr = format_ipv4(to.addr());
    (void)sim.tcp(from).inject(seg, to.addr());  // an invalid segment is refused, not a failure
    sim.run_until(sim.now() + wait);
  }
  // Let retransmissions, challenge ACKs, RSTs and timers play out, within bounds.
  const SimTime limit = sim.now() + kSegmentVirtualLimit;
  for (std::uint64_t n = 0; n < kSegmentEventLimit; ++n) {
    if (sim.next_event_time() > limit || !sim.step()) break;
  }
  for (TcpConnection* c : sim.tcp(client).connections()) (void)c->snapshot();
  for (TcpConnection* c : sim.tcp(server).connections()) (void)c->snapshot();
  if (inspect) inspect(sim);
  return "";
}

}  // namespace tcpplay::fuzz
