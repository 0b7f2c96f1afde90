// TableWriter: fills one SQLite table from rows whose columns are discovered while reading
// (JSON lines with differing keys), inside one transaction with one prepared INSERT, so a
// million rows load in about a second.
//
// Columns are declared without a type (no affinity: values are stored exactly as bound) and
// are added with ALTER TABLE when a new name appears; earlier rows read NULL there, as Spark's
// schema union gives. Names are matched case-insensitively (SQLite's rule); two keys that
// differ only in case are an error, as in Spark. A table is limited to SQLite's 2000 columns:
// beyond that column() fails and too_wide() is true. A writer may keep only some columns
// (`keep`, ASCII-lowercased names): column() returns kSkipColumn for the others.
//
// Per column, the writer records what kinds of values it saw, so the engine can show values
// as Spark would: a column holding only arrays/maps is a JSON column (its text is shown as
// JSON, size() counts it), one holding only booleans is boolean (1/0 shown as true/false).
//
// Ownership: borrows the sqlite3 handle, which must outlive the writer. Destruction before
// finish() rolls the transaction back. Thread-safety: one thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace eddy::sql {

enum class ColumnKind {
  kScalar,  // numbers, strings, or a mix (nested values in a mixed column show as strings)
  kJson,    // every non-null value is an array or a map, stored as compact JSON text
  kBool,    // every non-null value is a boolean, stored as 1/0
};

struct TableSchema {
  std::string name;
  std::vector<std::string> columns;
  std::vector<ColumnKind> kinds;  // invariant: kinds.size() == columns.size()
  uint64_t rows = 0;
  // More distinct keys than SQLite's column limit: nothing was loaded (see SqlEngine).
  bool too_wide = false;
};

inline constexpr int kSkipColumn = -1;

class TableWriter {
 public:
  // Replaces any table of that name and begins the transaction.
  static Result<std::unique_ptr<TableWriter>> create(sqlite3* db, std::string table,
                                                     const std::set<std::string>* keep = nullptr);
  ~TableWriter();
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  // Index of the column `name`, added if new (kSkipColumn if `keep` leaves it out). `context`
  // names the input for errors.
  Result<int> column(std::string_view name, const std::string& context);
  bool too_wide() const { return too_wide_; }

  // Values of the current row; unset columns are NULL. Text must stay valid until end_row().
  void set_int(int c, int64_t v);
  void set_real(int c, double v);
  void set_bool(int c, bool v);
  void set_text(int c, std::string_view v);
  // Compact JSON text of an array or a map.
  void set_json(int c, std::string_view v);
  // A buffer the caller may fill with text for column c; valid until end_row().
  std::string& scratch(int c);

  Status end_row(const std::string& context);
  // Creates the table if no row came, commits, and describes what was loaded.
  Result<TableSchema> finish();

 private:
  enum class Type : uint8_t { kNull, kInt, kReal, kText, kJson, kBool };
  struct Cell {
    Type type = Type::kNull;
    int64_t i = 0;
    double d = 0;
    std::string_view s;
  };
  struct ColumnStats {
    bool json = false, boolean = false, other = false;
  };

  TableWriter(sqlite3* db, std::string table, const std::set<std::string>* keep);
  Status exec(const std::string& sql);
  Status prepare_insert();

  sqlite3* const db_;
  const std::string table_;
  const std::set<std::string>* const keep_;  // null: every column
  bool too_wide_ = false;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, int> index_;  // ASCII-lowercased name -> column
  std::vector<ColumnStats> stats_;
  std::vector<Cell> row_;            // invariant: row_.size() == columns_.size()
  std::deque<std::string> scratch_;  // per column; a deque keeps references stable
  bool created_ = false;
  bool finished_ = false;
  sqlite3_stmt* insert_ = nullptr;  // prepared for insert_columns_ columns
  size_t insert_columns_ = 0;
  uint64_t rows_ = 0;
};

// "name" with inner quotes doubled: an SQL identifier for any text.
std::string quote_identifier(std::string_view name);

}  // namespace eddy::sql
