#include "batch/key_bands.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

namespace eddy::batch {
namespace {

constexpr size_t kMaxBands = 256;  // band ids are bytes
constexpr size_t kMinBands = 16;
constexpr uint64_t kBandBytes = 1 << 20;    // target band size
constexpr size_t kSamples = 1 << 14;        // keys sampled for the band limits
constexpr uint64_t kReleaseStep = 8 << 20;  // input bytes copied between madvise calls

// B - 1 splitters (sorted): band(k) = how many splitters are <= k. A binary search per line
// was a third of the job's first pass (its dependent loads serialize), so a 64 Ki-entry table
// over the sampled key range gives the band at each cell's first key, and the few cells that
// hold a splitter are finished by comparing.
class BandMap {
 public:
  BandMap(std::vector<int64_t> sample, size_t bands) : splitters_(bands - 1) {
    std::sort(sample.begin(), sample.end());
    if (sample.empty()) sample.push_back(0);
    for (size_t i = 0; i + 1 < bands; ++i)
      splitters_[i] = sample[std::min(sample.size() - 1, (i + 1) * sample.size() / bands)];
    lo_ = sample.front();
    const uint64_t span = static_cast<uint64_t>(sample.back()) - static_cast<uint64_t>(lo_);
    shift_ = 0;
    while ((span >> shift_) >= kCells - 1) ++shift_;
    table_.resize(kCells);
    size_t b = 0;
    for (size_t i = 0; i < kCells; ++i) {
      // The cell's first key; cells past the sampled range start beyond every splitter.
      const uint64_t first = static_cast<uint64_t>(i) << shift_;  // shift_ <= 48: no overflow
      const bool past = first > span;
      const int64_t k =
          static_cast<int64_t>(static_cast<uint64_t>(lo_) + static_cast<uint64_t>(first));
      while (b < splitters_.size() && (past || k >= splitters_[b])) ++b;
      table_[i] = static_cast<uint8_t>(b);
    }
  }
  uint8_t band(int64_t key) const {
    if (key < lo_) return 0;  // below every splitter (they come from the sample)
    const uint64_t cell = std::min<uint64_t>(
        (static_cast<uint64_t>(key) - static_cast<uint64_t>(lo_)) >> shift_, kCells - 1);
    size_t b = table_[cell];
    while (b < splitters_.size() && key >= splitters_[b]) ++b;
    return static_cast<uint8_t>(b);
  }

