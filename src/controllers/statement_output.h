// What Livy clients see of a statement: the StatementOutput JSON built from a worker's report,
// and the two Spark SQL statements a `sql` session handles itself (temporary views, and
// INSERT OVERWRITE DIRECTORY which becomes `eddy sql --output`). Pure functions.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "resources/resource.h"

namespace eddy::controllers {

struct ViewDefinition {
  std::string name;
  std::string path;
  std::string format;  // json, csv, text or auto
};
// CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW name USING fmt OPTIONS (path 'p' | path "p")
std::optional<ViewDefinition> parse_view_definition(const std::string& code);

struct InsertDirectory {
  std::string path;
  std::string query;  // the SELECT
};
// INSERT OVERWRITE DIRECTORY 'path' [USING json] SELECT ...
std::optional<InsertDirectory> parse_insert_directory(const std::string& code);

// Livy's StatementOutput for a finished task: status ok with data (sql: application/json
// {schema, data} as Livy's SQL interpreter gives; eddy: text/plain summary + application/json
// {exitCode, stdout, records}) or status error with ename/evalue/traceback.
nlohmann::json statement_output(const resources::Resource& stmt, const nlohmann::json& done);

}  // namespace eddy::controllers
