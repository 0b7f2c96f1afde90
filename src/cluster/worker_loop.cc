#include "cluster/worker_loop.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include "cluster/child_process.h"
#include "cluster/sandbox.h"
#include "cluster/task_invocation.h"
#include "cluster/worker_protocol.h"
#include "common/log.h"
#include "common/time_format.h"

namespace eddy::cluster {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kLogInterval = std::chrono::milliseconds(200);
constexpr size_t kLogBatchLines = 1000;
constexpr int kPollMs = 100;
// After the task's process exits, how long its pipes may stay open (held by a leftover
// process of its group, which is killed) before the worker stops reading them.
constexpr auto kDrainAfterExit = std::chrono::seconds(1);
constexpr Micros kMinHeartbeat = 10'000;
constexpr Micros kMaxHeartbeat = 60'000'000;
using protocol::kExitCancelled;
using protocol::kExitRefused;
using protocol::kExitSetupFailed;

// Shared with the signal handler, which may only touch lock-free atomics. g_spawning and
// g_term_pending form a Dekker pair: either the handler sees the spawn in progress and leaves
// the kill to the spawning thread, or the spawning thread sees the pending signal.
std::atomic<pid_t> g_task_pgid{0};
std::atomic<bool> g_spawning{false};
std::atomic<bool> g_term_pending{false};

extern "C" void on_terminate_signal(int) {
  g_term_pending.store(true);
  if (g_spawning.load()) return;
  pid_t g = g_task_pgid.load();
  if (g > 0) kill(-g, SIGKILL);
  _exit(0);
}

std::string join_args(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// A directory name from a task name: the characters a DNS label allows, and '.', '_'.
std::string safe_component(const std::string& s) {
  std::string out;
  for (char c : s)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') ? c : '_';
  return out.empty() ? "task" : out;
}

// The names were checked by TaskInvocation::check().
Status write_task_files(const std::map<std::string, std::string>& files, const fs::path& dir) {
  for (const auto& [name, text] : files) {
    fs::path target = dir / fs::path(name);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return io_error(target.parent_path().string() + ": " + ec.message());
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) return io_error(target.string() + ": cannot write the task's file");
  }
  return Status::ok();
}

// The stderr of a task cut into lines of at most kMaxLogLineBytes (the rest of an overlong
// line is dropped, with a marker).
class LineSplitter {
 public:
  explicit LineSplitter(std::function<void(std::string)> emit) : emit_(std::move(emit)) {}
  void feed(const char* data, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      char c = data[i];
      if (c == '\n') {
        if (!skipping_) emit_(std::move(partial_));
        partial_.clear();
        skipping_ = false;
      } else if (!skipping_) {
        partial_ += c;
        if (partial_.size() >= kMaxLogLineBytes) {
          emit_(std::move(partial_) + " [line truncated at 8 KiB]");
          partial_.clear();
          skipping_ = true;
        }
      }
    }
  }
  void finish() {
    if (!partial_.empty() && !skipping_) emit_(std::move(partial_));
    partial_.clear();
  }

 private:
  std::function<void(std::string)> emit_;
  std::string partial_;
  bool skipping_ = false;
};

}  // namespace

