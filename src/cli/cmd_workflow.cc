// `eddy workflow run|backfill|clear|get|logs|show`: Airflow's DAGs without Airflow, standalone.
// The state (Airflow's metadata database) is one SQLite file under --state-dir (default
// $EDDY_HOME/workflows, EDDY_HOME defaulting to ~/.eddy); several eddy processes may share it,
// as the article's two `airflow backfill` commands run side by side and sense each other.
//
//   eddy workflow run FILE_OR_NAME... [--date D]          one run per workflow (default: now)
//   eddy workflow backfill FILE_OR_NAME... --start D --end D [--rerun-failed]
//   eddy workflow clear NAME --date D [--task T]... [--downstream]
//   eddy workflow get [NAME] [--date D]                   runs, or one run's task instances
//   eddy workflow logs NAME TASK --date D [--try N]
//   eddy workflow show FILE [-o yaml|json]                the manifest a DAG file defines
//
// run and backfill exit 0 iff every run they ran succeeded (1 otherwise).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/resource_printer.h"
#include "cluster/python_bundle.h"
#include "common/time_format.h"
#include "workflow/run_engine.h"
#include "workflow/run_store.h"
#include "workflow/workflow_file.h"

namespace eddy::cli {
namespace {

namespace fs = std::filesystem;
using workflow::LoadedWorkflow;
using workflow::RunStore;
using workflow::WorkflowSpec;

struct WorkflowArgs {
  std::string state_dir;
  std::vector<std::string> targets;  // files or workflow names
  std::string date, start, end;
  std::vector<std::string> tasks;
  bool downstream = false;
  bool rerun_failed = false;
  int parallelism = 32;
  int try_number = 0;
  std::string output;
  bool quiet = false;
};

std::string default_state_dir() {
  if (const char* h = std::getenv("EDDY_HOME"); h && *h) return (fs::path(h) / "workflows").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : ".") / ".eddy" / "workflows").string();
}

struct Workspace {
  std::string dir;
  std::unique_ptr<RunStore> store;
  workflow::LoaderOptions loader;
};

Result<Workspace> open_workspace(const WorkflowArgs& a) {
  Workspace ws;
  ws.dir = a.state_dir.empty() ? default_state_dir() : a.state_dir;
  std::error_code ec;
  fs::create_directories(ws.dir, ec);
  if (ec) return io_error("--state-dir " + ws.dir + ": " + ec.message());
  // Absolute: tasks run in their workflow's directory, and the python package is found here.
  ws.dir = fs::absolute(ws.dir, ec).lexically_normal().string();
  EDDY_ASSIGN_OR_RETURN(ws.store, RunStore::open((fs::path(ws.dir) / "state.db").string()));
  EDDY_ASSIGN_OR_RETURN(ws.loader.python_dir, cluster::extract_python_bundle(ws.dir));
  if (const char* py = std::getenv("EDDY_PYTHON"); py && *py) ws.loader.python = py;
  return ws;
}

