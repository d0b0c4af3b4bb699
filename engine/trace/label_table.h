// Up to 256 strings (trace names and TCP state labels) by a one-byte id, so that a trace record
// holds no pointer: a record is then the same 24 bytes natively and in WebAssembly.
//
// A label is identified by its pointer, as the trace received it (static strings, a scenario's
// interned strings, a component's name): the trace keeps pointers whose lifetime its callers
// already guarantee, and at() hands back the very pointer it was given. Ids are assigned in order
// of first use, so they are the same in every build; the hash of the pointer only finds them.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace tcpplay {

class LabelTable {
 public:
  static constexpr std::size_t kMaxLabels = 256;  // id 0 is ""

  LabelTable() { clear(); }

  /// The id of `label` (0 for null or ""), or -1 when all 256 ids are taken.
  int id(const char* label) {
    if (!label || !*label) return 0;
    for (std::size_t h = slot_of(label);; h = (h + 1) % kSlots) {
      if (keys_[h] == label) return ids_[h];
      if (!keys_[h]) {
        if (labels_.size() == kMaxLabels) return -1;
        keys_[h] = label;
        ids_[h] = static_cast<std::uint8_t>(labels_.size());
        labels_.push_back(label);
        return ids_[h];
      }
    }
  }
  const char* label(std::uint8_t id) const { return labels_[id]; }

  void clear() {
    labels_.assign(1, "");
    keys_.fill(nullptr);
  }

 private:
  // Twice the most labels there can be: the probe always ends at a free slot.
  static constexpr std::size_t kSlots = 2 * kMaxLabels;
  static std::size_t slot_of(const char* p) {
    const auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p));
    return static_cast<std::size_t>((x * 0x9E3779B97F4A7C15ULL) >> 55);  // top 9 bits: 0..511
  }

  std::vector<const char*> labels_;
  std::array<const char*, kSlots> keys_{};
  std::array<std::uint8_t, kSlots> ids_{};
};

}  // namespace tcpplay
