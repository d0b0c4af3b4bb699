#include "trace/pcap.h"

namespace tcpplay {

namespace {

void put_le16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put_le16(out, static_cast<std::uint16_t>(v));
  put_le16(out, static_cast<std::uint16_t>(v >> 16));
}

void set_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

void PcapWriter::begin(std::vector<std::uint8_t>& out) {
  put_le32(out, kMagicNanos);
  put_le16(out, 2);  // version 2.4
  put_le16(out, 4);
  put_le32(out, 0);  // thiszone
  put_le32(out, 0);  // sigfigs
  put_le32(out, kSnapLen);
  put_le32(out, kLinkTypeRaw);
}

void PcapWriter::add(std::vector<std::uint8_t>& out, const Packet& p, SimTime t) {
  if (t < 0) t = 0;
  const std::size_t rec = out.size();
  put_le32(out, static_cast<std::uint32_t>(t / kSecond));
  put_le32(out, static_cast<std::uint32_t>(t % kSecond));
  put_le32(out, 0);  // incl_len and orig_len, known once serialized
  put_le32(out, 0);
  serialize_into(p, out, SerializeMode::compute);
  const auto len = static_cast<std::uint32_t>(out.size() - rec - 16);
  set_le32(out.data() + rec + 8, len);  // an IPv4 packet (<= 65535) always fits the snaplen
  set_le32(out.data() + rec + 12, len);
}

std::vector<std::uint8_t> export_pcap(const Trace& trace) {
  std::vector<std::uint8_t> out;
  PcapWriter w;
  w.begin(out);
  for (std::uint64_t i = trace.first_index(); i < trace.end_index(); ++i) {
    if (trace.kind_at(i) != TraceKind::packet_sent) continue;  // the kind alone is cheap
    const TraceEvent e = trace.at(i);
    if (const std::optional<Packet> p = trace.packet(e.packet_id)) w.add(out, *p, e.time);
  }
  return out;
}

}  // namespace tcpplay
