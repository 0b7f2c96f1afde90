// eddy run FILE|builtin:NAME [ARGS]... [--set name=value]... : runs a job in this process.
// FILE is a manifest dispatched on its `kind` (StreamJob → stream runtime, BatchJob → batch
// engine); builtin:pi [SLICES] is SparkPi.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>

#include "cluster/task_invocation.h"
#include "batch/spark_pi.h"
#include "batch/worker_pool.h"
#include "cli/commands.h"
#include "common/log.h"
#include "common/time_format.h"
#include "jobs/batch_job.h"
#include "jobs/manifest_fields.h"
#include "jobs/stream_job.h"

namespace eddy::cli {
namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> args;
  std::vector<std::string> sets;
  std::string progress;
  std::string memory;
  std::string spill_dir;
  bool quiet = false;
  int threads = -1;
};

Result<int64_t> parse_int(const std::string& what, const std::string& s, int64_t lo, int64_t hi) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
    return invalid_argument(what + ": expected an integer between " + std::to_string(lo) + " and " +
                            std::to_string(hi) + ", got '" + s + "'");
  return v;
}

Status run_stream(const RunArgs& a, const std::map<std::string, std::string>& sets) {
  Micros progress = 0;
  if (!a.progress.empty()) {
    auto d = parse_duration(a.progress);
    if (!d.is_ok()) return d.status().with_context("--progress");
    progress = *d;
  }
  EDDY_ASSIGN_OR_RETURN(jobs::StreamJobSpec spec, jobs::load_stream_job(a.file, sets));
  if (a.threads == 0) spec.runtime.threads = std::max(1u, std::thread::hardware_concurrency());
  if (a.threads > 0) spec.runtime.threads = a.threads;
  EDDY_ASSIGN_OR_RETURN(jobs::StreamJobResult result, jobs::run_stream_job(spec, progress));
  if (!a.quiet) log_line(LogLevel::kInfo, "done: " + result.summary);
  return Status::ok();
}

Status run_batch(const RunArgs& a, const std::map<std::string, std::string>& sets) {
  EDDY_ASSIGN_OR_RETURN(jobs::BatchJobSpec spec, jobs::load_batch_job(a.file, sets));
  if (a.threads >= 0) spec.threads = a.threads;
  if (!a.memory.empty()) {
    auto m = jobs::parse_byte_size(a.memory);
    if (!m.is_ok()) return m.status().with_context("--memory");
    spec.memory = *m;
  }
  if (!a.spill_dir.empty()) spec.spill_dir = a.spill_dir;
  EDDY_ASSIGN_OR_RETURN(jobs::BatchJobResult result, jobs::run_batch_job(spec));
  if (!result.warnings.empty()) {
    std::string w = result.warnings;
    if (w.back() == '\n') w.pop_back();
    log_line(LogLevel::kWarn, w);
  }
  if (!a.quiet) log_line(LogLevel::kInfo, "done: " + result.summary);
  return Status::ok();
}

// builtin:pi [SLICES]: SparkPi; --set seed=N picks the random streams.
Status run_builtin_pi(const RunArgs& a, const std::map<std::string, std::string>& sets) {
  int64_t slices = 2;  // SparkPi's default
  if (a.args.size() > 1)
    return invalid_argument("builtin:pi: expected at most one argument (SLICES)");
  if (!a.args.empty()) {
    EDDY_ASSIGN_OR_RETURN(slices, parse_int("builtin:pi SLICES", a.args[0], 1, 1000000));
  }
  uint64_t seed = 42;
  for (const auto& [k, v] : sets) {
    if (k == "seed") {
      EDDY_ASSIGN_OR_RETURN(int64_t s, parse_int("--set seed", v, 0, INT64_MAX));
      seed = static_cast<uint64_t>(s);
    } else if (k == "slices") {
      EDDY_ASSIGN_OR_RETURN(slices, parse_int("--set slices", v, 1, 1000000));
    } else {
      return invalid_argument("--set " + k + ": unknown parameter (builtin:pi has: seed, slices)");
    }
  }
  batch::WorkerPool pool(a.threads < 0 ? 0 : a.threads);
  batch::SparkPiResult r = batch::run_spark_pi(static_cast<int>(slices), seed, pool);
  std::printf("%s\n", batch::format_spark_pi(r).c_str());
  std::fflush(stdout);
  if (!a.quiet)
    log_line(LogLevel::kInfo, "done: pi: " + std::to_string(r.inside) + " of " +
                                  std::to_string(r.points) + " points inside, " +
                                  std::to_string(slices) + " slices, " +
                                  std::to_string(pool.threads()) + " threads");
  return Status::ok();
}

