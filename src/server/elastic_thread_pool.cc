#include "server/elastic_thread_pool.h"

#include "server/accepted_socket.h"

namespace eddy::server {

ElasticThreadPool::ElasticThreadPool(size_t max_threads, Around around)
    : max_threads_(max_threads), around_(std::move(around)) {}

ElasticThreadPool::~ElasticThreadPool() { shutdown(); }

void ElasticThreadPool::enqueue(std::function<void()> fn) {
  // httplib enqueues a connection right after accepting it, on the accept thread.
  const int sock = take_last_accepted_socket();
  if (around_) {
    fn = [around = around_, sock, task = std::move(fn)] { around(sock, task); };
  }
  std::lock_guard<std::mutex> l(mu_);
  if (stopping_) return;
  queue_.push_back(std::move(fn));
  // A waiting thread takes it; otherwise start one while under the ceiling.
  if (idle_ >= queue_.size() || threads_.size() >= max_threads_) {
    cv_.notify_one();
    return;
  }
  threads_.emplace_back([this] { run(); });
}

void ElasticThreadPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
}

size_t ElasticThreadPool::threads() const {
  std::lock_guard<std::mutex> l(mu_);
  return threads_.size();
}

void ElasticThreadPool::run() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(l, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // stopping, nothing left
    std::function<void()> fn = std::move(queue_.front());
    queue_.pop_front();
    l.unlock();
    fn();
    l.lock();
  }
}

}  // namespace eddy::server