// Files are loaded (and their manifests remembered in the state); names are looked up there.
Result<std::vector<std::shared_ptr<const WorkflowSpec>>> resolve_targets(Workspace& ws,
                                                                         const std::vector<std::string>& targets) {
  std::vector<std::shared_ptr<const WorkflowSpec>> out;
  std::set<std::string> seen;
  for (const auto& t : targets) {
    std::error_code ec;
    const std::string ext = fs::path(t).extension().string();
    const bool file_like = ext == ".py" || ext == ".yaml" || ext == ".yml" || ext == ".json" ||
                           t.find('/') != std::string::npos;
    if (file_like || fs::exists(t, ec)) {
      EDDY_ASSIGN_OR_RETURN(auto loaded, workflow::load_workflow_file(t, ws.loader));
      for (auto& l : loaded) {
        EDDY_RETURN_IF_ERROR(ws.store->put_workflow(l.spec->name, l.manifest.dump()));
        if (seen.insert(l.spec->name).second) out.push_back(l.spec);
      }
      continue;
    }
    EDDY_ASSIGN_OR_RETURN(auto stored, ws.store->get_workflow(t));
    if (!stored)
      return not_found("workflow " + t + ": not a file, and no workflow of that name was run under " + ws.dir);
    auto manifest = nlohmann::json::parse(*stored, nullptr, false);
    if (manifest.is_discarded()) return internal_error("workflow " + t + ": its stored manifest is not JSON");
    // The stored manifest's relative paths resolve where its file was.
    std::string base;
    auto src = manifest.value("/metadata/annotations/eddy.dev~1source-file"_json_pointer, std::string());
    if (!src.empty()) base = fs::path(src).parent_path().string();
    EDDY_ASSIGN_OR_RETURN(auto spec, workflow::parse_workflow(manifest, base));
    if (seen.insert(spec.name).second) out.push_back(std::make_shared<WorkflowSpec>(std::move(spec)));
  }
  return out;
}

Result<Micros> parse_date(const std::string& text, const WorkflowSpec& w, const char* flag) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(w.timezone, &tz)) tz = absl::UTCTimeZone();
  auto r = workflow::parse_workflow_date(text, tz);
  if (!r.is_ok()) return r.status().with_context(flag);
  return r;
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 3, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string when(Micros t) { return t ? format_rfc3339(t / 1000000 * 1000000) : "-"; }

// Runs the engine over `requests`, with Ctrl-C/TERM stopping it cleanly (runs stay resumable).
Status run_requests(Workspace& ws, const std::vector<std::shared_ptr<const WorkflowSpec>>& specs,
                    const std::vector<workflow::RunRequest>& requests, const WorkflowArgs& a) {
  workflow::EngineOptions o;
  o.parallelism = a.parallelism;
  o.log_dir = (fs::path(ws.dir) / "logs").string();
  o.python = ws.loader.python;
  o.python_dir = ws.loader.python_dir;
  o.rerun_failed = a.rerun_failed;
  if (!a.quiet) o.on_event = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  workflow::RunEngine engine(ws.store.get(), o);
  for (const auto& s : specs) engine.add_workflow(s);
  // Signals are taken by one thread that cancels the engine (a handler must not lock).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::atomic<bool> finished{false};
  std::thread signals([&] {
    for (;;) {
      timespec ts{0, 200'000'000};
      int sig = sigtimedwait(&set, nullptr, &ts);
      if (finished) return;
      if (sig > 0) {
        std::fprintf(stderr, "eddy: stopping: running tasks are killed; their runs resume on the next run or backfill\n");
        engine.cancel();
        return;
      }
    }
  });
  auto ended = engine.run(requests);
  finished = true;
  signals.join();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  if (!ended.is_ok()) return ended.status();
  std::vector<std::vector<std::string>> rows = {{"WORKFLOW", "LOGICAL DATE", "STATE", "STARTED", "ENDED"}};
  int failed = 0;
  for (const auto& r : *ended) {
    rows.push_back({r.workflow, format_rfc3339(r.logical_date), r.state, when(r.start_time), when(r.end_time)});
    failed += r.state != "success";
  }
  std::cout << table(rows) << std::flush;
  if (failed)
    return Status(StatusCode::kInternal, std::to_string(failed) + " of " + std::to_string(ended->size()) +
                                             " runs failed (eddy workflow get NAME --date D shows their tasks)");
  return Status::ok();
}

Status cmd_run(const WorkflowArgs& a) {
  EDDY_ASSIGN_OR_RETURN(Workspace ws, open_workspace(a));
  EDDY_ASSIGN_OR_RETURN(auto specs, resolve_targets(ws, a.targets));
  std::vector<workflow::RunRequest> reqs;
  for (const auto& s : specs) {
    Micros date = SystemClock::instance()->now() / 1000000 * 1000000;
    if (!a.date.empty()) {
      EDDY_ASSIGN_OR_RETURN(date, parse_date(a.date, *s, "--date"));
    }
    reqs.push_back({s->name, date, "manual"});
  }
  return run_requests(ws, specs, reqs, a);
}

