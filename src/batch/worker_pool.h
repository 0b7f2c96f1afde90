// WorkerPool: a fixed set of threads that run the tasks of one parallel step of a batch job
// ("for i in 0..n: fn(i)"), so every core works on a partition of the dataset.
//
// run() hands out indices through one atomic counter; the calling thread works too, so a pool
// of 1 thread runs everything inline (no thread is started). Tasks must not throw.
// Ownership: owns its threads (joined in the destructor). Thread-safety: run() from one thread
// at a time; fn is called concurrently from several threads with distinct indices.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace eddy::batch {

class WorkerPool {
 public:
  // threads <= 0: every core (std::thread::hardware_concurrency()).
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int threads() const { return threads_; }
  // Calls fn(i) for every i in [0, n) across the pool; returns when all calls returned.
  void run(size_t n, const std::function<void(size_t)>& fn);

 private:
  void worker_loop();
  void drain();

  int threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  // Guarded by mu_: the current step (generation counts steps so workers join each once).
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  uint64_t generation_ = 0;
  int busy_ = 0;
  bool stop_ = false;
  std::atomic<size_t> next_{0};
};

}  // namespace eddy::batch
