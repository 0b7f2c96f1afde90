// The eddy command: one binary, subcommands in kubectl's habits.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cluster/task_invocation.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage_error.h"
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
void usage_error(const std::string& message) {
  eddy::log_line(eddy::LogLevel::kError, "usage: " + message);
}

// `eddy help [COMMAND...]` prints what `eddy [COMMAND...] --help` prints: a subcommand of its
// own, so that it is listed, suggested for "hlep", and never trips over the named command's
// required arguments (`eddy help run` must not say "file is required").
void add_help_command(CLI::App& app, eddy::cli::CommandContext& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  CLI::App* help = app.add_subcommand("help", "Describe eddy or a command: eddy help [COMMAND]");
  help->add_option("command", *words, "The command and subcommand (e.g. run, fs ls)");
  help->callback([&app, &ctx, words] {
    std::string message;
    const CLI::App* target = eddy::cli::find_command(app, *words, &message);
    if (target == nullptr) {
      usage_error(message);
      ctx.exit_code = eddy::cli::kExitUsage;
      return;
    }
    // Named as CLI11 names it for --help: the program as invoked, then the subcommands.
    std::string path;
    for (const CLI::App* a = target; a != nullptr; a = a->get_parent())
      path = path.empty() ? a->get_name() : a->get_name() + " " + path;
    std::cout << target->get_formatter()->make_help(target, path, CLI::AppFormatMode::Normal);
  });
}

}  // namespace

int main(int argc, char** argv) {
  confine_buckets_from_environment();
  // Only what exists: ML jobs are planned (docs/ARCHITECTURE.md), not offered.
  CLI::App app{
      "Eddy: stream jobs, batch jobs and SQL in one binary, and a control plane (eddy serve) "
      "that runs them on clusters"};
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
  eddy::cli::add_workflow_command(app, ctx);
  add_help_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every other parse error in Eddy's form, naming the word at fault (cli/usage_error.h).
    usage_error(eddy::cli::usage_error_message(app, e));
    return eddy::cli::kExitUsage;
  }
  return ctx.exit_code;
}
