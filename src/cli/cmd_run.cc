// eddy run FILE [--set name=value]... : runs a job manifest in this process.
#include <map>
#include <thread>

#include "cli/commands.h"
#include "common/log.h"
#include "common/time_format.h"
#include "jobs/stream_job.h"

namespace eddy::cli {
namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> sets;
  std::string progress;
  bool quiet = false;
  int threads = -1;
};

Status run(const RunArgs& a) {
  std::map<std::string, std::string> sets;
  for (const std::string& s : a.sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      return invalid_argument("--set " + s + ": expected name=value");
    sets[s.substr(0, eq)] = s.substr(eq + 1);
  }
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

}  // namespace

void add_run_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run a job manifest (StreamJob) in this process");
  cmd->add_option("file", args->file, "The manifest, e.g. examples/trending-hashtags.yaml")->required();
  cmd->add_option("--set", args->sets, "Override a parameter of the manifest: name=value (repeatable)");
  cmd->add_option("--progress", args->progress,
                  "Print metrics on stderr every DURATION (e.g. 5s); the summary is always printed");
  cmd->add_option("--threads", args->threads,
                  "Decoding threads, overriding the manifest (0 = every core)")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("-q,--quiet", args->quiet, "Do not print the end-of-job summary");
  cmd->callback([args, &ctx] {
    Status s = run(*args);
    if (!s.is_ok()) ctx.fail(s);
  });
}

}  // namespace eddy::cli