// Posts a task's stderr lines at most every 200 ms from a thread of its own, so a slow server
// never stalls the reading of the task's pipes. Lines wait (up to kMaxQueuedLogLines, then the
// oldest are dropped and counted) while the server cannot be reached.
class WorkerLoop::LogShipper {
 public:
  LogShipper(WorkerClient& client, std::string worker, protocol::TaskRef ref)
      : client_(client), path_(std::move(worker) + "/log"), ref_(std::move(ref)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~LogShipper() {
    {
      std::lock_guard<std::mutex> l(mu_);
      finished_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void add(std::string line) {
    std::lock_guard<std::mutex> l(mu_);
    pending_.push_back(std::move(line));
    while (pending_.size() > kMaxQueuedLogLines) {
      pending_.pop_front();
      ++dropped_;
    }
  }

  // Stops the thread, then posts what is left, retrying while keep_trying() says so.
  void finish(const WorkerClient::KeepTrying& keep_trying) {
    {
      std::lock_guard<std::mutex> l(mu_);
      finished_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    while (flush(&keep_trying)) {
    }
  }

 private:
  void loop() {
    for (;;) {
      {
        std::unique_lock<std::mutex> l(mu_);
        if (cv_.wait_for(l, kLogInterval, [this] { return finished_; })) return;
      }
      while (flush(nullptr)) {
      }
    }
  }

  // Posts one batch; true if it was delivered and more lines are waiting.
  bool flush(const WorkerClient::KeepTrying* keep_trying) {
    std::vector<std::string> batch;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (dropped_ > 0) {
        pending_.push_front("[eddy worker: " + std::to_string(dropped_) +
                            " stderr lines dropped while the server could not be reached]");
        dropped_ = 0;
      }
      while (!pending_.empty() && batch.size() < kLogBatchLines) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    if (batch.empty()) return false;
    const nlohmann::json body = protocol::to_json(protocol::LogRequest{ref_, std::move(batch)});
    Result<nlohmann::json> r = keep_trying ? client_.call_with_retry(path_, body, *keep_trying)
                                           : client_.call(path_, body);
    if (r.is_ok()) {
      std::lock_guard<std::mutex> l(mu_);
      return !pending_.empty();
    }
    if (r.status().code() == StatusCode::kUnavailable && keep_trying == nullptr) {
      std::lock_guard<std::mutex> l(mu_);  // put the batch back for the next tick
      pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin()),
                      std::make_move_iterator(batch.end()));
      while (pending_.size() > kMaxQueuedLogLines) {
        pending_.pop_front();
        ++dropped_;
      }
      return false;
    }
    if (r.status().code() != StatusCode::kUnavailable)
      EDDY_WARN("eddy worker: log lines refused by the server: " << r.status().to_string());
    return false;
  }

  WorkerClient& client_;
  const std::string path_;
  const protocol::TaskRef ref_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pending_;  // GUARDED_BY(mu_)
  uint64_t dropped_ = 0;             // GUARDED_BY(mu_)
  bool finished_ = false;            // GUARDED_BY(mu_)
  std::thread thread_;
};

namespace {
InterpreterOptions interpreter_options(const WorkerOptions& w) {
  InterpreterOptions o;
  o.python = w.python;
  o.work_dir = w.work_dir;
  o.eddy_binary = w.eddy_binary;
  o.cores = w.cores;
  o.memory_bytes = w.memory_bytes;
  return o;
}
}  // namespace

WorkerLoop::WorkerLoop(WorkerOptions options, Clock* clock)
    : options_(std::move(options)), clock_(clock), interpreters_(interpreter_options(options_)) {
  WorkerClientOptions co;
  co.server_url = options_.server_url;
  co.token = options_.token;
  auto client = WorkerClient::create(co, clock_);
  if (client.is_ok())
    client_ = std::move(client).value();
  else
    client_status_ = client.status();
}

WorkerLoop::~WorkerLoop() = default;

void WorkerLoop::install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_terminate_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, nullptr);
}

bool WorkerLoop::stopping() const {
  std::lock_guard<std::mutex> l(mu_);
  return stopping_;
}

bool WorkerLoop::orphaned() const {
  return client_ && clock_->now() - client_->last_contact() > options_.orphan_timeout;
}

void WorkerLoop::stop_with(Status status) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return;
    stopping_ = true;
    final_status_ = std::move(status);
    if (child_pid_ > 0) kill(-child_pid_, SIGKILL);
    // A statement running in an interpreter ends with it (the run() thread then sees EOF).
    if (!current_session_.empty())
      for (pid_t p : interpreters_.pids()) kill(-p, SIGKILL);
  }
  cv_.notify_all();
  if (client_) client_->shutdown();
}

void WorkerLoop::request_stop() { stop_with(Status::ok()); }

void WorkerLoop::note_reachable() {
  std::lock_guard<std::mutex> l(mu_);
  if (reachable_) return;
  reachable_ = true;
  EDDY_INFO("eddy worker: the server answers again");
}

void WorkerLoop::note_unreachable(const Status& failure) {
  std::lock_guard<std::mutex> l(mu_);
  if (!reachable_ || stopping_) return;
  reachable_ = false;
  EDDY_WARN("eddy worker: the server cannot be reached, retrying: " << failure.message());
}

