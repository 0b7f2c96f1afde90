// Loading a table (JSON lines, CSV or text; one file, a directory of part files, or an s3://
// prefix) into the engine's SQLite database, with the schema inferred as Spark's readers do:
//   json: one object per line; columns are the union of top-level keys (first-seen order);
//         numbers, strings, booleans and null as SQL values; arrays and maps as compact JSON
//         text. Blank lines are skipped; a line that is not a JSON object is an error naming
//         the file and the line.
//   csv:  the first line of each file is the header (all files must agree); RFC 4180 quoting,
//         quoted fields may span lines; unquoted fields that are integers or decimals become
//         numbers, empty unquoted fields NULL, everything else text.
//   text: one column `value`, one row per line ('\n', '\r\n').
//   auto: .json/.jsonl/.ndjson -> json, .csv -> csv, .txt/.log -> text; otherwise json when the
//         first non-blank line starts with '{', else text.
// A directory or prefix contributes every file under it except _SUCCESS and other names whose
// path component starts with '_' or '.' (Spark's hidden files), in name order.
//
// Partial outputs: a directory or prefix that looks written by Eddy or Spark — a data file named
// part-* anywhere under it, or a _temporary/ directory — but has no _SUCCESS at its root is the
// output of a job that failed, was killed or is still running, and is refused (kFailedPrecondition
// naming the directory and the override) unless `allow_partial`. Directories other tools wrote
// (no part-* files, no _temporary/) never had a _SUCCESS and are read as before; so are single
// files. See docs/sql.md, "Partial outputs".
//
// Files are read through objstore::store_for(uri), so s3:// works wherever storage does.
// Thread-safety: load_table writes to `db`, which the caller must not use concurrently.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "objstore/object_store.h"
#include "sql/csv_parser.h"
#include "sql/table_writer.h"

namespace eddy::sql {

struct TableSource {
  std::string name;
  std::string uri;              // file, directory or s3:// prefix
  std::string format = "auto";  // auto | json | csv | text
  // Only these columns (ASCII-lowercased names) are loaded; unset: all of them.
  std::optional<std::set<std::string>> columns;
  // Read a Spark-layout directory without _SUCCESS anyway (`eddy sql --allow-partial`).
  bool allow_partial = false;
};

// The data files of a table, in name order; kNotFound if there are none; kFailedPrecondition for
// a partial output unless allow_partial (see above).
Result<std::vector<objstore::ObjectInfo>> list_table_files(const std::string& uri,
                                                           bool allow_partial = false);

// Replaces table `t.name` in `db` with the data at `t.uri`. A table with more distinct keys
// than SQLite's 2000 columns (and no `columns` filter) loads nothing: the schema says too_wide.
Result<TableSchema> load_table(sqlite3* db, const TableSource& t);

}  // namespace eddy::sql