// Without --threads and --memory, the task environment a worker sets (EDDY_THREADS from its
// --cores, EDDY_MEMORY from its cluster's memoryPerWorker: the batch budget, spill beyond it)
// counts like them (cluster/task_invocation.h).
Status defaults_from_env(RunArgs* a) {
  EDDY_ASSIGN_OR_RETURN(cluster::TaskEnvironment env, cluster::TaskEnvironment::from_process_env());
  if (a->threads < 0 && env.threads > 0) a->threads = env.threads;
  if (a->memory.empty() && env.memory_bytes > 0) a->memory = std::to_string(env.memory_bytes);
  return Status::ok();
}

Status run(RunArgs a) {
  EDDY_RETURN_IF_ERROR(defaults_from_env(&a));
  std::map<std::string, std::string> sets;
  for (const std::string& s : a.sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      return invalid_argument("--set " + s + ": expected name=value");
    sets[s.substr(0, eq)] = s.substr(eq + 1);
  }
  if (a.file.rfind("builtin:", 0) == 0) {
    std::string name = a.file.substr(8);
    if (name == "pi") return run_builtin_pi(a, sets);
    return not_found("'" + a.file + "': no such built-in job (built-in jobs: builtin:pi)");
  }
  if (!a.args.empty())
    return invalid_argument("unexpected argument '" + a.args[0] +
                            "' after the manifest (use --set name=value for parameters)");
  EDDY_ASSIGN_OR_RETURN(std::string text, jobs::read_manifest_file(a.file));
  EDDY_ASSIGN_OR_RETURN(std::string kind, jobs::manifest_kind(text, a.file));
  if (kind == "StreamJob") return run_stream(a, sets);
  if (kind == "BatchJob") return run_batch(a, sets);
  return invalid_argument(a.file + ": kind: expected StreamJob or BatchJob, got '" + kind + "'");
}

}  // namespace

void add_run_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a job in this process: a manifest (StreamJob, BatchJob) or builtin:pi [SLICES]");
  cmd->add_option("file", args->file,
                  "The manifest (e.g. examples/transform.yaml) or a built-in job (builtin:pi)")
      ->required();
  cmd->add_option("args", args->args, "Arguments of a built-in job (builtin:pi SLICES)");
  cmd->add_option("--set", args->sets,
                  "Override a parameter of the manifest: name=value (repeatable)")
      ->allow_extra_args(false);  // one value per --set: built-in job arguments may follow
  cmd->add_option(
      "--progress", args->progress,
      "Print metrics on stderr every DURATION (e.g. 5s) and when the job ends; the "
      "summary is printed unless -q");
  cmd->add_option("--threads", args->threads,
                  "Worker threads, overriding the manifest (0 = every core; default: "
                  "$EDDY_THREADS if set)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--memory", args->memory,
                  "Batch jobs: memory budget (e.g. 1GiB); grouping and sorting beyond it spill "
                  "to disk (default: $EDDY_MEMORY if set)");
  cmd->add_option("--spill-dir", args->spill_dir,
                  "Batch jobs: where spill runs go (default $TMPDIR)");
  cmd->add_flag("-q,--quiet", args->quiet, "Do not print the end-of-job summary");
  cmd->callback([args, &ctx] {
    Status s = run(*args);
    if (!s.is_ok()) ctx.fail(s);
  });
}

}  // namespace eddy::cli
