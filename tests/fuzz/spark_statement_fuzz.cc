// libFuzzer target: Spark SQL text as a Livy `sql` statement or `eddy sql` query gives it —
// the statements a session handles itself (sql/spark_statement.h: CREATE TEMP VIEW, INSERT
// OVERWRITE DIRECTORY) and the rewriting of Spark's forms for SQLite (sql/spark_dialect.h).
// Asserts: no crash, no hang (the scanners are linear: the regexes they replaced overflowed the
// stack, issue 19); a recognized view has an identifier name, a non-empty path without quotes
// that occurs in the statement, and a known format; an INSERT's query is a non-empty suffix of
// the statement; a statement rebuilt from what was recognized is recognized the same way; a
// query that names no generator (explode...) is passed to SQLite unchanged.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sql/spark_dialect.h"
#include "sql/spark_statement.h"

namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool has_quote(const std::string& s) {
  return s.find('\'') != std::string::npos || s.find('"') != std::string::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string code(reinterpret_cast<const char*>(data), size);

  if (auto v = eddy::sql::parse_view_definition(code)) {
    if (!is_identifier(v->name) || v->path.empty() || has_quote(v->path)) __builtin_trap();
    if (code.find(v->path) == std::string::npos) __builtin_trap();
    if (v->format != "json" && v->format != "csv" && v->format != "text" && v->format != "auto")
      __builtin_trap();
    const std::string fmt = v->format == "auto" ? "parquet" : v->format;
    auto again = eddy::sql::parse_view_definition("CREATE OR REPLACE TEMP VIEW `" + v->name +
                                                  "` USING " + fmt + " OPTIONS (path '" +
                                                  v->path + "');");
    if (!again || again->name != v->name || again->path != v->path || again->format != v->format)
      __builtin_trap();
  }

  if (auto ins = eddy::sql::parse_insert_directory(code)) {
    if (ins->path.empty() || has_quote(ins->path) || ins->query.empty()) __builtin_trap();
    if (code.size() < ins->query.size() ||
        code.compare(code.size() - ins->query.size(), ins->query.size(), ins->query) != 0)
      __builtin_trap();
    auto again = eddy::sql::parse_insert_directory("INSERT OVERWRITE DIRECTORY '" + ins->path +
                                                   "' " + ins->query);
    if (!again || again->path != ins->path) __builtin_trap();
  }

  auto rewritten = eddy::sql::rewrite_spark_sql(code);
  if (rewritten.is_ok() && lower(code).find("explode") == std::string::npos &&
      rewritten.value() != code)
    __builtin_trap();
  (void)eddy::sql::spark_column_name(code);
  (void)eddy::sql::selects_star(code);
  for (const std::string& id : eddy::sql::referenced_identifiers(code))
    if (id.size() > code.size()) __builtin_trap();
  return 0;
}
