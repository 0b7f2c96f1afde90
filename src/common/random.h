// The one pseudo-random generator of Eddy: xoshiro256** (Blackman and Vigna) seeded through
// splitmix64, plus a seed from the kernel for callers that want a different sequence each run.
//
// Why one written here rather than std::mt19937 and std::*_distribution: the same seed must give
// the same numbers on every platform and standard library (the tweet generator and the Pi job
// promise byte-identical output), and the helpers below are integer or exactly-rounded
// arithmetic. Not for secrets: tokens come from the kernel directly.
// Thread-safety: a Xoshiro256 is a plain value, one per thread (or under its owner's lock);
// splitmix64/mix64 are pure; random_seed() is safe from any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

namespace eddy {

// Advances *x and returns the next splitmix64 output (also the seeding step of Xoshiro256).
inline uint64_t splitmix64(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stateless 64-bit hash: the same key always gives the same value.
inline uint64_t mix64(uint64_t x) { return splitmix64(&x); }

// xoshiro256**. Satisfies UniformRandomBitGenerator, so std::shuffle and friends take it.
class Xoshiro256 {
 public:
  using result_type = uint64_t;

  explicit Xoshiro256(uint64_t seed) {
    for (auto& w : s_) w = splitmix64(&seed);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  uint64_t operator()() { return next(); }
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return std::numeric_limits<uint64_t>::max(); }

  // Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-64 * n); n > 0.
  uint64_t below(uint64_t n) {
    __extension__ typedef unsigned __int128 Uint128;
    return static_cast<uint64_t>((Uint128(next()) * n) >> 64);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // True with probability per_mille / 1000.
  bool chance(uint32_t per_mille) { return below(1000) < per_mille; }
  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// 64 bits from the kernel's entropy source (getrandom), for seeds and identifiers that must
// differ between runs and processes. Safe from any thread.
uint64_t random_seed();

}  // namespace eddy
