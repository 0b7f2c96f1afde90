#include "batch/grouped_run.h"

#include <algorithm>

#include "batch/keyed_lines.h"

namespace eddy::batch {

Result<GroupedRun> group_keyed_lines(std::string_view buf, const KeyedLineFormat& format,
                                     WorkerPool& pool, BadLine* bad) {
  GroupedRun run;
  // Pass 1: validate, key range and counts.
  KeyScan scan = scan_keyed_lines(buf, format, pool);
  std::vector<LineChunk>& chunks = scan.chunks;
  const size_t nc = chunks.size();
  run.first_bad = scan.first_bad;
  run.records = scan.records;
  run.skipped = scan.skipped;
  const int64_t lo = scan.lo, hi = scan.hi;
  if (format.bad_lines == BadLinePolicy::kFail && run.first_bad.offset != UINT64_MAX) {
    *bad = run.first_bad;
    return invalid_argument(run.first_bad.reason);
  }
  if (run.records == 0) {
    run.starts.push_back(0);
    return run;
  }
  run.values.resize(run.records);
  // hi - lo in unsigned arithmetic cannot overflow (hi >= lo).
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const bool dense =
      span < (1u << 28) && span < 4 * run.records + 65536 && (span + 1) * nc <= (1u << 28);
  const uint64_t range = span + 1;
  if (dense) {
    // Counting sort: per-chunk histograms, chunk-major prefix sums (stable), scatter.
    const size_t r = static_cast<size_t>(range);
    std::vector<std::vector<uint32_t>> pos(nc);
    pool.run(nc, [&](size_t i) {
      pos[i].assign(r, 0);
      uint32_t* h = pos[i].data();
      LineChunk copy = chunks[i];
      copy.bad = {};
      copy.skipped = 0;
      scan_chunk(buf, copy, format, [h, lo](int64_t k, uint32_t, const char*, const char*) {
        ++h[static_cast<uint64_t>(k) - static_cast<uint64_t>(lo)];
      });
    });
    uint32_t running = 0;
    for (size_t k = 0; k < r; ++k) {
      uint32_t before = running;
      for (size_t i = 0; i < nc; ++i) {
        uint32_t n = pos[i][k];
        pos[i][k] = running;
        running += n;
      }
      if (running != before) {
        run.keys.push_back(static_cast<int64_t>(static_cast<uint64_t>(lo) + k));
        run.starts.push_back(before);
      }
    }
    run.starts.push_back(running);
    pool.run(nc, [&](size_t i) {
      uint32_t* p = pos[i].data();
      uint32_t* v = run.values.data();
      LineChunk copy = chunks[i];
      copy.bad = {};
      copy.skipped = 0;
      scan_chunk(buf, copy, format, [p, v, lo](int64_t k, uint32_t off, const char*, const char*) {
        v[p[static_cast<uint64_t>(k) - static_cast<uint64_t>(lo)]++] = off;
      });
    });
    return run;
  }
  // Sparse keys: sort (key, offset) pairs; offsets grow with input order, so this is stable.
  std::vector<std::pair<int64_t, uint32_t>> pairs(run.records);
  std::vector<size_t> first(nc + 1, 0);
  for (size_t i = 0; i < nc; ++i) first[i + 1] = first[i] + chunks[i].count;
  pool.run(nc, [&](size_t i) {
    auto* out = pairs.data() + first[i];
    LineChunk copy = chunks[i];
    copy.bad = {};
    copy.skipped = 0;
    scan_chunk(buf, copy, format, [&out](int64_t k, uint32_t off, const char*, const char*) {
      *out++ = {k, off};
    });
    std::sort(pairs.begin() + first[i], pairs.begin() + first[i + 1]);
  });
  for (size_t i = 1; i < nc; ++i)
    std::inplace_merge(pairs.begin(), pairs.begin() + first[i], pairs.begin() + first[i + 1]);
  for (size_t j = 0; j < pairs.size(); ++j) {
    if (j == 0 || pairs[j].first != pairs[j - 1].first) {
      run.keys.push_back(pairs[j].first);
      run.starts.push_back(static_cast<uint32_t>(j));
    }
    run.values[j] = pairs[j].second;
  }
  run.starts.push_back(static_cast<uint32_t>(pairs.size()));
  return run;
}

}  // namespace eddy::batch
