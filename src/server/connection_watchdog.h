// ConnectionWatchdog: deadlines for the phases of an HTTP connection that httplib times only
// per read (its read timeout restarts with every byte, so a client that sends a header line
// every 10 s holds its connection, and a thread, forever). The server arms a deadline when a
// connection opens (headers must arrive by then), moves it when the headers are in (the body
// must arrive by then), lifts it while a handler runs (watch streams and long polls are meant
// to last), and sets it again after a response (written, then the next request's headers). A
// connection past its deadline is shut down, which ends httplib's blocking read at once.
//
// Sockets are watched through a dup() of their descriptor, closed only by forget(): the number
// httplib closes can be reused by a new connection while the watchdog still knows the old one.
// Thread-safety: all methods from any thread; one background thread checks deadlines.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace eddy::server {

class ConnectionWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  ConnectionWatchdog();
  ~ConnectionWatchdog();  // stops the thread; shuts down nothing
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  // Starts watching `sock` (not taken: a dup is kept); returns its id.
  uint64_t watch(int sock, Clock::time_point deadline);
  // Moves a watched connection's deadline; Clock::time_point::max() lifts it.
  void set_deadline(uint64_t id, Clock::time_point deadline);
  // Stops watching; closes the dup.
  void forget(uint64_t id);

  uint64_t expired() const;  // connections shut down so far (for /metrics)

 private:
  struct Entry {
    int fd;
    Clock::time_point deadline;
  };
  void loop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<uint64_t, Entry> entries_;
  uint64_t next_id_ = 1;
  uint64_t expired_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace eddy::server
