#include "cluster/local_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "cluster/child_process.h"

namespace eddy::cluster {
namespace {

constexpr const char* kTokenFile = "worker.token";
constexpr const char* kLogFile = "worker.log";
constexpr auto kPoll = std::chrono::milliseconds(10);
// How long processes get to vanish after SIGKILL before stop() reports them.
constexpr auto kKillWait = std::chrono::seconds(5);

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

Status write_private_file(const std::string& path, const std::string& content) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_error(errno_text(path));
  Status s;
  if (fchmod(fd, 0600) < 0) s = io_error(errno_text(path + ": chmod"));
  size_t done = 0;
  while (s.is_ok() && done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      s = io_error(errno_text(path + ": write"));
    else
      done += static_cast<size_t>(n);
  }
  if (close(fd) < 0 && s.is_ok()) s = io_error(errno_text(path + ": close"));
  return s;
}

// An `eddy worker` command line, as launch() builds it: guards against a pid that was reused
// by an unrelated process after the worker died while no server was watching.
bool looks_like_worker(pid_t pid) {
  std::vector<std::string> args = read_proc_cmdline(pid);
  if (args.size() < 2 || args[1] != "worker") return false;
  for (const auto& a : args)
    if (a == "--cluster") return true;
  return false;
}

// Processes still running (not zombies) in the worker's session, the worker itself excluded.
std::vector<pid_t> live_session_members(pid_t session) {
  std::vector<pid_t> live;
  for (pid_t p : session_members(session)) {
    if (p == session) continue;
    auto st = read_proc_stat(p);
    if (st && st->state != 'Z' && st->state != 'X') live.push_back(p);
  }
  return live;
}

}  // namespace

Result<WorkerHandle> LocalBackend::launch(const WorkerLaunch& l) {
  if (l.eddy_binary.empty()) return invalid_argument("local backend: no eddy binary to run");
  if (l.worker.empty() || l.cluster.empty())
    return invalid_argument("local backend: a worker needs a cluster and a name");
  if (l.work_dir.empty())
    return invalid_argument("local backend: worker " + l.worker + ": no work dir");
  std::error_code ec;
  // Absolute: the worker runs inside its work dir, where a relative path would mean another.
  const std::string work_dir =
      std::filesystem::absolute(l.work_dir, ec).lexically_normal().string();
  if (ec) return io_error(l.work_dir + ": " + ec.message());
  std::filesystem::create_directories(work_dir, ec);
  if (ec) return io_error(work_dir + ": cannot create the worker's work dir: " + ec.message());

  std::vector<std::string> argv = {l.eddy_binary, "worker",  "--server", l.server_url,
                                   "--cluster",   l.cluster, "--name",   l.worker,
                                   "--work-dir",  work_dir,  "--cores",  std::to_string(l.cores),
                                   // A local worker outlives its server only to be re-attached
                                   // by a restart (seconds, not minutes): one whose server is
                                   // gone for good must not linger (issue 19 saw 10 minutes).
                                   "--orphan-timeout", kLocalOrphanTimeout};
  if (l.memory_bytes > 0) {
    argv.push_back("--memory");
    argv.push_back(std::to_string(l.memory_bytes));
  }
  if (!l.token.empty()) {
    std::string token_path = (std::filesystem::path(work_dir) / kTokenFile).string();
    EDDY_RETURN_IF_ERROR(write_private_file(token_path, l.token + "\n"));
    argv.push_back("--token-file");
    argv.push_back(token_path);
  }
  std::string log_path = (std::filesystem::path(work_dir) / kLogFile).string();
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return io_error(errno_text(log_path));

  SpawnOptions opts;
  opts.argv = std::move(argv);
  opts.env = environment_with({});
  opts.cwd = work_dir;
  opts.stdout_fd = log_fd;
  opts.stderr_fd = log_fd;
  opts.group = SpawnOptions::Group::kNewSession;
  Result<pid_t> pid = spawn_process(opts);
  close(log_fd);
  if (!pid.is_ok()) return pid.status().with_context("local backend: starting worker " + l.worker);
  WorkerHandle h;
  h.backend = "local";
  h.pid = *pid;
  return h;
}

bool LocalBackend::alive(const WorkerHandle& h) {
  const pid_t pid = static_cast<pid_t>(h.pid);
  if (pid <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == pid) return false;  // it exited; now reaped
  if (r == 0) return true;     // our child, still running
  // Not our child (started by an earlier server process): ask the kernel and /proc.
  if (kill(pid, 0) < 0 && errno == ESRCH) return false;
  auto st = read_proc_stat(pid);
  if (!st || st->state == 'Z' || st->state == 'X') return false;
  return looks_like_worker(pid);
}

Status LocalBackend::stop(const WorkerHandle& h, int grace_ms) {
  const pid_t pid = static_cast<pid_t>(h.pid);
  if (pid <= 0)
    return invalid_argument("local backend: stop: invalid pid " + std::to_string(h.pid));
  // While any process of the session lives, the kernel keeps the number `pid` reserved as its
  // session id, so the members found below are the worker's even if the worker itself is gone.
  auto gone = [&] { return !alive(h) && live_session_members(pid).empty(); };
  if (alive(h)) {
    if (kill(-pid, SIGTERM) < 0 && errno == ESRCH) kill(pid, SIGTERM);
  }
  const auto grace_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (!gone() && std::chrono::steady_clock::now() < grace_end)
    std::this_thread::sleep_for(kPoll);
  if (gone()) return Status::ok();

  if (alive(h)) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
  }
  for (pid_t m : live_session_members(pid)) {
    auto st = read_proc_stat(m);
    if (st && st->pgrp > 0) kill(-st->pgrp, SIGKILL);
    kill(m, SIGKILL);
  }
  const auto kill_end = std::chrono::steady_clock::now() + kKillWait;
  while (!gone() && std::chrono::steady_clock::now() < kill_end) std::this_thread::sleep_for(kPoll);
  if (!gone())
    return unavailable("local backend: worker pid " + std::to_string(pid) +
                       " or a process of its session is still running after SIGKILL");
  return Status::ok();
}

}  // namespace eddy::cluster
