// `eddy sql`: Spark-style SQL over JSON-lines, CSV and text files (local or s3://).
//   eddy sql [--table NAME=PATH]... [--format table|json|csv|text] [--output DIR [--overwrite]]
//            "QUERY"
// --table NAME[:FORMAT]=PATH registers PATH (a file, a directory of part files, or an s3://
// prefix) as table NAME; FORMAT is auto (default), json, csv or text. The result is printed
// as an aligned table (default), JSON lines, CSV or text; with --output it is written as
// DIR/part-00000 + DIR/_SUCCESS instead (JSON lines unless --format says otherwise), like
// the transform's output. --time-limit (default 60s, 0 = none) and --memory-limit (default 1GiB
// beyond the loaded tables, 0 = none) bound what the query may cost; --allow-partial reads a
// Spark-layout directory that has no _SUCCESS. See docs/sql.md.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/byte_size.h"
#include "common/time_format.h"
#include "sql/sql_engine.h"

namespace eddy::cli {
namespace {

struct SqlArgs {
  std::vector<std::string> tables;
  std::string format;
  std::string output;
  bool overwrite = false;
  std::string time_limit = "60s";
  std::string memory_limit = "1GiB";
  bool allow_partial = false;
  std::string query;
};

Result<sql::TableSource> parse_table_flag(const std::string& flag) {
  const size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
    return invalid_argument("--table: expected NAME=PATH or NAME:FORMAT=PATH, got '" + flag + "'");
  }
  sql::TableSource t;
  t.name = flag.substr(0, eq);
  t.uri = flag.substr(eq + 1);
  if (const size_t colon = t.name.find(':'); colon != std::string::npos) {
    t.format = t.name.substr(colon + 1);
    t.name.resize(colon);
  }
  return t;
}

Status run_sql(const SqlArgs& a) {
  sql::SqlLimits limits;
  Result<Micros> time_limit = parse_duration(a.time_limit);
  if (!time_limit.is_ok()) return time_limit.status().with_context("--time-limit");
  limits.time_budget = *time_limit;
  Result<uint64_t> memory_limit = parse_byte_size(a.memory_limit);
  if (!memory_limit.is_ok()) return memory_limit.status().with_context("--memory-limit");
  limits.memory_bytes = static_cast<int64_t>(*memory_limit);
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<sql::SqlEngine> engine, sql::SqlEngine::create(limits));
  for (const auto& flag : a.tables) {
    EDDY_ASSIGN_OR_RETURN(sql::TableSource t, parse_table_flag(flag));
    t.allow_partial = a.allow_partial;
    EDDY_RETURN_IF_ERROR(engine->register_table(t));
  }
  const std::string default_format = a.output.empty() ? "table" : "json";
  EDDY_ASSIGN_OR_RETURN(sql::OutputFormat format,
                        sql::parse_output_format(a.format.empty() ? default_format : a.format));
  EDDY_ASSIGN_OR_RETURN(sql::QueryResult result, engine->query(a.query));
  if (!a.output.empty()) {
    EDDY_RETURN_IF_ERROR(sql::write_result_dir(result, a.output, format, a.overwrite));
    std::fprintf(stderr, "eddy sql: wrote %zu row(s) to %s\n", result.rows_json.size(),
                 a.output.c_str());
    return Status::ok();
  }
  const std::string text = sql::format_result(result, format);
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    return io_error("stdout: write failed");
  }
  return Status::ok();
}

}  // namespace

void add_sql_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<SqlArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sql", "Run a Spark-style SQL query over JSON-lines, CSV or text tables (local or s3://)");
  cmd->add_option("--table", args->tables,
                  "NAME=PATH or NAME:FORMAT=PATH (FORMAT: auto|json|csv|text); repeatable")
      ->allow_extra_args(false);  // one value per --table: the query may follow
  cmd->add_option("--format", args->format,
                  "table (default), json (JSON lines), csv or text; with --output: json");
  cmd->add_option("--output", args->output,
                  "write the result to DIR/part-00000 and DIR/_SUCCESS (local or s3://)");
  cmd->add_flag("--overwrite", args->overwrite, "replace what --output DIR already holds");
  cmd->add_option("--time-limit", args->time_limit,
                  "stop the query after this long (default 60s; 0: no limit)");
  cmd->add_option("--memory-limit", args->memory_limit,
                  "SQLite memory the query may use beyond the loaded tables (default 1GiB; 0: no "
                  "limit)");
  cmd->add_flag("--allow-partial", args->allow_partial,
                "read Spark-layout directories (part-* files) that have no _SUCCESS: the "
                "output of a job that failed or is still running");
  cmd->add_option("query", args->query, "the SQL query")->required();
  cmd->callback([args, &ctx] {
    const Status s = run_sql(*args);
    if (!s.is_ok()) ctx.fail(s);
  });
}

}  // namespace eddy::cli
