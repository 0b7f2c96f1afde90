#include "cluster/interpreter_host.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cluster/child_process.h"
#include "cluster/python_bundle.h"
#include "cluster/task_invocation.h"
#include "common/log.h"

namespace eddy::cluster {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kPollMs = 100;
constexpr size_t kMaxReplyBytes = 8 << 20;   // a reply holds at most 1 MiB of text (eddy_repl)
constexpr size_t kMaxLogLineBytes = 8 << 10;

std::string dir_name(const std::string& session) {
  std::string out;
  for (char c : session)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "session" : out;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

InterpreterHost::InterpreterHost(InterpreterOptions options) : options_(std::move(options)) {}

InterpreterHost::~InterpreterHost() { close_all(); }

std::vector<std::string> InterpreterHost::sessions() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [name, in] : interpreters_) out.push_back(name);
  return out;
}

std::vector<pid_t> InterpreterHost::pids() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<pid_t> out;
  for (const auto& [name, in] : interpreters_)
    if (in->pid > 0) out.push_back(in->pid);
  return out;
}

void InterpreterHost::interrupt(const std::string& session) {
  std::lock_guard<std::mutex> l(mu_);
  if (running_ != session) return;
  auto it = interpreters_.find(session);
  if (it == interpreters_.end() || it->second->pid <= 0) return;
  kill(-it->second->pid, SIGINT);  // the REPL and the partitions it forked
  if (!interrupted_at_) interrupted_at_ = SteadyClock::now();
}

int InterpreterHost::kill_interpreter(Interpreter& in, const std::string& why) {
  pid_t pid;
  {
    // Zeroed before the reap: interrupt() must never signal a pid the kernel may reuse.
    std::lock_guard<std::mutex> l(mu_);
    pid = in.pid;
    in.pid = 0;
  }
  int status = 0;
  if (pid > 0) {
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  close_fd(in.to_repl);
  close_fd(in.from_repl);
  close_fd(in.log_fd);
  if (!why.empty()) in.dead = why;
  return status;
}

bool InterpreterHost::close(const std::string& session) {
  std::shared_ptr<Interpreter> in;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (running_ == session) return false;  // run() holds it: the caller retries later
    auto it = interpreters_.find(session);
    if (it == interpreters_.end()) return true;
    in = it->second;
    interpreters_.erase(it);
  }
  kill_interpreter(*in, "");
  std::error_code ec;
  if (!in->dir.empty()) fs::remove_all(in->dir, ec);
  EDDY_INFO("eddy worker: closed the interpreter of session " << session);
  return true;
}

void InterpreterHost::close_all() {
  {
    std::lock_guard<std::mutex> l(mu_);
    running_.clear();  // the worker is ending: a statement still running goes too
  }
  for (const std::string& s : sessions()) close(s);
}

InterpreterHost::Wait InterpreterHost::read_reply(Interpreter& in, const LineSink& log,
                                                  std::string* line,
                                                  SteadyClock::time_point deadline) {
  char buf[64 * 1024];
  auto ship_log = [&](bool flush) {
    size_t nl;
    while ((nl = in.pending_log.find('\n')) != std::string::npos) {
      log(in.pending_log.substr(0, std::min(nl, kMaxLogLineBytes)));
      in.pending_log.erase(0, nl + 1);
    }
    if (in.pending_log.size() > kMaxLogLineBytes || (flush && !in.pending_log.empty())) {
      log(in.pending_log.substr(0, kMaxLogLineBytes));
      in.pending_log.clear();
    }
  };
  for (;;) {
    if (size_t nl = in.pending_reply.find('\n'); nl != std::string::npos) {
      *line = in.pending_reply.substr(0, nl);
      in.pending_reply.erase(0, nl + 1);
      ship_log(false);
      return Wait::kLine;
    }
    pollfd fds[2] = {{in.from_repl, POLLIN, 0}, {in.log_fd, POLLIN, 0}};
    int n = poll(fds, 2, kPollMs);
    if (n < 0 && errno != EINTR) return Wait::kDied;
    bool eof = false;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        if (i == 0) eof = true;
        if (i == 1) close_fd(in.log_fd);
        continue;
      }
      std::string& into = i == 0 ? in.pending_reply : in.pending_log;
      into.append(buf, static_cast<size_t>(got));
    }
    ship_log(false);
    if (in.pending_reply.size() > kMaxReplyBytes) return Wait::kDied;
    if (eof && in.pending_reply.find('\n') == std::string::npos) {
      ship_log(true);
      return Wait::kDied;
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      if (interrupted_at_ && SteadyClock::now() > *interrupted_at_ + kInterruptGrace)
        return Wait::kTimeout;
    }
    if (SteadyClock::now() > deadline) return Wait::kTimeout;
  }
}

