#include "wire/payload.h"

#include <algorithm>

namespace tcpplay {

Payload Payload::from_bytes(std::vector<std::uint8_t> bytes) {
  Payload p;
  p.len_ = static_cast<std::uint32_t>(bytes.size());
  if (p.len_ > 0) p.bytes_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  return p;
}

Payload Payload::from_text(std::string_view text) {
  return from_bytes(std::vector<std::uint8_t>(text.begin(), text.end()));
}

Payload Payload::pattern(std::uint32_t seed, std::uint64_t stream_offset, std::uint32_t len) {
  Payload p;
  p.is_pattern_ = true;
  p.seed_ = seed;
  p.pattern_offset_ = stream_offset;
  p.len_ = len;
  return p;
}

std::uint8_t Payload::pattern_byte(std::uint32_t seed, std::uint64_t off) {
  // Printable ASCII that changes with every offset, so misplaced bytes are caught by any check
  // and a payload dump stays readable.
  std::uint64_t x = off * 0x9E3779B97F4A7C15ULL + seed;
  x ^= x >> 29;
  return static_cast<std::uint8_t>('a' + (x % 26));
}

std::uint8_t Payload::at(std::uint32_t i) const {
  if (is_pattern_) return pattern_byte(seed_, pattern_offset_ + i);
  return (*bytes_)[pattern_offset_ + i];
}

void Payload::copy_to(std::uint8_t* out) const {
  if (len_ == 0) return;
  if (is_pattern_) {
    for (std::uint32_t i = 0; i < len_; ++i) out[i] = pattern_byte(seed_, pattern_offset_ + i);
  } else {
    std::copy_n(bytes_->data() + pattern_offset_, len_, out);
  }
}

std::vector<std::uint8_t> Payload::to_vector() const {
  std::vector<std::uint8_t> v(len_);
  copy_to(v.data());
  return v;
}

std::string Payload::to_string() const {
  std::string s(len_, '\0');
  copy_to(reinterpret_cast<std::uint8_t*>(s.data()));
  return s;
}

Payload Payload::slice(std::uint32_t off, std::uint32_t len) const {
  if (off >= len_) return {};
  Payload p = *this;
  p.pattern_offset_ += off;
  p.len_ = std::min(len, len_ - off);
  if (p.len_ == 0) return {};
  return p;
}

Payload Payload::concat(const Payload& a, const Payload& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  if (a.is_pattern_ && b.is_pattern_ && a.seed_ == b.seed_ &&
      a.pattern_offset_ + a.len_ == b.pattern_offset_) {
    Payload p = a;
    p.len_ += b.len_;
    return p;
  }
  std::vector<std::uint8_t> v(static_cast<std::size_t>(a.len_) + b.len_);
  a.copy_to(v.data());
  b.copy_to(v.data() + a.len_);
  return from_bytes(std::move(v));
}

bool Payload::matches_pattern(std::uint32_t seed, std::uint64_t stream_offset) const {
  if (is_pattern_ && seed_ == seed) return pattern_offset_ == stream_offset;
  for (std::uint32_t i = 0; i < len_; ++i)
    if (at(i) != pattern_byte(seed, stream_offset + i)) return false;
  return true;
}

bool Payload::operator==(const Payload& other) const {
  if (len_ != other.len_) return false;
  for (std::uint32_t i = 0; i < len_; ++i)
    if (at(i) != other.at(i)) return false;
  return true;
}

}  // namespace tcpplay