WorkerClient::KeepTrying WorkerLoop::retry_policy() {
  return [this](const Status& failure) {
    note_unreachable(failure);
    return keep_trying();
  };
}

Status WorkerLoop::orphan_status() const {
  return unavailable("no answer from the server " + options_.server_url + " for " +
                     format_duration(options_.orphan_timeout) + " (--orphan-timeout): exiting");
}

Status WorkerLoop::register_worker() {
  std::lock_guard<std::mutex> reg(register_mu_);
  const nlohmann::json body = protocol::to_json(protocol::RegisterRequest{
      options_.cluster, options_.name, static_cast<int64_t>(getpid()), options_.cores,
      options_.memory_bytes});
  const Micros start = clock_->now();
  for (;;) {
    auto r = client_->call_with_retry("register", body, retry_policy());
    if (r.is_ok()) {
      Micros interval = protocol::register_answer_from_json(*r).heartbeat_interval_ms * 1000;
      {
        std::lock_guard<std::mutex> l(mu_);
        heartbeat_interval_ = std::clamp(interval, kMinHeartbeat, kMaxHeartbeat);
      }
      note_reachable();
      EDDY_INFO("eddy worker: registered as " << options_.name << " in cluster "
                                              << options_.cluster);
      return Status::ok();
    }
    const Status& s = r.status();
    if (s.code() == StatusCode::kUnavailable) {
      if (stopping()) return Status::ok();
      return orphan_status();
    }
    if (s.code() == StatusCode::kNotFound &&
        clock_->now() - start < options_.unknown_worker_grace && client_->sleep_for(1'000'000))
      continue;
    return s.with_context("registering worker " + options_.name);
  }
}

nlohmann::json WorkerLoop::heartbeat_body(std::optional<TaskRef>* reported) {
  pid_t child = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    *reported = current_task_;
    child = child_pid_;
  }
  int64_t rss = 0;
  double cpu = 0;
  std::vector<pid_t> pids = interpreters_.pids();
  pids.push_back(getpid());
  pids.push_back(child);
  for (pid_t p : pids) {
    if (p <= 0) continue;
    if (auto st = read_proc_stat(p)) {
      rss += st->rss_bytes;
      cpu += st->cpu_seconds;
    }
  }
  return protocol::to_json(protocol::HeartbeatRequest{options_.cluster,
                                                      static_cast<int64_t>(getpid()), rss, cpu,
                                                      *reported, interpreters_.sessions()});
}

void WorkerLoop::heartbeat_loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu_);
      if (cv_.wait_for(l, std::chrono::microseconds(heartbeat_interval_),
                       [this] { return stopping_; }))
        return;
    }
    std::optional<TaskRef> reported;
    nlohmann::json body = heartbeat_body(&reported);
    auto r = client_->heartbeat(options_.name, body);
    if (r.is_ok()) {
      note_reachable();
      const protocol::HeartbeatAnswer answer = protocol::heartbeat_answer_from_json(*r);
      for (const std::string& session : answer.close_interpreters) {
        if (interpreters_.close(session)) continue;
        std::lock_guard<std::mutex> l(mu_);  // busy: after its statement (run() thread)
        to_close_.push_back(session);
      }
      handle_action(answer.action, reported);
      continue;
    }
    const Status& s = r.status();
    if (s.code() == StatusCode::kUnavailable) {
      if (stopping()) return;
      note_unreachable(s);
      if (orphaned()) stop_with(orphan_status());
    } else if (s.code() == StatusCode::kNotFound) {
      // A server that lost track of this worker: introduce it again.
      EDDY_WARN("eddy worker: heartbeat: " << s.message() << "; registering again");
      Status reg = register_worker();
      if (!reg.is_ok()) stop_with(reg);
    } else {
      EDDY_WARN("eddy worker: heartbeat refused: " << s.to_string());
    }
  }
}