Result<std::shared_ptr<InterpreterHost::Interpreter>> InterpreterHost::start(
    const std::string& session, const std::optional<Confinement>& confine, const LineSink& log) {
  if (access(options_.python.c_str(), X_OK) != 0)
    return failed_precondition("pyspark sessions need Python 3: " + options_.python +
                               " is not an executable file (install python3, or name another "
                               "interpreter with EDDY_PYTHON on the worker)");
  EDDY_ASSIGN_OR_RETURN(std::string bundle, extract_python_bundle(options_.work_dir));
  auto in = std::make_shared<Interpreter>();
  in->dir = (fs::path(options_.work_dir) / "sessions" / dir_name(session)).string();
  std::error_code ec;
  fs::remove_all(in->dir, ec);
  fs::create_directories(fs::path(in->dir) / "tmp", ec);
  if (ec) return io_error(in->dir + ": " + ec.message());

  std::optional<LandlockRuleset> ruleset;
  if (confine) {
    auto rules = task_rules(*confine, in->dir, options_.eddy_binary);
    rules.push_back({bundle, false, false});
    rules.push_back({options_.python, false, false});
    EDDY_ASSIGN_OR_RETURN(LandlockRuleset rs, LandlockRuleset::build(rules));
    ruleset = std::move(rs);
  }
  TaskInvocation inv;
  inv.confine = confine;
  TaskEnvironment te = TaskEnvironment::for_task(inv, options_.cores, options_.memory_bytes, in->dir);
  te.tmp_dir = (fs::path(in->dir) / "tmp").string();
  std::vector<std::string> env = te.to_env();
  env.push_back("EDDY_BINARY=" + options_.eddy_binary);
  env.push_back("PYTHONPATH=" + bundle);
  env.push_back("PYTHONUNBUFFERED=1");
  env.push_back("PYTHONDONTWRITEBYTECODE=1");
  env.push_back("PYTHONIOENCODING=utf-8");
  env.push_back("EDDY_SESSION=" + session);

  int to[2], from[2], err[2];
  if (pipe2(to, O_CLOEXEC) < 0) return io_error(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(from, O_CLOEXEC) < 0) {
    int e = errno;
    ::close(to[0]);
    ::close(to[1]);
    return io_error(std::string("pipe: ") + std::strerror(e));
  }
  if (pipe2(err, O_CLOEXEC) < 0) {
    int e = errno;
    for (int fd : {to[0], to[1], from[0], from[1]}) ::close(fd);
    return io_error(std::string("pipe: ") + std::strerror(e));
  }
  SpawnOptions so;
  // -s: no user site-packages (a user's own `pyspark` must not shadow Eddy's).
  so.argv = {options_.python, "-s", (fs::path(bundle) / "eddy_repl.py").string()};
  so.env = environment_with(env);
  so.cwd = in->dir;
  so.stdin_fd = to[0];
  so.stdout_fd = from[1];
  so.stderr_fd = err[1];
  so.group = SpawnOptions::Group::kNewProcessGroup;
  so.landlock_ruleset_fd = ruleset ? ruleset->fd() : -1;
  so.die_with_parent = true;
  Result<pid_t> pid = spawn_process(so);
  ::close(to[0]);
  ::close(from[1]);
  ::close(err[1]);
  in->to_repl = to[1];
  in->from_repl = from[0];
  in->log_fd = err[0];
  if (!pid.is_ok()) {
    kill_interpreter(*in, "");
    return pid.status().with_context("starting the session's Python interpreter");
  }
  in->pid = *pid;
  {
    std::lock_guard<std::mutex> l(mu_);
    interpreters_[session] = in;
  }
  EDDY_INFO("eddy worker: session " << session << ": started " << options_.python
                                    << " eddy_repl.py (pid " << *pid << ")");
  std::string line;
  std::vector<std::string> tail;
  auto keep_tail = [&](std::string s) {
    tail.push_back(s);
    if (tail.size() > 20) tail.erase(tail.begin());
    log(std::move(s));
  };
  Wait w = read_reply(*in, keep_tail, &line, SteadyClock::now() + kInterpreterStartTimeout);
  nlohmann::json ready = w == Wait::kLine ? nlohmann::json::parse(line, nullptr, false)
                                          : nlohmann::json();
  if (ready.is_object() && ready.value("ready", false)) return in;
  std::string why = w == Wait::kTimeout ? "did not start within 60 s" : "could not start";
  if (ready.is_object() && ready.contains("error")) why += ": " + ready.value("error", "");
  std::string last;
  for (const auto& t : tail) last += "\n" + t;
  {
    std::lock_guard<std::mutex> l(mu_);
    interpreters_.erase(session);
  }
  const int status = kill_interpreter(*in, "");
  return failed_precondition("the session's Python interpreter " + why + " (" +
                             exit_text(status) + ")" + last);
}

