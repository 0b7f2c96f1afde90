#include "batch/spark_pi.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <vector>

#include "common/random.h"

namespace eddy::batch {

SparkPiResult run_spark_pi(int slices, uint64_t seed, WorkerPool& pool) {
  slices = std::max(slices, 1);
  const uint64_t n = std::min<uint64_t>(100000ULL * static_cast<uint64_t>(slices), INT_MAX);
  const uint64_t points = n - 1;  // 1 until n
  std::vector<uint64_t> inside(static_cast<size_t>(slices), 0);
  pool.run(static_cast<size_t>(slices), [&](size_t i) {
    // Spark's ParallelCollectionRDD slicing: [i * len / slices, (i + 1) * len / slices).
    const uint64_t begin = i * points / slices, end = (i + 1) * points / slices;
    uint64_t mix = seed ^ (0xD1B54A32D192ED03ULL * (i + 1));
    Xoshiro256 rng(splitmix64(&mix));
    uint64_t count = 0;
    for (uint64_t k = begin; k < end; ++k) {
      double x = rng.uniform() * 2 - 1;
      double y = rng.uniform() * 2 - 1;
      count += (x * x + y * y <= 1) ? 1 : 0;
    }
    inside[i] = count;
  });
  SparkPiResult r;
  r.points = points;
  for (uint64_t c : inside) r.inside += c;
  r.pi = points ? 4.0 * static_cast<double>(r.inside) / static_cast<double>(points) : 0;
  return r;
}

std::string format_spark_pi(const SparkPiResult& r) {
  char b[64];
  auto [end, ec] = std::to_chars(b, b + sizeof b, r.pi);
  (void)ec;
  std::string s(b, end);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return "Pi is roughly " + s;
}

}  // namespace eddy::batch
