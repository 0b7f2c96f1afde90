// InterpreterHost: the Python interpreters of the `pyspark` sessions a worker hosts. A pyspark
// session keeps its state (variables, cached RDDs) between statements, as Livy's PySpark REPL
// does, so its statements cannot be fresh processes like other tasks: the first statement of a
// session on this worker starts `python3 eddy_repl.py` (python/eddy_repl.py, from the bundle
// compiled into eddy) in WORK_DIR/sessions/<session>/, and every statement is one request line
// to it and one reply line back (the protocol is in eddy_repl.py). The server sends all of a
// session's statements to the worker that holds its interpreter (TaskScheduler's pinning).
//
// An interpreter lives until the server says its session ended (close()), the worker stops
// (they die with it: PR_SET_PDEATHSIG), or it dies. A cancel interrupts the running statement
// with SIGINT (KeyboardInterrupt: the session keeps its state); a statement that ignores it
// for kInterruptGrace is killed with its interpreter, and the session's later statements fail
// with the reason (its state is gone: a new session is needed, as with a dead Livy driver).
//
// Interpreters run confined like tasks (the statement's Confinement: Landlock) with the task
// environment (EDDY_THREADS, EDDY_MEMORY, EDDY_ALLOW_BUCKETS, TMPDIR = the session directory)
// plus EDDY_BINARY (the package runs `eddy sql` and `eddy fs`) and PYTHONPATH (the bundle).
//
// Thread-safety: run() from one thread (the worker's task thread); the others from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/sandbox.h"
#include "common/status.h"

namespace eddy::cluster {

struct InterpreterOptions {
  std::string python = "/usr/bin/python3";  // EDDY_PYTHON overrides it (cmd_worker)
  std::string work_dir;                     // sessions live in WORK_DIR/sessions/<session>/
  std::string eddy_binary;
  int cores = 1;
  int64_t memory_bytes = 0;
};

inline constexpr auto kInterruptGrace = std::chrono::seconds(10);
inline constexpr auto kInterpreterStartTimeout = std::chrono::seconds(60);

class InterpreterHost {
 public:
  struct Outcome {
    nlohmann::json reply;     // the REPL's reply (status ok/error ...); null when failure is set
    bool interrupted = false; // a cancel's SIGINT stopped the statement (or killed the REPL)
    std::string failure;      // why there is no reply: the interpreter could not start or died
    bool state_lost = false;  // it died (now or before): the session's state is gone
    double wall_seconds = 0;
    double cpu_seconds = 0;       // the interpreter's CPU time during the statement
    int64_t peak_rss_bytes = 0;   // the interpreter's resident memory after it
  };
  using LineSink = std::function<void(std::string)>;

  explicit InterpreterHost(InterpreterOptions options);
  ~InterpreterHost();  // kills every interpreter
  InterpreterHost(const InterpreterHost&) = delete;
  InterpreterHost& operator=(const InterpreterHost&) = delete;

  // Runs one request ({"code", "kind"}) in `session`'s interpreter, starting it first when
  // there is none (confined by `confine` when set). Blocks until the reply; the interpreter's
  // log lines go to `log` meanwhile.
  Outcome run(const std::string& session, const nlohmann::json& request,
              const std::optional<Confinement>& confine, const LineSink& log);
  // SIGINT to the running statement's interpreter and its children (a cancel). No-op when
  // `session` runs nothing.
  void interrupt(const std::string& session);
  // Stops `session`'s interpreter and removes its directory (its session ended). False when a
  // statement of it is running (close it after that statement).
  bool close(const std::string& session);
  void close_all();
  std::vector<std::string> sessions() const;
  std::vector<pid_t> pids() const;

 private:
  struct Interpreter {
    pid_t pid = 0;  // also its process group
    int to_repl = -1, from_repl = -1, log_fd = -1;
    std::string dir;
    std::string dead;  // why its state is gone (it stays listed so statements say why)
    std::string pending_log;  // a log line not yet ended by '\n'
    std::string pending_reply;
  };
  Result<std::shared_ptr<Interpreter>> start(const std::string& session,
                                             const std::optional<Confinement>& confine,
                                             const LineSink& log);
  // Reads until a whole reply line arrives, the process dies, or `deadline` passes.
  enum class Wait { kLine, kDied, kTimeout };
  Wait read_reply(Interpreter& in, const LineSink& log, std::string* line,
                  std::chrono::steady_clock::time_point deadline);
  // Kills and reaps it, closes its pipes, records `why` (if any) as why its state is gone;
  // returns its wait status.
  int kill_interpreter(Interpreter& in, const std::string& why);

  const InterpreterOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Interpreter>> interpreters_;  // GUARDED_BY(mu_)
  std::string running_;                                              // GUARDED_BY(mu_)
  std::optional<std::chrono::steady_clock::time_point> interrupted_at_;  // GUARDED_BY(mu_)
};

}  // namespace eddy::cluster
