// The two Spark SQL statements a `sql` session handles itself rather than as a query:
// temporary views over files (bookkeeping on the session) and INSERT OVERWRITE DIRECTORY
// (which becomes `eddy sql --output`). Hand-written scanners, linear in the input, no
// std::regex: statements are user input and a backtracking regex overflowed the stack on long
// ones (issue 19). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eddy::sql {

struct ViewDefinition {
  std::string name;
  std::string path;
  std::string format;  // json, csv, text or auto
};
// CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW name USING fmt OPTIONS (path ['=] 'p')
// (keywords in any case, the name optionally in backquotes, a trailing ';').
std::optional<ViewDefinition> parse_view_definition(std::string_view code);

struct InsertDirectory {
  std::string path;
  std::string query;  // the SELECT
};
// INSERT OVERWRITE DIRECTORY 'path' [USING json] SELECT ...
std::optional<InsertDirectory> parse_insert_directory(std::string_view code);

}  // namespace eddy::sql