void WorkerLoop::handle_action(protocol::HeartbeatAction action,
                               const std::optional<TaskRef>& reported) {
  if (action == protocol::HeartbeatAction::kStop) {
    EDDY_INFO("eddy worker: the server asks this worker to stop");
    stop_with(Status::ok());
  } else if (action == protocol::HeartbeatAction::kCancel) {
    std::lock_guard<std::mutex> l(mu_);
    // Only the task the heartbeat reported: the next one may have started since.
    if (!current_task_ || !reported || !(*current_task_ == *reported)) return;
    if (!cancel_requested_) EDDY_INFO("eddy worker: cancelling task " << current_task_->name);
    cancel_requested_ = true;
    if (child_pid_ > 0) kill(-child_pid_, SIGKILL);
    // A statement is interrupted, not killed: its session keeps its state.
    if (!current_session_.empty()) interpreters_.interrupt(current_session_);
  }
}

void WorkerLoop::close_interpreters() {
  std::vector<std::string> closing;
  {
    std::lock_guard<std::mutex> l(mu_);
    closing.swap(to_close_);
  }
  for (const std::string& s : closing) (void)interpreters_.close(s);
}

Status WorkerLoop::run() {
  if (!client_) return client_status_;
  std::error_code ec;
  fs::create_directories(fs::path(options_.work_dir) / "tasks", ec);
  if (ec) return io_error(options_.work_dir + ": cannot create the work dir: " + ec.message());

  Status reg = register_worker();
  if (!reg.is_ok()) return reg;
  if (stopping()) {
    std::lock_guard<std::mutex> l(mu_);
    return final_status_;
  }
  std::thread heartbeats([this] { heartbeat_loop(); });
  const nlohmann::json lease_body =
      protocol::to_json(protocol::LeaseRequest{options_.cluster, options_.lease_wait / 1000});
  while (!stopping()) {
    auto r = client_->call_with_retry(options_.name + "/lease", lease_body, retry_policy(),
                                      options_.lease_wait);
    if (stopping()) break;
    if (!r.is_ok()) {
      const Status& s = r.status();
      if (s.code() == StatusCode::kUnavailable) {
        if (orphaned()) stop_with(orphan_status());
      } else if (s.code() == StatusCode::kNotFound) {
        Status again = register_worker();
        if (!again.is_ok()) stop_with(again);
      } else {
        EDDY_WARN("eddy worker: lease refused: " << s.to_string());
        client_->sleep_for(1'000'000);
      }
      continue;
    }
    note_reachable();
    auto answer = protocol::lease_answer_from_json(*r);
    if (!answer.is_ok()) {
      EDDY_WARN("eddy worker: ignoring a task: " << answer.status().message());
    } else if (answer->task) {
      run_task(*answer->task);
    }
    close_interpreters();
  }
  stop_with(Status::ok());  // no-op when already stopping; wakes the heartbeat thread
  heartbeats.join();
  std::lock_guard<std::mutex> l(mu_);
  return final_status_;
}

