#include "batch/keyed_group_job.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <queue>

#include "batch/python_json.h"
#include "batch/spark_output.h"
#include "batch/spill_run.h"
#include "batch/text_input.h"
#include "batch/worker_pool.h"

namespace eddy::batch {
namespace {

constexpr uint64_t kMaxRunBytes = 3ULL << 30;  // payload offsets are uint32
constexpr size_t kSliceRecords = 1 << 17;      // records formatted per task
constexpr uint32_t kPrefetch = 16;             // records fetched ahead when formatting

// Asks for transparent huge pages on a big buffer: its lines are read in key order, at
// random, and 4 KiB pages would make most of those reads TLB misses too.
void advise_huge_pages(void* p, size_t n) {
  const uintptr_t page = 2 << 20;
  uintptr_t b = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  uintptr_t e = (reinterpret_cast<uintptr_t>(p) + n) & ~(page - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
}

// "FILE:LINE" of a buffer offset, from the spans fill() recorded.
std::string locate(const ByteBuffer& buf, const std::vector<InputSpan>& spans,
                   const std::vector<InputFile>& files, uint64_t offset) {
  auto it = std::upper_bound(spans.begin(), spans.end(), offset,
                             [](uint64_t o, const InputSpan& s) { return o < s.begin; });
  if (it == spans.begin()) return "?";
  --it;
  uint64_t line = it->first_line + std::count(buf.data() + it->begin, buf.data() + offset, '\n');
  return files[it->file].uri + ":" + std::to_string(line);
}

// Maps output-order record counts to parts: records_before * n / total.
struct PartPlan {
  uint64_t total;
  size_t parts;
  size_t part_of(uint64_t before) const {
    if (total == 0) return 0;
    // before * parts stays far below 2^64 for any input this engine reads (< 2^47 records).
    return static_cast<size_t>(before * parts / total);
  }
};

// Writes groups into parts in order, opening empty parts on the way.
class PartCursor {
 public:
  PartCursor(SparkOutput* out, PartPlan plan) : out_(out), plan_(plan) {}
  // Makes `part` the current part (ending the ones before it).
  Status move_to(size_t part) {
    while (current_ < 0 || static_cast<size_t>(current_) < part) {
      if (current_ >= 0) EDDY_RETURN_IF_ERROR(out_->end_part());
      ++current_;
      EDDY_RETURN_IF_ERROR(out_->begin_part(static_cast<size_t>(current_)));
    }
    return Status::ok();
  }
  Status finish() {
    EDDY_RETURN_IF_ERROR(move_to(plan_.parts - 1));
    EDDY_RETURN_IF_ERROR(out_->end_part());
    return out_->finish();
  }

 private:
  SparkOutput* out_;
  PartPlan plan_;
  long current_ = -1;
};

Status emit_in_memory(const ByteBuffer& buf, const GroupedRun& run, const KeyedGroupJobOptions& o,
                      WorkerPool& pool, SparkOutput* out) {
  const size_t groups = run.keys.size();
  PartPlan plan{run.records, o.partitions};
  PartCursor cursor(out, plan);
  auto group_at = [&](size_t j) { return o.descending ? groups - 1 - j : j; };
  auto count_of = [&](size_t g) { return run.starts[g + 1] - run.starts[g]; };
  const std::string_view delim = o.format.delimiter;
  size_t j = 0;
  uint64_t before = 0;
  const size_t threads = static_cast<size_t>(pool.threads());
  // Two sets of texts: the pool formats one batch while a writer thread writes the previous
  // one (writing is a kernel copy of the whole output; it would otherwise idle the pool).
  std::vector<std::string> texts[2] = {std::vector<std::string>(threads),
                                       std::vector<std::string>(threads)};
  size_t filled[2] = {0, 0};
  int cur = 0;
  std::future<Status> pending;
  auto wait_pending = [&]() -> Status { return pending.valid() ? pending.get() : Status::ok(); };
  struct Slice {
    size_t begin, end;
  };
  size_t open_part = SIZE_MAX;
  while (j < groups) {
    const size_t part = plan.part_of(before);
    if (part != open_part) {
      EDDY_RETURN_IF_ERROR(wait_pending());
      EDDY_RETURN_IF_ERROR(cursor.move_to(part));
      open_part = part;
    }
    // Up to `threads` slices of whole groups, none crossing into the next part.
    std::vector<Slice> slices;
    while (slices.size() < threads && j < groups && plan.part_of(before) == part) {
      Slice s{j, j};
      uint64_t n = 0;
      while (j < groups && n < kSliceRecords && plan.part_of(before) == part) {
        uint64_t c = count_of(group_at(j));
        n += c;
        before += c;
        ++j;
      }
      s.end = j;
      slices.push_back(s);
    }
    std::vector<std::string>& set = texts[cur];
    pool.run(slices.size(), [&](size_t i) {
      std::string& t = set[i];
      t.clear();
      for (size_t k = slices[i].begin; k < slices[i].end; ++k) {
        size_t g = group_at(k);
        append_group_json_open(run.keys[g], &t);
        for (uint32_t v = run.starts[g]; v < run.starts[g + 1]; ++v) {
          // Lines are visited in key order, i.e. at random in the buffer: fetch ahead.
          if (!o.descending && v + kPrefetch < run.values.size())
            __builtin_prefetch(buf.data() + run.values[v + kPrefetch]);
          append_value_json(payload_at(buf, run.values[v]), delim, v == run.starts[g], &t);
        }
        append_group_json_close(&t);
      }
    });
    filled[cur] = slices.size();
    EDDY_RETURN_IF_ERROR(wait_pending());
    pending = std::async(std::launch::async, [out, &set, n = filled[cur]]() -> Status {
      for (size_t i = 0; i < n; ++i) EDDY_RETURN_IF_ERROR(out->write(set[i]));
      return Status::ok();
    });
    cur ^= 1;
  }
  EDDY_RETURN_IF_ERROR(wait_pending());
  return cursor.finish();
}

Status spill(const ByteBuffer& buf, const GroupedRun& run, bool descending, const std::string& path,
             uint64_t* bytes) {
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<SpillRunWriter> w, SpillRunWriter::create(path));
  const size_t groups = run.keys.size();
  for (size_t j = 0; j < groups; ++j) {
    size_t g = descending ? groups - 1 - j : j;
    EDDY_RETURN_IF_ERROR(w->begin_group(run.keys[g], run.starts[g + 1] - run.starts[g]));
    for (uint32_t v = run.starts[g]; v < run.starts[g + 1]; ++v)
      EDDY_RETURN_IF_ERROR(w->add_value(payload_at(buf, run.values[v])));
  }
  EDDY_RETURN_IF_ERROR(w->finish());
  *bytes += w->bytes();
  return Status::ok();
}

Status merge_runs(const std::vector<std::string>& paths, uint64_t records, uint64_t budget,
                  const KeyedGroupJobOptions& o, SparkOutput* out, uint64_t* keys) {
  size_t per_run = static_cast<size_t>(
      std::clamp<uint64_t>(budget / 4 / std::max<size_t>(paths.size(), 1), 64 << 10, 8 << 20));
  std::vector<std::unique_ptr<SpillRunReader>> readers;
  for (const auto& p : paths) {
    EDDY_ASSIGN_OR_RETURN(auto r, SpillRunReader::open(p, per_run));
    readers.push_back(std::move(r));
  }
  // Heap of (key, run): smallest key first (largest if descending), ties in run order.
  using Entry = std::pair<int64_t, size_t>;
  const bool desc = o.descending;
  auto later = [desc](const Entry& a, const Entry& b) {
    if (a.first != b.first) return desc ? a.first < b.first : a.first > b.first;
    return a.second > b.second;
  };
  std::priority_queue<Entry, std::vector<Entry>, decltype(later)> heap(later);
  for (size_t i = 0; i < readers.size(); ++i) {
    EDDY_ASSIGN_OR_RETURN(bool more, readers[i]->next_group());
    if (more) heap.push({readers[i]->key(), i});
  }
  PartPlan plan{records, o.partitions};
  PartCursor cursor(out, plan);
  uint64_t before = 0;
  std::string text;
  const std::string_view delim = o.format.delimiter;
  size_t part = 0;
  EDDY_RETURN_IF_ERROR(cursor.move_to(0));
  while (!heap.empty()) {
    const int64_t key = heap.top().first;
    if (plan.part_of(before) != part) {  // a group never straddles parts
      EDDY_RETURN_IF_ERROR(out->write(text));
      text.clear();
      part = plan.part_of(before);
      EDDY_RETURN_IF_ERROR(cursor.move_to(part));
    }
    append_group_json_open(key, &text);
    bool first = true;
    while (!heap.empty() && heap.top().first == key) {
      size_t i = heap.top().second;
      heap.pop();
      SpillRunReader& r = *readers[i];
      for (uint32_t v = 0; v < r.count(); ++v) {
        EDDY_ASSIGN_OR_RETURN(std::string_view payload, r.next_value());
        append_value_json(payload, delim, first, &text);
        first = false;
        ++before;
        if (text.size() >= (1 << 20)) {
          EDDY_RETURN_IF_ERROR(out->write(text));
          text.clear();
        }
      }
      EDDY_ASSIGN_OR_RETURN(bool more, r.next_group());
      if (more) heap.push({r.key(), i});
    }
    append_group_json_close(&text);
    ++*keys;
    if (text.size() >= (1 << 20)) {
      EDDY_RETURN_IF_ERROR(out->write(text));
      text.clear();
    }
  }
  EDDY_RETURN_IF_ERROR(out->write(text));
  return cursor.finish();
}

}  // namespace

uint64_t physical_memory_bytes() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

void append_group_json_open(int64_t key, std::string* out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, key);
  (void)ec;
  out->append("{\"");
  out->append(digits, end - digits);
  out->append("\": [");
}

