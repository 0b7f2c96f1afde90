// One attempt of one task instance: a shell command, a PythonOperator's callable, an HTTP
// request, or nothing — run to its end (or its execution timeout, or a cancel) with its output
// in the attempt's log file, as Airflow's LocalTaskJob runs a try. Sensors are not attempts in
// this sense: the run engine pokes them itself (sensor_poke.h) and holds no slot while they wait.
//
// Thread-safety: run_attempt blocks its calling thread (the engine runs each attempt on a
// thread of its own); AttemptRequest is owned by that thread; `cancel` is shared with the engine.
#pragma once

#include <atomic>
#include <string>

#include "common/clock.h"
#include "workflow/template.h"
#include "workflow/workflow_spec.h"

namespace eddy::workflow {

struct AttemptRequest {
  const WorkflowSpec* workflow = nullptr;
  const TaskSpec* task = nullptr;
  RunContext context;      // templates of this task instance
  int try_number = 1;
  std::string log_path;    // appended to (created with its directory)
  Micros deadline = 0;     // execution timeout as an instant; 0 = none
  std::string python;      // the python3 that runs PythonOperator callables
  std::string python_dir;  // holds eddy_dag_loader.py and the airflow package
  const std::atomic<bool>* cancel = nullptr;  // set: stop the attempt (the process group is killed)
};

struct AttemptOutcome {
  enum class Kind { kSuccess, kFailed, kSkipped };
  Kind kind = Kind::kFailed;
  int exit_code = -1;
  std::string message;  // one line: why it failed or was skipped
};

AttemptOutcome run_attempt(const AttemptRequest& request);

}  // namespace eddy::workflow
