#include "batch/keyed_group_job.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <future>
#include <queue>

#include "batch/key_bands.h"
#include "batch/python_json.h"
#include "batch/spark_output.h"
#include "batch/spill_run.h"
#include "batch/text_input.h"
#include "batch/worker_pool.h"

namespace eddy::batch {
namespace {

constexpr uint64_t kMaxRunBytes = 3ULL << 30;  // payload offsets are uint32
constexpr size_t kBandsPerThread = 4;          // bands formatted per thread between writes

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

// One band's output: its lines' JSON text, and where in it the output moves to another part.
struct BandText {
  ByteBuffer text;
  std::vector<std::pair<size_t, size_t>> cuts;  // (offset in text, part from there on)
  uint64_t keys = 0;
};

// Groups band b's lines and formats them; `before` = records earlier in the output.
void format_band(const KeyBands& bands, size_t b, uint64_t before, const PartPlan& plan,
                 const KeyedGroupJobOptions& o, BandGroups* groups, BandText* out) {
  ByteBuffer& t = out->text;
  t.clear();
  out->cuts.clear();
  const std::string_view lines = bands.band(b);
  group_band(lines, o.format, groups);
  const size_t n = groups->keys.size();
  out->keys = n;
  // Raw writes into reserved room: std::string's per-append checks were a third of the
  // formatting time.
  auto room = [&t](size_t k) {
    t.reserve(t.size() + k);
    return t.data() + t.size();
  };
  auto done = [&t](char* p) { t.resize(p - t.data()); };
  const std::string_view delim = o.format.delimiter;
  size_t part = SIZE_MAX;
  for (size_t j = 0; j < n; ++j) {
    const size_t g = o.descending ? n - 1 - j : j;
    const uint32_t first = groups->starts[g], last = groups->starts[g + 1];
    const size_t p = plan.part_of(before);
    if (p != part) {  // a group never straddles parts
      out->cuts.emplace_back(t.size(), p);
      part = p;
    }
    before += last - first;
    done(write_group_json_open(groups->keys[g], room(kGroupOpenBound)));
    for (uint32_t v = first; v < last; ++v) {
      const BandGroups::Payload& pl = groups->payloads[v];
      done(write_value_json(lines.substr(pl.offset, pl.size), delim, v == first,
                            room(value_json_bound(pl.size)), /*readable_past_end=*/true));
    }
    t.append("]}\n");
  }
}

// Formats the bands on the pool, a batch at a time, while a writer thread writes the previous
// batch (writing is a kernel copy of the whole output; it would otherwise idle the pool).
Status emit_bands(const KeyBands& bands, const KeyedGroupJobOptions& o, WorkerPool& pool,
                  SparkOutput* out, uint64_t* keys) {
  const size_t nb = bands.bands();
  uint64_t total = 0;
  for (uint64_t r : bands.records) total += r;
  PartPlan plan{total, o.partitions};
  PartCursor cursor(out, plan);
  // Output order of bands and the records before each.
  std::vector<size_t> order(nb);
  std::vector<uint64_t> before(nb);
  uint64_t acc = 0;
  for (size_t j = 0; j < nb; ++j) {
    order[j] = o.descending ? nb - 1 - j : j;
    before[j] = acc;
    acc += bands.records[order[j]];
  }
  const size_t batch = static_cast<size_t>(pool.threads()) * kBandsPerThread;
  std::vector<BandText> texts[2] = {std::vector<BandText>(batch), std::vector<BandText>(batch)};
  std::vector<BandGroups> scratch(batch);
  std::future<Status> pending;
  auto wait_pending = [&]() -> Status { return pending.valid() ? pending.get() : Status::ok(); };
  int cur = 0;
  for (size_t j0 = 0; j0 < nb; j0 += batch) {
    const size_t n = std::min(batch, nb - j0);
    std::vector<BandText>& set = texts[cur];
    pool.run(n, [&](size_t i) {
      format_band(bands, order[j0 + i], before[j0 + i], plan, o, &scratch[i], &set[i]);
    });
    for (size_t i = 0; i < n; ++i) *keys += set[i].keys;
    EDDY_RETURN_IF_ERROR(wait_pending());
    pending = std::async(std::launch::async, [out, &cursor, &set, n]() -> Status {
      for (size_t i = 0; i < n; ++i) {
        const BandText& bt = set[i];
        for (size_t c = 0; c < bt.cuts.size(); ++c) {
          const size_t from = bt.cuts[c].first;
          const size_t to = c + 1 < bt.cuts.size() ? bt.cuts[c + 1].first : bt.text.size();
          EDDY_RETURN_IF_ERROR(cursor.move_to(bt.cuts[c].second));
          EDDY_RETURN_IF_ERROR(out->write(bt.text.view().substr(from, to - from)));
        }
      }
      return Status::ok();
    });
    cur ^= 1;
  }
  EDDY_RETURN_IF_ERROR(wait_pending());
  return cursor.finish();
}

// Writes a run's groups to a spill file in output order: bands grouped in parallel, a batch
// at a time, then written in order.
Status spill_bands(const KeyBands& bands, const KeyedGroupJobOptions& o, WorkerPool& pool,
                   const std::string& path, uint64_t* bytes) {
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<SpillRunWriter> w, SpillRunWriter::create(path));
  const size_t nb = bands.bands();
  const size_t batch = static_cast<size_t>(pool.threads()) * kBandsPerThread;
  std::vector<BandGroups> groups(batch);
  for (size_t j0 = 0; j0 < nb; j0 += batch) {
    const size_t n = std::min(batch, nb - j0);
    auto band_at = [&](size_t j) { return o.descending ? nb - 1 - j : j; };
    pool.run(n, [&](size_t i) { group_band(bands.band(band_at(j0 + i)), o.format, &groups[i]); });
    for (size_t i = 0; i < n; ++i) {
      const BandGroups& g = groups[i];
      const std::string_view lines = bands.band(band_at(j0 + i));
      const size_t keys = g.keys.size();
      for (size_t j = 0; j < keys; ++j) {
        const size_t k = o.descending ? keys - 1 - j : j;
        EDDY_RETURN_IF_ERROR(w->begin_group(g.keys[k], g.starts[k + 1] - g.starts[k]));
        for (uint32_t v = g.starts[k]; v < g.starts[k + 1]; ++v)
          EDDY_RETURN_IF_ERROR(
              w->add_value(lines.substr(g.payloads[v].offset, g.payloads[v].size)));
      }
    }
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

char* write_group_json_open(int64_t key, char* p) {
  std::memcpy(p, "{\"", 2);
  p = std::to_chars(p + 2, p + 22, key).ptr;  // int64 has at most 20 characters
  std::memcpy(p, "\": [", 4);
  return p + 4;
}

#ifdef __SSE2__
// Bit i set where byte i of the 16 at s is the delimiter's first byte or needs escaping.
inline uint32_t special_mask16(const char* s, char d0) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
  // Signed compare: controls (< 0x20) and bytes >= 0x80 (negative) in one.
  __m128i m = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(d0)));
  return static_cast<uint32_t>(_mm_movemask_epi8(m));
}
#endif

