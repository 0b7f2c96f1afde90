#include "server/connection_watchdog.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace eddy::server {

namespace {
constexpr auto kTick = std::chrono::milliseconds(200);
}

ConnectionWatchdog::ConnectionWatchdog() : thread_([this] { loop(); }) {}

ConnectionWatchdog::~ConnectionWatchdog() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  for (auto& [id, e] : entries_) ::close(e.fd);
}

uint64_t ConnectionWatchdog::watch(int sock, Clock::time_point deadline) {
  const int fd = ::fcntl(sock, F_DUPFD_CLOEXEC, 0);
  std::lock_guard<std::mutex> l(mu_);
  const uint64_t id = next_id_++;
  if (fd >= 0) entries_.emplace(id, Entry{fd, deadline});
  return id;
}

void ConnectionWatchdog::set_deadline(uint64_t id, Clock::time_point deadline) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) it->second.deadline = deadline;
}

void ConnectionWatchdog::forget(uint64_t id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  ::close(it->second.fd);
  entries_.erase(it);
}

uint64_t ConnectionWatchdog::expired() const {
  std::lock_guard<std::mutex> l(mu_);
  return expired_;
}

void ConnectionWatchdog::loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    cv_.wait_for(l, kTick, [this] { return stopping_; });
    const auto now = Clock::now();
    for (auto& [id, e] : entries_) {
      if (e.deadline > now) continue;
      ::shutdown(e.fd, SHUT_RDWR);  // httplib's read or write returns; it closes the socket
      e.deadline = Clock::time_point::max();
      ++expired_;
    }
  }
}

}  // namespace eddy::server
