#include "engine/sliding_window_counter.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace eddy::engine {

SlidingWindowCounter::SlidingWindowCounter(int64_t panes_per_window, size_t rank_target,
                                           size_t rank_max)
    : ppw_(panes_per_window), rank_target_(rank_target), rank_max_(rank_max) {
  EDDY_CHECK(ppw_ >= 1) << "panes_per_window=" << ppw_;
  EDDY_CHECK(rank_target_ >= 1 && rank_max_ > rank_target_) << "rank_target < rank_max";
}

void SlidingWindowCounter::position(int64_t end) {
  EDDY_CHECK(!advanced_) << "position() after advance()";
  EDDY_CHECK(panes_.empty() || end <= window_end_) << "position() past held panes";
  window_end_ = end;
  positioned_ = true;
}

SlidingWindowCounter::Pane& SlidingWindowCounter::pane(int64_t index) {
  if (index != last_pane_index_) {
    // Valid until panes_ next changes shape: every other insertion goes through here, and
    // advance() (the only erase) clears the cache.
    last_pane_ = &panes_[index];
    last_pane_index_ = index;
  }
  return *last_pane_;
}

uint32_t SlidingWindowCounter::intern(std::string_view key) {
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
    names_[id].assign(key);
    slots_[id] = Slot{};
  } else {
    id = static_cast<uint32_t>(slots_.size());
    EDDY_CHECK(id != UINT32_MAX) << "too many keys";
    names_.emplace_back(key);
    slots_.emplace_back();
  }
  index_.emplace(names_[id], id);
  return id;
}

void SlidingWindowCounter::add(int64_t pane_index, std::string_view key, uint32_t n) {
  EDDY_CHECK(!positioned_ || pane_index >= window_end_)
      << "pane " << pane_index << " is inside an emitted window (end " << window_end_ << ")";
  if (!positioned_) {
    window_end_ = pane_index;
    positioned_ = true;
  }
  uint32_t id = intern(key);
  pane(pane_index)[id] += n;
  Slot& s = slots_[id];
  s.held += n;
  if (entering_applied_ && pane_index == window_end_) {
    // The entering pane counts at once: the next advance() has nothing left to add for it
    // but the deferred increments of ranked keys (a few hundred at most).
    if (!s.ranked) {
      set_count(id, s.count + n);
    } else {
      if (s.pending == 0) pending_ids_.push_back(id);
      s.pending += n;
    }
  }
}

void SlidingWindowCounter::set_count(uint32_t id, int64_t count) {
  Slot& s = slots_[id];
  if (s.count == count) return;
  if (s.count <= 0 && count > 0) ++keys_in_window_;
  if (s.count > 0 && count <= 0) --keys_in_window_;
  if (s.ranked) ranking_.erase(Ranked{s.count, names_[id]});
  s.count = count;
  s.ranked = count > 0 && count >= threshold_;
  if (s.ranked) ranking_.insert(Ranked{count, names_[id]});
}

// Rebuilds the ranking as every key with count >= threshold (> 0).
void SlidingWindowCounter::rerank(int64_t threshold) {
  threshold_ = std::max<int64_t>(threshold, 1);
  ranking_.clear();
  for (uint32_t id = 0; id < slots_.size(); ++id) {
    Slot& s = slots_[id];
    s.ranked = s.count > 0 && s.count >= threshold_;
    if (s.ranked) ranking_.insert(Ranked{s.count, names_[id]});
  }
}

void SlidingWindowCounter::apply(const Pane& pane, int sign) {
  // Copy the entries first so the random accesses to slots_ can be prefetched ahead.
  scratch_.assign(pane.begin(), pane.end());
  constexpr size_t kAhead = 8;
  for (size_t i = 0; i < scratch_.size(); ++i) {
    if (i + kAhead < scratch_.size()) __builtin_prefetch(&slots_[scratch_[i + kAhead].first]);
    auto [id, n] = scratch_[i];
    set_count(id, slots_[id].count + sign * static_cast<int64_t>(n));
    if (sign < 0) {
      Slot& s = slots_[id];
      s.held -= n;
      EDDY_CHECK(s.held >= 0) << "negative held count for " << names_[id];
      if (s.held == 0) evict_.push_back(id);
    }
  }
}

void SlidingWindowCounter::retire() {
  auto expiring = panes_.find(window_end_ - ppw_);
  if (expiring != panes_.end()) {
    last_pane_index_ = INT64_MIN;  // erase may move other panes
    last_pane_ = nullptr;
    apply(expiring->second, -1);
    panes_.erase(expiring);
  }
  // Before the first advance() the window may still be positioned back (position()), so the
  // entering pane is only applied early once the window moves.
  if (advanced_ && !entering_applied_) {
    auto entering = panes_.find(window_end_);
    if (entering != panes_.end()) apply(entering->second, +1);
    entering_applied_ = true;
  }
  if (ranking_.size() > rank_max_) {
    // Too many ranked keys: raise the threshold to the count of the rank_target_-th.
    auto it = ranking_.begin();
    std::advance(it, rank_target_ - 1);
    rerank(it->count);
  }
}

