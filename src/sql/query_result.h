// QueryResult and OutputFormat: what a SQL query hands back, and the shapes it can be printed
// or written in. A plain value type shared by the engine, the formatters, the `eddy sql`
// command and the batch engine's `sql` step.
//
// Cells are JSON text so that the formatters need no SQLite types: 53, -1, 2.5, "x", null,
// true, and nested arrays/maps as [..] / {..} exactly as loaded.
// Thread-safety: a value; safe to copy and move between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace eddy::sql {

enum class OutputFormat {
  kTable,      // aligned columns with a header, like spark-sql/psql
  kJsonLines,  // one JSON object per row: {"size(9)": 53}
  kCsv,        // RFC 4180 with a header row
  kText,       // one line per row, cells tab-separated, strings unquoted, no header:
               // what Spark's rdd.map(row => row[0]).saveAsTextFile writes
};

struct QueryResult {
  // Column names as Spark shows them: size(`9`) is "size(9)".
  std::vector<std::string> columns;
  // One vector per row, one JSON text per column (invariant: each row has columns.size()).
  std::vector<std::vector<std::string>> rows_json;
};

// "table" | "json" | "jsonl" | "csv" | "text".
Result<OutputFormat> parse_output_format(std::string_view name);

}  // namespace eddy::sql
