// Sampling primitives of the tweet generator (tweet_generator.h): the PRNG, integer Zipf tables
// and weighted picks. Every step is integer arithmetic or an exactly-rounded IEEE operation, so
// the same seed gives the same draws on any platform (std::*_distribution does not promise that).
// Internal to tweets/: the generator and its text synthesis share these.
// Thread-safety: none; each generator owns its Rng.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace eddy::tweets::synth {

__extension__ typedef unsigned __int128 Uint128;

inline uint64_t splitmix64(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stateless hash: the same key always gives the same user, whatever was drawn before.
inline uint64_t mix64(uint64_t x) { return splitmix64(&x); }

// xoshiro256** (Blackman and Vigna). std::*_distribution is avoided on purpose: its output
// differs between standard libraries, and the generator promises the same bytes everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
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
  // Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-64 * n: irrelevant here).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((Uint128(next()) * n) >> 64); }
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

// Zipf(s = 1) over ranks 0..n-1 with weight 1 / (rank + offset), as an integer CDF so that
// sampling is exact integer arithmetic.
class ZipfTable {
 public:
  ZipfTable(size_t n, uint64_t offset) {
    cdf_.reserve(n);
    uint64_t sum = 0;
    for (size_t r = 0; r < n; ++r) {
      sum += (uint64_t{1} << 40) / (r + offset);
      cdf_.push_back(sum);
    }
  }
  size_t sample(Rng& rng) const {
    uint64_t x = rng.below(cdf_.back());
    return std::upper_bound(cdf_.begin(), cdf_.end(), x) - cdf_.begin();
  }

 private:
  std::vector<uint64_t> cdf_;  // cumulative weights, strictly increasing
};

// Draws an index from fixed integer weights (per-mille tables).
template <size_t N>
size_t pick_weighted(Rng& rng, const std::array<uint32_t, N>& weights) {
  uint32_t total = 0;
  for (uint32_t w : weights) total += w;
  uint64_t x = rng.below(total);
  for (size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return N - 1;
}

}  // namespace eddy::tweets::synth
