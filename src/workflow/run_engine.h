// The run engine: Airflow's scheduler and executor for a set of workflow runs, in one process.
// It claims each run in the run store, walks its task instances through Airflow's states
// (none -> scheduled -> running -> success | failed | up_for_retry | skipped | upstream_failed;
// sensors: up_for_reschedule between pokes), starts every ready task at once (no heartbeat, no
// polling loop: a task's end wakes the engine, which starts its downstream tasks within
// microseconds), and writes each change to the store before acting on it, so that a killed
// process's runs resume where they stopped: a task that succeeded never runs again.
//
// Used standalone by `eddy workflow run/backfill` (embedded SQLite state) and, with the same
// semantics, by the Workflow kind of `eddy serve`.
//
// Threading: run() owns the engine's state on its calling thread; each attempt runs on a thread
// of its own and reports back through a queue (mu_ + cv_). cancel() may be called from any
// thread (a signal handler's thread): running attempts are killed, their task instances are
// left resumable, and run() returns kFailedPrecondition("cancelled").
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "workflow/run_store.h"
#include "workflow/task_attempt.h"
#include "workflow/workflow_spec.h"

namespace eddy::workflow {

struct EngineOptions {
  int parallelism = 32;  // attempts running at once (Airflow's [core] parallelism)
  std::string log_dir;   // attempt logs: LOG_DIR/dag_id=D/run_id=R/task_id=T.attempt=N.log
  std::string python = "/usr/bin/python3";
  std::string python_dir;  // eddy_dag_loader.py + the airflow package (PythonOperator tasks)
  Clock* clock = SystemClock::instance();
  // Finished task instances of an existing run in state failed or upstream_failed run again
  // (Airflow's backfill --rerun-failed-tasks); otherwise they keep their state.
  bool rerun_failed = false;
  // One line per task state change ("2019-12-02 dag_query.transform running (try 1)").
  std::function<void(const std::string&)> on_event;
};

struct RunRequest {
  std::string workflow;
  Micros logical_date = 0;
  std::string run_type = "backfill";  // backfill | scheduled | manual
};

// The attempt log of a task instance (also what `eddy workflow logs` reads).
std::string attempt_log_path(const std::string& log_dir, const std::string& workflow,
                             const std::string& run_id, const std::string& task, int try_number);
// Airflow's run id: "backfill__2019-12-02T00:00:00+00:00".
std::string make_run_id(const std::string& run_type, Micros logical_date);

class RunEngine {
 public:
  RunEngine(RunStore* store, EngineOptions options);
  ~RunEngine();
  RunEngine(const RunEngine&) = delete;
  RunEngine& operator=(const RunEngine&) = delete;

  // Workflows the runs name, and the ones sensors look at (a sensor on a workflow that is not
  // here still works across processes: it reads the store).
  void add_workflow(std::shared_ptr<const WorkflowSpec> w);

  // Runs every request to its end (runs of one workflow in logical-date order, at most its
  // maxActiveRuns at once) and returns the runs as they ended.
  Result<std::vector<RunRecord>> run(const std::vector<RunRequest>& requests);

  void cancel();

 private:
  struct ActiveRun;
  struct Attempt;
  struct Done {
    ActiveRun* run;
    int task;
    AttemptOutcome outcome;
    Micros ended_at;  // when the attempt ended (its thread's clock reading)
  };

  Status activate(ActiveRun* run);
  Status schedule(ActiveRun* run, Micros now, std::vector<std::pair<ActiveRun*, int>>* ready);
  Status start_attempt(ActiveRun* run, int task, Micros now);
  Status poke(ActiveRun* run, int task, Micros now);
  Status run_empty(ActiveRun* run, int task);
  void launch_attempts();
  Status finish(ActiveRun* run, int task, const AttemptOutcome& outcome, Micros now);
  Status set_state(ActiveRun* run, int task, const std::string& state, Micros now,
                   const std::string& message = "");
  Status finalize_if_done(ActiveRun* run, Micros now, bool* done);
  RunContext context_of(const ActiveRun& run, int task) const;
  void event(const ActiveRun& run, int task, const std::string& what) const;
  void wake_external_sensors();

  RunStore* store_;
  EngineOptions options_;
  std::map<std::string, std::shared_ptr<const WorkflowSpec>> workflows_;
  std::string owner_;
  std::vector<std::unique_ptr<ActiveRun>> active_;  // run()'s thread only
  std::map<std::pair<ActiveRun*, int>, std::unique_ptr<Attempt>> attempts_;  // run()'s thread only
  int running_ = 0;                                                          // run()'s thread only
  std::vector<std::pair<ActiveRun*, int>> to_launch_;  // started, thread not yet; run()'s thread only
  uint64_t transitions_ = 0;  // task state changes written; run()'s thread only

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Done> done_;  // GUARDED_BY(mu_)
  std::atomic<bool> cancelled_{false};
};

}  // namespace eddy::workflow