char* write_value_json(std::string_view payload, std::string_view delim, bool first, char* p,
                       bool readable_past_end) {
  if (!first) {
    *p++ = ',';
    *p++ = ' ';
  }
  *p++ = '[';
  *p++ = '"';
  // One pass: copy runs of plain bytes, turn each delimiter into `", "`, and hand a field that
  // needs escaping to the general writer from its first such byte.
  const char* s = payload.data();
  const size_t n = payload.size(), dn = delim.size();
  const char d0 = delim[0];
  const char d1 = dn > 1 ? delim[1] : 0;
  size_t i = 0, run = 0;
  auto delim_at = [&](size_t k) {
    if (s[k] != d0) return false;
    if (dn == 1) return true;
    return k + dn <= n && s[k + 1] == d1 &&
           (dn == 2 || std::memcmp(s + k + 2, delim.data() + 2, dn - 2) == 0);
  };
  while (i < n) {
#ifdef __SSE2__
    if (readable_past_end) {  // 16 bytes at a time up to the next special byte
      const uint32_t m = special_mask16(s + i, d0) | (n - i < 16 ? ~0u << (n - i) : 0u);
      std::memcpy(p, s + run, i - run);  // (empty but for the first block after a special)
      p += i - run;
      std::memcpy(p, s + i, 16);  // the room has kValuePad spare bytes
      const size_t plain = m ? static_cast<size_t>(__builtin_ctz(m)) : 16;
      p += plain;
      i += plain;
      run = i;
      if (plain == 16 || i >= n) continue;
    }
#endif
    if (delim_at(i)) {
      std::memcpy(p, s + run, i - run);
      p += i - run;
      std::memcpy(p, "\", \"", 4);
      p += 4;
      i += dn;
      run = i;
    } else if (kPythonJsonPlain[static_cast<unsigned char>(s[i])]) {
      ++i;
    } else {
      std::memcpy(p, s + run, i - run);
      p += i - run;
      size_t e = i + 1;
      while (e < n && !delim_at(e)) ++e;
      p = write_python_json_escaped(payload.substr(i, e - i), p);
      i = run = e;
    }
  }
  std::memcpy(p, s + run, n - run);
  p += n - run;
  *p++ = '"';
  *p++ = ']';
  return p;
}

