#include "engine/sliding_window_counter.h"

#include <algorithm>
#include <cstring>

namespace eddy::engine {

SlidingWindowCounter::SlidingWindowCounter(int64_t panes_per_window) : ppw_(panes_per_window) {
  EDDY_CHECK(ppw_ >= 1) << "panes_per_window=" << ppw_;
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
    keys_[id].key.assign(key);
  } else {
    id = static_cast<uint32_t>(keys_.size());
    EDDY_CHECK(id != kNil) << "too many keys";
    keys_.push_back(KeyInfo{std::string(key)});
  }
  index_.emplace(keys_[id].key, id);
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
  keys_[id].held += n;
}

void SlidingWindowCounter::unlink(uint32_t id) {
  KeyInfo& k = keys_[id];
  if (k.prev != kNil) {
    keys_[k.prev].next = k.next;
  } else {
    auto it = bucket_head_.find(k.count);
    if (k.next == kNil) {
      bucket_head_.erase(it);
      counts_.erase(k.count);
    } else {
      it->second = k.next;
    }
  }
  if (k.next != kNil) keys_[k.next].prev = k.prev;
  k.prev = k.next = kNil;
}

void SlidingWindowCounter::link(uint32_t id) {
  KeyInfo& k = keys_[id];
  auto [it, inserted] = bucket_head_.try_emplace(k.count, id);
  if (inserted) {
    counts_.insert(k.count);
    k.prev = k.next = kNil;
  } else {
    k.prev = kNil;
    k.next = it->second;
    keys_[it->second].prev = id;
    it->second = id;
  }
}

void SlidingWindowCounter::set_count(uint32_t id, int64_t count) {
  KeyInfo& k = keys_[id];
  if (k.count == count) return;
  if (k.count > 0) unlink(id); else ++keys_in_window_;
  k.count = count;
  if (count > 0) link(id); else --keys_in_window_;
}

void SlidingWindowCounter::release(uint32_t id, uint32_t n) {
  KeyInfo& k = keys_[id];
  k.held -= n;
  EDDY_CHECK(k.held >= 0) << "negative held count for " << k.key;
  if (k.held == 0) {
    EDDY_CHECK(k.count == 0) << "evicting a key still in the window: " << k.key;
    index_.erase(std::string_view(k.key));
    k.key.clear();
    k.key.shrink_to_fit();
    free_ids_.push_back(id);
  }
}

void SlidingWindowCounter::advance() {
  EDDY_CHECK(positioned_) << "advance() before any data";
  advanced_ = true;
  last_pane_index_ = INT64_MIN;
  last_pane_ = nullptr;
  auto entering = panes_.find(window_end_);
  if (entering != panes_.end()) {
    for (const auto& [id, n] : entering->second) set_count(id, keys_[id].count + n);
  }
  auto expiring = panes_.find(window_end_ - ppw_);
  if (expiring != panes_.end()) {
    for (const auto& [id, n] : expiring->second) {
      set_count(id, keys_[id].count - n);
      release(id, n);
    }
    panes_.erase(expiring);
  }
  ++window_end_;
}

void SlidingWindowCounter::top_k(size_t k, std::vector<KeyCount>* out) const {
  out->clear();
  std::vector<std::string_view> bucket;
  for (auto it = counts_.rbegin(); it != counts_.rend() && out->size() < k; ++it) {
    bucket.clear();
    for (uint32_t id = bucket_head_.at(*it); id != kNil; id = keys_[id].next)
      bucket.push_back(keys_[id].key);
    size_t take = std::min(bucket.size(), k - out->size());
    std::partial_sort(bucket.begin(), bucket.begin() + take, bucket.end());
    for (size_t i = 0; i < take; ++i) out->push_back({bucket[i], *it});
  }
}

int64_t SlidingWindowCounter::count(std::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? 0 : keys_[it->second].count;
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
      put<uint32_t>(out, static_cast<uint32_t>(keys_[id].key.size()));
      out->append(keys_[id].key);
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
  *this = SlidingWindowCounter(ppw_);
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
      keys_[id].held += c;
      if (index < window_end_ && index >= window_end_ - ppw_) set_count(id, keys_[id].count + c);
    }
  }
  if (!in.empty()) return corrupt();
  return Status::ok();
}

}  // namespace eddy::engine
