// StatementGuard: see statement_guard.h.
#include "sql/statement_guard.h"

#include <strings.h>

#include <cctype>

#include "common/time_format.h"

namespace eddy::sql {
namespace {

// Pragmas that only read: the schema and what the library offers. Everything else (settings,
// writable_schema, temp_store_directory, hard_heap_limit, journal modes...) is refused: a
// statement has no business changing how SQLite runs, and a pragma that raised a limit would
// undo the guard.
constexpr const char* kReadOnlyPragmas[] = {
    "table_info", "table_xinfo",     "table_list",      "index_list",  "index_info",
    "index_xinfo", "foreign_key_list", "function_list", "collation_list", "module_list",
    "pragma_list", "compile_options",
};

// Functions that load code or take raw pointers.
constexpr const char* kRefusedFunctions[] = {"load_extension", "fts3_tokenizer"};

bool in(const char* name, const auto& list) {
  if (name == nullptr) return false;
  for (const char* n : list)
    if (strcasecmp(name, n) == 0) return true;
  return false;
}

std::string mib(int64_t bytes) {
  return bytes % (1 << 20) == 0 ? std::to_string(bytes >> 20) + " MiB"
                                : std::to_string(bytes) + " bytes";
}

}  // namespace

std::string first_keyword(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.substr(i, 2) == "--") {
      const size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (s.substr(i, 2) == "/*") {
      const size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])))
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++])));
  return word;
}

Status StatementGuard::harden(sqlite3* db) {
  int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  if (rc != SQLITE_OK) return internal_error(std::string("sql: ") + sqlite3_errstr(rc));
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);  // the authorizer's second line
  return Status::ok();
}

StatementGuard::StatementGuard(sqlite3* db, const SqlLimits& limits, const Clock& clock)
    : db_(db), limits_(limits), clock_(clock) {
  deadline_ = limits_.time_budget > 0 ? clock_.now() + limits_.time_budget : 0;
  sqlite3_set_authorizer(db_, &StatementGuard::authorize, this);
  // Every 10,000 virtual-machine steps: a clock read there costs nothing measurable.
  if (deadline_ != 0) sqlite3_progress_handler(db_, 10000, &StatementGuard::progress, this);
  previous_length_ = sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, limits_.max_value_bytes);
  previous_sql_length_ = sqlite3_limit(db_, SQLITE_LIMIT_SQL_LENGTH, limits_.max_sql_bytes);
  previous_expr_depth_ = sqlite3_limit(db_, SQLITE_LIMIT_EXPR_DEPTH, limits_.max_expr_depth);
  previous_heap_limit_ = sqlite3_hard_heap_limit64(-1);
  if (limits_.memory_bytes > 0) {
    // Relative to what is allocated now (mostly the loaded tables): the budget is the
    // statement's, whatever the size of the data.
    int64_t cap = sqlite3_memory_used() + limits_.memory_bytes;
    if (previous_heap_limit_ > 0 && previous_heap_limit_ < cap) cap = previous_heap_limit_;
    sqlite3_hard_heap_limit64(cap);
  }
}

StatementGuard::~StatementGuard() {
  sqlite3_hard_heap_limit64(previous_heap_limit_);
  sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, previous_length_);
  sqlite3_limit(db_, SQLITE_LIMIT_SQL_LENGTH, previous_sql_length_);
  sqlite3_limit(db_, SQLITE_LIMIT_EXPR_DEPTH, previous_expr_depth_);
  sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  sqlite3_set_authorizer(db_, nullptr, nullptr);
}

int StatementGuard::authorize(void* self, int action, const char* a1, const char* a2,
                              const char*, const char*) {
  auto* g = static_cast<StatementGuard*>(self);
  switch (action) {
    case SQLITE_ATTACH:
      g->refused_ = "ATTACH";
      return SQLITE_DENY;
    case SQLITE_DETACH:
      g->refused_ = "DETACH";
      return SQLITE_DENY;
    case SQLITE_PRAGMA:
      if (in(a1, kReadOnlyPragmas)) return SQLITE_OK;
      g->refused_ = std::string("PRAGMA ") + (a1 != nullptr ? a1 : "?");
      return SQLITE_DENY;
    case SQLITE_FUNCTION:  // a2: the function's name
      if (!in(a2, kRefusedFunctions)) return SQLITE_OK;
      g->refused_ = std::string(a2) + "()";
      return SQLITE_DENY;
    default:
      return SQLITE_OK;
  }
}

int StatementGuard::progress(void* self) {
  auto* g = static_cast<StatementGuard*>(self);
  if (g->clock_.now() < g->deadline_) return 0;
  g->timed_out_ = true;
  return 1;  // SQLite stops the statement with SQLITE_INTERRUPT
}

Status StatementGuard::refuse(std::string what) const {
  return invalid_argument("sql: " + what +
                          " is not allowed in Eddy SQL statements (they query the tables given "
                          "to them: no other files, no extensions, no changes to SQLite's "
                          "settings)");
}

Status StatementGuard::check_prepared(sqlite3_stmt* stmt) {
  if (first_keyword(sqlite3_sql(stmt)) == "VACUUM") return refuse("VACUUM");
  return Status::ok();
}

Status StatementGuard::failure(int rc, const std::string& message, const std::string& where) const {
  const int primary = rc & 0xff;
  // A denied function fails the prepare with SQLITE_ERROR, other denials with SQLITE_AUTH; a
  // denial always fails the statement, so a recorded one is the reason.
  if (!refused_.empty()) return refuse(refused_);
  if (primary == SQLITE_INTERRUPT && timed_out_) {
    return invalid_argument("sql: the query ran past its time limit of " +
                            format_duration(limits_.time_budget) +
                            " and was stopped (eddy sql --time-limit raises it)");
  }
  if (primary == SQLITE_NOMEM && limits_.memory_bytes > 0) {
    return invalid_argument("sql: the query needed more than its memory limit of " +
                            mib(limits_.memory_bytes) +
                            " beyond the loaded tables (eddy sql --memory-limit raises it)");
  }
  if (primary == SQLITE_TOOBIG) {
    return invalid_argument("sql: " + message + where + " (limits: " +
                            std::to_string(limits_.max_value_bytes) + " bytes per value, " +
                            std::to_string(limits_.max_sql_bytes) + " bytes of SQL)");
  }
  return invalid_argument("sql: " + message + where);
}

}  // namespace eddy::sql
