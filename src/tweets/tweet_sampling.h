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

#include "common/random.h"

namespace eddy::tweets::synth {

// The PRNG is common's xoshiro256** (common/random.h), the same algorithm and seeding the
// generator has always used, so its output is unchanged.
using Rng = Xoshiro256;
using eddy::mix64;

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