void append_group_json_open(int64_t key, std::string* out) {
  char b[kGroupOpenBound];
  out->append(b, write_group_json_open(key, b) - b);
}

void append_value_json(std::string_view payload, std::string_view delim, bool first,
                       std::string* out) {
  const size_t at = out->size();
  out->resize(at + value_json_bound(payload.size()));
  out->resize(write_value_json(payload, delim, first, out->data() + at, false) - out->data());
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
  buf.advise_huge_pages();
  std::vector<InputSpan> spans;
  std::unique_ptr<SpillDir> spill_dir;
  std::vector<std::string> runs;
  for (;;) {
    buf.clear();
    spans.clear();
    EDDY_ASSIGN_OR_RETURN(bool any, input.fill(&buf, static_cast<size_t>(run_limit), &spans));
    if (!any && stats.runs > 0) break;
    stats.input_bytes += buf.size();
    ++stats.runs;
    BandPlan plan = plan_bands(buf.view(), o.format, pool);
    if (plan.first_bad.offset != UINT64_MAX) {
      std::string where = locate(buf, spans, files, plan.first_bad.offset);
      if (o.format.bad_lines == BadLinePolicy::kFail)
        return invalid_argument(where + ": " + plan.first_bad.reason);
      if (stats.first_skipped.empty()) stats.first_skipped = where + ": " + plan.first_bad.reason;
    }
    stats.records += plan.records;
    stats.skipped += plan.skipped;
    KeyBands bands = copy_into_bands(&buf, std::move(plan), o.format, pool);
    if (stats.runs == 1 && input.done()) {  // everything fit: format from memory
      buf = ByteBuffer();
      EDDY_RETURN_IF_ERROR(emit_bands(bands, o, pool, out.get(), &stats.keys));
      return stats;
    }
    if (!spill_dir) {
      EDDY_ASSIGN_OR_RETURN(spill_dir, SpillDir::create(o.spill_dir));
    }
    runs.push_back(spill_dir->next_file());
    EDDY_RETURN_IF_ERROR(spill_bands(bands, o, pool, runs.back(), &stats.spill_bytes));
    if (input.done()) break;
  }
  buf = ByteBuffer();  // release the run buffer before merging
  EDDY_RETURN_IF_ERROR(merge_runs(runs, stats.records, budget, o, out.get(), &stats.keys));
  return stats;
}

}  // namespace eddy::batch
