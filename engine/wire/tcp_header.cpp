#include "wire/tcp_header.h"

#include <algorithm>

namespace tcpplay {

namespace {

namespace kind {
constexpr std::uint8_t eol = 0;
constexpr std::uint8_t nop = 1;
constexpr std::uint8_t mss = 2;
constexpr std::uint8_t wscale = 3;
constexpr std::uint8_t sack_permitted = 4;
constexpr std::uint8_t sack = 5;
constexpr std::uint8_t timestamp = 8;
}  // namespace kind

constexpr int kOptionSpace = 40;  // RFC 9293 §3.1: data offset <= 15 words

std::string option_name(std::uint8_t k) {
  switch (k) {
    case kind::mss: return "mss";
    case kind::wscale: return "wscale";
    case kind::sack_permitted: return "sackOK";
    case kind::sack: return "sack";
    case kind::timestamp: return "TS";
    default: return "kind " + std::to_string(k);
  }
}

std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

Error option_error(std::uint8_t k, int offset, const std::string& what) {
  return make_error("tcp option " + option_name(k) + " at offset " + std::to_string(offset) + ": " +
                    what);
}

// Checks the length of a known kind; SACK is 2+8n with n = 1..4 (RFC 2018 §3).
bool known_length_ok(std::uint8_t k, int len, std::string& expected) {
  switch (k) {
    case kind::mss: expected = "4"; return len == 4;
    case kind::wscale: expected = "3"; return len == 3;
    case kind::sack_permitted: expected = "2"; return len == 2;
    case kind::timestamp: expected = "10"; return len == 10;
    case kind::sack: expected = "2+8n (n = 1..4)"; return len >= 10 && (len - 2) % 8 == 0;
    default: return true;
  }
}

void store_option(TcpOptions& out, std::uint8_t k, const std::uint8_t* body, int len) {
  switch (k) {
    case kind::mss: out.mss = static_cast<std::uint16_t>((body[0] << 8) | body[1]); break;
    case kind::wscale: out.window_scale = body[0]; break;
    case kind::sack_permitted: out.sack_permitted = true; break;
    case kind::timestamp:
      out.has_timestamp = true;
      out.ts_val = get32(body);
      out.ts_ecr = get32(body + 4);
      break;
    case kind::sack:
      out.sack_count = static_cast<std::uint8_t>((len - 2) / 8);
      for (int i = 0; i < out.sack_count; ++i)
        out.sack[i] = SackBlock{get32(body + 8 * i), get32(body + 8 * i + 4)};
      break;
    default: break;  // unknown kinds are skipped by their length (RFC 9293 §3.2)
  }
}

}  // namespace

Result<TcpOptions> decode_tcp_options(const TcpOptionBytes& raw) {
  TcpOptions out;
  const int n = std::min<int>(raw.len, kOptionSpace);
  int i = 0;
  while (i < n) {
    const std::uint8_t k = raw.data[i];
    if (k == kind::eol) break;  // RFC 9293 §3.2: End of Option List ends the list
    if (k == kind::nop) {
      ++i;
      continue;
    }
    if (i + 1 >= n) return option_error(k, i, "missing length byte");
    const int len = raw.data[i + 1];
    if (len < 2) return option_error(k, i, "length " + std::to_string(len) + " is below 2");
    if (i + len > n)
      return option_error(k, i,
                          "length " + std::to_string(len) + " overruns the option space (" +
                              std::to_string(n - i) + " bytes left)");
    std::string expected;
    if (!known_length_ok(k, len, expected))
      return option_error(k, i, "length " + std::to_string(len) + ", expected " + expected);
    store_option(out, k, &raw.data[i + 2], len);
    i += len;
  }
  return out;
}

// Mirrors Linux tcp_options_write(): every option group is one aligned 32-bit word or more, so no
// trailing padding is ever needed. With timestamps, at most 3 SACK blocks fit (12 + 4 + 24 = 40).
TcpOptionBytes encode_tcp_options(const TcpOptions& opts, bool syn) {
  TcpOptionBytes b;
  auto word = [&](std::uint8_t a, std::uint8_t c, std::uint8_t d, std::uint8_t e) {
    b.data[b.len] = a;
    b.data[b.len + 1] = c;
    b.data[b.len + 2] = d;
    b.data[b.len + 3] = e;
    b.len += 4;
  };
  const bool mss = syn && opts.mss.has_value();
  bool sack_ok = syn && opts.sack_permitted;
  if (mss)
    word(kind::mss, 4, static_cast<std::uint8_t>(*opts.mss >> 8),
         static_cast<std::uint8_t>(*opts.mss));
  if (opts.has_timestamp) {
    if (sack_ok) word(kind::sack_permitted, 2, kind::timestamp, 10);
    else word(kind::nop, kind::nop, kind::timestamp, 10);
    sack_ok = false;
    put32(&b.data[b.len], opts.ts_val);
    put32(&b.data[b.len + 4], opts.ts_ecr);
    b.len += 8;
  }
  if (sack_ok) word(kind::nop, kind::nop, kind::sack_permitted, 2);
  if (syn && opts.window_scale) word(kind::nop, kind::wscale, 3, *opts.window_scale);
  if (!syn && opts.sack_count > 0) {
    const int room = (kOptionSpace - b.len - 4) / 8;
    const int blocks = std::min<int>({opts.sack_count, room, 4});
    if (blocks > 0) {
      word(kind::nop, kind::nop, kind::sack, static_cast<std::uint8_t>(2 + 8 * blocks));
      for (int i = 0; i < blocks; ++i) {
        put32(&b.data[b.len], opts.sack[i].left);
        put32(&b.data[b.len + 4], opts.sack[i].right);
        b.len += 8;
      }
    }
  }
  return b;
}

Status TcpOptionWriter::put(const std::uint8_t* data, int n) {
  if (out_.len + n > kOptionSpace)
    return make_error("tcp options: adding " + std::to_string(n) + " bytes to " +
                      std::to_string(out_.len) + " would exceed the 40-byte option space");
  std::copy_n(data, n, out_.data.begin() + out_.len);
  out_.len = static_cast<std::uint8_t>(out_.len + n);
  return {};
}

Status TcpOptionWriter::add_raw(std::uint8_t k, const std::uint8_t* data, std::uint8_t data_len) {
  if (data_len > kOptionSpace - 2)
    return make_error("tcp options: " + std::to_string(data_len) +
                      " data bytes cannot fit the 40-byte option space");
  std::uint8_t buf[kOptionSpace];
  buf[0] = k;
  buf[1] = static_cast<std::uint8_t>(data_len + 2);
  if (data_len > 0) std::copy_n(data, data_len, buf + 2);
  return put(buf, data_len + 2);
}

Status TcpOptionWriter::add_nop() {
  const std::uint8_t b = kind::nop;
  return put(&b, 1);
}

Status TcpOptionWriter::add_eol() {
  const std::uint8_t b = kind::eol;
  return put(&b, 1);
}

Status TcpOptionWriter::add_mss(std::uint16_t mss) {
  const std::uint8_t d[2] = {static_cast<std::uint8_t>(mss >> 8), static_cast<std::uint8_t>(mss)};
  return add_raw(kind::mss, d, 2);
}

Status TcpOptionWriter::add_window_scale(std::uint8_t shift) {
  return add_raw(kind::wscale, &shift, 1);
}

Status TcpOptionWriter::add_sack_permitted() { return add_raw(kind::sack_permitted, nullptr, 0); }

Status TcpOptionWriter::add_sack(const SackBlock* blocks, int count) {
  if (count < 0 || count > 4)
    return make_error("tcp options: sack with " + std::to_string(count) +
                      " blocks (at most 4 fit)");
  std::uint8_t d[32];
  for (int i = 0; i < count; ++i) {
    put32(d + 8 * i, blocks[i].left);
    put32(d + 8 * i + 4, blocks[i].right);
  }
  return add_raw(kind::sack, d, static_cast<std::uint8_t>(8 * count));
}

Status TcpOptionWriter::add_timestamp(std::uint32_t val, std::uint32_t ecr) {
  std::uint8_t d[8];
  put32(d, val);
  put32(d + 4, ecr);
  return add_raw(kind::timestamp, d, 8);
}

// tcpdump 4.99.3 reads only the 8-bit flags byte (print-tcp.c: GET_U_1(tp->th_flags)), so the
// AE bit is never shown; verified with the installed tcpdump. "none" when no bit is set.
std::string tcp_flags_string(std::uint16_t flags) {
  static const struct {
    std::uint16_t bit;
    char letter;
  } kOrder[] = {{tcp_flag::fin, 'F'}, {tcp_flag::syn, 'S'}, {tcp_flag::rst, 'R'},
                {tcp_flag::psh, 'P'}, {tcp_flag::ack, '.'}, {tcp_flag::urg, 'U'},
                {tcp_flag::ece, 'E'}, {tcp_flag::cwr, 'W'}};
  std::string s;
  for (const auto& f : kOrder)
    if (flags & f.bit) s += f.letter;
  return s.empty() ? "none" : s;
}

}  // namespace tcpplay
