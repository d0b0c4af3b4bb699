// The project's own deterministic PRNG: xoshiro256** seeded through splitmix64.
// std::*_distribution is not used anywhere: libstdc++ and libc++ would give different numbers,
// and native and browser runs must produce the same trace byte for byte.
#pragma once
#include <cstdint>
#include <string_view>

namespace tcpplay {

/// splitmix64 step (Vigna); used to expand one seed into a full generator state.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// FNV-1a over a name, so that each named stream ("link:ab", "isn:client") has its own seed.
inline std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

class Rng {
 public:
  Rng() : Rng(0) {}
  explicit Rng(std::uint64_t seed) { reseed(seed); }
  /// A stream named within a scenario: same (seed, name) gives the same numbers everywhere.
  Rng(std::uint64_t seed, std::string_view stream_name) { reseed(seed ^ fnv1a64(stream_name)); }

  void reseed(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(next_u64() >> 32); }

  /// Uniform in [0, 1) with 53 bits of precision.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n) (Lemire's multiply-shift; n > 0).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next_u64()) * n) >> 64);
  }
  /// True with probability p. p <= 0 never draws true, p >= 1 always does; one draw either way,
  /// so changing p mid-run does not shift the stream.
  bool bernoulli(double p) { return uniform() < p; }
  /// Approximately normal (mean 0, sd 1): Irwin-Hall sum of 12 uniforms minus 6. Bounded to
  /// [-6, 6] and made only of additions, so it is exact and identical under every libm.
  double normal() {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return sum - 6.0;
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace tcpplay
