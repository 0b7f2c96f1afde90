// Registration of the eddy subcommands. Each subcommand lives in its own cmd_<name>.cc and
// adds itself to the CLI11 app; its callback stores the process exit code in `ctx`.
// Single-threaded: called from main() before parsing.
#pragma once

#include <CLI/CLI.hpp>

#include "common/status.h"

namespace eddy::cli {

struct CommandContext {
  int exit_code = 0;
  // Prints `status` as "eddy: error: ..." and records the matching exit code.
  void fail(const Status& status);
};

void add_gen_command(CLI::App& app, CommandContext& ctx);   // eddy gen tweets
void add_run_command(CLI::App& app, CommandContext& ctx);   // eddy run FILE
void add_text_command(CLI::App& app, CommandContext& ctx);  // eddy text sentiment|hashtags|lang
void add_fs_command(CLI::App& app, CommandContext& ctx);    // eddy fs ls|cp|cat|rm
void add_sql_command(CLI::App& app, CommandContext& ctx);   // eddy sql "QUERY"
void add_serve_command(CLI::App& app, CommandContext& ctx);  // eddy serve (control plane)
void add_apply_command(CLI::App& app, CommandContext& ctx);     // eddy apply -f FILE|DIR|-
void add_get_command(CLI::App& app, CommandContext& ctx);       // eddy get KIND [NAME]
void add_describe_command(CLI::App& app, CommandContext& ctx);  // eddy describe KIND NAME
void add_logs_command(CLI::App& app, CommandContext& ctx);      // eddy logs KIND NAME [-f]
void add_delete_command(CLI::App& app, CommandContext& ctx);    // eddy delete KIND NAME...
void add_worker_command(CLI::App& app, CommandContext& ctx);  // eddy worker (run by eddy serve)
void add_workflow_command(CLI::App& app, CommandContext& ctx);  // eddy workflow run|backfill|...

}  // namespace eddy::cli
