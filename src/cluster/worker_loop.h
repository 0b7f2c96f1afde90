// WorkerLoop: the body of `eddy worker` — registers with the server, heartbeats, leases tasks
// and runs each one as `EDDY_BINARY argv...` in a process group of its own, streaming its
// stderr to the server and reporting its end (docs/worker-protocol.md).
//
// Threads: run() is the lease loop and runs the tasks (one at a time); a heartbeat thread
// reports memory, CPU and the current task every heartbeatIntervalMs and acts on the answer
// ("stop": kill the task's group, run() returns OK; "cancel": kill the task's group, which is
// then reported with exitCode -1); a log thread per task posts stderr lines at most every
// 200 ms. A server that cannot be reached is retried (backoff up to 1 s) without disturbing the
// task; a `done` report is retried until the server takes it, so a server restart loses none.
// After `orphan_timeout` without any answer from the server the worker kills its task and
// run() returns kUnavailable.
//
// A pyspark statement is not a child process: it runs in its session's interpreter, which the
// worker keeps between statements (InterpreterHost); a cancel interrupts it (SIGINT) instead of
// killing it, and the heartbeat tells the server which interpreters live here, so that it can
// answer which of them to close.
//
// Invariants: at most one task child at a time; while it runs, child_pid_ is its pid and its
// process group id, and only the run() thread reaps it (waitid WNOWAIT first, so a kill under
// mu_ never hits a recycled pid).
//
// Thread-safety: run() is called once, from one thread; request_stop() from any thread.
// install_signal_handlers() is process-wide: one WorkerLoop per process is assumed by it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cluster/interpreter_host.h"
#include "cluster/worker_client.h"
#include "cluster/worker_protocol.h"
#include "common/clock.h"
#include "common/status.h"

namespace eddy::cluster {

struct WorkerOptions {
  std::string server_url;
  std::string token;  // "" = none
  std::string cluster;
  std::string name;
  std::string work_dir;     // tasks run in fresh directories under WORK_DIR/tasks/
  std::string eddy_binary;  // what tasks run (/proc/self/exe for `eddy worker`)
  int cores = 1;            // EDDY_THREADS of every task
  int64_t memory_bytes = 0;
  Micros orphan_timeout = 600'000'000;  // 10 min
  Micros lease_wait = 20'000'000;       // waitMs of each lease long-poll
  // How long a 404 to register is retried (the server may still be recording the worker).
  Micros unknown_worker_grace = 10'000'000;
  std::string python = "/usr/bin/python3";  // the interpreter of pyspark sessions
};

// Limits of what a task's output may cost the worker and the server.
inline constexpr size_t kMaxStdoutBytes = 1 << 20;
inline constexpr size_t kMaxLogLineBytes = 8 << 10;
inline constexpr size_t kStderrTailLines = 100;
inline constexpr size_t kMaxQueuedLogLines = 10000;

class WorkerLoop {
 public:
  explicit WorkerLoop(WorkerOptions options, Clock* clock = SystemClock::instance());
  ~WorkerLoop();
  WorkerLoop(const WorkerLoop&) = delete;
  WorkerLoop& operator=(const WorkerLoop&) = delete;

  // Runs until the server says "stop" or request_stop() (OK), the orphan timeout passes
  // (kUnavailable), or the server refuses the worker (kNotFound, kFailedPrecondition,
  // kPermissionDenied). The task child, if any, is killed before it returns.
  Status run();
  void request_stop();

  // SIGTERM/SIGINT/SIGHUP: kill the running task's process group and _exit(0) (async-signal-
  // safe); SIGPIPE ignored. Call once before run().
  static void install_signal_handlers();

 private:
  using TaskRef = protocol::TaskRef;
  struct TaskOutcome {
    int exit_code = 0;
    std::string stdout_text;
    bool stdout_truncated = false;
    std::deque<std::string> stderr_tail;
    double cpu_seconds = 0;
    int64_t peak_rss_bytes = 0;
    double wall_seconds = 0;
  };
  class LogShipper;

  Status register_worker();
  void heartbeat_loop();
  void handle_action(protocol::HeartbeatAction action, const std::optional<TaskRef>& reported);
  void run_task(const protocol::Task& task);
  // A pyspark statement: handed to its session's interpreter (interpreter_host.h).
  TaskOutcome run_statement(const TaskInvocation& inv, LogShipper& logs);
  void close_interpreters();  // those the server said ended (run() thread)
  // env: variables on top of the worker's own; landlock_ruleset_fd: -1 or the task's sandbox.
  TaskOutcome execute(const std::vector<std::string>& argv, const std::string& dir,
                      const std::vector<std::string>& env, int landlock_ruleset_fd,
                      LogShipper& logs);
  void report_done(const TaskRef& ref, const TaskOutcome& outcome);
  nlohmann::json heartbeat_body(std::optional<TaskRef>* reported);
  void stop_with(Status status);
  bool stopping() const;
  bool orphaned() const;
  bool keep_trying() const { return !stopping() && !orphaned(); }
  // For WorkerClient::call_with_retry: logs the outage once, then asks keep_trying().
  WorkerClient::KeepTrying retry_policy();
  Status orphan_status() const;
  void note_reachable();
  void note_unreachable(const Status& failure);

  const WorkerOptions options_;
  Clock* const clock_;
  std::unique_ptr<WorkerClient> client_;  // null if the options were wrong (client_status_)
  Status client_status_;

  std::mutex register_mu_;  // one (re-)registration at a time

  mutable std::mutex mu_;
  std::condition_variable cv_;             // wakes the heartbeat thread on stop
  bool stopping_ = false;                  // GUARDED_BY(mu_)
  Status final_status_;                    // GUARDED_BY(mu_)
  Micros heartbeat_interval_ = 1'000'000;  // GUARDED_BY(mu_)
  std::optional<TaskRef> current_task_;    // GUARDED_BY(mu_)
  pid_t child_pid_ = 0;                    // GUARDED_BY(mu_): also its process group id
  bool cancel_requested_ = false;          // GUARDED_BY(mu_): for current_task_
  bool reachable_ = true;                  // GUARDED_BY(mu_): for logging transitions only
  uint64_t task_counter_ = 0;              // run() thread only
  std::string current_session_;            // GUARDED_BY(mu_): a pyspark statement's session
  std::vector<std::string> to_close_;      // GUARDED_BY(mu_): interpreters the server ended
  InterpreterHost interpreters_;
};

}  // namespace eddy::cluster