 private:
  static constexpr size_t kCells = 1 << 16;
  std::vector<int64_t> splitters_;
  int64_t lo_ = 0;
  unsigned shift_ = 0;
  std::vector<uint8_t> table_;
};

// Keys of the lines starting after kSamples evenly spaced offsets (bad lines are passed over).
std::vector<int64_t> sample_keys(std::string_view lines, const KeyedLineFormat& f) {
  std::vector<int64_t> keys;
  const char* base = lines.data();
  const char* end = base + lines.size();
  for (size_t i = 0; i < kSamples; ++i) {
    const char* p = base + lines.size() / kSamples * i;
    if (p != base) {
      p = line_end(p, end);
      if (!p || ++p >= end) break;
    }
    const char* e = line_end(p, end);
    int64_t key;
    uint32_t payload;
    if (parse_fast(base, p, e, f.delimiter, &key, &payload) ||
        parse_line(base, p, e, f.delimiter, &key, &payload) == LineKind::kOk)
      keys.push_back(key);
  }
  return keys;
}

// Gives the whole pages inside [from, to) back to the kernel (they read as zeros afterwards).
void release_pages(char* from, char* to) {
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t b = (reinterpret_cast<uintptr_t>(from) + page - 1) & ~(page - 1);
  uintptr_t e = reinterpret_cast<uintptr_t>(to) & ~(page - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED);
}

}  // namespace

BandPlan plan_bands(std::string_view all, const KeyedLineFormat& format, WorkerPool& pool) {
  BandPlan plan;
  plan.bands = std::clamp<size_t>(std::bit_ceil(std::max<uint64_t>(all.size() / kBandBytes, 1)),
                                  kMinBands, kMaxBands);
  const BandMap map(sample_keys(all, format), plan.bands);
  plan.chunks = split_chunks(all, static_cast<size_t>(pool.threads()));
  const size_t nc = plan.chunks.size();
  plan.bytes.assign(nc, std::vector<uint64_t>(plan.bands, 0));
  plan.counts.assign(nc, std::vector<uint64_t>(plan.bands, 0));
  // Band ids are written where each chunk's lines start divided by the shortest line's size
  // ("0::\n"), so no chunk can overrun the next one's ids; pages never written stay unmapped.
  plan.id_stride = format.delimiter.size() + 2;
  plan.ids.reset(new uint8_t[all.size() / plan.id_stride + 1]);  // uninitialised on purpose
  pool.run(nc, [&](size_t i) {
    LineChunk& c = plan.chunks[i];
    uint8_t* id = plan.ids.get() + c.begin / plan.id_stride;
    uint64_t* by = plan.bytes[i].data();
    uint64_t* n = plan.counts[i].data();
    scan_chunk(all, c, format, [&](int64_t k, uint32_t, const char* p, const char* e) {
      const uint8_t b = map.band(k);
      *id++ = b;
      by[b] += static_cast<uint64_t>(e - p) + 1;
      ++n[b];
      ++c.count;
    });
  });
  add_chunk_totals(plan.chunks, &plan.records, &plan.skipped, &plan.first_bad);
  return plan;
}

KeyBands copy_into_bands(ByteBuffer* input, BandPlan plan, const KeyedLineFormat& format,
                         WorkerPool& pool) {
  KeyBands out;
  const size_t bands = plan.bands, nc = plan.chunks.size();
  // Band b starts after every earlier band; chunk i writes its share of band b after chunk
  // i-1's (input order within a band).
  out.begin.assign(bands + 1, 0);
  out.records.assign(bands, 0);
  std::vector<std::vector<uint64_t>> cursor(nc, std::vector<uint64_t>(bands, 0));
  uint64_t at = 0;
  for (size_t b = 0; b < bands; ++b) {
    out.begin[b] = at;
    for (size_t i = 0; i < nc; ++i) {
      cursor[i][b] = at;
      at += plan.bytes[i][b];
      out.records[b] += plan.counts[i][b];
    }
  }
  out.begin[bands] = at;
  // No huge pages here: the copy touches every band at once, and 2 MiB faults would make the
  // whole copy resident before the input is released.
  // kValuePad spare bytes: formatting may read 16 bytes past the last payload.
  out.lines.resize(at + 16);
  std::memset(out.lines.data() + at, 0, 16);
  out.lines.resize(at);
  char* dst = out.lines.data();
  char* src = input->data();
  const std::string_view all = input->view();
  pool.run(nc, [&](size_t i) {
    const LineChunk& c = plan.chunks[i];
    const uint8_t* id = plan.ids.get() + c.begin / plan.id_stride;
    uint64_t* cur = cursor[i].data();
    char* released = src + c.begin;
    auto copy = [&](const char* p, const char* e) {
      const size_t len = static_cast<size_t>(e - p) + 1;
      const uint8_t b = *id++;
      std::memcpy(dst + cur[b], p, len);
      cur[b] += len;
      if (static_cast<uint64_t>(e - released) >= kReleaseStep) {
        release_pages(released, const_cast<char*>(p));
        released = const_cast<char*>(p);
      }
    };
    if (c.skipped == 0) {
      for_each_line(src + c.begin, src + c.end, [&](const char* p, const char* e) {
        copy(p, e);
        return true;
      });
    } else {  // pass over the bad lines again
      LineChunk again = c;
      again.bad = {};
      again.skipped = 0;
      scan_chunk(all, again, format,
                 [&](int64_t, uint32_t, const char* p, const char* e) { copy(p, e); });
    }
    release_pages(released, src + c.end);
  });
  return out;
}

void group_band(std::string_view band, const KeyedLineFormat& format, BandGroups* g) {
  g->keys.clear();
  g->starts.clear();
  g->payloads.clear();
  g->record_keys.clear();
  g->records.clear();
  const char* base = band.data();
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  LineChunk all;
  all.end = band.size();
  scan_chunk(band, all, format, [&](int64_t k, uint32_t payload, const char*, const char* e) {
    if (e > base + payload && e[-1] == '\r') --e;
    g->record_keys.push_back(k);
    g->records.push_back({payload, static_cast<uint32_t>(e - base - payload)});
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  });
  const size_t n = g->records.size();
  g->payloads.resize(n);
  if (n == 0) {
    g->starts.push_back(0);
    return;
  }
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span < 4 * n + 65536) {  // dense: counting sort (stable)
    std::vector<uint32_t>& count = g->counts;
    count.assign(span + 1, 0);
    for (int64_t k : g->record_keys) ++count[static_cast<uint64_t>(k) - static_cast<uint64_t>(lo)];
    uint32_t running = 0;
    for (size_t k = 0; k <= span; ++k) {
      const uint32_t c = count[k];
      if (c) {
        g->keys.push_back(static_cast<int64_t>(static_cast<uint64_t>(lo) + k));
        g->starts.push_back(running);
      }
      count[k] = running;
      running += c;
    }
    g->starts.push_back(running);
    for (size_t r = 0; r < n; ++r)
      g->payloads[count[static_cast<uint64_t>(g->record_keys[r]) - static_cast<uint64_t>(lo)]++] =
          g->records[r];
    return;
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return g->record_keys[a] < g->record_keys[b]; });
  for (size_t j = 0; j < n; ++j) {
    const int64_t k = g->record_keys[order[j]];
    if (j == 0 || k != g->keys.back()) {
      g->keys.push_back(k);
      g->starts.push_back(static_cast<uint32_t>(j));
    }
    g->payloads[j] = g->records[order[j]];
  }
  g->starts.push_back(static_cast<uint32_t>(n));
}

}  // namespace eddy::batch
