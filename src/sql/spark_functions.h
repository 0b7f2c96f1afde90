// Spark SQL functions users bring, registered on a SQLite connection:
//   size(x)    number of elements of a JSON array or entries of a JSON map; size(NULL) = -1
//              (Spark's default, spark.sql.legacy.sizeOfNull=true); a scalar is an error.
//   array(..)  a JSON array of the arguments (Spark's array(1, 2)); nested JSON stays nested.
//   lower(s), upper(s)  Unicode-aware (SQLite's built-ins fold ASCII only): per code point, with
//              the C.UTF-8 locale's simple case mappings; one-to-many mappings such as
//              upper('ß') = 'SS' in Spark/Java are not applied (ß stays ß).
//   eddy_explode(json)  the table-valued function behind explode (explode_table.h).
// SQLite's JSON1 functions (json_extract, json_each, ->, ->>) stay available beside them.
//
// Thread-safety: register once per connection, before the connection is shared.
#pragma once

#include <sqlite3.h>

#include "common/status.h"

namespace eddy::sql {

// SQLite's subtype for values that are JSON text (what JSON1 uses): such text is shown as
// JSON rather than as a string.
inline constexpr unsigned kJsonSubtype = 'J';

Status register_spark_functions(sqlite3* db);

}  // namespace eddy::sql
