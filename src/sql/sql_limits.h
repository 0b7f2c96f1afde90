// SqlLimits: what one query() of a SqlEngine may cost, and the defaults `eddy sql`, Livy SQL
// statements (which run `eddy sql` on a worker) and BatchJob sql stages get (docs/sql.md,
// "Limits"; docs/security.md). Plain values; thread-safe as any struct.
#pragma once

#include <cstdint>

#include "common/clock.h"

namespace eddy::sql {

struct SqlLimits {
  // Wall time of one query() call (all its statements); 0: none. A recursive CTE without a
  // bound otherwise runs until it is killed.
  Micros time_budget = 60'000'000;
  // SQLite heap a query may allocate beyond what the loaded tables already take; 0: none.
  // Applied as SQLite's hard heap limit (process-wide) while the query runs.
  int64_t memory_bytes = int64_t{1} << 30;
  // The largest string or blob a statement may build (SQLITE_LIMIT_LENGTH): printf('%.*c',
  // 900000000, 'x') is refused before it allocates.
  int max_value_bytes = 100'000'000;
  // The longest SQL text (SQLITE_LIMIT_SQL_LENGTH); Livy statements with long IN lists fit.
  int max_sql_bytes = 10'000'000;
  // Expression nesting (SQLITE_LIMIT_EXPR_DEPTH): bounds the parser's recursion.
  int max_expr_depth = 1000;
};

}  // namespace eddy::sql
