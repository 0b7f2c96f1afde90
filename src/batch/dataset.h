// Dataset<T>: a partitioned, in-memory dataset with Spark's RDD operators, for batch jobs
// written in C++ (the manifest steps cover the article's transform; this is the general API).
//
//   WorkerPool pool(0);
//   auto words = Dataset<std::string>::from_vector(&pool, lines, 8)
//                    .flat_map([](const std::string& l) { return split(l, ' '); });
//   auto counts = reduce_by_key(words.map([](auto& w) { return std::pair(w, 1); }),
//                               [](int a, int b) { return a + b; });
//
// Narrow operators (map, flat_map, filter, key_by) run partition by partition on the pool.
// Wide ones hash-partition by key: group_by_key keeps each key's values in input order (source
// partition, then position) and emits keys in order of first appearance; reduce_by_key folds
// in that order; sort_by_key is stable and range-partitions the result; join pairs each left
// record with the right records of its key in input order. Keys need std::hash and
// operator< (sort) / operator== (group, join). Memory-only: the spilling path for data larger
// than memory is the keyed-group job (keyed_group_job.h).
// Ownership: a Dataset owns its records and borrows the pool, which must outlive it.
// Thread-safety: operators are called from one thread; user functions run concurrently on
// different partitions and must not share mutable state.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "batch/worker_pool.h"

namespace eddy::batch {

template <typename T>
class Dataset {
 public:
  using Partitions = std::vector<std::vector<T>>;

  Dataset(WorkerPool* pool, Partitions parts) : pool_(pool), parts_(std::move(parts)) {}
  // Splits `records` into `partitions` contiguous slices (at least 1).
  static Dataset from_vector(WorkerPool* pool, std::vector<T> records, size_t partitions) {
    partitions = std::max<size_t>(partitions, 1);
    Partitions parts(partitions);
    for (size_t p = 0; p < partitions; ++p) {
      size_t b = records.size() * p / partitions, e = records.size() * (p + 1) / partitions;
      parts[p].assign(std::make_move_iterator(records.begin() + b),
                      std::make_move_iterator(records.begin() + e));
    }
    return Dataset(pool, std::move(parts));
  }

  WorkerPool* pool() const { return pool_; }
  size_t num_partitions() const { return parts_.size(); }
  const Partitions& partitions() const { return parts_; }

  template <typename F>
  auto map(F f) const {
    using U = std::decay_t<std::invoke_result_t<F, const T&>>;
    std::vector<std::vector<U>> out(parts_.size());
    pool_->run(parts_.size(), [&](size_t p) {
      out[p].reserve(parts_[p].size());
      for (const T& t : parts_[p]) out[p].push_back(f(t));
    });
    return Dataset<U>(pool_, std::move(out));
  }
  // f returns a container of U (a vector, usually).
  template <typename F>
  auto flat_map(F f) const {
    using C = std::decay_t<std::invoke_result_t<F, const T&>>;
    using U = std::decay_t<typename C::value_type>;
    std::vector<std::vector<U>> out(parts_.size());
    pool_->run(parts_.size(), [&](size_t p) {
      for (const T& t : parts_[p])
        for (auto&& u : f(t)) out[p].push_back(std::move(u));
    });
    return Dataset<U>(pool_, std::move(out));
  }
  template <typename F>
  Dataset filter(F pred) const {
    Partitions out(parts_.size());
    pool_->run(parts_.size(), [&](size_t p) {
      for (const T& t : parts_[p])
        if (pred(t)) out[p].push_back(t);
    });
    return Dataset(pool_, std::move(out));
  }
  template <typename F>
  auto key_by(F f) const {
    return map([&f](const T& t) { return std::make_pair(f(t), t); });
  }
  uint64_t count() const {
    uint64_t n = 0;
    for (const auto& p : parts_) n += p.size();
    return n;
  }
  // The first n records in partition order.
  std::vector<T> take(size_t n) const {
    std::vector<T> out;
    for (const auto& p : parts_)
      for (const T& t : p) {
        if (out.size() >= n) return out;
        out.push_back(t);
      }
    return out;
  }
  std::vector<T> collect() const { return take(SIZE_MAX); }
  // Merges neighbouring partitions into n (order kept), as Spark's coalesce(n).
  Dataset coalesce(size_t n) const {
    n = std::clamp<size_t>(n, 1, std::max<size_t>(parts_.size(), 1));
    Partitions out(n);
    for (size_t p = 0; p < parts_.size(); ++p) {
      auto& dst = out[p * n / parts_.size()];
      dst.insert(dst.end(), parts_[p].begin(), parts_[p].end());
    }
    return Dataset(pool_, std::move(out));
  }

