// completion_candidates (livy_api.h): Livy's code completion for Eddy's two session kinds.
// The word is the run of identifier characters ending at the cursor; candidates start with it,
// compared without regard to case, and keep the case the user started typing in (SQL users
// write both `select` and `SELECT`).
#include <algorithm>
#include <cctype>
#include <set>

#include "server/livy_api.h"

namespace eddy::server {
namespace {

// What `eddy sql` (SQLite underneath, docs/sql.md) reads: keywords, the Spark-style statements
// the sql session adds, and the functions users reach for first.
constexpr const char* kSqlWords[] = {
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "AS",
    "DISTINCT", "JOIN", "LEFT", "INNER", "CROSS", "ON", "USING", "UNION", "ALL", "AND", "OR",
    "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END", "ASC",
    "DESC", "WITH", "LATERAL", "VIEW", "EXPLODE", "CREATE", "TEMPORARY", "OPTIONS", "INSERT",
    "OVERWRITE", "DIRECTORY", "COUNT", "SUM", "AVG", "MIN", "MAX", "SIZE", "LENGTH", "LOWER",
    "UPPER", "SUBSTR", "COALESCE", "CAST", "ROUND", "ABS", "JSON", "CSV", "TEXT"};

// Job manifests (docs/batch.md, docs/stream-windows.md): top-level keys, kinds, steps and the
// options steps take.
constexpr const char* kManifestWords[] = {
    "apiVersion", "kind", "metadata", "name", "labels", "spec", "parameters", "steps",
    "BatchJob", "StreamJob", "read", "split", "key_by", "group_by_key", "sort_by_key", "to_json",
    "write", "uri", "delimiter", "field", "type", "ascending", "style", "partitions",
    "badLines", "source", "sink", "window", "size", "slide", "topN", "checkpoint"};

bool word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::vector<std::string> completion_candidates(const std::string& kind, const std::string& code,
                                               size_t cursor,
                                               const std::vector<std::string>& tables) {
  cursor = std::min(cursor, code.size());
  size_t begin = cursor;
  while (begin > 0 && word_char(static_cast<unsigned char>(code[begin - 1]))) --begin;
  const std::string word = code.substr(begin, cursor - begin);
  if (word.empty()) return {};
  const std::string want = lower(word);
  const bool sql = kind == "sql";
  // SQL keywords follow the case of the word's first letter; names keep their own.
  const bool lower_case = std::islower(static_cast<unsigned char>(word[0])) != 0;
  std::set<std::string> out;
  auto consider = [&](const std::string& candidate, bool keyword) {
    std::string low = lower(candidate);
    if (low.size() < want.size() || low.compare(0, want.size(), want) != 0 || low == want) return;
    out.insert(keyword && sql && lower_case ? low : candidate);
  };
  if (sql) {
    for (const char* w : kSqlWords) consider(w, true);
    for (const auto& t : tables) consider(t, false);
  } else {
    for (const char* w : kManifestWords) consider(w, false);
  }
  return {out.begin(), out.end()};
}

}  // namespace eddy::server