void append_value_json(std::string_view payload, std::string_view delim, bool first,
                       std::string* out) {
  if (!first) out->append(", ");
  out->push_back('[');
  size_t at = 0;
  const bool two = delim.size() == 2;
  for (;;) {
    size_t next = std::string_view::npos;
    if (two) {  // the usual "::": a byte loop beats find() on ~6-byte fields
      for (size_t i = at; i + 1 < payload.size(); ++i) {
        if (payload[i] == delim[0] && payload[i + 1] == delim[1]) {
          next = i;
          break;
        }
      }
    } else {
      next = payload.find(delim, at);
    }
    append_python_json_string(payload.substr(at, next - at), out);
    if (next == std::string_view::npos) break;
    out->append(", ");
    at = next + delim.size();
  }
  out->push_back(']');
}

void append_group_json_close(std::string* out) { out->append("]}\n"); }

Result<KeyedGroupJobStats> run_keyed_group_job(const KeyedGroupJobOptions& o) {
  if (o.partitions < 1) return invalid_argument("partitions: must be at least 1");
  if (o.format.delimiter.empty()) return invalid_argument("delimiter: must not be empty");
  KeyedGroupJobStats stats;
  EDDY_ASSIGN_OR_RETURN(std::vector<InputFile> files, expand_inputs(o.inputs));
  stats.files = files.size();
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<SparkOutput> out,
                        SparkOutput::create(o.output, o.overwrite));
  WorkerPool pool(o.threads);
  uint64_t budget = o.memory_budget ? o.memory_budget : physical_memory_bytes() / 2;
  if (budget == 0) budget = 4ULL << 30;
  uint64_t run_limit = o.run_bytes ? o.run_bytes : std::min(budget / 10 * 6, kMaxRunBytes);
  run_limit = std::max<uint64_t>(run_limit, 1);

  TextInput input(files);
  ByteBuffer buf;
  buf.reserve(static_cast<size_t>(std::min(run_limit, input.remaining_size_hint()) + (128 << 10)));
  advise_huge_pages(buf.data(), buf.capacity());
  std::vector<InputSpan> spans;
  std::unique_ptr<SpillDir> spill_dir;
  std::vector<std::string> runs;
  uint64_t records = 0;
  for (;;) {
    buf.clear();
    spans.clear();
    EDDY_ASSIGN_OR_RETURN(bool any, input.fill(&buf, static_cast<size_t>(run_limit), &spans));
    if (!any && stats.runs > 0) break;
    stats.input_bytes += buf.size();
    BadLine bad;
    auto grouped = group_keyed_lines(buf, o.format, pool, &bad);
    if (!grouped.is_ok()) {
      if (bad.offset != UINT64_MAX)
        return invalid_argument(locate(buf, spans, files, bad.offset) + ": " + bad.reason);
      return grouped.status();
    }
    GroupedRun& run = *grouped;
    ++stats.runs;
    records += run.records;
    stats.skipped += run.skipped;
    if (run.first_bad.offset != UINT64_MAX && stats.first_skipped.empty())
      stats.first_skipped =
          locate(buf, spans, files, run.first_bad.offset) + ": " + run.first_bad.reason;
    if (stats.runs == 1 && input.done()) {  // everything fit: format from memory
      stats.records = records;
      stats.keys = run.keys.size();
      EDDY_RETURN_IF_ERROR(emit_in_memory(buf, run, o, pool, out.get()));
      return stats;
    }
    if (!spill_dir) {
      EDDY_ASSIGN_OR_RETURN(spill_dir, SpillDir::create(o.spill_dir));
    }
    runs.push_back(spill_dir->next_file());
    EDDY_RETURN_IF_ERROR(spill(buf, run, o.descending, runs.back(), &stats.spill_bytes));
    if (input.done()) break;
  }
  buf = ByteBuffer();  // release the run buffer before merging
  stats.records = records;
  EDDY_RETURN_IF_ERROR(merge_runs(runs, records, budget, o, out.get(), &stats.keys));
  return stats;
}

}  // namespace eddy::batch
