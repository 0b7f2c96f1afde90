// The Spark SQL habits SQLite lacks, handled by rewriting the query text before SQLite sees it
// (SQLite already accepts `backticked` identifiers, so size(`9`) needs no rewrite):
//
//   SELECT explode(arr) [AS x] ... FROM t ...         one row per element; column `col` or x
//   SELECT explode(map) AS (k, v) ... FROM t          one row per entry
//   SELECT posexplode(arr) [AS (p, x)] ... FROM t     position (from 0) and element
//   explode_outer / posexplode_outer                  keep rows whose array is NULL or empty
//   FROM t LATERAL VIEW [OUTER] explode(arr) v [AS] x          x (or v.x) is the element
//   FROM t LATERAL VIEW explode(map) v AS k, val               key and value
//   FROM t LATERAL VIEW posexplode(arr) v AS p, x              position and element
//
// Each becomes a join with the table-valued function eddy_explode(json) of spark_functions.h
// (JOIN, or LEFT JOIN ... ON 1 for OUTER), and references to the generator's column aliases
// become its columns __eddy_pos (array index or map key) and __eddy_elem (the element);
// select items whose text changed keep their Spark-facing name through an alias. A generator
// must be a whole select item (as Spark requires), one per SELECT.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace eddy::sql {

// The query SQLite should run; `sql` itself when it uses none of the forms above.
Result<std::string> rewrite_spark_sql(std::string_view sql);

// A result column's name as Spark shows it: SQLite names an unaliased expression by its text,
// so size(`9`) becomes "size(9)" (backticks dropped outside string literals).
std::string spark_column_name(std::string_view sqlite_name);

// Every identifier the query names (bare, "quoted" or `backticked`), unquoted, once each.
std::vector<std::string> referenced_identifiers(std::string_view sql);

// True if the query selects all columns somewhere: `*` or `t.*` as a select item (not the `*`
// of count(*) or of a product).
bool selects_star(std::string_view sql);

}  // namespace eddy::sql
