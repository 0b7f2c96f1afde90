// The eddy command: one binary, subcommands in kubectl's habits.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cluster/task_invocation.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/log.h"
#include "objstore/object_store.h"

namespace eddy::cli {
void CommandContext::fail(const Status& status) {
  std::fflush(stdout);  // what the command printed comes before the error
  log_line(LogLevel::kError, status.to_string());
  exit_code = exit_code_for(status);
}
}  // namespace eddy::cli

namespace {
// EDDY_ALLOW_BUCKETS=b1,b2 (empty: none) confines this process's S3 access to those buckets;
// a worker sets it for the tasks of a confined server (cluster/task_invocation.h,
// docs/security.md). A malformed task environment is left to the command that reads it.
void confine_buckets_from_environment() {
  auto env = eddy::cluster::TaskEnvironment::from_process_env();
  if (env.is_ok() && env->allow_buckets) eddy::objstore::confine_to_buckets(*env->allow_buckets);
  if (!env.is_ok() && std::getenv("EDDY_ALLOW_BUCKETS") != nullptr) {
    // Never run unconfined because another variable is malformed.
    eddy::objstore::confine_to_buckets({});
  }
}
}  // namespace

int main(int argc, char** argv) {
  confine_buckets_from_environment();
  CLI::App app{"Eddy: stream jobs, batch jobs, workflows and ML jobs in one binary"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "eddy 0.1.0");
  eddy::cli::CommandContext ctx;
  eddy::cli::add_gen_command(app, ctx);
  eddy::cli::add_run_command(app, ctx);
  eddy::cli::add_text_command(app, ctx);
  eddy::cli::add_fs_command(app, ctx);
  eddy::cli::add_sql_command(app, ctx);
  eddy::cli::add_serve_command(app, ctx);
  eddy::cli::add_apply_command(app, ctx);
  eddy::cli::add_get_command(app, ctx);
  eddy::cli::add_describe_command(app, ctx);
  eddy::cli::add_logs_command(app, ctx);
  eddy::cli::add_delete_command(app, ctx);
  eddy::cli::add_worker_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : eddy::cli::kExitUsage;
  }
  return ctx.exit_code;
}
