// StatementGuard: the sandbox around the statements a user gives a SqlEngine (issue 19).
//
// SQL reaches Eddy from `eddy sql`, BatchJob sql stages and Livy SQL statements (run as
// `eddy sql` on a worker), so it is input from whoever may submit a statement. SQLite's SQL can
// do more than query the loaded tables: ATTACH (and VACUUM INTO, which attaches) opens or
// creates any file, e.g. the server's live store; some pragmas change settings or make the
// schema writable; load_extension loads code; fts3_tokenizer takes a raw pointer. A recursive
// CTE without a bound never ends and printf('%.*c', 900000000, 'x') allocates 900 MB. While a
// guard is alive its connection refuses all of those, with an error naming the operation, and
// runs under SqlLimits (time, memory, value and SQL length, expression depth).
//
// The guard lives only around the user's statements: the engine's own CREATE TABLE / INSERT /
// DROP TABLE while loading tables run before it and under no authorizer, and are not limited
// (a loaded value may be larger than a statement may build). harden() applies the settings
// that hold for the connection's whole life and cost the loader nothing.
//
// Ownership: borrows the connection and the clock (both outlive it). The memory limit is
// SQLite's hard heap limit, which is process-wide: one guard at a time per process (SqlEngine
// is one owner's; the eddy processes that run SQL run one engine). Thread-safety: one thread.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "sql/sql_limits.h"

namespace eddy::sql {

class StatementGuard {
 public:
  // For the connection's lifetime: no extension loading, no fts3_tokenizer pointers, defensive
  // mode (no writable_schema, no direct writes to shadow tables), no attached databases.
  static Status harden(sqlite3* db);

  // Installs the authorizer, the progress handler (deadline = clock.now() + time budget), the
  // length limits and the heap limit; the destructor removes them and restores the previous
  // limits.
  StatementGuard(sqlite3* db, const SqlLimits& limits, const Clock& clock);
  ~StatementGuard();
  StatementGuard(const StatementGuard&) = delete;
  StatementGuard& operator=(const StatementGuard&) = delete;

  // What the authorizer cannot see at prepare time: VACUUM (it attaches only when it runs).
  Status check_prepared(sqlite3_stmt* stmt);
  // The error for a failed prepare or step (rc, SQLite's message): names the refused operation
  // or the limit that was reached; otherwise "sql: " + message + `where`.
  Status failure(int rc, const std::string& message, const std::string& where = "") const;

 private:
  static int authorize(void* self, int action, const char* a1, const char* a2, const char* db,
                       const char* trigger);
  static int progress(void* self);
  Status refuse(std::string what) const;

  sqlite3* db_;
  SqlLimits limits_;
  const Clock& clock_;
  Micros deadline_;                     // 0: no time budget
  std::string refused_;                 // the operation the authorizer denied last
  bool timed_out_ = false;              // the progress handler interrupted a statement
  int64_t previous_heap_limit_ = 0;     // restored by the destructor
  int previous_length_ = 0, previous_sql_length_ = 0, previous_expr_depth_ = 0;
};

// The first keyword of a statement's text, upper-cased, after blanks and comments ("VACUUM").
std::string first_keyword(std::string_view sql);

}  // namespace eddy::sql