void WorkerLoop::run_task(const protocol::Task& task) {
  const TaskRef& ref = task.ref;
  {
    std::lock_guard<std::mutex> l(mu_);
    current_task_ = ref;
    cancel_requested_ = false;
  }
  auto refuse = [&](int code, const std::string& message) {
    EDDY_WARN("eddy worker: task " << ref.name << ": " << message);
    TaskOutcome o;
    o.exit_code = code;
    o.stderr_tail.push_back(message);
    report_done(ref, o);
  };

  const cluster::TaskInvocation& inv = task.invocation;
  const std::vector<std::string>& argv = inv.argv;
  const fs::path dir = fs::path(options_.work_dir) / "tasks" /
                       (safe_component(ref.name) + "-a" + std::to_string(ref.attempt) + "-" +
                        std::to_string(++task_counter_));
  const Status readable = task.unreadable.is_ok() ? inv.check() : task.unreadable;
  if (!readable.is_ok()) {
    refuse(kExitRefused, "eddy worker: " + readable.message());
  } else {
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    Status files = ec ? io_error(dir.string() + ": " + ec.message())
                      : write_task_files(inv.files, dir);
    // A confined task runs in a Landlock sandbox; a worker that cannot build one refuses the
    // task rather than run it unconfined.
    std::optional<LandlockRuleset> ruleset;
    if (files.is_ok() && inv.confine && argv[0] != "pyspark") {
      auto rs = LandlockRuleset::build(task_rules(*inv.confine, dir.string(), options_.eddy_binary));
      if (rs.is_ok()) {
        ruleset = std::move(rs).value();
      } else {
        files = invalid_argument("cannot confine the task: " + rs.status().message());
      }
    }
    if (!files.is_ok()) {
      refuse(files.code() == StatusCode::kInvalidArgument ? kExitRefused : kExitSetupFailed,
             "eddy worker: " + files.message());
    } else {
      EDDY_INFO("eddy worker: task " << ref.name << " attempt " << ref.attempt << ": eddy "
                                     << join_args(argv));
      TaskOutcome outcome;
      {
        LogShipper logs(*client_, options_.name, ref);
        const std::vector<std::string> env =
            TaskEnvironment::for_task(inv, options_.cores, options_.memory_bytes, dir.string())
                .to_env();
        outcome = argv[0] == "pyspark"
                      ? run_statement(inv, logs)
                      : execute(argv, dir.string(), env, ruleset ? ruleset->fd() : -1, logs);
        EDDY_INFO("eddy worker: task " << ref.name << " attempt " << ref.attempt
                                       << " ended: exit code " << outcome.exit_code);
        logs.finish(retry_policy());  // the stderr lines go before `done`
      }
      if (!stopping()) report_done(ref, outcome);
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::lock_guard<std::mutex> l(mu_);
  current_task_.reset();
  cancel_requested_ = false;
}

WorkerLoop::TaskOutcome WorkerLoop::execute(const std::vector<std::string>& argv,
                                            const std::string& dir,
                                            const std::vector<std::string>& env,
                                            int landlock_ruleset_fd, LogShipper& logs) {
  TaskOutcome o;
  auto setup_failed = [&](const std::string& message) {
    o.exit_code = kExitSetupFailed;
    o.stderr_tail.push_back("eddy worker: " + message);
    return o;
  };
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) < 0)
    return setup_failed(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) < 0) {
    int e = errno;
    close(out_pipe[0]);
    close(out_pipe[1]);
    return setup_failed(std::string("pipe: ") + std::strerror(e));
  }
  SpawnOptions so;
  so.argv.push_back(options_.eddy_binary);
  so.argv.insert(so.argv.end(), argv.begin(), argv.end());
  so.env = environment_with(env);
  so.landlock_ruleset_fd = landlock_ruleset_fd;
  so.cwd = dir;
  so.stdout_fd = out_pipe[1];
  so.stderr_fd = err_pipe[1];
  so.group = SpawnOptions::Group::kNewProcessGroup;

  const auto started = SteadyClock::now();
  g_spawning.store(true);
  if (g_term_pending.load()) _exit(0);
  Result<pid_t> spawned = spawn_process(so);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!spawned.is_ok()) {
    g_spawning.store(false);
    if (g_term_pending.load()) _exit(0);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return setup_failed(spawned.status().message());
  }
  const pid_t pid = *spawned;
  {
    std::lock_guard<std::mutex> l(mu_);
    child_pid_ = pid;
    g_task_pgid.store(pid);
    g_spawning.store(false);
    if (g_term_pending.load()) {
      kill(-pid, SIGKILL);
      _exit(0);
    }
    if (cancel_requested_ || stopping_) kill(-pid, SIGKILL);
  }

  LineSplitter lines([&](std::string line) {
    o.stderr_tail.push_back(line);
    if (o.stderr_tail.size() > kStderrTailLines) o.stderr_tail.pop_front();
    logs.add(std::move(line));
  });
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  bool exited = false;
  SteadyClock::time_point drain_end{};
  char buf[64 * 1024];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    int n = poll(fds, 2, kPollMs);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        continue;
      }
      const size_t len = static_cast<size_t>(got);
      if (i == 0) {
        size_t room = kMaxStdoutBytes - std::min(kMaxStdoutBytes, o.stdout_text.size());
        o.stdout_text.append(buf, std::min(room, len));
        if (len > room) o.stdout_truncated = true;
      } else {
        lines.feed(buf, len);
      }
    }
    if (!exited) {
      siginfo_t info{};
      if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == pid) {
        // The task is over; whatever of its group still holds the pipes goes too.
        exited = true;
        kill(-pid, SIGKILL);
        drain_end = SteadyClock::now() + kDrainAfterExit;
      }
    } else if (SteadyClock::now() > drain_end) {
      break;
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  lines.finish();

  siginfo_t info{};
  while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  int status = 0;
  rusage ru{};
  bool cancelled = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    kill(-pid, SIGKILL);  // leftovers of the group; the zombie leader keeps the id ours
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    child_pid_ = 0;
    g_task_pgid.store(0);
    cancelled = cancel_requested_;
  }
  o.wall_seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  o.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  o.peak_rss_bytes = static_cast<int64_t>(ru.ru_maxrss) * 1024;
  if (WIFEXITED(status))
    o.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    o.exit_code = 128 + WTERMSIG(status);
  if (o.stdout_truncated) {
    std::string note =
        "eddy worker: stdout truncated to its first " + std::to_string(kMaxStdoutBytes) + " bytes";
    o.stderr_tail.push_back(note);
    if (o.stderr_tail.size() > kStderrTailLines) o.stderr_tail.pop_front();
    logs.add(note);
  }
  if (cancelled) {
    o.exit_code = kExitCancelled;
    o.stderr_tail = {"cancelled"};
  }
  return o;
}

