// Processes on this machine, as the local worker backend and the worker see them: starting a
// program as a child in its own session or process group (vfork + exec, with exec failures
// reported as a Status instead of a silent child exit), and reading what Linux says about a
// process in /proc (state, session, CPU time, resident memory, command line).
//
// Why one file for both: LocalBackend (server → `eddy worker`) and WorkerLoop (worker → `eddy
// run`) start children the same careful way (no inherited descriptors or ignored signals, a
// group that can be killed as one) and judge them the same way (a zombie is dead).
//
// Thread-safety: all functions are safe to call from any thread. spawn_process() vforks a
// possibly multi-threaded process: the child calls only async-signal-safe functions before
// exec, everything it needs is prepared in the parent.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace eddy::cluster {

struct SpawnOptions {
  // argv[0] is the path of the program (not searched in PATH).
  std::vector<std::string> argv;
  // The complete environment ("NAME=value"); see environment_with().
  std::vector<std::string> env;
  std::string cwd;  // "" = the parent's
  // Descriptors that become the child's 0/1/2; -1 = /dev/null. All other descriptors of the
  // parent are closed in the child (a server's listening socket must not outlive it in a
  // worker, or a restarted server could not bind its port again).
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  // kNewSession: setsid() — a worker, which must survive its server and whose session id
  // (= its pid) marks every process it starts. kNewProcessGroup: setpgid(0, 0) — a job,
  // killed as one group by kill(-pid).
  enum class Group { kNewSession, kNewProcessGroup };
  Group group = Group::kNewProcessGroup;
  // A Landlock ruleset (cluster/sandbox.h) the child restricts itself with before exec;
  // -1 = none. The caller keeps it open until spawn_process() returns.
  int landlock_ruleset_fd = -1;
  // PR_SET_PDEATHSIG SIGKILL: the child dies when the thread that spawned it ends (a worker's
  // session interpreters, which outlive their tasks but never the worker).
  bool die_with_parent = false;
};

// Starts the program; returns its pid once exec has succeeded. Errors (program missing, not
// executable, bad cwd) name the program and the failing step.
Result<pid_t> spawn_process(const SpawnOptions& options);

// The path of this process's executable (/proc/self/exe). If the file was replaced since the
// process started (an upgrade), the new file at that path: children run the new binary.
Result<std::string> self_executable();

// This process's environment with `overrides` ("NAME=value") replacing or adding variables.
std::vector<std::string> environment_with(const std::vector<std::string>& overrides);

// What /proc/PID/stat says. nullopt when the process does not exist (or /proc is unreadable).
struct ProcStat {
  char state = '?';  // 'R', 'S', 'D', 'Z' (zombie), ...
  pid_t pgrp = 0;
  pid_t session = 0;
  double cpu_seconds = 0;  // utime + stime
  int64_t rss_bytes = 0;
};
std::optional<ProcStat> read_proc_stat(pid_t pid);

// The arguments of a process (/proc/PID/cmdline split at NULs); empty if gone or a zombie.
std::vector<std::string> read_proc_cmdline(pid_t pid);

// Pids of every process whose session id is `session` (a scan of /proc).
std::vector<pid_t> session_members(pid_t session);

}  // namespace eddy::cluster
