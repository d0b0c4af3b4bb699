// TCP header (RFC 9293 §3.1) and its options (RFC 9293 §3.2, RFC 7323, RFC 2018).
// The header keeps options as the raw bytes of the wire, so that parse and serialize round-trip
// exactly, crafted segments can carry any options, and malformed ones are preserved to be shown.
// decode_tcp_options() turns them into the typed form that the TCP logic reads.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "core/result.h"

namespace tcpplay {

namespace tcp_flag {
constexpr std::uint16_t fin = 0x01;
constexpr std::uint16_t syn = 0x02;
constexpr std::uint16_t rst = 0x04;
constexpr std::uint16_t psh = 0x08;
constexpr std::uint16_t ack = 0x10;
constexpr std::uint16_t urg = 0x20;
constexpr std::uint16_t ece = 0x40;
constexpr std::uint16_t cwr = 0x80;
constexpr std::uint16_t ae = 0x100;  // the former NS bit (RFC 3540, now AccECN's AE)
}  // namespace tcp_flag

/// Raw option bytes as on the wire (including NOP/EOL and padding); at most 40.
struct TcpOptionBytes {
  std::array<std::uint8_t, 40> data{};
  std::uint8_t len = 0;
  bool operator==(const TcpOptionBytes& o) const {
    if (len != o.len) return false;
    for (int i = 0; i < len; ++i)
      if (data[i] != o.data[i]) return false;
    return true;
  }
};

struct SackBlock {
  std::uint32_t left = 0;   // first sequence number of the block
  std::uint32_t right = 0;  // sequence number just after the block
  bool operator==(const SackBlock&) const = default;
};

/// Typed view of the options the TCP logic understands.
struct TcpOptions {
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;
  bool sack_permitted = false;
  std::uint8_t sack_count = 0;
  std::array<SackBlock, 4> sack{};
  bool has_timestamp = false;
  std::uint32_t ts_val = 0;
  std::uint32_t ts_ecr = 0;
  bool operator==(const TcpOptions&) const = default;
};

struct TcpHeader {
  static constexpr std::uint32_t kMinSize = 20;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = 0;     // tcp_flag bits, including AE
  std::uint8_t reserved = 0;   // the 3 reserved bits, kept for exact round trips
  std::uint16_t window = 0;    // raw field, not scaled
  std::uint16_t checksum = 0;  // filled in by serialize() in compute mode
  std::uint16_t urgent = 0;
  TcpOptionBytes options;  // length is a multiple of 4 once serialized (padded with EOL=0)

  std::uint32_t header_size() const { return kMinSize + ((options.len + 3u) & ~3u); }
  bool has(std::uint16_t flag) const { return (flags & flag) != 0; }
  bool operator==(const TcpHeader&) const = default;
};

/// Validates and decodes options: unknown kinds are skipped by their length; a length that
/// overruns the option space, a wrong length for a known kind (MSS 4, WS 3, SACK-permitted 2,
/// SACK 2+8n, TS 10) is an error naming the option and offset.
Result<TcpOptions> decode_tcp_options(const TcpOptionBytes& raw);

/// Encodes options in the order Linux uses: on a SYN "mss, sackOK, TS, nop, wscale" (with NOPs
/// in place of absent ones, as Linux pads them); otherwise "nop, nop, TS" then "nop, nop, sack".
TcpOptionBytes encode_tcp_options(const TcpOptions& opts, bool syn);

/// Writes NOP, NOP, TS into empty `out`: the options of nearly every segment of a connection
/// with timestamps, and the same bytes encode_tcp_options() gives for a timestamp alone.
inline void write_timestamp_option(TcpOptionBytes& out, std::uint32_t ts_val,
                                   std::uint32_t ts_ecr) {
  // Network byte order through one swap (compilers turn this into a bswap) and memcpy:
  // byte-by-byte stores cost several times as many instructions on every segment.
  auto big_endian = [](std::uint32_t v) {
    if constexpr (std::endian::native == std::endian::big) return v;
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
  };
  const std::uint8_t head[4] = {1, 1, 8, 10};  // NOP, NOP, kind 8, length 10 (RFC 7323 §3)
  const std::uint32_t val = big_endian(ts_val), ecr = big_endian(ts_ecr);
  std::memcpy(out.data.data(), head, 4);
  std::memcpy(out.data.data() + 4, &val, 4);
  std::memcpy(out.data.data() + 8, &ecr, 4);
  out.len = 12;
}

/// Builder for crafted option lists, kept in the order given.
class TcpOptionWriter {
 public:
  Status add_raw(std::uint8_t kind, const std::uint8_t* data,
                 std::uint8_t data_len);  // kind,len,data
  Status add_nop();
  Status add_eol();
  Status add_mss(std::uint16_t mss);
  Status add_window_scale(std::uint8_t shift);
  Status add_sack_permitted();
  Status add_sack(const SackBlock* blocks, int count);
  Status add_timestamp(std::uint32_t val, std::uint32_t ecr);
  const TcpOptionBytes& bytes() const { return out_; }

 private:
  Status put(const std::uint8_t* data, int n);
  TcpOptionBytes out_;
};

/// tcpdump's flag string: "S", "S.", "P.", "F.", "R", "." (print-tcp.c order F S R P . U E W e).
std::string tcp_flags_string(std::uint16_t flags);

}  // namespace tcpplay
