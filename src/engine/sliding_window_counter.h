// SlidingWindowCounter: counts of string keys over a sliding window kept as panes.
//
// Time is cut into panes (integer indices; the caller maps time to panes). A window is the
// last `panes_per_window` panes before `window_end()` (exclusive). Counts are added to panes
// at or after the window's end; advance() moves the window one pane forward, adding the
// entering pane's counts and subtracting the expiring pane's — O(keys in those two panes),
// independent of the number of keys in the window. Keys whose window count is zero leave
// the ranking; keys no pane holds any more are evicted from memory.
//
// Top-k is served from count buckets (keys with the same window count in one intrusive list,
// the non-empty counts in an ordered set), so it costs O(k + size of the last bucket taken)
// rather than a scan of every key.
//
// Invariants:
//   - keys_[id].count == sum of counts of `id` in panes [window_end_ - ppw_, window_end_)
//   - keys_[id].held  == sum of counts of `id` in all panes held; a key with held == 0 is
//     evicted (its slot goes to free_ids_ and index_ drops it)
//   - a key is linked in bucket `count` iff count > 0
//   - panes_ holds only panes >= window_end_ - ppw_
// Ownership: owns all keys and panes. Thread-safety: none (one owner thread); the stream
// runtime partitions work so that each counter is touched by one thread.
#pragma once

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>

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
  explicit SlidingWindowCounter(int64_t panes_per_window);

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
  // The k keys with the largest window counts, count descending, ties by key ascending.
  void top_k(size_t k, std::vector<KeyCount>* out) const;
  // Window count of one key (0 if absent). For tests and debugging.
  int64_t count(std::string_view key) const;

  size_t keys_held() const { return index_.size(); }
  size_t keys_in_window() const { return keys_in_window_; }
  size_t panes_held() const { return panes_.size(); }

  // Snapshot of all state (panes and window position) as bytes; restore() on a counter built
  // with the same panes_per_window reproduces it exactly.
  void snapshot(std::string* out) const;
  Status restore(std::string_view bytes);

 private:
  static constexpr uint32_t kNil = UINT32_MAX;
  struct KeyInfo {
    std::string key;
    int64_t count = 0;  // in the window
    int64_t held = 0;   // in all panes held
    uint32_t prev = kNil, next = kNil;
  };
  using Pane = absl::flat_hash_map<uint32_t, uint32_t>;  // key id -> count

  uint32_t intern(std::string_view key);
  void set_count(uint32_t id, int64_t count);
  void unlink(uint32_t id);
  void link(uint32_t id);
  void release(uint32_t id, uint32_t n);
  Pane& pane(int64_t index);

  int64_t ppw_;
  int64_t window_end_ = 0;
  bool positioned_ = false;
  bool advanced_ = false;
  size_t keys_in_window_ = 0;
  std::deque<KeyInfo> keys_;  // deque: index_ holds views into the strings, which must not move
  std::vector<uint32_t> free_ids_;
  absl::flat_hash_map<std::string_view, uint32_t> index_;
  absl::flat_hash_map<int64_t, Pane> panes_;  // sparse: gaps in time cost nothing
  int64_t last_pane_index_ = INT64_MIN;       // cache of the pane most recently added to
  Pane* last_pane_ = nullptr;
  absl::flat_hash_map<int64_t, uint32_t> bucket_head_;  // count -> first key id
  absl::btree_set<int64_t> counts_;                     // non-empty bucket counts
};

}  // namespace eddy::engine
