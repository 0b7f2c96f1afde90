#include "cluster/local_backend.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster/child_process.h"

namespace eddy::cluster {
namespace {

namespace fs = std::filesystem;

// A fresh scratch directory per test, removed afterwards.
class LocalBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/eddy_local_backend_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A worker pointed at a port nothing listens on: it keeps retrying, which is all a
  // backend test needs.
  WorkerLaunch launch_spec(const std::string& name) {
    WorkerLaunch l;
    l.cluster = "c1";
    l.worker = name;
    l.server_url = "http://127.0.0.1:1";
    l.token = "s3cret-token";
    l.eddy_binary = EDDY_BINARY;
    l.work_dir = dir_ + "/" + name;
    l.cores = 2;
    return l;
  }

  static bool eventually(const std::function<bool()>& cond, int ms = 3000) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cond();
  }

  std::string dir_;
  LocalBackend backend_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(LocalBackendTest, LaunchStartsAWorkerInItsOwnSessionWithThePrivateTokenFile) {
  auto h = backend_.launch(launch_spec("c1-w0"));
  ASSERT_TRUE(h.is_ok()) << h.status().to_string();
  EXPECT_EQ(h->backend, "local");
  EXPECT_TRUE(backend_.alive(*h));
  const pid_t pid = static_cast<pid_t>(h->pid);

  auto st = read_proc_stat(pid);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->session, pid) << "the worker must lead its own session (setsid)";

  std::vector<std::string> args = read_proc_cmdline(pid);
  ASSERT_GE(args.size(), 2u);
  EXPECT_EQ(args[1], "worker");
  for (const auto& a : args) EXPECT_EQ(a.find("s3cret"), std::string::npos) << a;
  EXPECT_NE(std::find(args.begin(), args.end(), "--token-file"), args.end());

  struct stat sb {};
  const std::string token_file = dir_ + "/c1-w0/worker.token";
  ASSERT_EQ(stat(token_file.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);
  EXPECT_EQ(slurp(token_file), "s3cret-token\n");
  // The worker says in its log that the (absent) server cannot be reached.
  EXPECT_TRUE(eventually([&] {
    return slurp(dir_ + "/c1-w0/worker.log").find("cannot be reached") != std::string::npos;
  })) << slurp(dir_ + "/c1-w0/worker.log");

  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(backend_.stop(*h, 5000).is_ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2))
      << "SIGTERM alone should end an idle worker";
  EXPECT_FALSE(backend_.alive(*h));
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(pid))) << "the worker was not reaped";
  EXPECT_TRUE(backend_.stop(*h, 100).is_ok()) << "stopping a stopped worker is fine";
}

TEST_F(LocalBackendTest, LaunchOfAMissingBinaryIsAnErrorNamingIt) {
  WorkerLaunch l = launch_spec("c1-w1");
  l.eddy_binary = dir_ + "/no-such-eddy";
  auto h = backend_.launch(l);
  ASSERT_FALSE(h.is_ok());
  EXPECT_EQ(h.status().code(), StatusCode::kNotFound);
  EXPECT_NE(h.status().message().find("no-such-eddy"), std::string::npos) << h.status().message();
}

TEST_F(LocalBackendTest, AWorkerThatExitsIsReapedAndNotAlive) {
  WorkerLaunch l = launch_spec("c1-w2");
  l.server_url = "not-a-url";  // the worker refuses it and exits at once
  auto h = backend_.launch(l);
  ASSERT_TRUE(h.is_ok()) << h.status().to_string();
  EXPECT_TRUE(eventually([&] { return !backend_.alive(*h); }));
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(h->pid))) << "left a zombie";
  EXPECT_NE(slurp(l.work_dir + "/worker.log").find("--server"), std::string::npos)
      << slurp(l.work_dir + "/worker.log");
}

TEST_F(LocalBackendTest, APidThatIsNotAWorkerIsNotAlive) {
  EXPECT_FALSE(backend_.alive(WorkerHandle{"local", 0}));
  // This test process exists but is no eddy worker (as a recycled pid would be).
  EXPECT_FALSE(backend_.alive(WorkerHandle{"local", getpid()}));
  // A pid that has exited and been reaped.
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);
  EXPECT_FALSE(backend_.alive(WorkerHandle{"local", child}));
}

// A restarted server cannot waitpid the workers the previous server process started: they were
// reparented. alive() and stop() must work on them through kill() and /proc.
TEST_F(LocalBackendTest, StopsAWorkerStartedByAnotherProcess) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const WorkerLaunch l = launch_spec("c1-w3");
  pid_t launcher = fork();
  if (launcher == 0) {
    LocalBackend other;
    auto h = other.launch(l);
    int64_t pid = h.is_ok() ? h->pid : -1;
    ssize_t n = write(fds[1], &pid, sizeof pid);
    _exit(n == sizeof pid ? 0 : 1);
  }
  ASSERT_GT(launcher, 0);
  close(fds[1]);
  int64_t pid = -1;
  ASSERT_EQ(read(fds[0], &pid, sizeof pid), static_cast<ssize_t>(sizeof pid));
  close(fds[0]);
  int status = 0;
  waitpid(launcher, &status, 0);
  ASSERT_GT(pid, 0);
  WorkerHandle h{"local", pid};
  EXPECT_TRUE(backend_.alive(h));
  EXPECT_TRUE(backend_.stop(h, 5000).is_ok());
  EXPECT_FALSE(backend_.alive(h));
}

TEST(MakeBackendTest, LocalIsKnownAndOthersAreNamedAsUnsupported) {
  auto local = make_backend("local");
  ASSERT_TRUE(local.is_ok());
  EXPECT_EQ((*local)->name(), "local");
  auto slurm = make_backend("slurm");
  ASSERT_FALSE(slurm.is_ok());
  EXPECT_EQ(slurm.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(slurm.status().message().find("local"), std::string::npos);
}

}  // namespace
}  // namespace eddy::cluster
