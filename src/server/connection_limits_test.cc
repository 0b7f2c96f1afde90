// ElasticThreadPool and ConnectionWatchdog: what keeps slow clients from starving the server.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "server/connection_watchdog.h"
#include "server/elastic_thread_pool.h"

namespace eddy::server {
namespace {

using namespace std::chrono_literals;

// 200 tasks that each wait for all the others run at once: nobody queues behind a busy thread.
TEST(ElasticThreadPoolTest, StartsAThreadPerBlockedTaskUpToTheCeiling) {
  ElasticThreadPool pool(500);
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  std::atomic<int> finished{0};
  for (int i = 0; i < 200; ++i) {
    pool.enqueue([&] {
      std::unique_lock<std::mutex> l(mu);
      ++started;
      cv.notify_all();
      cv.wait_for(l, 10s, [&] { return started == 200; });
      ++finished;
    });
  }
  {
    std::unique_lock<std::mutex> l(mu);
    EXPECT_TRUE(cv.wait_for(l, 10s, [&] { return started == 200; }));
  }
  pool.shutdown();
  EXPECT_EQ(finished.load(), 200);
  EXPECT_LE(pool.threads(), 200u);
}

TEST(ElasticThreadPoolTest, QueuesBeyondTheCeilingAndRunsEverything) {
  ElasticThreadPool pool(3);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) pool.enqueue([&] {
      std::this_thread::sleep_for(1ms);
      ++ran;
    });
  pool.shutdown();  // runs what is queued
  EXPECT_EQ(ran.load(), 50);
  EXPECT_LE(pool.threads(), 3u);
}

TEST(ElasticThreadPoolTest, AroundSeesEveryTask) {
  std::atomic<int> wrapped{0};
  std::atomic<int> ran{0};
  ElasticThreadPool pool(4, [&](int sock, const std::function<void()>& task) {
    EXPECT_EQ(sock, -1);  // not enqueued by an accept loop
    ++wrapped;
    task();
  });
  for (int i = 0; i < 10; ++i) pool.enqueue([&] { ++ran; });
  pool.shutdown();
  EXPECT_EQ(wrapped.load(), 10);
  EXPECT_EQ(ran.load(), 10);
}

// A connection past its deadline is shut down: the blocked read returns at once.
TEST(ConnectionWatchdogTest, ShutsDownAConnectionPastItsDeadline) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ConnectionWatchdog wd;
  const auto t0 = ConnectionWatchdog::Clock::now();
  const uint64_t id = wd.watch(sv[0], t0 + 300ms);
  char c;
  EXPECT_EQ(::recv(sv[0], &c, 1, 0), 0);  // blocks until the watchdog's shutdown
  const auto waited = ConnectionWatchdog::Clock::now() - t0;
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 3s);
  EXPECT_EQ(wd.expired(), 1u);
  wd.forget(id);
  ::close(sv[0]);
  ::close(sv[1]);
}

TEST(ConnectionWatchdogTest, ALiftedOrForgottenDeadlineLeavesTheConnectionAlone) {
  int a[2], b[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
  ConnectionWatchdog wd;
  const auto soon = ConnectionWatchdog::Clock::now() + 100ms;
  const uint64_t lifted = wd.watch(a[0], soon);
  wd.set_deadline(lifted, ConnectionWatchdog::Clock::time_point::max());
  const uint64_t forgotten = wd.watch(b[0], soon);
  wd.forget(forgotten);
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(wd.expired(), 0u);
  EXPECT_EQ(::send(a[1], "x", 1, 0), 1);  // both still carry data
  char c;
  EXPECT_EQ(::recv(a[0], &c, 1, 0), 1);
  EXPECT_EQ(::send(b[1], "y", 1, 0), 1);
  EXPECT_EQ(::recv(b[0], &c, 1, 0), 1);
  wd.forget(lifted);
  for (int fd : {a[0], a[1], b[0], b[1]}) ::close(fd);
}

}  // namespace
}  // namespace eddy::server
