#include "cluster/child_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cluster/sandbox.h"

extern char** environ;

namespace eddy::cluster {
namespace {

// What the child reports through the exec-error pipe when it cannot exec.
struct SpawnFailure {
  int step;  // index into kSteps
  int err;
};
constexpr const char* kSteps[] = {"setsid", "setpgid", "redirecting stdio", "chdir", "exec",
                                  "entering the Landlock sandbox",
                                  "prctl(PR_SET_PDEATHSIG)"};

// Runs in the vforked child: only async-signal-safe calls until exec, no return.
[[noreturn]] void exec_child(const SpawnOptions& o, char* const* argv, char* const* envp,
                             const int (&src)[3], int err_w, int fd_limit) {
  auto fail = [&err_w](int step) {
    SpawnFailure f{step, errno};
    ssize_t n = write(err_w, &f, sizeof f);
    (void)n;
    _exit(127);
  };
  // Default dispositions and an empty mask: ignored signals (SIGPIPE in a server) and blocked
  // ones would otherwise survive exec.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, nullptr);

  if (o.group == SpawnOptions::Group::kNewSession) {
    if (setsid() < 0) fail(0);
  } else if (setpgid(0, 0) < 0) {
    fail(1);
  }
  if (o.die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail(6);
  // Before the descriptors are closed: the ruleset is one of them.
  if (o.landlock_ruleset_fd >= 0 && !apply_landlock_in_child(o.landlock_ruleset_fd)) fail(5);
  // Move the sources above 2 first so that one of them sitting on 0..2 is not overwritten.
  int tmp[3];
  for (int i = 0; i < 3; ++i) {
    tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 3);
    if (tmp[i] < 0) fail(2);
  }
  for (int i = 0; i < 3; ++i) {
    if (dup2(tmp[i], i) < 0) fail(2);
  }
  if (err_w != 3) {
    if (dup2(err_w, 3) < 0) fail(2);
    err_w = 3;
  }
  fcntl(3, F_SETFD, FD_CLOEXEC);
  if (close_range(4, ~0U, 0) < 0) {
    for (int fd = 4; fd < fd_limit; ++fd) close(fd);
  }
  if (!o.cwd.empty() && chdir(o.cwd.c_str()) < 0) fail(3);
  execve(argv[0], argv, envp);
  fail(4);
  _exit(127);  // not reached
}

// vfork in a frame of its own, so that no variable of the caller is live across it (the child
// runs on this thread's stack until it execs).
__attribute__((noinline)) pid_t vfork_and_exec(const SpawnOptions& o, char* const* argv,
                                               char* const* envp, const int (&src)[3], int err_w,
                                               int fd_limit) {
  const pid_t pid = vfork();
  if (pid == 0) exec_child(o, argv, envp, src, err_w, fd_limit);
  return pid;
}

}  // namespace

Result<pid_t> spawn_process(const SpawnOptions& o) {
  if (o.argv.empty() || o.argv[0].empty()) return invalid_argument("spawn: empty argv");
  std::vector<char*> argv;
  for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : o.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int null_fd = -1;
  if (o.stdin_fd < 0 || o.stdout_fd < 0 || o.stderr_fd < 0) {
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) return io_error(std::string("/dev/null: ") + std::strerror(errno));
  }
  const int src[3] = {o.stdin_fd < 0 ? null_fd : o.stdin_fd,
                      o.stdout_fd < 0 ? null_fd : o.stdout_fd,
                      o.stderr_fd < 0 ? null_fd : o.stderr_fd};
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) < 0) {
    int e = errno;
    if (null_fd >= 0) close(null_fd);
    return io_error(std::string("spawn: pipe: ") + std::strerror(e));
  }
  struct rlimit nofile {};
  int fd_limit = 1024;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY)
    fd_limit = static_cast<int>(std::min<rlim_t>(nofile.rlim_cur, 1 << 20));

  // All signals blocked across fork: the child must not run the parent's handlers before it
  // has reset them.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  // vfork, as posix_spawn does: the child borrows the parent's memory until it execs, so no page
  // table is copied and the parent takes no copy-on-write faults afterwards (with fork, those
  // made up most of the cost of starting a short task: 3.6 ms vs make's 1 ms for `true`).
  // exec_child is written for it: it never returns, writes only its own locals and calls only
  // async-signal-safe functions; this thread is suspended until the exec (or _exit), and the
  // child's signal dispositions are its own copy (no CLONE_SIGHAND).
  pid_t pid = vfork_and_exec(o, argv.data(), envp.data(), src, err_pipe[1], fd_limit);
  int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close(err_pipe[1]);
  if (null_fd >= 0) close(null_fd);
  if (pid < 0) {
    close(err_pipe[0]);
    return io_error(std::string("fork: ") + std::strerror(fork_errno));
  }
  SpawnFailure f{};
  ssize_t n;
  do {
    n = read(err_pipe[0], &f, sizeof f);
  } while (n < 0 && errno == EINTR);
  close(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof f)) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::string what = o.argv[0] + ": " + kSteps[f.step] + ": " + std::strerror(f.err);
    if (f.step == 3) what = o.cwd + ": chdir: " + std::strerror(f.err);
    if (f.err == ENOENT && f.step == 4) return not_found(what);
    return io_error(what);
  }
  return pid;
}

Result<std::string> self_executable() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return io_error("cannot find the eddy executable (/proc/self/exe)");
  std::string path(buf, static_cast<size_t>(n));
  const std::string deleted = " (deleted)";
  if (path.size() > deleted.size() && path.ends_with(deleted))
    path.resize(path.size() - deleted.size());
  return path;
}

std::vector<std::string> environment_with(const std::vector<std::string>& overrides) {
  auto name_of = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv = *e;
    bool replaced = false;
    for (const auto& o : overrides) replaced = replaced || name_of(o) == name_of(kv);
    if (!replaced) env.push_back(std::move(kv));
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
  size_t close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close_paren + 1));
  std::vector<std::string> f;  // f[0] is field 3 (state)
  std::string tok;
  while (fields >> tok && f.size() < 22) f.push_back(tok);
  if (f.size() < 22) return std::nullopt;
  ProcStat s;
  try {
    s.state = f[0].empty() ? '?' : f[0][0];
    s.pgrp = static_cast<pid_t>(std::stol(f[2]));
    s.session = static_cast<pid_t>(std::stol(f[3]));
    static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
    s.cpu_seconds = static_cast<double>(std::stoull(f[11]) + std::stoull(f[12])) / kTicks;
    static const int64_t kPage = sysconf(_SC_PAGESIZE);
    s.rss_bytes = std::stoll(f[21]) * kPage;
  } catch (const std::exception&) {  // not the format this code knows
    return std::nullopt;
  }
  return s;
}

std::vector<std::string> read_proc_cmdline(pid_t pid) {
  std::vector<std::string> args;
  if (pid <= 0) return args;
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  if (!in) return args;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

std::vector<pid_t> session_members(pid_t session) {
  std::vector<pid_t> pids;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return pids;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    auto st = read_proc_stat(static_cast<pid_t>(pid));
    if (st && st->session == session) pids.push_back(static_cast<pid_t>(pid));
  }
  closedir(dir);
  return pids;
}

}  // namespace eddy::cluster
