// KeyBands: a run's good lines copied into up to 256 bands of consecutive key ranges, so that
// grouping and formatting work on one band (~1 MiB, cache-resident) at a time instead of
// gathering every key's lines from all over a buffer of hundreds of MB: each such read was a
// cache and TLB miss, and formatting took twice as long as on pre-sorted input. A radix
// partition whose band limits are quantiles of keys sampled across the run, so skewed keys
// still give even bands.
//
// Band b holds the lines whose key k has splitter[b-1] <= k < splitter[b], in input order;
// bands ascend by key. Lines are copied whole (key, delimiter, payload and '\n').
//
//   BandPlan plan = plan_bands(buf.view(), format, pool);   // pass 1: validate, assign bands
//   ... report plan.first_bad (the input is still intact) ...
//   KeyBands bands = copy_into_bands(&buf, std::move(plan), format, pool);  // pass 2
//   BandGroups g; group_band(bands.band(b), format, &g);   // per band, on any thread
//
// Ownership: KeyBands owns its copy. Thread-safety: plan/copy run on one thread (they fan out
// on the pool); a built KeyBands is read-only; group_band() is reentrant.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "batch/keyed_lines.h"
#include "common/byte_buffer.h"

namespace eddy::batch {

struct BandPlan {
  std::vector<LineChunk> chunks;  // one per thread; count = good lines, skipped = bad ones
  uint64_t records = 0, skipped = 0;
  BadLine first_bad;  // the lowest bad line (offset MAX if none)
  size_t bands = 0;
  // Band of every good line in input order, a chunk's from ids[chunk.begin / id_stride].
  std::unique_ptr<uint8_t[]> ids;
  size_t id_stride = 1;
  std::vector<std::vector<uint64_t>> bytes, counts;  // [chunk][band]
};

struct KeyBands {
  ByteBuffer lines;               // good lines, band after band
  std::vector<uint64_t> begin;    // bands() + 1 byte offsets into lines
  std::vector<uint64_t> records;  // records per band

  size_t bands() const { return records.size(); }
  std::string_view band(size_t b) const {
    return std::string_view(lines.data() + begin[b], begin[b + 1] - begin[b]);
  }
};

// Pass 1: validates every line (under kFail each chunk stops at its first bad line) and
// assigns each good line to a band.
BandPlan plan_bands(std::string_view lines, const KeyedLineFormat& format, WorkerPool& pool);

// Pass 2: copies every good line into its band. The input's pages are handed back to the
// kernel as the copy passes them, so the peak stays near one copy of the input; *input holds
// no data afterwards (its bytes read as zero).
KeyBands copy_into_bands(ByteBuffer* input, BandPlan plan, const KeyedLineFormat& format,
                         WorkerPool& pool);

// One band's groups: keys ascending, each key's payloads in input order.
struct BandGroups {
  struct Payload {
    uint32_t offset, size;  // in the band
  };
  std::vector<int64_t> keys;
  std::vector<uint32_t>
      starts;  // keys.size() + 1: payloads of keys[i] are [starts[i], starts[i+1])
  std::vector<Payload> payloads;
  // scratch, kept to reuse its memory
  std::vector<int64_t> record_keys;
  std::vector<Payload> records;
  std::vector<uint32_t> counts;
};

// Groups a band's lines (already validated) in one parse: a counting sort when its keys are
// dense, else a stable sort.
void group_band(std::string_view band, const KeyedLineFormat& format, BandGroups* out);

}  // namespace eddy::batch