void SlidingWindowCounter::advance() {
  EDDY_CHECK(positioned_) << "advance() before any data";
  if (!advanced_ || !entering_applied_) {
    // Nothing was applied early (first advance, or retire() was not called): apply the
    // entering pane now.
    advanced_ = true;
    entering_applied_ = false;
    retire();
  }
  for (uint32_t id : pending_ids_) {
    Slot& s = slots_[id];
    uint32_t n = std::exchange(s.pending, 0);
    set_count(id, s.count + n);
  }
  pending_ids_.clear();
  last_pane_index_ = INT64_MIN;
  last_pane_ = nullptr;
  ++window_end_;
  entering_applied_ = false;
}

void SlidingWindowCounter::evict_released() {
  for (uint32_t id : evict_) {
    Slot& s = slots_[id];
    if (s.held != 0) continue;  // the key came back before eviction
    EDDY_CHECK(s.count == 0 && !s.ranked) << "evicting a key still in the window: " << names_[id];
    index_.erase(std::string_view(names_[id]));
    names_[id].clear();
    names_[id].shrink_to_fit();
    s.held = -1;  // freed; guards against a second entry for the same id in evict_
    free_ids_.push_back(id);
  }
  evict_.clear();
}

void SlidingWindowCounter::top_k(size_t k, std::vector<KeyCount>* out) {
  out->clear();
  if (ranking_.size() < k && threshold_ > 1) {
    // Leaders faded below the threshold: one scan to find a threshold that ranks about
    // rank_target_ keys again.
    size_t target = std::max(rank_target_, k);
    std::vector<int64_t> counts;
    for (const Slot& s : slots_)
      if (s.count > 0) counts.push_back(s.count);
    int64_t t = 1;
    if (counts.size() > target) {
      std::nth_element(counts.begin(), counts.begin() + (target - 1), counts.end(),
                       std::greater<>());
      t = counts[target - 1];
    }
    rerank(t);
  }
  for (auto it = ranking_.begin(); it != ranking_.end() && out->size() < k; ++it)
    out->push_back({it->key, it->count});
}

int64_t SlidingWindowCounter::count(std::string_view key) const {
  auto it = index_.find(key);
  if (it == index_.end()) return 0;
  const Slot& s = slots_[it->second];
  return s.count + s.pending;
}

// Snapshot format (little-endian, native): "EDSW1", ppw, window_end, positioned, advanced,
// pane count, then per pane: index, entry count, per entry: key length, key bytes, count.
namespace {
template <typename T>
void put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
bool get(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}
constexpr std::string_view kMagic = "EDSW1";
}  // namespace

void SlidingWindowCounter::snapshot(std::string* out) const {
  out->append(kMagic);
  put(out, ppw_);
  put(out, window_end_);
  put<uint8_t>(out, positioned_);
  put<uint8_t>(out, advanced_);
  put<uint64_t>(out, panes_.size());
  for (const auto& [index, p] : panes_) {
    put(out, index);
    put<uint64_t>(out, p.size());
    for (const auto& [id, n] : p) {
      put<uint32_t>(out, static_cast<uint32_t>(names_[id].size()));
      out->append(names_[id]);
      put(out, n);
    }
  }
}

Status SlidingWindowCounter::restore(std::string_view in) {
  auto corrupt = [] { return data_loss("window state snapshot is truncated or corrupt"); };
  if (in.substr(0, kMagic.size()) != kMagic) return corrupt();
  in.remove_prefix(kMagic.size());
  int64_t ppw, end;
  uint8_t positioned, advanced;
  uint64_t npanes;
  if (!get(&in, &ppw) || !get(&in, &end) || !get(&in, &positioned) || !get(&in, &advanced) ||
      !get(&in, &npanes))
    return corrupt();
  if (ppw != ppw_)
    return invalid_argument("snapshot is of a window of " + std::to_string(ppw) +
                            " panes, this job has " + std::to_string(ppw_));
  *this = SlidingWindowCounter(ppw_, rank_target_, rank_max_);
  window_end_ = end;
  positioned_ = positioned;
  advanced_ = advanced;
  for (uint64_t i = 0; i < npanes; ++i) {
    int64_t index;
    uint64_t n;
    if (!get(&in, &index) || !get(&in, &n)) return corrupt();
    for (uint64_t j = 0; j < n; ++j) {
      uint32_t len, c;
      if (!get(&in, &len) || in.size() < len) return corrupt();
      std::string_view key = in.substr(0, len);
      in.remove_prefix(len);
      if (!get(&in, &c)) return corrupt();
      uint32_t id = intern(key);
      panes_[index][id] += c;
      slots_[id].held += c;
      if (index < window_end_ && index >= window_end_ - ppw_) set_count(id, slots_[id].count + c);
    }
  }
  if (!in.empty()) return corrupt();
  return Status::ok();
}

}  // namespace eddy::engine
