// The durable state of workflow runs (Airflow's metadata database): the workflows known, their
// runs (one per workflow and logical date) and task instances, in one SQLite file. It is the
// truth after a crash: the run engine writes every state change here before acting on it, and
// a process that reopens the file resumes where the last one stopped.
//
// Several processes may share one file (the article runs two backfills side by side, and their
// sensors read each other's task states): WAL mode, a busy timeout, and runs *claimed* by one
// live process at a time (owner = "host:pid:start-time"; an owner whose process is gone frees
// its runs).
//
// Thread-safety: every method locks one mutex (one connection per RunStore).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace eddy::workflow {

struct RunRecord {
  std::string workflow;
  Micros logical_date = 0;
  std::string run_id;    // "backfill__2019-12-02T00:00:00+00:00", as Airflow names them
  std::string run_type;  // backfill | scheduled | manual
  std::string state;     // queued | running | success | failed
  Micros interval_start = 0;
  Micros interval_end = 0;
  Micros start_time = 0;  // 0 = not yet
  Micros end_time = 0;
  std::string owner;  // the process working on it ("" = none)
};

struct TaskRecord {
  std::string workflow;
  Micros logical_date = 0;
  std::string task;
  std::string state = "none";  // Airflow's task instance states; "none" = not yet scheduled
  int try_number = 0;          // attempts started so far
  int max_tries = 0;           // retries + 1 - clears reset this
  Micros start_time = 0;
  Micros end_time = 0;
  Micros next_attempt_at = 0;  // up_for_retry / up_for_reschedule: not before this
  Micros first_poke_at = 0;    // sensors: their timeout counts from here
  int exit_code = -1;
  std::string message;  // why it failed / was skipped, for describe
};

class RunStore {
 public:
  // Opens (creating) the database file; its directory must exist.
  static Result<std::unique_ptr<RunStore>> open(const std::string& path);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  // The identity of this process as an owner of runs.
  static std::string this_process_owner();
  // Whether the process an owner string names still runs (false for another host: such an
  // owner is trusted to be alive, so only a local process may take its runs over).
  static bool owner_alive(const std::string& owner);

  Status put_workflow(const std::string& name, const std::string& manifest_json);
  Result<std::optional<std::string>> get_workflow(const std::string& name);
  Result<std::vector<std::string>> workflow_names();

  // Creates the run if it does not exist; makes `owner` its owner unless a live process owns it
  // (then *claimed is false and the run is returned as stored).
  Result<RunRecord> claim_run(const RunRecord& proposed, const std::string& owner, bool* claimed);
  Status update_run(const RunRecord& run);
  Result<std::optional<RunRecord>> get_run(const std::string& workflow, Micros logical_date);
  // Runs of one workflow ("" = all), newest logical date first.
  Result<std::vector<RunRecord>> list_runs(const std::string& workflow, int limit = 1000);

  // Groups the writes that follow into one transaction (one commit instead of one per write:
  // the engine commits once per pass, before it starts the tasks the pass decided on).
  // Not nestable; claim_run must not be called inside a batch.
  Status begin_batch();
  Status commit_batch();
  void abort_batch();  // rolls back if a batch is open

  Result<std::vector<TaskRecord>> task_instances(const std::string& workflow, Micros logical_date);
  Status put_task(const TaskRecord& t);  // insert or replace
  // The state of one task instance ("none" if it has no row).
  Result<std::optional<std::string>> task_state(const std::string& workflow, Micros logical_date,
                                                const std::string& task);

 private:
  explicit RunStore(sqlite3* db) : db_(db) {}
  Status exec(const char* sql);
  Status error(const char* what) const;

  std::mutex mu_;
  sqlite3* db_;            // GUARDED_BY(mu_); owned
  bool in_batch_ = false;  // GUARDED_BY(mu_)
};

}  // namespace eddy::workflow
