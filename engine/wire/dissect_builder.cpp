// The dissector's field builder and checksum helpers (see dissect_builder.h).
#include "wire/dissect_builder.h"

#include <bit>
#include <vector>

#include "wire/packet.h"

namespace tcpplay::dissect_detail {

std::string hex_text(std::uint64_t v, int digits) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int i = digits - 1; i >= 0; --i) s += kDigits[(v >> (4 * i)) & 0xF];
  return s;
}

std::string bytes_text(std::span<const std::uint8_t> b) {
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i) s += ':';
    s += hex_text(b[i], 2).substr(2);
  }
  return s;
}

std::uint32_t LayerBuilder::get(Range r, std::uint32_t mask) const {
  std::uint32_t v = 0;
  for (std::uint32_t i = 0; i < r.len && i < 4; ++i) v = (v << 8) | bytes_[r.start + i];
  if (mask) v = (v & mask) >> std::countr_zero(mask);
  return v;
}

DissectField* LayerBuilder::add(std::vector<DissectField>& into, Range r, const char* name,
                                const char* label, Show show, std::uint32_t mask) {
  if (failed()) return nullptr;
  if (!has(r)) {
    fail(name, layer_.name + ": " + unit_ + " ends after " + std::to_string(bytes_.size()) +
                   " bytes, before " + label + " (" + name + ") at offset " +
                   std::to_string(base_ + r.start));
    return nullptr;
  }
  DissectField f;
  f.name = name;
  f.label = label;
  f.offset = base_ + r.start;
  f.length = r.len;
  f.mask = mask;
  const auto raw = bytes_.subspan(r.start, r.len);
  switch (show) {
    case Show::bytes: f.value = bytes_text(raw); break;
    case Show::ipv4:
      f.number = get(r);
      f.value = format_ipv4(get(r));
      break;
    case Show::hex:
      f.number = get(r, mask);
      f.value = hex_text(*f.number, 2 * static_cast<int>(r.len));
      break;
    case Show::flag:
      f.number = get(r, mask);
      f.value = *f.number ? "Set" : "Not set";
      break;
    case Show::dec:
      f.number = get(r, mask);
      f.value = std::to_string(*f.number);
      break;
  }
  into.push_back(std::move(f));
  cover(r.start + r.len);
  return &into.back();
}

void LayerBuilder::fail(const std::string& field, const std::string& message) {
  if (!layer_.error) layer_.error = DissectError{layer_.name, field, message};
}

void LayerBuilder::cover(std::uint32_t end_in_layer) {
  if (end_in_layer > layer_.length) layer_.length = end_in_layer;
}

void set_checksum(DissectField& f, std::optional<std::uint16_t> computed) {
  const auto stored = static_cast<std::uint16_t>(f.number.value_or(0));
  if (!computed) {
    f.value += " [unverified]";
    return;
  }
  f.computed = *computed;
  // RFC 1071 checks a checksum by summing the data with it: one's complement has two zeros, so
  // a stored 0xFFFF is as right as a computed 0x0000 (the sum comes to all ones either way).
  f.valid = stored == *computed || (*computed == 0 && stored == 0xFFFF);
  f.value += *f.valid ? " [correct]" : " [incorrect, should be " + hex_text(*computed, 4) + "]";
}

namespace {
std::vector<std::uint8_t> zeroed_copy(std::span<const std::uint8_t> bytes, std::uint32_t at) {
  std::vector<std::uint8_t> tmp(bytes.begin(), bytes.end());
  if (at + 2 <= tmp.size()) tmp[at] = tmp[at + 1] = 0;
  return tmp;
}
}  // namespace

std::uint16_t checksum_without(std::span<const std::uint8_t> bytes, std::uint32_t at) {
  return internet_checksum(zeroed_copy(bytes, at));
}

std::uint16_t l4_checksum_without(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto,
                                  std::span<const std::uint8_t> segment, std::uint32_t at) {
  return l4_checksum(src, dst, proto, zeroed_copy(segment, at));
}

DissectLayer data_layer(const char* name, const char* label, const char* field_name,
                        const char* field_label, std::span<const std::uint8_t> bytes,
                        std::uint32_t base) {
  DissectLayer l;
  l.name = name;
  l.label = label;
  l.offset = base;
  l.length = static_cast<std::uint32_t>(bytes.size());
  DissectField f;
  f.name = field_name;
  f.label = field_label;
  f.value = std::to_string(bytes.size()) + (bytes.size() == 1 ? " byte" : " bytes");
  f.offset = base;
  f.length = l.length;
  l.fields.push_back(std::move(f));
  return l;
}

}  // namespace tcpplay::dissect_detail
