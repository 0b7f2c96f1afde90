// SqlEngine: see sql_engine.h.
#include "sql/sql_engine.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "common/json_string.h"
#include "sql/spark_dialect.h"
#include "sql/spark_functions.h"
#include "sql/statement_guard.h"

namespace eddy::sql {
namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "line 2, column 7" of byte offset `off` in `sql`, with the text there.
std::string position(const std::string& sql, int off, bool with_text) {
  if (off < 0 || static_cast<size_t>(off) > sql.size()) return "";
  size_t line = 1, col = 1;
  for (int i = 0; i < off; ++i) {
    if (sql[i] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80) {
      ++col;
    }
  }
  std::string near = sql.substr(off, 30);
  if (const size_t nl = near.find('\n'); nl != std::string::npos) near.resize(nl);
  return " at line " + std::to_string(line) + ", column " + std::to_string(col) +
         (near.empty() || !with_text ? "" : " (near \"" + near + "\")");
}

}  // namespace

Result<std::unique_ptr<SqlEngine>> SqlEngine::create(const SqlLimits& limits, const Clock* clock) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return internal_error("sql: cannot open SQLite: " + msg);
  }
  std::unique_ptr<SqlEngine> e(
      new SqlEngine(db, limits, clock != nullptr ? *clock : *SystemClock::instance()));
  sqlite3_extended_result_codes(db, 1);
  EDDY_RETURN_IF_ERROR(StatementGuard::harden(db));
  EDDY_RETURN_IF_ERROR(register_spark_functions(db));
  return e;
}

SqlEngine::~SqlEngine() { sqlite3_close_v2(db_); }

Status SqlEngine::register_table(const TableSource& t) {
  Result<TableSchema> schema = load_table(db_, t);
  if (!schema.is_ok()) return schema.status().with_context("table " + t.name);
  const std::string name = ascii_lower(t.name);
  wide_.erase(name);
  if (schema->too_wide) {
    tables_.erase(name);
    wide_[name] = WideTable{t, {}, false};
    return Status::ok();
  }
  tables_[name] = std::move(schema).value();
  return Status::ok();
}

Status SqlEngine::load_wide_tables(const std::string& sql) {
  if (wide_.empty()) return Status::ok();
  std::set<std::string> names;
  for (const std::string& id : referenced_identifiers(sql)) names.insert(ascii_lower(id));
  for (auto& [name, wide] : wide_) {
    if (names.count(name) == 0) continue;
    const std::string limit = "table " + wide.source.name +
                              " has more distinct keys than SQLite's 2000 columns, so only the "
                              "columns a query names are loaded";
    if (selects_star(sql)) return invalid_argument("sql: " + limit + ": name them instead of *");
    if (wide.any &&
        std::includes(wide.loaded.begin(), wide.loaded.end(), names.begin(), names.end()))
      continue;  // every name is loaded already
    TableSource s = wide.source;
    s.columns = names;
    Result<TableSchema> schema = load_table(db_, s);
    if (!schema.is_ok()) return schema.status().with_context(limit);
    tables_[name] = std::move(schema).value();
    wide.loaded = names;
    wide.any = true;
  }
  return Status::ok();
}

const TableSchema* SqlEngine::table(const std::string& name) const {
  auto it = tables_.find(ascii_lower(name));
  return it == tables_.end() ? nullptr : &it->second;
}

ColumnKind SqlEngine::kind_of(const char* table, const char* column) const {
  if (table == nullptr || column == nullptr) return ColumnKind::kScalar;
  const TableSchema* s = this->table(table);
  if (s == nullptr) return ColumnKind::kScalar;
  const std::string want = ascii_lower(column);
  for (size_t c = 0; c < s->columns.size(); ++c) {
    if (ascii_lower(s->columns[c]) == want) return s->kinds[c];
  }
  return ColumnKind::kScalar;
}

Result<QueryResult> SqlEngine::query(const std::string& sql) {
  EDDY_RETURN_IF_ERROR(load_wide_tables(sql));
  EDDY_ASSIGN_OR_RETURN(const std::string rewritten, rewrite_spark_sql(sql));
  const bool same = rewritten == sql;
  StatementGuard guard(db_, limits_, clock_);  // from here on, only the user's statements run
  QueryResult result;
  const char* p = rewritten.c_str();
  const char* const end = p + rewritten.size();
  bool any = false;
  while (p < end) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    if (const int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &stmt, &tail);
        rc != SQLITE_OK) {
      std::string msg = sqlite3_errmsg(db_);
      std::string where;
      const int off = sqlite3_error_offset(db_);
      if (off >= 0) {
        const int abs = static_cast<int>(p - rewritten.c_str()) + off;
        const bool with_text = msg.find("near \"") == std::string::npos;
        where =
            same ? position(sql, abs, with_text)
                 : position(rewritten, abs, with_text) + " of the query as rewritten: " + rewritten;
      }
      return guard.failure(rc, msg, where);
    }
    p = tail;
    if (stmt == nullptr) continue;  // whitespace or a comment
    any = true;
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> finalize(stmt, &sqlite3_finalize);
    EDDY_RETURN_IF_ERROR(guard.check_prepared(stmt));
    const int ncol = sqlite3_column_count(stmt);
    QueryResult r;
    std::vector<ColumnKind> kinds;
    for (int c = 0; c < ncol; ++c) {
      r.columns.push_back(spark_column_name(sqlite3_column_name(stmt, c)));
      kinds.push_back(
          kind_of(sqlite3_column_table_name(stmt, c), sqlite3_column_origin_name(stmt, c)));
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      auto& row = r.rows_json.emplace_back();
      row.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        std::string cell;
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            cell = "null";
            break;
          case SQLITE_INTEGER: {
            const int64_t v = sqlite3_column_int64(stmt, c);
            cell = kinds[c] == ColumnKind::kBool ? (v != 0 ? "true" : "false") : std::to_string(v);
            break;
          }
          case SQLITE_FLOAT: {
            const double d = sqlite3_column_double(stmt, c);
            if (!std::isfinite(d)) {
              cell = "null";
              break;
            }
            char buf[32];
            auto res = std::to_chars(buf, buf + sizeof buf, d);
            cell.assign(buf, res.ptr);
            if (cell.find_first_of(".e") == std::string::npos) cell += ".0";
            break;
          }
          default: {
            const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            const std::string_view s(t == nullptr ? "" : t, sqlite3_column_bytes(stmt, c));
            const bool json = kinds[c] == ColumnKind::kJson ||
                              sqlite3_value_subtype(sqlite3_column_value(stmt, c)) == kJsonSubtype;
            if (json && !s.empty() && (s.front() == '[' || s.front() == '{')) {
              cell = s;
            } else {
              append_json_string(s, &cell);
            }
          }
        }
        row.push_back(std::move(cell));
      }
    }
    if (rc != SQLITE_DONE) return guard.failure(rc, sqlite3_errmsg(db_));
    if (ncol > 0 || result.columns.empty()) result = std::move(r);
  }
  if (!any) return invalid_argument("sql: empty query");
  return result;
}

}  // namespace eddy::sql
