// The worker protocol's messages (docs/worker-protocol.md) as types, with the one JSON mapping
// that both ends use: the server (controlplane/task_scheduler.h, worker_fleet.h) parses requests
// and writes answers with it, `eddy worker` (worker_loop.h) writes requests and parses answers
// with it. A field added here is added to both ends at once.
//
// Parsing never trusts types: a field of the wrong type is an error naming it (requests, where
// the server answers 400) or its default (answers, which a worker must survive from any server).
// Plain values, no shared state: thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/task_invocation.h"
#include "common/status.h"

namespace eddy::cluster::protocol {

// The exit codes a worker reports for a task it did not run to its own exit.
inline constexpr int kExitRefused = 126;     // argv not a job subcommand, bad files, no sandbox
inline constexpr int kExitSetupFailed = 1;   // the child could not be started
inline constexpr int kExitCancelled = -1;    // killed on a `cancel` action
inline constexpr int kExitStateLost = 125;   // a pyspark session's interpreter died: state gone
inline constexpr int kExitInvalidTask = 3;   // the server could not build the task (bad spec)

// Which attempt of which task a message is about.
struct TaskRef {
  std::string kind;  // "Batch" | "Statement" | ...
  std::string name;
  int64_t attempt = 0;
  bool operator==(const TaskRef&) const = default;
};

struct RegisterRequest {
  std::string cluster;
  std::string worker;
  int64_t pid = 0;
  int64_t cores = 0;
  int64_t memory_bytes = 0;
};
struct RegisterAnswer {
  int64_t heartbeat_interval_ms = 1000;
};

struct HeartbeatRequest {
  std::string cluster;
  int64_t pid = 0;
  int64_t rss_bytes = 0;
  double cpu_seconds = 0;
  std::optional<TaskRef> task;  // the task running now, if any
  std::vector<std::string> interpreters;  // the sessions whose interpreter lives here
};
enum class HeartbeatAction { kContinue, kStop, kCancel };
struct HeartbeatAnswer {
  HeartbeatAction action = HeartbeatAction::kContinue;
  std::vector<std::string> close_interpreters;  // of those, the sessions that ended
};

struct LeaseRequest {
  std::string cluster;
  int64_t wait_ms = 20000;  // long-poll; the server clamps it to [0, 30000]
};
// A task as a worker runs it: `EDDY_BINARY invocation.argv...` in a fresh directory holding
// invocation.files, confined to invocation.confine when set.
struct Task {
  TaskRef ref;
  TaskInvocation invocation;
  // Worker side only: why the invocation could not be read (the worker then refuses the task
  // with kExitRefused rather than leave the server waiting for it).
  Status unreadable;
};
struct LeaseAnswer {
  std::optional<Task> task;  // none when nothing came within waitMs
};

struct LogRequest {
  TaskRef task;
  std::vector<std::string> lines;
};

struct DoneReport {
  TaskRef task;
  int exit_code = 0;
  std::string stdout_text;  // capped by the worker (kMaxStdoutBytes)
  bool stdout_truncated = false;
  std::vector<std::string> stderr_tail;
  double cpu_seconds = 0;
  int64_t peak_rss_bytes = 0;
  double wall_seconds = 0;
};

// Requests: to_json on the worker, from_json on the server (errors name the field).
nlohmann::json to_json(const RegisterRequest& r);
Result<RegisterRequest> register_request_from_json(const nlohmann::json& j);
nlohmann::json to_json(const HeartbeatRequest& r);
Result<HeartbeatRequest> heartbeat_request_from_json(const nlohmann::json& j);
nlohmann::json to_json(const LeaseRequest& r);
Result<LeaseRequest> lease_request_from_json(const nlohmann::json& j);
nlohmann::json to_json(const LogRequest& r);
Result<LogRequest> log_request_from_json(const nlohmann::json& j);
nlohmann::json to_json(const DoneReport& r);
Result<DoneReport> done_report_from_json(const nlohmann::json& j);

// Answers: to_json on the server, from_json on the worker (lenient: defaults on bad types; a
// task whose invocation cannot be read comes back with Task::unreadable set; a task without a
// name is an error).
nlohmann::json to_json(const RegisterAnswer& a);
RegisterAnswer register_answer_from_json(const nlohmann::json& j);
nlohmann::json to_json(const HeartbeatAnswer& a);
HeartbeatAnswer heartbeat_answer_from_json(const nlohmann::json& j);
nlohmann::json to_json(const LeaseAnswer& a);
Result<LeaseAnswer> lease_answer_from_json(const nlohmann::json& j);

nlohmann::json to_json(const TaskRef& t);

}  // namespace eddy::cluster::protocol
