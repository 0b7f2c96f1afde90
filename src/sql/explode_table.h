// eddy_explode(json): a SQLite table-valued function, one row per element of a JSON array
// (__eddy_pos = index from 0) or entry of a JSON map (__eddy_pos = key); __eddy_elem is the
// element (scalars as SQL values, arrays/maps as JSON text with the JSON subtype). NULL gives
// no rows; a scalar or malformed JSON is an error. spark_dialect.h rewrites explode,
// posexplode and LATERAL VIEW into joins with it.
//
// Why not json_each: its hidden columns (id, key, value, type, path, ...) make a user's own
// `id` or `value` column ambiguous once joined, and Spark users have plenty of those.
// Thread-safety: register once per connection; cursors belong to the connection's thread.
#pragma once

#include <sqlite3.h>

#include "common/status.h"

namespace eddy::sql {

Status register_explode_table(sqlite3* db);

}  // namespace eddy::sql
