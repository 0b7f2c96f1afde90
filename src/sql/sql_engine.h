// SqlEngine: Spark-style SQL over JSON-lines, CSV and text tables, with SQLite underneath.
//
// Used by `eddy sql` and by the `sql` step of BatchJob manifests. Tables are loaded into one
// in-memory SQLite database (see table_loader.h for schema inference); queries are SQLite's
// dialect with its JSON1 functions, plus the Spark habits of spark_dialect.h (explode,
// LATERAL VIEW) and spark_functions.h (size with size(NULL) = -1, array, Unicode lower/upper).
// `backticked` identifiers work as in Spark, so the Airflow article's
// SELECT size(`9`) FROM tbn gives the size of key 9's list where present and -1 where absent.
//
// Result cells are JSON text (query_result.h): values of columns loaded from nested JSON, and
// of JSON1/array() results, are shown as JSON; booleans loaded from JSON as true/false.
// Errors are Status values carrying SQLite's message and, for syntax errors, the position in
// the query ("line 1, column 8").
//
// Tables wider than SQLite's 2000 columns (JSON lines with more distinct keys, such as the
// transform's output: one key per line) are loaded per query with only the columns the query
// names — a projection push-down; `SELECT *` over one is an error that says so.
//
// User statements run inside a StatementGuard (statement_guard.h): ATTACH, DETACH, VACUUM,
// pragmas that are not read-only and extension loading are refused with an error naming the
// operation, and each query() runs under SqlLimits (time, memory, value length; sql_limits.h).
//
// Ownership: owns its SQLite connection; borrows the clock (default: the system clock). Thread-safety: not thread-safe; one owner at a time.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "sql/query_result.h"
#include "sql/result_format.h"
#include "sql/sql_limits.h"
#include "sql/table_loader.h"

struct sqlite3;

namespace eddy::sql {

class SqlEngine {
 public:
  static Result<std::unique_ptr<SqlEngine>> create(const SqlLimits& limits = {},
                                                   const Clock* clock = nullptr);
  ~SqlEngine();
  SqlEngine(const SqlEngine&) = delete;
  SqlEngine& operator=(const SqlEngine&) = delete;

  // Loads the data at t.uri as table t.name, replacing any table of that name.
  Status register_table(const TableSource& t);
  // Runs one or more ';'-separated statements; returns the last one's rows.
  Result<QueryResult> query(const std::string& sql);

  // What register_table loaded (for `eddy sql` diagnostics and tests); null if unknown.
  const TableSchema* table(const std::string& name) const;

 private:
  SqlEngine(sqlite3* db, const SqlLimits& limits, const Clock& clock)
      : db_(db), limits_(limits), clock_(clock) {}
  ColumnKind kind_of(const char* table, const char* column) const;
  // Loads the wide tables `sql` names with the columns it names.
  Status load_wide_tables(const std::string& sql);

  struct WideTable {
    TableSource source;
    std::set<std::string> loaded;  // the columns loaded now (ASCII-lowercased)
    bool any = false;              // loaded at least once
  };

  sqlite3* db_;
  SqlLimits limits_;
  const Clock& clock_;
  std::map<std::string, TableSchema> tables_;  // key: ASCII-lowercased table name
  std::map<std::string, WideTable> wide_;      // same key
};

}  // namespace eddy::sql
