// The keyed-group batch job: text lines → split on a delimiter → key by the integer first field
// → group_by_key (values in input order) → sort_by_key → one JSON object per key, written in
// Spark's layout. This is the article's PySpark transform:
//
//   sc.textFile(in).map(lambda x: x.split('::')).map(lambda x: (int(x[0]), x[1:]))
//     .groupByKey().map(lambda x: (x[0], list(x[1]))).sortByKey()
//     .map(lambda x: json.dumps({x[0]: x[1]})).coalesce(n).saveAsTextFile(out)
//
// each output line being `{"9": [["a", "b"], ["c", "d"]]}` byte for byte as Python writes it.
// The input is read in runs of at most ~60% of the memory budget; each run's lines are copied
// into key bands (key_bands.h) that are grouped on every core, a band per task. If everything
// fits in one run the bands are formatted in parallel; otherwise each run is spilled to disk
// in key order, and the runs are merged (ties in run order, so values keep input order) — the
// same bytes either way.
// Output parts split the key order by record count: part i holds the groups whose first record
// falls in [i*total/n, (i+1)*total/n) — contiguous key ranges, as sortByKey + coalesce gives.
// Thread-safety: run_keyed_group_job() may be called from any thread; it uses its own pool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "batch/keyed_lines.h"
#include "batch/python_json.h"
#include "common/status.h"

namespace eddy::batch {

struct KeyedGroupJobOptions {
  std::vector<std::string> inputs;  // paths, globs, directories, s3:// URIs
  KeyedLineFormat format;
  bool descending = false;  // sort_by_key ascending=false
  std::string output;       // directory URI (Spark layout)
  size_t partitions = 1;    // coalesce(n)
  bool overwrite = false;
  int threads = 0;             // 0 = every core
  uint64_t memory_budget = 0;  // bytes; 0 = half of physical memory
  std::string spill_dir;       // "" = $TMPDIR or /tmp
  // Test hook: the most input bytes per run (0 = from the budget). Forces spilling.
  uint64_t run_bytes = 0;
};

struct KeyedGroupJobStats {
  uint64_t input_bytes = 0;  // decompressed bytes read
  uint64_t records = 0;
  uint64_t keys = 0;          // distinct keys (output lines)
  uint64_t skipped = 0;       // bad lines skipped
  std::string first_skipped;  // "FILE:LINE: reason" of the first one
  size_t runs = 0;            // 1 = all in memory
  uint64_t spill_bytes = 0;
  size_t files = 0;
};

Result<KeyedGroupJobStats> run_keyed_group_job(const KeyedGroupJobOptions& options);

// One output line for a key and its payloads (each split on the delimiter):
// {"<key>": [["f1", "f2"], ...]}\n
// The write_ forms write at p, which has room for the bound, and return the end; the append_
// forms append to a string.
inline constexpr size_t kGroupOpenBound = 26;  // {"-9223372036854775808": [
// readable_past_end: the 16 bytes after the payload may be read (they are not written out),
// which lets the writer copy 16 bytes at a time; the bound leaves room for that.
inline constexpr size_t kValuePad = 16;
constexpr size_t value_json_bound(size_t payload) {
  return python_json_bound(payload) + 6 + kValuePad;
}
char* write_group_json_open(int64_t key, char* p);
char* write_value_json(std::string_view payload, std::string_view delimiter, bool first, char* p,
                       bool readable_past_end);
void append_group_json_open(int64_t key, std::string* out);
void append_value_json(std::string_view payload, std::string_view delimiter, bool first,
                       std::string* out);
void append_group_json_close(std::string* out);

// Physical memory in bytes (0 if unknown).
uint64_t physical_memory_bytes();

}  // namespace eddy::batch