WorkerLoop::TaskOutcome WorkerLoop::run_statement(const TaskInvocation& inv, LogShipper& logs) {
  const std::string& session = inv.argv[1];
  {
    std::lock_guard<std::mutex> l(mu_);
    current_session_ = session;
    if (stopping_) {
      current_session_.clear();
      return TaskOutcome{kExitSetupFailed, "", false, {"eddy worker: stopping"}, 0, 0, 0};
    }
    if (cancel_requested_) {  // cancelled before it reached the interpreter: never run
      current_session_.clear();
      return TaskOutcome{kExitCancelled, "", false, {"cancelled"}, 0, 0, 0};
    }
  }
  TaskOutcome o;
  const nlohmann::json request = {{"code", inv.files.at(TaskInvocation::kStatementFile)},
                                  {"kind", inv.argv[2]}};
  InterpreterHost::Outcome r =
      interpreters_.run(session, request, inv.confine, [&](std::string line) {
        o.stderr_tail.push_back(line);
        if (o.stderr_tail.size() > kStderrTailLines) o.stderr_tail.pop_front();
        logs.add(std::move(line));
      });
  bool cancelled;
  {
    std::lock_guard<std::mutex> l(mu_);
    current_session_.clear();
    cancelled = cancel_requested_;
  }
  o.wall_seconds = r.wall_seconds;
  o.cpu_seconds = r.cpu_seconds;
  o.peak_rss_bytes = r.peak_rss_bytes;
  if (!r.failure.empty()) {
    o.exit_code = r.state_lost ? protocol::kExitStateLost : kExitSetupFailed;
    o.stderr_tail.push_back(r.failure);
    logs.add(r.failure);
  } else {
    o.stdout_text = r.reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    o.exit_code = r.reply.value("status", "") == "ok" ? 0 : 1;
  }
  if (cancelled && (r.interrupted || !r.failure.empty())) {
    o.exit_code = kExitCancelled;
    o.stderr_tail = {"cancelled"};
  }
  return o;
}

void WorkerLoop::report_done(const TaskRef& ref, const TaskOutcome& o) {
  const nlohmann::json body = protocol::to_json(protocol::DoneReport{
      ref, o.exit_code, o.stdout_text, o.stdout_truncated,
      std::vector<std::string>(o.stderr_tail.begin(), o.stderr_tail.end()), o.cpu_seconds,
      o.peak_rss_bytes, o.wall_seconds});
  const std::string path = options_.name + "/done";
  // A worker the server no longer knows registers again and retries, a few times.
  for (int unknown = 0; unknown < 3 && keep_trying(); ++unknown) {
    auto r = client_->call_with_retry(path, body, retry_policy());
    if (r.is_ok()) return;
    const Status& s = r.status();
    if (s.code() == StatusCode::kNotFound) {
      Status reg = register_worker();
      if (!reg.is_ok()) {
        stop_with(reg);
        return;
      }
      continue;
    }
    if (s.code() != StatusCode::kUnavailable)
      EDDY_ERROR("eddy worker: task " << ref.name << ": done report refused: " << s.to_string());
    return;
  }
}

}  // namespace eddy::cluster