Status cmd_backfill(const WorkflowArgs& a) {
  EDDY_ASSIGN_OR_RETURN(Workspace ws, open_workspace(a));
  EDDY_ASSIGN_OR_RETURN(auto specs, resolve_targets(ws, a.targets));
  std::vector<workflow::RunRequest> reqs;
  for (const auto& s : specs) {
    EDDY_ASSIGN_OR_RETURN(Micros start, parse_date(a.start, *s, "--start"));
    EDDY_ASSIGN_OR_RETURN(Micros end, parse_date(a.end.empty() ? a.start : a.end, *s, "--end"));
    if (end < start) return invalid_argument("--end: before --start");
    EDDY_ASSIGN_OR_RETURN(auto dates, s->schedule.dates_between(start, end));
    if (dates.empty())
      return invalid_argument("workflow " + s->name + ": its schedule (" + s->schedule.text() +
                              ") has no logical date between " + a.start + " and " + (a.end.empty() ? a.start : a.end));
    for (Micros d : dates) reqs.push_back({s->name, d, "backfill"});
  }
  return run_requests(ws, specs, reqs, a);
}

Status cmd_clear(const WorkflowArgs& a) {
  EDDY_ASSIGN_OR_RETURN(Workspace ws, open_workspace(a));
  EDDY_ASSIGN_OR_RETURN(auto specs, resolve_targets(ws, a.targets));
  for (const auto& s : specs) {
    EDDY_ASSIGN_OR_RETURN(Micros date, parse_date(a.date, *s, "--date"));
    EDDY_ASSIGN_OR_RETURN(auto run, ws.store->get_run(s->name, date));
    if (!run) return not_found("workflow " + s->name + ": no run for " + format_rfc3339(date));
    if (RunStore::owner_alive(run->owner) && run->owner != RunStore::this_process_owner())
      return failed_precondition("workflow " + s->name + ": the run of " + format_rfc3339(date) +
                                 " is being run by another process (" + run->owner + ")");
    std::set<int> clear;
    std::vector<int> stack;
    for (const auto& t : a.tasks) {
      int i = s->task_index(t);
      if (i < 0) return not_found("workflow " + s->name + ": no task " + t);
      stack.push_back(i);
    }
    if (a.tasks.empty())
      for (size_t i = 0; i < s->tasks.size(); ++i) stack.push_back(static_cast<int>(i));
    while (!stack.empty()) {
      int i = stack.back();
      stack.pop_back();
      if (!clear.insert(i).second) continue;
      if (a.downstream)
        for (int d : s->downstream[i]) stack.push_back(d);
    }
    EDDY_ASSIGN_OR_RETURN(auto tis, ws.store->task_instances(s->name, date));
    for (auto& t : tis) {
      int i = s->task_index(t.task);
      if (i < 0 || !clear.count(i)) continue;
      // Airflow's clear: the state goes back to none, and the retries count from here.
      t.state = "none";
      t.max_tries = t.try_number + s->tasks[i].retry.retries + 1;
      t.first_poke_at = 0;
      t.next_attempt_at = 0;
      t.message = "cleared";
      EDDY_RETURN_IF_ERROR(ws.store->put_task(t));
      std::cout << "cleared " << s->name << "." << t.task << " for " << format_rfc3339(date) << "\n";
    }
    run->state = "queued";
    run->end_time = 0;
    EDDY_RETURN_IF_ERROR(ws.store->update_run(*run));
  }
  return Status::ok();
}

