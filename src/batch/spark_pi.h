// SparkPi, built in: the Monte Carlo estimate of pi from Spark's examples (the article's calpi
// step submits spark-examples' org.apache.spark.examples.SparkPi), run on every core.
//
// Spark's math: n = min(100000 * slices, Int.MaxValue); the points are `1 until n` (n - 1 of
// them) split into `slices` partitions; each draws x, y uniform in [-1, 1) and counts
// x*x + y*y <= 1; the estimate is 4.0 * count / (n - 1). Each slice has its own random stream
// (xoshiro256** seeded from (seed, slice)), so the result depends on the seed and the slice
// count only — never on the number of threads.
// Thread-safety: pure function (uses the pool it is given).
#pragma once

#include <cstdint>
#include <string>

#include "batch/worker_pool.h"

namespace eddy::batch {

struct SparkPiResult {
  uint64_t points = 0;
  uint64_t inside = 0;
  double pi = 0;
};

SparkPiResult run_spark_pi(int slices, uint64_t seed, WorkerPool& pool);

// "Pi is roughly 3.14159..." as SparkPi prints it (Java's Double.toString style).
std::string format_spark_pi(const SparkPiResult& r);

}  // namespace eddy::batch
