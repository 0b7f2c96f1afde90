// What a task is, as a process: the one type that builds a task's arguments and environment
// (the server's task builders in src/kinds/, the worker) and reads them back (`eddy run`,
// `eddy sql`, `eddy`'s main). Before it, argv was built in one file and parsed in three.
//
// TaskInvocation: `eddy ARGV...` run in a fresh directory holding `files`, confined when
// `confine` is set. TaskEnvironment: the EDDY_* variables the worker gives the child on top of
// its own environment, and their parsing in the child.
//
// Plain values: thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/sandbox.h"
#include "common/status.h"

namespace eddy::cluster {

// The subcommands a task may run: the API never runs arbitrary commands. "pyspark" is not a
// process: the worker hands the statement to the session's interpreter (interpreter_host.h).
inline constexpr const char* kTaskSubcommands[] = {"run", "sql", "pyspark"};

struct TaskInvocation {
  std::vector<std::string> argv;              // argv[0] is one of kTaskSubcommands
  std::map<std::string, std::string> files;   // relative path -> content, written before exec
  std::optional<Confinement> confine;

  // `eddy run FILE [--set NAME=VALUE]...` for a job manifest; builtin jobs take their
  // arguments positionally (`eddy run builtin:pi 4`). Errors name the bad parameter.
  static Result<TaskInvocation> run_manifest(const std::string& file,
                                             const std::vector<std::string>& parameters);
  static TaskInvocation run_builtin(const std::string& builtin,
                                    const std::vector<std::string>& args);
  // `eddy sql --format json [--table NAME[:FMT]=PATH]... [--output DIR --overwrite] QUERY`.
  struct SqlTable {
    std::string name, format, path;  // format "auto" is left out of the argument
  };
  static TaskInvocation sql(const std::string& query, const std::vector<SqlTable>& tables,
                            const std::optional<std::string>& output_dir);

  // A statement of a pyspark session: argv {"pyspark", SESSION, KIND}, the code in the file
  // "statement" (KIND: pyspark, or sql run by the session's `spark`).
  static TaskInvocation pyspark_statement(const std::string& session, const std::string& kind,
                                          const std::string& code);
  inline static constexpr const char* kStatementFile = "statement";

  // OK when argv names a task subcommand and every file name stays inside the task directory.
  Status check() const;

  nlohmann::json to_json() const;  // {"argv", "files", "confine"?}
  // Errors name the field ("task.argv: expected a non-empty array of strings").
  static Result<TaskInvocation> from_json(const nlohmann::json& j);
};

// The environment of a task's child process.
struct TaskEnvironment {
  int threads = 0;               // EDDY_THREADS: the worker's cores (0: unset)
  int64_t memory_bytes = 0;      // EDDY_MEMORY: the batch budget, spill beyond it (0: unset)
  // EDDY_ALLOW_BUCKETS: the only buckets the task's storage layer may open (confined tasks).
  std::optional<std::vector<std::string>> allow_buckets;
  std::string tmp_dir;           // TMPDIR (confined tasks: their task directory)

  // For a worker with `cores` and `memory_bytes`, running `inv` in `task_dir`.
  static TaskEnvironment for_task(const TaskInvocation& inv, int cores, int64_t memory_bytes,
                                  const std::string& task_dir);
  std::vector<std::string> to_env() const;  // "NAME=value" entries
  // In the child: reads the variables from this process's environment; errors name the
  // variable ("EDDY_THREADS: expected an integer in [0, 256], got 'x'").
  static Result<TaskEnvironment> from_process_env();
};

}  // namespace eddy::cluster
