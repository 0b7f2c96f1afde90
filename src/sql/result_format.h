// Printing a QueryResult (aligned table, JSON lines, CSV, text) and writing it as a directory
// in Spark's saveAsTextFile layout, like the transform's output: DIR/part-00000, then an empty
// DIR/_SUCCESS written last so that readers waiting for it never see a partial result.
//
// Writes go through objstore::store_for(dir_uri), so DIR may be local or s3://.
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/query_result.h"

namespace eddy::sql {

// kTable: Spark's show() layout (+---+ borders, cells right-aligned, strings unquoted, NULL);
// kJsonLines: {"size(9)":2} per row; kCsv: header + rows; kText: tab-separated cells, no header.
// Every format ends each line with '\n'.
std::string format_result(const QueryResult& r, OutputFormat f);

// Writes format_result(r, f) as DIR/part-00000 and then DIR/_SUCCESS. A directory that
// already holds objects is refused (as Spark refuses) unless `overwrite`, which removes them.
Status write_result_dir(const QueryResult& r, const std::string& dir_uri, OutputFormat f,
                        bool overwrite = false);

// The text a cell shows in a table or CSV: JSON strings decoded, null as `null_text`,
// numbers, booleans and nested values as their JSON text.
std::string cell_display_text(std::string_view cell_json, std::string_view null_text);

}  // namespace eddy::sql
