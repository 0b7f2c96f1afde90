#include "workflow/run_engine.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "common/time_format.h"
#include "workflow/sensor_poke.h"
#include "workflow/trigger_rule.h"

namespace eddy::workflow {
namespace {

// How often an ExternalTaskSensor reads the store when nothing in this process changed: the
// awaited task may run in another process. Reading the local store costs microseconds, so this
// ignores a longer pokeInterval (Airflow's 60 s default exists to spare remote systems).
constexpr Micros kExternalPollInterval = 1'000'000;
// How often a run owned by another live process is looked at again.
constexpr Micros kClaimRetryInterval = 1'000'000;

const std::set<std::string>& finished_states() {
  static const std::set<std::string> k = {"success", "failed", "skipped", "upstream_failed", "removed"};
  return k;
}

std::string date_text(Micros t) { return format_rfc3339(t).substr(0, 10); }

// Airflow's next_retry_datetime (taskinstance.py): with exponential backoff the delay doubles
// per try, plus a deterministic jitter (a hash of the task instance and try) of up to the same
// amount, capped by maxRetryDelay.
Micros retry_delay(const RetryPolicy& p, const std::string& key, int try_number) {
  if (!p.exponential) return std::min(p.delay, p.max_delay);
  const double base_s = static_cast<double>(p.delay) / 1e6;
  // At least 1 s, as Airflow bounds it (a 0 s delay would otherwise never back off).
  const double min_backoff =
      std::max(1.0, std::ceil(base_s * std::pow(2.0, std::max(0, try_number - 1))));
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across runs and builds
  for (char c : key + "#" + std::to_string(try_number)) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  const double jitter = static_cast<double>(h % static_cast<uint64_t>(min_backoff));
  const double total_s = std::min(min_backoff + jitter, static_cast<double>(p.max_delay) / 1e6);
  return static_cast<Micros>(total_s * 1e6);
}

}  // namespace

struct RunEngine::ActiveRun {
  const WorkflowSpec* w = nullptr;
  RunRecord rec;
  std::vector<TaskRecord> tis;  // by task index
  int running = 0;
};

struct RunEngine::Attempt {
  AttemptRequest request;
  std::thread thread;
  std::atomic<bool> cancel{false};
};

std::string make_run_id(const std::string& run_type, Micros logical_date) {
  std::string ts = format_rfc3339(logical_date);
  if (!ts.empty() && ts.back() == 'Z') ts = ts.substr(0, ts.size() - 1) + "+00:00";
  return run_type + "__" + ts;
}

std::string attempt_log_path(const std::string& log_dir, const std::string& workflow,
                             const std::string& run_id, const std::string& task, int try_number) {
  return (std::filesystem::path(log_dir) / ("dag_id=" + workflow) / ("run_id=" + run_id) /
          ("task_id=" + task + ".attempt=" + std::to_string(try_number) + ".log"))
      .string();
}

RunEngine::RunEngine(RunStore* store, EngineOptions options)
    : store_(store), options_(std::move(options)), owner_(RunStore::this_process_owner()) {}

RunEngine::~RunEngine() {
  cancel();
  for (auto& [key, a] : attempts_)
    if (a->thread.joinable()) a->thread.join();
}

void RunEngine::add_workflow(std::shared_ptr<const WorkflowSpec> w) { workflows_[w->name] = std::move(w); }

void RunEngine::cancel() {
  cancelled_ = true;
  std::lock_guard<std::mutex> l(mu_);
  cv_.notify_all();
}

void RunEngine::event(const ActiveRun& run, int task, const std::string& what) const {
  if (!options_.on_event) return;
  options_.on_event(date_text(run.rec.logical_date) + " " + run.w->name + "." +
                    run.w->tasks[task].name + " " + what);
}

RunContext RunEngine::context_of(const ActiveRun& run, int task) const {
  RunContext c;
  c.dag_id = run.w->name;
  c.task_id = run.w->tasks[task].name;
  c.run_id = run.rec.run_id;
  c.logical_date = run.rec.logical_date;
  c.data_interval_start = run.rec.interval_start;
  c.data_interval_end = run.rec.interval_end;
  c.prev_logical_date = run.w->schedule.prev_date(run.rec.logical_date);
  c.next_logical_date = run.w->schedule.next_date(run.rec.logical_date);
  c.params = run.w->params;
  for (auto& [k, v] : run.w->tasks[task].params.items()) c.params[k] = v;
  return c;
}

// Loads (or creates) the run's task instances. The run is ours: whatever a dead owner left
// running or queued runs again (it never reported an end); finished instances keep their state.
Status RunEngine::activate(ActiveRun* run) {
  const WorkflowSpec& w = *run->w;
  EDDY_ASSIGN_OR_RETURN(auto stored, store_->task_instances(w.name, run->rec.logical_date));
  std::map<std::string, TaskRecord> by_name;
  for (auto& t : stored) by_name[t.task] = std::move(t);
  run->tis.clear();
  for (const auto& spec : w.tasks) {
    TaskRecord t;
    auto it = by_name.find(spec.name);
    if (it != by_name.end()) {
      t = it->second;
    } else {
      t.workflow = w.name;
      t.logical_date = run->rec.logical_date;
      t.task = spec.name;
      t.max_tries = spec.retry.retries + 1;
    }
    const bool rerun = options_.rerun_failed && (t.state == "failed" || t.state == "upstream_failed");
    if (t.state == "running" || t.state == "queued" || t.state == "scheduled" || rerun) {
      t.state = "none";
      if (rerun) t.max_tries = t.try_number + spec.retry.retries + 1;
      EDDY_RETURN_IF_ERROR(store_->put_task(t));
    } else if (it == by_name.end()) {
      EDDY_RETURN_IF_ERROR(store_->put_task(t));
    }
    run->tis.push_back(std::move(t));
  }
  if (run->rec.state != "running") {
    run->rec.state = "running";
    if (!run->rec.start_time) run->rec.start_time = options_.clock->now();
    run->rec.end_time = 0;
    EDDY_RETURN_IF_ERROR(store_->update_run(run->rec));
  }
  return Status::ok();
}

Status RunEngine::set_state(ActiveRun* run, int task, const std::string& state, Micros now,
                            const std::string& message) {
  TaskRecord& t = run->tis[task];
  t.state = state;
  if (finished_states().count(state)) {
    t.end_time = now;
    t.next_attempt_at = 0;
  }
  if (!message.empty() || finished_states().count(state)) t.message = message;
  EDDY_RETURN_IF_ERROR(store_->put_task(t));
  ++transitions_;
  wake_external_sensors();
  return Status::ok();
}

void RunEngine::wake_external_sensors() {
  for (auto& r : active_)
    for (size_t i = 0; i < r->tis.size(); ++i) {
      auto& t = r->tis[i];
      if (t.state != "up_for_reschedule") continue;
      const auto* s = std::get_if<SensorAction>(&r->w->tasks[i].action);
      if (s && std::holds_alternative<ExternalTaskWait>(s->what)) t.next_attempt_at = 0;
    }
}

// One pass over a run's task instances in topological order: every fate that is decided is
// written (upstream_failed and skipped cascade within the pass), every ready task is collected.
Status RunEngine::schedule(ActiveRun* run, Micros now, std::vector<std::pair<ActiveRun*, int>>* ready) {
  const WorkflowSpec& w = *run->w;
  for (size_t i = 0; i < w.tasks.size(); ++i) {
    TaskRecord& t = run->tis[i];
    if (t.state == "up_for_retry" || t.state == "up_for_reschedule") {
      if (t.next_attempt_at <= now) ready->emplace_back(run, static_cast<int>(i));
      continue;
    }
    if (t.state != "none") continue;
    UpstreamCounts c;
    for (int u : w.upstream[i]) {
      const std::string& s = run->tis[u].state;
      ++c.total;
      if (s == "success") ++c.success;
      else if (s == "skipped") ++c.skipped;
      else if (s == "failed") ++c.failed;
      else if (s == "upstream_failed") ++c.upstream_failed;
    }
    switch (evaluate_trigger_rule(w.tasks[i].trigger_rule, c)) {
      case Readiness::kWait:
        break;
      case Readiness::kReady:
        t.state = "scheduled";  // in memory: written when it starts
        ready->emplace_back(run, static_cast<int>(i));
        break;
      case Readiness::kUpstreamFailed:
        EDDY_RETURN_IF_ERROR(set_state(run, static_cast<int>(i), "upstream_failed", now,
                                       "an upstream task failed"));
        event(*run, static_cast<int>(i), "upstream_failed");
        break;
      case Readiness::kSkipped:
        EDDY_RETURN_IF_ERROR(set_state(run, static_cast<int>(i), "skipped", now,
                                       std::string("trigger rule ") +
                                           trigger_rule_name(w.tasks[i].trigger_rule)));
        event(*run, static_cast<int>(i), "skipped");
        break;
    }
  }
  return Status::ok();
}

Status RunEngine::poke(ActiveRun* run, int task, Micros now) {
  const TaskSpec& spec = run->w->tasks[task];
  const auto& sensor = std::get<SensorAction>(spec.action);
  TaskRecord& t = run->tis[task];
  const bool first = t.state != "up_for_reschedule";
  if (first) {
    ++t.try_number;
    if (!t.first_poke_at || t.state == "scheduled" || t.state == "up_for_retry") t.first_poke_at = now;
    t.start_time = now;
  }
  PokeResult r = poke_sensor(sensor, *run->w, context_of(*run, task), *store_, now);
  if (r.kind == PokeResult::Kind::kDone) {
    EDDY_RETURN_IF_ERROR(set_state(run, task, "success", now, r.message));
    event(*run, task, "success (" + r.message + ")");
    return Status::ok();
  }
  if (r.kind == PokeResult::Kind::kFailed)
    return finish(run, task, {AttemptOutcome::Kind::kFailed, -1, r.message}, now);
  if (now - t.first_poke_at >= sensor.timeout) {
    const std::string why = "sensor timed out after " + format_duration(sensor.timeout) + ": " + r.message;
    if (sensor.soft_fail) {
      EDDY_RETURN_IF_ERROR(set_state(run, task, "skipped", now, why));
      event(*run, task, "skipped (" + why + ")");
    } else {  // Airflow's AirflowSensorTimeout: no retries
      EDDY_RETURN_IF_ERROR(set_state(run, task, "failed", now, why));
      event(*run, task, "failed (" + why + ")");
    }
    return Status::ok();
  }
  Micros interval = sensor.poke_interval;
  if (std::holds_alternative<ExternalTaskWait>(sensor.what)) interval = std::min(interval, kExternalPollInterval);
  t.next_attempt_at = std::min(now + interval, t.first_poke_at + sensor.timeout);
  if (first) {
    t.state = "up_for_reschedule";
    t.message = r.message;
    EDDY_RETURN_IF_ERROR(store_->put_task(t));
    event(*run, task, "up_for_reschedule (" + r.message + ")");
  }
  return Status::ok();
}

Status RunEngine::start_attempt(ActiveRun* run, int task, Micros now) {
  const TaskSpec& spec = run->w->tasks[task];
  TaskRecord& t = run->tis[task];
  ++t.try_number;
  if (t.max_tries < t.try_number) t.max_tries = t.try_number;
  t.start_time = now;
  t.end_time = 0;
  t.exit_code = -1;
  t.message.clear();
  t.state = "running";
  EDDY_RETURN_IF_ERROR(store_->put_task(t));
  event(*run, task, "running (try " + std::to_string(t.try_number) + ")");
  auto attempt = std::make_unique<Attempt>();
  AttemptRequest req;
  req.workflow = run->w;
  req.task = &spec;
  req.context = context_of(*run, task);
  req.try_number = t.try_number;
  req.log_path = attempt_log_path(options_.log_dir, run->w->name, run->rec.run_id, spec.name, t.try_number);
  if (spec.execution_timeout) req.deadline = now + *spec.execution_timeout;
  req.python = options_.python;
  req.python_dir = options_.python_dir;
  req.cancel = &attempt->cancel;
  ++running_;
  ++run->running;
  attempt->request = std::move(req);
  attempts_[{run, task}] = std::move(attempt);
  to_launch_.emplace_back(run, task);  // once the pass's writes are committed
  return Status::ok();
}

void RunEngine::launch_attempts() {
  for (const auto& key : to_launch_) {
    Attempt* a = attempts_.at(key).get();
    a->thread = std::thread([this, key, a]() {
      AttemptOutcome out = run_attempt(a->request);
      const Micros ended_at = options_.clock->now();
      std::lock_guard<std::mutex> l(mu_);
      done_.push_back({key.first, key.second, std::move(out), ended_at});
      cv_.notify_all();
    });
  }
  to_launch_.clear();
}

Status RunEngine::run_empty(ActiveRun* run, int task) {
  TaskRecord& t = run->tis[task];
  ++t.try_number;
  if (t.max_tries < t.try_number) t.max_tries = t.try_number;
  t.start_time = options_.clock->now();
  t.exit_code = 0;
  EDDY_RETURN_IF_ERROR(set_state(run, task, "success", t.start_time));
  event(*run, task, "success");
  return Status::ok();
}

Status RunEngine::finish(ActiveRun* run, int task, const AttemptOutcome& out, Micros now) {
  const TaskSpec& spec = run->w->tasks[task];
  TaskRecord& t = run->tis[task];
  t.exit_code = out.exit_code;
  const std::string took = t.start_time ? " in " + format_duration(std::max<Micros>(now - t.start_time, 0) / 1000 * 1000) : "";
  switch (out.kind) {
    case AttemptOutcome::Kind::kSuccess:
      EDDY_RETURN_IF_ERROR(set_state(run, task, "success", now));
      event(*run, task, "success" + took);
      return Status::ok();
    case AttemptOutcome::Kind::kSkipped:
      EDDY_RETURN_IF_ERROR(set_state(run, task, "skipped", now, out.message));
      event(*run, task, "skipped (" + out.message + ")");
      return Status::ok();
    case AttemptOutcome::Kind::kFailed:
      break;
  }
  if (t.try_number < t.max_tries && !cancelled_) {
    const std::string key = run->w->name + "#" + spec.name + "#" + run->rec.run_id;
    const Micros delay = retry_delay(spec.retry, key, t.try_number);
    t.next_attempt_at = now + delay;
    t.end_time = now;
    EDDY_RETURN_IF_ERROR(set_state(run, task, "up_for_retry", now, out.message));
    event(*run, task, "up_for_retry (" + out.message + "; try " + std::to_string(t.try_number + 1) +
                          " of " + std::to_string(t.max_tries) + " in " + format_duration(delay) + ")");
    return Status::ok();
  }
  EDDY_RETURN_IF_ERROR(set_state(run, task, "failed", now, out.message));
  event(*run, task, "failed (" + out.message + ")" + took);
  return Status::ok();
}

Status RunEngine::finalize_if_done(ActiveRun* run, Micros now, bool* done) {
  *done = false;
  if (run->running > 0) return Status::ok();
  for (const auto& t : run->tis)
    if (!finished_states().count(t.state)) return Status::ok();
  bool ok = true;
  for (size_t i = 0; i < run->tis.size(); ++i)
    if (run->w->downstream[i].empty() && run->tis[i].state != "success" && run->tis[i].state != "skipped")
      ok = false;
  run->rec.state = ok ? "success" : "failed";
  run->rec.end_time = now;
  run->rec.owner.clear();
  EDDY_RETURN_IF_ERROR(store_->update_run(run->rec));
  if (options_.on_event)
    options_.on_event(date_text(run->rec.logical_date) + " " + run->w->name + " run " + run->rec.state);
  *done = true;
  return Status::ok();
}

Result<std::vector<RunRecord>> RunEngine::run(const std::vector<RunRequest>& requests) {
  std::deque<RunRequest> pending;
  for (const auto& r : requests) {
    if (!workflows_.count(r.workflow)) return not_found("workflow " + r.workflow + ": not loaded");
    pending.push_back(r);
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const RunRequest& a, const RunRequest& b) { return a.logical_date < b.logical_date; });
  std::vector<RunRecord> ended;
  Micros retry_claims_at = 0;
  bool cancel_sent = false;  // the running attempts were told to stop
  Status failure = Status::ok();
  while (failure.is_ok()) {
    Micros now = options_.clock->now();
    // 1. Take on pending runs, within each workflow's maxActiveRuns.
    if (now >= retry_claims_at) {
      bool blocked = false;
      for (auto it = pending.begin(); it != pending.end();) {
        const auto& w = workflows_[it->workflow];
        int active_of_w = 0;
        for (auto& a : active_) active_of_w += a->w == w.get();
        if (active_of_w >= w->max_active_runs) {
          ++it;
          continue;
        }
        RunRecord proposed;
        proposed.workflow = w->name;
        proposed.logical_date = it->logical_date;
        proposed.run_type = it->run_type;
        proposed.run_id = make_run_id(it->run_type, it->logical_date);
        proposed.state = "queued";
        proposed.interval_start = it->logical_date;
        proposed.interval_end = w->schedule.interval_end(it->logical_date);
        bool claimed = false;
        auto rec = store_->claim_run(proposed, owner_, &claimed);
        if (!rec.is_ok()) {
          failure = rec.status();
          break;
        }
        if (!claimed) {  // another live process works on it: look again later
          blocked = true;
          ++it;
          continue;
        }
        auto run = std::make_unique<ActiveRun>();
        run->w = w.get();
        run->rec = *rec;
        if (Status s = activate(run.get()); !s.is_ok()) {
          failure = s;
          break;
        }
        active_.push_back(std::move(run));
        it = pending.erase(it);
      }
      retry_claims_at = blocked ? now + kClaimRetryInterval : 0;
    }
    if (!failure.is_ok()) break;
    // Steps 2 and 3 write in one transaction, committed before any task they start is launched.
    if (Status s = store_->begin_batch(); !s.is_ok()) {
      failure = s;
      break;
    }
    // 2. Attempts that ended.
    std::deque<Done> done;
    {
      std::lock_guard<std::mutex> l(mu_);
      done.swap(done_);
    }
    now = options_.clock->now();
    for (auto& d : done) {
      auto it = attempts_.find({d.run, d.task});
      if (it != attempts_.end()) {
        it->second->thread.join();
        attempts_.erase(it);
      }
      --running_;
      --d.run->running;
      Status s;
      if (cancelled_) {  // stopped by us, not failed: the next process runs it again
        TaskRecord& t = d.run->tis[d.task];
        t.state = "none";
        t.message = "interrupted";
        s = store_->put_task(t);
        event(*d.run, d.task, "interrupted");
      } else {
        s = finish(d.run, d.task, d.outcome, d.ended_at);
      }
      if (!s.is_ok()) failure = s;
    }
    if (!failure.is_ok()) break;
    if (cancelled_) {
      for (auto& [key, a] : attempts_) a->cancel = true;
      cancel_sent = true;
      if (attempts_.empty()) {
        EDDY_RETURN_IF_ERROR(store_->commit_batch());
        return failed_precondition("cancelled");
      }
    }
    // 3. Decide what is ready and start it (or poke it, for sensors).
    std::vector<std::pair<ActiveRun*, int>> ready;
    for (auto& r : active_)
      if (Status s = schedule(r.get(), now, &ready); !s.is_ok()) failure = s;
    if (!failure.is_ok()) break;
    const uint64_t transitions_before_start = transitions_;
    std::map<const WorkflowSpec*, int> running_of;
    for (auto& r : active_) running_of[r->w] += r->running;
    for (auto& [run, task] : ready) {
      if (cancelled_) break;
      const bool is_sensor = std::holds_alternative<SensorAction>(run->w->tasks[task].action);
      Status s;
      if (is_sensor) {
        s = poke(run, task, now);  // sensors hold no slot while they wait
      } else if (std::holds_alternative<EmptyAction>(run->w->tasks[task].action)) {
        s = run_empty(run, task);  // nothing to run: no slot, no thread, no log
      } else if (running_ < options_.parallelism && running_of[run->w] < run->w->max_active_tasks) {
        s = start_attempt(run, task, options_.clock->now());
        ++running_of[run->w];
      } else if (run->tis[task].state == "scheduled") {
        run->tis[task].state = "none";  // no slot now: decided again next pass
      }
      if (!s.is_ok()) {
        failure = s;
        break;
      }
    }
    if (!failure.is_ok()) break;
    if (Status s = store_->commit_batch(); !s.is_ok()) {
      failure = s;
      break;
    }
    launch_attempts();
    // 4. Runs whose every task instance finished.
    for (auto it = active_.begin(); it != active_.end();) {
      bool fin = false;
      if (Status s = finalize_if_done(it->get(), options_.clock->now(), &fin); !s.is_ok()) {
        failure = s;
        break;
      }
      if (fin) {
        ended.push_back((*it)->rec);
        it = active_.erase(it);
      } else {
        ++it;
      }
    }
    if (!failure.is_ok()) break;
    if (active_.empty() && pending.empty()) break;
    // A sensor that ended in this pass decides its downstream tasks' fate: one more pass now.
    if (transitions_ != transitions_before_start) continue;
    // 5. Sleep until an attempt ends or the next timer (retry, poke, claim) is due.
    // A due retry that found no free slot waits for an attempt to end (which wakes us); with a
    // free slot it is blocked by its workflow's maxActiveTasks and is looked at again in 1 ms.
    // Once cancelled and the attempts told to stop, only their ends matter: a due timer or the
    // cancel flag itself would wake this loop again at once and spin until the last one exits.
    Micros wake = now + 60'000'000;
    const bool slot_free = running_ < options_.parallelism;
    for (auto& r : active_)
      for (auto& t : r->tis) {
        if (cancel_sent) continue;
        if (t.state == "up_for_reschedule") wake = std::min(wake, t.next_attempt_at);
        if (t.state == "up_for_retry" && (t.next_attempt_at > now || slot_free))
          wake = std::min(wake, std::max(t.next_attempt_at, now + 1000));
      }
    if (retry_claims_at && !cancel_sent) wake = std::min(wake, retry_claims_at);
    std::unique_lock<std::mutex> l(mu_);
    auto news = [&] { return !done_.empty() || (cancelled_.load() && !cancel_sent); };
    if (news()) continue;
    const Micros delay = wake - options_.clock->now();
    if (delay > 0) cv_.wait_for(l, std::chrono::microseconds(delay), news);
  }
  // An error of the store: stop every attempt, keep the runs resumable.
  store_->abort_batch();
  for (auto& [key, a] : attempts_) a->cancel = true;
  for (auto& [key, a] : attempts_)
    if (a->thread.joinable()) a->thread.join();
  attempts_.clear();
  if (!failure.is_ok()) return failure;
  std::sort(ended.begin(), ended.end(), [](const RunRecord& a, const RunRecord& b) {
    return std::tie(a.logical_date, a.workflow) < std::tie(b.logical_date, b.workflow);
  });
  return ended;
}

}  // namespace eddy::workflow
