// ElasticThreadPool: httplib's TaskQueue with threads started as connections need them, up to a
// ceiling. httplib serves a connection on one thread for as long as it is open, so a fixed pool
// of N threads is taken by N idle or slow clients and everyone else waits in its queue (issue
// 19: 300 slow clients kept /healthz unanswered for 100 s). Threads here cost nothing until
// needed, so the ceiling can sit far above any real load: a connection then waits in the queue
// only when `max_threads` connections are open at once, and ConnectionWatchdog bounds how long
// a connection that sends nothing useful can stay.
// Thread-safety: enqueue() from httplib's accept thread; shutdown() once, from the server's stop.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace eddy::server {

class ElasticThreadPool : public httplib::TaskQueue {
 public:
  // Runs a connection's task: `task` serves the connection on socket `sock` (-1: unknown).
  using Around = std::function<void(int sock, const std::function<void()>& task)>;
  // `around` (optional) wraps every connection's task, on the thread that runs it.
  explicit ElasticThreadPool(size_t max_threads, Around around = nullptr);
  ~ElasticThreadPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;  // runs what is queued, then joins every thread

  size_t threads() const;  // started so far

 private:
  void run();

  const size_t max_threads_;
  const Around around_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace eddy::server
