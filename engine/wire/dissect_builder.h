// Private to the dissector (dissect*.cpp): byte ranges of header fields (smoltcp's `mod field`)
// and a builder that adds fields to a layer only while their bytes are present, setting the
// layer's error (naming the field) at the first one that is cut off.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "wire/dissect.h"
#include "wire/ipv4.h"

namespace tcpplay::dissect_detail {

/// A field's bytes inside its header: [start, start + len).
struct Range {
  std::uint32_t start, len;
};

enum class Show {
  dec,    ///< decimal ("64")
  hex,    ///< 0x and two digits a byte ("0x4000")
  ipv4,   ///< dotted quad
  bytes,  ///< hex bytes with colons ("02:04:05:b4"), no number
  flag,   ///< "Set" / "Not set"
};

std::string hex_text(std::uint64_t v, int digits);
std::string bytes_text(std::span<const std::uint8_t> b);

class LayerBuilder {
 public:
  /// `bytes`: the layer's bytes as present (from its first byte to the end of what was given),
  /// `base`: the packet offset of bytes[0]; `unit`: what ran out, for messages ("the segment").
  LayerBuilder(DissectLayer& layer, std::span<const std::uint8_t> bytes, std::uint32_t base,
               const char* unit)
      : layer_(layer), bytes_(bytes), base_(base), unit_(unit) {
    layer_.offset = base;
    layer_.fields.reserve(kMaxFields);  // so that a field's pointer outlives adding the next ones
  }
  static constexpr std::size_t kMaxFields = 16;  // more than any layer has at its top level

  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::uint32_t base() const { return base_; }
  bool has(Range r) const { return std::uint64_t{r.start} + r.len <= bytes_.size(); }
  /// The big-endian value of `r` (at most 4 bytes), masked and shifted down; requires has(r).
  std::uint32_t get(Range r, std::uint32_t mask = 0) const;

  /// Adds a field to `into` (the layer's fields when omitted). When its bytes are cut off, sets
  /// the layer's error ("tcp: the segment ends after 10 bytes, before Sequence number
  /// (tcp.seq) at offset 24") and returns nullptr; later calls then add nothing.
  DissectField* add(std::vector<DissectField>& into, Range r, const char* name, const char* label,
                    Show show, std::uint32_t mask = 0);
  DissectField* add(Range r, const char* name, const char* label, Show show,
                    std::uint32_t mask = 0) {
    return add(layer_.fields, r, name, label, show, mask);
  }
  /// A one-bit flag, child of `group`.
  void flag(DissectField& group, Range r, const char* name, const char* label, std::uint32_t mask) {
    add(group.children, r, name, label, Show::flag, mask);
  }

  /// Records the layer's first problem (later ones are ignored: fields stop at the first).
  void fail(const std::string& field, const std::string& message);
  bool failed() const { return layer_.error.has_value(); }
  /// Extends the layer's length to cover its fields so far.
  void cover(std::uint32_t end_in_layer);

 private:
  DissectLayer& layer_;
  std::span<const std::uint8_t> bytes_;
  std::uint32_t base_;
  const char* unit_;
};

/// Marks `f` as a checksum: valid when it equals `computed`; without one it is unverified.
void set_checksum(DissectField& f, std::optional<std::uint16_t> computed);

/// The Internet checksum (RFC 1071) of `bytes` with the 2-byte field at `at` taken as zero,
/// optionally over the IPv4 pseudo-header (RFC 9293 §3.1, RFC 768) for TCP and UDP.
std::uint16_t checksum_without(std::span<const std::uint8_t> bytes, std::uint32_t at);
std::uint16_t l4_checksum_without(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto,
                                  std::span<const std::uint8_t> segment, std::uint32_t at);

/// A layer of opaque bytes with one field over all of them ("payload" with "data.data").
DissectLayer data_layer(const char* name, const char* label, const char* field_name,
                        const char* field_label, std::span<const std::uint8_t> bytes,
                        std::uint32_t base);

/// What the IPv4 layer tells the layers after it.
struct Ipv4Info {
  bool ok = false;  ///< the header was read whole
  std::uint32_t header_len = 0;
  std::uint32_t total_length = 0;
  std::uint8_t protocol = 0;
  bool fragment = false;  ///< MF set or a fragment offset: the data is not a whole L4 message
  std::uint32_t fragment_offset = 0;  ///< in units of 8 bytes
  Ipv4Addr src = 0, dst = 0;
};

/// The IPv4 header (RFC 791 §3.1). `quoted`: inside an ICMP error, where the total length is the
/// original datagram's and is not checked against the bytes.
Ipv4Info dissect_ipv4(std::span<const std::uint8_t> bytes, std::uint32_t base, bool quoted,
                      DissectLayer& layer);

/// L4 headers. `seg`: the L4 bytes present; `complete`: whether they are all of the L4 message
/// (so that a checksum can be verified). Each returns the length of its header (where the
/// payload starts), or nothing when the payload cannot be placed (the header is malformed).
std::optional<std::uint32_t> dissect_tcp(std::span<const std::uint8_t> seg, std::uint32_t base,
                                         const Ipv4Info& ip, bool complete, DissectLayer& layer);
std::optional<std::uint32_t> dissect_udp(std::span<const std::uint8_t> seg, std::uint32_t base,
                                         const Ipv4Info& ip, bool complete, DissectLayer& layer);
std::optional<std::uint32_t> dissect_icmp(std::span<const std::uint8_t> seg, std::uint32_t base,
                                          bool complete, DissectLayer& layer);
/// The first 8 bytes of a transport header quoted by an ICMP error (RFC 792).
void dissect_quoted_l4(std::span<const std::uint8_t> bytes, std::uint32_t base,
                       std::uint8_t protocol, DissectLayer& layer);

}  // namespace tcpplay::dissect_detail
