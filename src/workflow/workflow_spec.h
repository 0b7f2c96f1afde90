// The Workflow manifest (docs/workflows.md) as a validated C++ value: Airflow's DAG — tasks,
// their dependencies, trigger rules, retry policies and actions — plus the schedule its runs
// follow. Built from the manifest's JSON form (YAML manifests and Airflow DAG files both arrive
// as that JSON); every error names the field ("spec.tasks[2].dependsOn: unknown task 'x'").
//
// Thread-safety: plain values, immutable once parsed; share freely.
#pragma once

#include <absl/time/time.h>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "workflow/schedule.h"

namespace eddy::workflow {

// Airflow's trigger rules (airflow/utils/trigger_rule.py): when a task may start, given the
// states of its upstream tasks.
enum class TriggerRule {
  kAllSuccess,
  kAllFailed,
  kAllDone,
  kOneSuccess,
  kOneFailed,
  kNoneFailed,
  kNoneFailedMinOneSuccess,
  kNoneSkipped,
  kAlways,
};
const char* trigger_rule_name(TriggerRule r);

struct RetryPolicy {
  int retries = 0;               // attempts after the first
  Micros delay = 300'000'000;    // Airflow's default_task_retry_delay: 300 s
  bool exponential = false;      // retry_exponential_backoff
  Micros max_delay = 86'400'000'000;  // max_retry_delay / max_task_retry_delay: 1 day
};

struct EmptyAction {};

struct ShellAction {
  std::string command;                       // run as `bash -c COMMAND`; templated
  std::map<std::string, std::string> env;    // added to the environment; values templated
  std::string cwd;                           // "" = the workflow's directory
  int skip_exit_code = 99;                   // Airflow's BashOperator skip_exit_code
};

// A PythonOperator of a DAG file: the callable is called in a fresh python3 that imports the
// file again (python/eddy_dag_loader.py run-python).
struct PythonAction {
  std::string file;
  std::string dag;
  std::string task;
};

struct HttpAction {
  std::string url;  // templated
  std::string method = "GET";
  std::map<std::string, std::string> headers;
  std::string body;
  int expect_status = 200;
};

// Waits for another workflow's task instance (or whole run) of logical date
// `logical_date - execution_delta` (Airflow's ExternalTaskSensor).
struct ExternalTaskWait {
  std::string workflow;
  std::string task;  // "" = the run itself
  Micros execution_delta = 0;
  std::vector<std::string> allowed_states{"success"};
  std::vector<std::string> failed_states;
};
struct PathWait {
  std::string path;  // a local path or an s3:// URI; templated
};
struct TimeWait {
  int64_t seconds_of_day = 0;  // wall-clock time in the workflow's time zone
};

struct SensorAction {
  std::variant<ExternalTaskWait, PathWait, TimeWait> what;
  Micros timeout = 7LL * 86'400'000'000;  // Airflow's [sensors] default_timeout
  Micros poke_interval = 60'000'000;      // Airflow's default
  bool soft_fail = false;                 // a timeout ends "skipped" instead of "failed"
};

using TaskAction = std::variant<EmptyAction, ShellAction, PythonAction, HttpAction, SensorAction>;
const char* action_kind(const TaskAction& a);  // "empty", "shell", "python", "http", "sensor"

struct TaskSpec {
  std::string name;
  std::vector<std::string> depends_on;  // upstream task names, as written
  TriggerRule trigger_rule = TriggerRule::kAllSuccess;
  RetryPolicy retry;
  std::optional<Micros> execution_timeout;
  TaskAction action;
  nlohmann::json params = nlohmann::json::object();  // the task's own params (over the workflow's)
};

struct WorkflowSpec {
  std::string name;
  Schedule schedule;
  std::string timezone = "UTC";
  std::optional<Micros> start_date;
  std::optional<Micros> end_date;
  bool catchup = true;
  int max_active_runs = 16;
  int max_active_tasks = 16;
  nlohmann::json params = nlohmann::json::object();
  std::vector<TaskSpec> tasks;  // in a topological order (every upstream before its tasks)
  std::string base_dir;         // where relative paths and shell cwd resolve ("" = process cwd)
  std::string source_file;      // the manifest or DAG file it came from, if any

  // Index of the task named `name` in `tasks`, or -1.
  int task_index(const std::string& name) const;
  // For each task (by index), the indexes of its upstream and downstream tasks.
  std::vector<std::vector<int>> upstream;
  std::vector<std::vector<int>> downstream;
};

// A date as workflows take it: RFC 3339 with a zone, or a civil date/time without one
// ("2019-12-02", "2019-12-02T10:00:00"), which is read in `tz`.
Result<Micros> parse_workflow_date(const std::string& text, const absl::TimeZone& tz);

// Validates a Workflow manifest (apiVersion/kind/metadata/spec as JSON). `base_dir` is where
// its relative paths resolve. Unknown fields are errors naming them.
Result<WorkflowSpec> parse_workflow(const nlohmann::json& manifest, const std::string& base_dir);

}  // namespace eddy::workflow