Status cmd_get(const WorkflowArgs& a) {
  EDDY_ASSIGN_OR_RETURN(Workspace ws, open_workspace(a));
  const std::string name = a.targets.empty() ? "" : a.targets[0];
  if (!a.date.empty()) {
    if (name.empty()) return invalid_argument("--date: name the workflow too");
    EDDY_ASSIGN_OR_RETURN(auto specs, resolve_targets(ws, {name}));
    const auto& s = *specs[0];
    EDDY_ASSIGN_OR_RETURN(Micros date, parse_date(a.date, s, "--date"));
    EDDY_ASSIGN_OR_RETURN(auto tis, ws.store->task_instances(s.name, date));
    if (tis.empty()) return not_found("workflow " + s.name + ": no run for " + format_rfc3339(date));
    std::map<std::string, workflow::TaskRecord> by;
    for (auto& t : tis) by[t.task] = t;
    std::vector<std::vector<std::string>> rows = {{"TASK", "STATE", "TRY", "STARTED", "ENDED", "MESSAGE"}};
    for (const auto& t : s.tasks) {
      auto it = by.find(t.name);
      if (it == by.end()) continue;
      const auto& r = it->second;
      rows.push_back({r.task, r.state, std::to_string(r.try_number) + "/" + std::to_string(r.max_tries),
                      when(r.start_time), when(r.end_time), r.message.substr(0, 120)});
    }
    std::cout << table(rows);
    return Status::ok();
  }
  std::string wf = name;
  EDDY_ASSIGN_OR_RETURN(auto runs, ws.store->list_runs(wf));
  std::vector<std::vector<std::string>> rows = {{"WORKFLOW", "LOGICAL DATE", "RUN ID", "STATE", "STARTED", "ENDED"}};
  for (const auto& r : runs)
    rows.push_back({r.workflow, format_rfc3339(r.logical_date), r.run_id, r.state, when(r.start_time), when(r.end_time)});
  std::cout << table(rows);
  return Status::ok();
}

Status cmd_logs(const WorkflowArgs& a) {
  EDDY_ASSIGN_OR_RETURN(Workspace ws, open_workspace(a));
  if (a.targets.size() != 2) return invalid_argument("usage: eddy workflow logs NAME TASK --date D [--try N]");
  EDDY_ASSIGN_OR_RETURN(auto specs, resolve_targets(ws, {a.targets[0]}));
  const auto& s = *specs[0];
  EDDY_ASSIGN_OR_RETURN(Micros date, parse_date(a.date, s, "--date"));
  EDDY_ASSIGN_OR_RETURN(auto run, ws.store->get_run(s.name, date));
  if (!run) return not_found("workflow " + s.name + ": no run for " + format_rfc3339(date));
  EDDY_ASSIGN_OR_RETURN(auto tis, ws.store->task_instances(s.name, date));
  int tries = 0;
  for (const auto& t : tis)
    if (t.task == a.targets[1]) tries = t.try_number;
  if (s.task_index(a.targets[1]) < 0) return not_found("workflow " + s.name + ": no task " + a.targets[1]);
  if (tries == 0) return not_found(s.name + "." + a.targets[1] + ": has not run for " + format_rfc3339(date));
  const int from = a.try_number > 0 ? a.try_number : 1, to = a.try_number > 0 ? a.try_number : tries;
  for (int n = from; n <= to; ++n) {
    const std::string path = workflow::attempt_log_path((fs::path(ws.dir) / "logs").string(), s.name,
                                                        run->run_id, a.targets[1], n);
    std::ifstream in(path);
    if (!in) return not_found(path + ": no log");
    if (to > from) std::cout << "*** attempt " << n << " (" << path << ")\n";
    std::cout << in.rdbuf();
  }
  return Status::ok();
}

