// SlidingWindowCounter: counts of string keys over a sliding window kept as panes.
//
// Time is cut into panes (integer indices; the caller maps time to panes). A window is the
// last `panes_per_window` panes before `window_end()` (exclusive). Counts are added to panes
// at or after the window's end; advance() moves the window one pane forward, adding the
// entering pane's counts and subtracting the expiring pane's — O(keys in those two panes),
// independent of the number of keys in the window. That work can be done early, by retire()
// right after a window is written: it subtracts the expiring pane and adds what the entering
// pane holds so far, and from then on add() counts that pane's keys at once — except keys in
// the ranking, whose increments wait in `pending` (a ranking update per event would cost more
// than one per pane). So the next slide's critical path is only those pending increments and
// the top-k read. Keys whose window count is zero leave the ranking; keys no pane holds any
// more are evicted by evict_released(), also after the window is written.
//
// Top-k: the counter keeps, ordered by (count desc, key asc), exactly the keys whose count is
// at least a threshold (the "ranking"), sized to tens or hundreds of keys; the long tail of small
// counts is plain array updates. top_k() reads the first k; if fewer than k keys reach the
// threshold it lowers it with one scan of all keys (rare: only when leaders fade), and when
// the ranking grows past a bound it raises it. So a slide costs O(changed keys) with a
// million keys in the window, not O(keys).
//
// Invariants:
//   - slots_[id].count + slots_[id].pending == sum of counts of `id` in the held panes in
//     [window_end_ - ppw_, window_end_) (retire() erases the oldest of them early), plus pane
//     window_end_ if entering_applied_; pending != 0 only for ids in pending_ids_
//   - slots_[id].held  == sum of counts of `id` in all panes held
//   - ranking_ == { id : slots_[id].count >= threshold_ && count > 0 }, slots_[id].ranked
//     says whether id is in it
//   - a key with held == 0 is in evict_ until evict_released() frees its id
//   - panes_ holds only panes >= window_end_ - ppw_
// Ownership: owns all keys and panes. Thread-safety: none (one owner thread).
#pragma once

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>
#include <xxhash.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace eddy::engine {

struct KeyCount {
  std::string_view key;  // valid until the counter next changes
  int64_t count;
  bool operator==(const KeyCount&) const = default;
};

class SlidingWindowCounter {
 public:
  // `rank_target`/`rank_max`: how many keys the ranking keeps after a re-threshold, and the
  // size that triggers one (tests shrink them to exercise re-thresholding).
  explicit SlidingWindowCounter(int64_t panes_per_window, size_t rank_target = 256,
                                size_t rank_max = 4096);

  int64_t panes_per_window() const { return ppw_; }
  // Pane index one past the newest pane of the current window.
  int64_t window_end() const { return window_end_; }
  // True once a pane has been added or the window positioned.
  bool positioned() const { return positioned_; }
  // Places an empty window so that it ends at `end`. Only while nothing was advanced.
  void position(int64_t end);
  // Adds n to `key` in pane `pane`. Requires pane >= window_end().
  void add(int64_t pane, std::string_view key, uint32_t n = 1);
  // Moves the window one pane forward.
  void advance();
  // Work for the next advance() that may run as soon as the current window is written:
  // subtracts the window's oldest pane (which the next window does not hold) and adds the
  // entering pane (and, until the next advance(), every add() to it). Until the next
  // advance(), counts then describe the next window as filled so far. Idempotent.
  void retire();
  // Frees the keys that no pane holds any more (call after writing the window).
  void evict_released();
  // The k keys with the largest window counts, count descending, ties by key ascending.
  void top_k(size_t k, std::vector<KeyCount>* out);
  // Window count of one key (0 if absent; after retire(), of the next window as filled so
  // far). For tests and debugging.
  int64_t count(std::string_view key) const;

  size_t keys_held() const { return index_.size(); }
  size_t keys_in_window() const { return keys_in_window_; }
  size_t panes_held() const { return panes_.size(); }

  // Snapshot of all state (panes and window position) as bytes; restore() on a counter built
  // with the same panes_per_window reproduces it exactly.
  void snapshot(std::string* out) const;
  Status restore(std::string_view bytes);

 private:
  struct Slot {
    int64_t count = 0;     // in the window
    int64_t held = 0;      // in all panes held
    uint32_t pending = 0;  // added to the entering pane, not yet to count (ranked keys)
    bool ranked = false;
  };
  struct Ranked {
    int64_t count;
    std::string_view key;
    bool operator<(const Ranked& o) const {
      return count != o.count ? count > o.count : key < o.key;
    }
  };
  struct KeyHash {  // absl's Debian build hashes string_view via std::hash; XXH3 is faster
    size_t operator()(std::string_view s) const noexcept { return XXH3_64bits(s.data(), s.size()); }
  };
  using Pane = absl::flat_hash_map<uint32_t, uint32_t>;  // key id -> count

  uint32_t intern(std::string_view key);
  void set_count(uint32_t id, int64_t count);
  void rerank(int64_t threshold);
  void apply(const Pane& pane, int sign);
  Pane& pane(int64_t index);

  int64_t ppw_;
  size_t rank_target_, rank_max_;
  int64_t window_end_ = 0;
  bool positioned_ = false;
  bool advanced_ = false;
  bool entering_applied_ = false;  // pane window_end_ is counted (see retire())
  std::vector<uint32_t> pending_ids_;
  size_t keys_in_window_ = 0;
  std::deque<std::string> names_;  // deque: index_ holds views into the strings
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_ids_;
  std::vector<uint32_t> evict_;
  absl::flat_hash_map<std::string_view, uint32_t, KeyHash> index_;
  absl::flat_hash_map<int64_t, Pane> panes_;  // sparse: gaps in time cost nothing
  int64_t last_pane_index_ = INT64_MIN;       // cache of the pane most recently added to
  Pane* last_pane_ = nullptr;
  absl::btree_set<Ranked> ranking_;
  int64_t threshold_ = 1;
  std::vector<std::pair<uint32_t, uint32_t>> scratch_;  // pane entries being applied
};

}  // namespace eddy::engine