InterpreterHost::Outcome InterpreterHost::run(const std::string& session,
                                              const nlohmann::json& request,
                                              const std::optional<Confinement>& confine,
                                              const LineSink& log) {
  Outcome o;
  const auto started = SteadyClock::now();
  std::shared_ptr<Interpreter> in;
  {
    std::lock_guard<std::mutex> l(mu_);
    running_ = session;
    interrupted_at_.reset();
    if (auto it = interpreters_.find(session); it != interpreters_.end()) in = it->second;
  }
  auto done = [&]() -> Outcome {
    std::lock_guard<std::mutex> l(mu_);
    running_.clear();
    interrupted_at_.reset();
    o.wall_seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    return o;
  };
  if (in && !in->dead.empty()) {
    o.failure = in->dead;
    o.state_lost = true;
    return done();
  }
  if (!in) {
    auto s = start(session, confine, log);
    if (!s.is_ok()) {
      o.failure = s.status().message();
      return done();
    }
    in = *s;
  }
  const double cpu_before = read_proc_stat(in->pid).value_or(ProcStat{}).cpu_seconds;
  const std::string text = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  bool written = true;
  for (size_t off = 0; off < text.size();) {
    ssize_t n = write(in->to_repl, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      written = false;
      break;
    }
    off += static_cast<size_t>(n);
  }
  std::string line;
  Wait w = written ? read_reply(*in, log, &line, SteadyClock::time_point::max()) : Wait::kDied;
  if (auto st = read_proc_stat(in->pid)) {
    o.cpu_seconds = std::max(0.0, st->cpu_seconds - cpu_before);
    o.peak_rss_bytes = st->rss_bytes;
  }
  bool interrupted;
  {
    std::lock_guard<std::mutex> l(mu_);
    interrupted = interrupted_at_.has_value();
  }
  if (w == Wait::kLine) {
    o.reply = nlohmann::json::parse(line, nullptr, false);
    if (!o.reply.is_object()) {
      o.reply = nullptr;
      kill_interpreter(*in, "the session's Python interpreter sent a malformed reply; it was "
                            "stopped and the session's state is lost");
      o.failure = in->dead;
    } else {
      o.interrupted = interrupted && o.reply.value("interrupted", false);
    }
  } else if (w == Wait::kTimeout) {
    o.interrupted = true;
    kill_interpreter(*in, "a statement of this session ignored its cancel for " +
                              std::to_string(kInterruptGrace.count()) +
                              " s: its Python interpreter was killed and the session's state "
                              "is lost (create a new session)");
    o.failure = in->dead;
  } else {
    const int status = kill_interpreter(*in, "");
    in->dead = "the session's Python interpreter died (" + exit_text(status) +
               ") while running a statement: the session's state is lost (create a new "
               "session)";
    o.failure = in->dead;
    o.interrupted = interrupted;
  }
  o.state_lost = !in->dead.empty();
  return done();
}

}  // namespace eddy::cluster