Status cmd_show(const WorkflowArgs& a) {
  EDDY_ASSIGN_OR_RETURN(Workspace ws, open_workspace(a));
  for (const auto& t : a.targets) {
    EDDY_ASSIGN_OR_RETURN(auto loaded, workflow::load_workflow_file(t, ws.loader));
    for (const auto& l : loaded) {
      if (a.output == "json") std::cout << l.manifest.dump(2) << "\n";
      else std::cout << "---\n" << to_yaml(l.manifest);
    }
  }
  return Status::ok();
}

}  // namespace

void add_workflow_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<WorkflowArgs>();
  CLI::App* wf = app.add_subcommand("workflow", "Run Airflow-style workflows (DAG files or Workflow manifests)");
  wf->require_subcommand(1);
  auto common = [&](CLI::App* c) {
    c->add_option("--state-dir", args->state_dir, "Where runs, task instances and logs are kept (default $EDDY_HOME/workflows, ~/.eddy/workflows)");
  };
  auto bind = [&](CLI::App* c, Status (*fn)(const WorkflowArgs&)) {
    c->callback([args, &ctx, fn] {
      Status s = fn(*args);
      if (!s.is_ok()) ctx.fail(s);
    });
  };
  CLI::App* run = wf->add_subcommand("run", "One run of each workflow, for one logical date");
  run->add_option("workflows", args->targets, "DAG files (.py), Workflow manifests, or names run before")->required();
  run->add_option("--date", args->date, "The logical date (2019-12-02, or an RFC 3339 time; default now)");
  run->add_option("--parallelism", args->parallelism, "Task attempts running at once (default 32)")->check(CLI::Range(1, 4096));
  run->add_flag("-q,--quiet", args->quiet, "Do not print task state changes");
  common(run);
  bind(run, cmd_run);
  CLI::App* bf = wf->add_subcommand("backfill", "A run for every logical date of the schedule between --start and --end");
  bf->add_option("workflows", args->targets, "DAG files (.py), Workflow manifests, or names run before")->required();
  bf->add_option("-s,--start", args->start, "First logical date (2019-12-02)")->required();
  bf->add_option("-e,--end", args->end, "Last logical date (default: --start)");
  bf->add_flag("--rerun-failed", args->rerun_failed, "Run failed tasks of existing runs again");
  bf->add_option("--parallelism", args->parallelism, "Task attempts running at once (default 32)")->check(CLI::Range(1, 4096));
  bf->add_flag("-q,--quiet", args->quiet, "Do not print task state changes");
  common(bf);
  bind(bf, cmd_backfill);
  CLI::App* cl = wf->add_subcommand("clear", "Reset task instances of a run so that the next run/backfill runs them again");
  cl->add_option("workflow", args->targets, "Workflow name or file")->required();
  cl->add_option("--date", args->date, "The run's logical date")->required();
  cl->add_option("-t,--task", args->tasks, "Only these tasks (default: all)");
  cl->add_flag("-d,--downstream", args->downstream, "Also every task downstream of them");
  common(cl);
  bind(cl, cmd_clear);
  CLI::App* get = wf->add_subcommand("get", "List runs, or the task instances of one run (--date)");
  get->add_option("workflow", args->targets, "Workflow name (default: all)");
  get->add_option("--date", args->date, "Show this run's task instances");
  common(get);
  bind(get, cmd_get);
  CLI::App* logs = wf->add_subcommand("logs", "Print a task instance's attempt logs");
  logs->add_option("workflow_task", args->targets, "NAME TASK")->expected(2)->required();
  logs->add_option("--date", args->date, "The run's logical date")->required();
  logs->add_option("--try", args->try_number, "Only this attempt");
  common(logs);
  bind(logs, cmd_logs);
  CLI::App* show = wf->add_subcommand("show", "Print the Workflow manifests a DAG file or manifest defines");
  show->add_option("files", args->targets, "DAG files or manifests")->required();
  show->add_option("-o,--output", args->output, "yaml (default) or json")->check(CLI::IsMember({"yaml", "json"}));
  common(show);
  bind(show, cmd_show);
}

}  // namespace eddy::cli
