// The TCP header (RFC 9293 §3.1) and its options (RFC 9293 §3.2, RFC 7323, RFC 2018), field by
// field with byte ranges. Options are checked as decode_tcp_options() checks them (tcp_header.cpp)
// but dissection keeps everything before the first bad one.
#include <algorithm>

#include "wire/dissect_builder.h"

namespace tcpplay::dissect_detail {

namespace {

// RFC 9293 §3.1, Figure 1.
namespace field {
constexpr Range SRC_PORT{0, 2};
constexpr Range DST_PORT{2, 2};
constexpr Range SEQ_NUM{4, 4};
constexpr Range ACK_NUM{8, 4};
constexpr Range DATA_OFFSET{12, 1};  // high 4 bits
constexpr Range FLAGS{12, 2};        // low 12 bits: reserved (3), AE, CWR ... FIN
constexpr Range FLAGS_HI{12, 1};
constexpr Range FLAGS_LO{13, 1};
constexpr Range WINDOW{14, 2};
constexpr Range CHECKSUM{16, 2};
constexpr Range URGENT{18, 2};
constexpr std::uint32_t kOptions = 20;
}  // namespace field

constexpr std::uint8_t kProtoTcp = 6;

std::string flags_text(std::uint32_t flags) {
  // Wireshark's order: FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE.
  static const struct {
    std::uint32_t bit;
    const char* name;
  } kNames[] = {{tcp_flag::fin, "FIN"}, {tcp_flag::syn, "SYN"}, {tcp_flag::rst, "RST"},
                {tcp_flag::psh, "PSH"}, {tcp_flag::ack, "ACK"}, {tcp_flag::urg, "URG"},
                {tcp_flag::ece, "ECE"}, {tcp_flag::cwr, "CWR"}, {tcp_flag::ae, "AE"}};
  std::string s = hex_text(flags, 3);
  const char* sep = " (";
  auto name = [&](const char* n) {
    s += sep;
    s += n;
    sep = ", ";
  };
  for (const auto& f : kNames)
    if (flags & f.bit) name(f.name);
  if (flags & 0xE00) name("Reserved");
  if (*sep == ',') s += ')';
  return s;
}

struct OptionKind {
  std::uint8_t kind;
  const char* name;   // DissectTcpOption::name
  const char* field;  // the option's field name
  const char* label;
  int length;  // the only valid length, 0: any (SACK: checked apart)
};

// RFC 9293 §3.2 (EOL, NOP, MSS), RFC 7323 §2.2 and §3.2 (window scale, timestamps),
// RFC 2018 §2 and §3 (SACK-permitted, SACK).
constexpr OptionKind kKinds[] = {
    {0, "eol", "tcp.options.eol", "End of option list (EOL)", 1},
    {1, "nop", "tcp.options.nop", "No-operation (NOP)", 1},
    {2, "mss", "tcp.options.mss", "Maximum segment size", 4},
    {3, "wscale", "tcp.options.wscale", "Window scale", 3},
    {4, "sack_perm", "tcp.options.sack_perm", "SACK permitted", 2},
    {5, "sack", "tcp.options.sack", "SACK", 0},
    {8, "timestamp", "tcp.options.timestamp", "Timestamps", 10},
};
constexpr OptionKind kUnknown{0, "unknown", "tcp.options.unknown", "Unknown option", 0};

const OptionKind& kind_of(std::uint8_t k) {
  for (const OptionKind& o : kKinds)
    if (o.kind == k) return o;
  return kUnknown;
}

/// Adds one option of `len` bytes at `at` (inside the segment): its structured form and fields.
void add_option(LayerBuilder& b, DissectField& options, DissectLayer& layer, const OptionKind& k,
                std::uint32_t at, std::uint32_t len) {
  DissectTcpOption o;
  o.kind = b.bytes()[at];
  o.name = k.name;
  o.offset = b.base() + at;
  o.length = len;
  DissectField* f = b.add(options.children, Range{at, len}, k.field, k.label, Show::bytes);
  b.add(f->children, Range{at, 1}, "tcp.option_kind", "Kind", Show::dec);
  if (len >= 2) b.add(f->children, Range{at + 1, 1}, "tcp.option_len", "Length", Show::dec);
  auto& c = f->children;
  switch (o.kind) {
    case 2:
      o.mss = static_cast<std::uint16_t>(b.get(Range{at + 2, 2}));
      b.add(c, Range{at + 2, 2}, "tcp.options.mss_val", "MSS value", Show::dec);
      f->value = std::to_string(*o.mss) + " bytes";
      break;
    case 3: {
      o.shift = b.bytes()[at + 2];
      // RFC 7323 §2.3: a shift above 14 is used as 14.
      const std::uint32_t multiplier = 1u << std::min<std::uint32_t>(*o.shift, 14);
      b.add(c, Range{at + 2, 1}, "tcp.options.wscale.shift", "Shift count", Show::dec);
      DissectField* m =
          b.add(c, Range{at + 2, 1}, "tcp.options.wscale.multiplier", "Multiplier", Show::dec);
      m->number = multiplier;
      m->value = std::to_string(multiplier);
      f->value = std::to_string(*o.shift) + " (multiply by " + std::to_string(multiplier) + ")";
      break;
    }
    case 4: f->value = "permitted"; break;
    case 5:
      f->value.clear();
      for (std::uint32_t i = at + 2; i + 8 <= at + len; i += 8) {
        o.blocks.push_back(SackBlock{b.get(Range{i, 4}), b.get(Range{i + 4, 4})});
        b.add(c, Range{i, 4}, "tcp.options.sack_le", "Left edge", Show::dec);
        b.add(c, Range{i + 4, 4}, "tcp.options.sack_re", "Right edge", Show::dec);
        f->value += (f->value.empty() ? "" : " ") + std::to_string(o.blocks.back().left) + "-" +
                    std::to_string(o.blocks.back().right);
      }
      break;
    case 8:
      o.tsval = b.get(Range{at + 2, 4});
      o.tsecr = b.get(Range{at + 6, 4});
      b.add(c, Range{at + 2, 4}, "tcp.options.timestamp.tsval", "Timestamp value", Show::dec);
      b.add(c, Range{at + 6, 4}, "tcp.options.timestamp.tsecr", "Timestamp echo reply", Show::dec);
      f->value = "TSval " + std::to_string(*o.tsval) + ", TSecr " + std::to_string(*o.tsecr);
      break;
    default:
      if (len > 2) {
        const auto data = b.bytes().subspan(at + 2, len - 2);
        o.data.assign(data.begin(), data.end());
        b.add(c, Range{at + 2, len - 2}, "tcp.options.unknown.payload", "Data", Show::bytes);
      }
      if (len >= 2) f->value = "kind " + std::to_string(o.kind) + ", " + f->value;
      break;
  }
  layer.options.push_back(std::move(o));
}

/// The options between byte 20 and `space_end` (the data offset), of which the bytes up to
/// `present_end` are present.
void dissect_options(LayerBuilder& b, DissectLayer& layer, std::uint32_t space_end,
                     std::uint32_t present_end) {
  DissectField* options = b.add(Range{field::kOptions, present_end - field::kOptions},
                                "tcp.options", "Options", Show::bytes);
  std::uint32_t i = field::kOptions;
  while (i < present_end && !b.failed()) {
    const std::uint8_t kind = b.bytes()[i];
    const OptionKind& k = kind_of(kind);
    if (kind == 0 || kind == 1) {
      add_option(b, *options, layer, k, i, 1);
      ++i;
      if (kind == 0) break;  // RFC 9293 §3.2: the end of the options; the rest is padding
      continue;
    }
    const std::string where =
        "tcp: option " +
        std::string(k.name == kUnknown.name ? "kind " + std::to_string(kind) : k.name) +
        " at offset " + std::to_string(b.base() + i) + ": ";
    if (i + 1 >= space_end) return b.fail(k.field, where + "missing length byte");
    if (i + 1 >= present_end)
      return b.fail(k.field, where + "the segment ends before its length byte");
    const std::uint32_t len = b.bytes()[i + 1];
    if (len < 2) return b.fail(k.field, where + "length " + std::to_string(len) + " is below 2");
    if (i + len > space_end)
      return b.fail(k.field, where + "length " + std::to_string(len) +
                                 " overruns the option space (" + std::to_string(space_end - i) +
                                 " bytes left)");
    if (i + len > present_end)
      return b.fail(k.field, where + "the segment ends after " + std::to_string(present_end - i) +
                                 " of its " + std::to_string(len) + " bytes");
    if (kind == 5 ? (len < 10 || (len - 2) % 8 != 0)
                  : (k.length && static_cast<int>(len) != k.length))
      return b.fail(k.field, where + "length " + std::to_string(len) + ", expected " +
                                 (kind == 5 ? "2+8n (n = 1..4)" : std::to_string(k.length)));
    add_option(b, *options, layer, k, i, len);
    i += len;
  }
  if (i < present_end && !b.failed())
    b.add(options->children, Range{i, present_end - i}, "tcp.options.padding", "Padding",
          Show::bytes);
}

}  // namespace

std::optional<std::uint32_t> dissect_tcp(std::span<const std::uint8_t> seg, std::uint32_t base,
                                         const Ipv4Info& ip, bool complete, DissectLayer& layer) {
  layer.name = "tcp";
  layer.label = "Transmission Control Protocol";
  LayerBuilder b(layer, seg, base, "the segment");
  b.add(field::SRC_PORT, "tcp.srcport", "Source port", Show::dec);
  b.add(field::DST_PORT, "tcp.dstport", "Destination port", Show::dec);
  b.add(field::SEQ_NUM, "tcp.seq", "Sequence number", Show::dec);
  b.add(field::ACK_NUM, "tcp.ack", "Acknowledgment number", Show::dec);
  if (DissectField* doff =
          b.add(field::DATA_OFFSET, "tcp.hdr_len", "Header length", Show::dec, 0xF0))
    doff->value = std::to_string(4 * *doff->number) + " bytes (" + doff->value + ")";
  if (DissectField* flags = b.add(field::FLAGS, "tcp.flags", "Flags", Show::hex, 0x0FFF)) {
    flags->value = flags_text(*flags->number);
    b.add(flags->children, field::FLAGS_HI, "tcp.flags.res", "Reserved", Show::dec, 0x0E);
    b.flag(*flags, field::FLAGS_HI, "tcp.flags.ae", "Accurate ECN (AE)", 0x01);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.cwr", "Congestion window reduced (CWR)", 0x80);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.ece", "ECN-Echo (ECE)", 0x40);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.urg", "Urgent (URG)", 0x20);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.ack", "Acknowledgment (ACK)", 0x10);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.push", "Push (PSH)", 0x08);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.reset", "Reset (RST)", 0x04);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.syn", "Syn (SYN)", 0x02);
    b.flag(*flags, field::FLAGS_LO, "tcp.flags.fin", "Fin (FIN)", 0x01);
  }
  b.add(field::WINDOW, "tcp.window_size_value", "Window", Show::dec);
  DissectField* checksum = b.add(field::CHECKSUM, "tcp.checksum", "Checksum", Show::hex);
  b.add(field::URGENT, "tcp.urgent_pointer", "Urgent pointer", Show::dec);
  if (b.failed()) return std::nullopt;
  // The checksum covers the pseudo-header, the header and the data (RFC 9293 §3.1).
  set_checksum(*checksum, complete ? std::optional(l4_checksum_without(ip.src, ip.dst, kProtoTcp,
                                                                       seg, field::CHECKSUM.start))
                                   : std::nullopt);

  const std::uint32_t doff = b.get(field::DATA_OFFSET, 0xF0);
  const std::uint32_t header = 4 * doff;
  const auto n = static_cast<std::uint32_t>(seg.size());
  if (doff < 5) {
    b.fail("tcp.hdr_len",
           "tcp: data offset " + std::to_string(doff) + " is below the minimum of 5");
    return std::nullopt;
  }
  if (header > n && complete) {
    b.fail("tcp.hdr_len", "tcp: data offset " + std::to_string(doff) + " (" +
                              std::to_string(header) + " bytes) is beyond the segment of " +
                              std::to_string(n) + " bytes");
  }
  if (header > field::kOptions && n > field::kOptions)
    dissect_options(b, layer, header, std::min(header, n));
  if (header > n) {
    if (!complete)
      b.fail("tcp.options", "tcp: the segment ends after " + std::to_string(n) +
                                " bytes, inside the options (the header has " +
                                std::to_string(header) + ")");
    return std::nullopt;
  }
  b.cover(header);
  return header;
}

}  // namespace tcpplay::dissect_detail