 private:
  WorkerPool* pool_;
  Partitions parts_;
};

namespace detail {
// Splits every partition of a pair dataset into `n` buckets by key hash: buckets[target][source].
template <typename K, typename V>
std::vector<std::vector<std::vector<std::pair<K, V>>>> shuffle(const Dataset<std::pair<K, V>>& d,
                                                               size_t n) {
  const auto& parts = d.partitions();
  std::vector<std::vector<std::vector<std::pair<K, V>>>> b(
      n, std::vector<std::vector<std::pair<K, V>>>(parts.size()));
  d.pool()->run(parts.size(), [&](size_t s) {
    std::hash<K> h;
    for (const auto& kv : parts[s]) b[h(kv.first) % n][s].push_back(kv);
  });
  return b;
}
}  // namespace detail

// Values of each key in input order; keys in order of first appearance within a partition.
template <typename K, typename V>
Dataset<std::pair<K, std::vector<V>>> group_by_key(const Dataset<std::pair<K, V>>& d,
                                                   size_t partitions = 0) {
  size_t n = partitions ? partitions : std::max<size_t>(d.num_partitions(), 1);
  auto buckets = detail::shuffle(d, n);
  std::vector<std::vector<std::pair<K, std::vector<V>>>> out(n);
  d.pool()->run(n, [&](size_t t) {
    absl::flat_hash_map<K, size_t> index;
    for (auto& src : buckets[t])
      for (auto& kv : src) {
        auto [it, fresh] = index.try_emplace(kv.first, out[t].size());
        if (fresh) out[t].push_back({kv.first, {}});
        out[t][it->second].second.push_back(std::move(kv.second));
      }
  });
  return Dataset<std::pair<K, std::vector<V>>>(d.pool(), std::move(out));
}

// Folds each key's values in input order with f(V, V) -> V.
template <typename K, typename V, typename F>
Dataset<std::pair<K, V>> reduce_by_key(const Dataset<std::pair<K, V>>& d, F f,
                                       size_t partitions = 0) {
  size_t n = partitions ? partitions : std::max<size_t>(d.num_partitions(), 1);
  auto buckets = detail::shuffle(d, n);
  std::vector<std::vector<std::pair<K, V>>> out(n);
  d.pool()->run(n, [&](size_t t) {
    absl::flat_hash_map<K, size_t> index;
    for (auto& src : buckets[t])
      for (auto& kv : src) {
        auto [it, fresh] = index.try_emplace(kv.first, out[t].size());
        if (fresh)
          out[t].push_back(std::move(kv));
        else
          out[t][it->second].second = f(out[t][it->second].second, kv.second);
      }
  });
  return Dataset<std::pair<K, V>>(d.pool(), std::move(out));
}

// Stable sort by key; the result is split into `partitions` contiguous key ranges.
template <typename K, typename V>
Dataset<std::pair<K, V>> sort_by_key(const Dataset<std::pair<K, V>>& d, bool ascending = true,
                                     size_t partitions = 0) {
  size_t n = partitions ? partitions : std::max<size_t>(d.num_partitions(), 1);
  std::vector<std::vector<std::pair<K, V>>> sorted(d.partitions());
  auto less = [ascending](const std::pair<K, V>& a, const std::pair<K, V>& b) {
    return ascending ? a.first < b.first : b.first < a.first;
  };
  d.pool()->run(sorted.size(),
                [&](size_t p) { std::stable_sort(sorted[p].begin(), sorted[p].end(), less); });
  std::vector<std::pair<K, V>> all;
  for (auto& p : sorted) {  // merging in partition order keeps earlier partitions first
    size_t mid = all.size();
    all.insert(all.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
    std::inplace_merge(all.begin(), all.begin() + mid, all.end(), less);
  }
  return Dataset<std::pair<K, V>>::from_vector(d.pool(), std::move(all), n);
}

// Inner join: for each left record (input order), every right record of its key (input order).
template <typename K, typename V, typename W>
Dataset<std::pair<K, std::pair<V, W>>> join(const Dataset<std::pair<K, V>>& a,
                                            const Dataset<std::pair<K, W>>& b,
                                            size_t partitions = 0) {
  size_t n = partitions ? partitions : std::max<size_t>(a.num_partitions(), 1);
  auto left = detail::shuffle(a, n);
  auto right = detail::shuffle(b, n);
  std::vector<std::vector<std::pair<K, std::pair<V, W>>>> out(n);
  a.pool()->run(n, [&](size_t t) {
    absl::flat_hash_map<K, std::vector<const W*>> rhs;
    for (const auto& src : right[t])
      for (const auto& kv : src) rhs[kv.first].push_back(&kv.second);
    for (const auto& src : left[t])
      for (const auto& kv : src) {
        auto it = rhs.find(kv.first);
        if (it == rhs.end()) continue;
        for (const W* w : it->second) out[t].push_back({kv.first, {kv.second, *w}});
      }
  });
  return Dataset<std::pair<K, std::pair<V, W>>>(a.pool(), std::move(out));
}

}  // namespace eddy::batch
