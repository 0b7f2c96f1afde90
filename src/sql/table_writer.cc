// TableWriter: see table_writer.h.
#include "sql/table_writer.h"

#include <cctype>

namespace eddy::sql {
namespace {

constexpr size_t kMaxColumns = 2000;  // SQLite's SQLITE_MAX_COLUMN in Debian's build

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

TableWriter::TableWriter(sqlite3* db, std::string table, const std::set<std::string>* keep)
    : db_(db), table_(std::move(table)), keep_(keep) {}

TableWriter::~TableWriter() {
  if (insert_ != nullptr) sqlite3_finalize(insert_);
  if (!finished_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status TableWriter::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return internal_error(msg + " (in: " + sql + ")");
  }
  return Status::ok();
}

Result<std::unique_ptr<TableWriter>> TableWriter::create(sqlite3* db, std::string table,
                                                         const std::set<std::string>* keep) {
  std::unique_ptr<TableWriter> w(new TableWriter(db, std::move(table), keep));
  EDDY_RETURN_IF_ERROR(w->exec("BEGIN"));
  EDDY_RETURN_IF_ERROR(w->exec("DROP TABLE IF EXISTS " + quote_identifier(w->table_)));
  return w;
}

Result<int> TableWriter::column(std::string_view name, const std::string& context) {
  std::string key = ascii_lower(name);
  auto it = index_.find(key);
  if (it != index_.end()) {
    if (columns_[it->second] != name) {
      return invalid_argument(context + ": keys \"" + columns_[it->second] + "\" and \"" +
                              std::string(name) +
                              "\" differ only in case; SQL column names are case-insensitive");
    }
    return it->second;
  }
  if (keep_ != nullptr && keep_->count(key) == 0) return kSkipColumn;
  if (columns_.size() >= kMaxColumns) {
    too_wide_ = true;
    return invalid_argument(context + ": table " + table_ + " would have more than " +
                            std::to_string(kMaxColumns) +
                            " columns (distinct top-level keys), SQLite's limit");
  }
  const int c = static_cast<int>(columns_.size());
  if (created_) {
    EDDY_RETURN_IF_ERROR(
        exec("ALTER TABLE " + quote_identifier(table_) + " ADD COLUMN " + quote_identifier(name)));
  }
  columns_.emplace_back(name);
  index_.emplace(std::move(key), c);
  stats_.emplace_back();
  row_.emplace_back();
  scratch_.emplace_back();
  return c;
}

void TableWriter::set_int(int c, int64_t v) {
  row_[c].type = Type::kInt;
  row_[c].i = v;
}
void TableWriter::set_real(int c, double v) {
  row_[c].type = Type::kReal;
  row_[c].d = v;
}
void TableWriter::set_bool(int c, bool v) {
  row_[c].type = Type::kBool;
  row_[c].i = v ? 1 : 0;
}
void TableWriter::set_text(int c, std::string_view v) {
  row_[c].type = Type::kText;
  row_[c].s = v;
}
void TableWriter::set_json(int c, std::string_view v) {
  row_[c].type = Type::kJson;
  row_[c].s = v;
}
std::string& TableWriter::scratch(int c) { return scratch_[c]; }

Status TableWriter::prepare_insert() {
  if (!created_) {
    std::string sql = "CREATE TABLE " + quote_identifier(table_) + " (";
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) sql += ", ";
      sql += quote_identifier(columns_[c]);
    }
    if (columns_.empty()) sql += "value";  // SQLite needs one column; an empty input
    sql += ")";
    EDDY_RETURN_IF_ERROR(exec(sql));
    created_ = true;
  }
  if (insert_ != nullptr) sqlite3_finalize(insert_);
  insert_ = nullptr;
  std::string sql = "INSERT INTO " + quote_identifier(table_) + " (";
  std::string values;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (c > 0) sql += ", ", values += ", ";
    sql += quote_identifier(columns_[c]);
    values += "?";
  }
  sql += ") VALUES (" + values + ")";
  // Rows of `{}` before any key: the placeholder column reads NULL.
  if (columns_.empty()) sql = "INSERT INTO " + quote_identifier(table_) + " DEFAULT VALUES";
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert_, nullptr) != SQLITE_OK) {
    return internal_error(std::string("preparing the insert: ") + sqlite3_errmsg(db_));
  }
  insert_columns_ = columns_.size();
  return Status::ok();
}

Status TableWriter::end_row(const std::string& context) {
  if (insert_ == nullptr || insert_columns_ != columns_.size()) {
    EDDY_RETURN_IF_ERROR(prepare_insert());
  }
  for (size_t c = 0; c < row_.size(); ++c) {
    Cell& cell = row_[c];
    const int p = static_cast<int>(c) + 1;
    ColumnStats& st = stats_[c];
    switch (cell.type) {
      case Type::kNull:
        sqlite3_bind_null(insert_, p);
        break;
      case Type::kInt:
        st.other = true;
        sqlite3_bind_int64(insert_, p, cell.i);
        break;
      case Type::kBool:
        st.boolean = true;
        sqlite3_bind_int64(insert_, p, cell.i);
        break;
      case Type::kReal:
        st.other = true;
        sqlite3_bind_double(insert_, p, cell.d);
        break;
      case Type::kText:
      case Type::kJson:
        (cell.type == Type::kJson ? st.json : st.other) = true;
        sqlite3_bind_text(insert_, p, cell.s.data(), static_cast<int>(cell.s.size()),
                          SQLITE_STATIC);
        break;
    }
    cell.type = Type::kNull;
  }
  const int rc = sqlite3_step(insert_);
  sqlite3_reset(insert_);
  if (rc != SQLITE_DONE) return internal_error(context + ": insert: " + sqlite3_errmsg(db_));
  ++rows_;
  return Status::ok();
}

Result<TableSchema> TableWriter::finish() {
  if (!created_) EDDY_RETURN_IF_ERROR(prepare_insert());
  if (insert_ != nullptr) sqlite3_finalize(insert_);
  insert_ = nullptr;
  EDDY_RETURN_IF_ERROR(exec("COMMIT"));
  finished_ = true;
  TableSchema s;
  s.name = table_;
  s.rows = rows_;
  s.columns = columns_;
  if (s.columns.empty()) s.columns.push_back("value");
  for (size_t c = 0; c < s.columns.size(); ++c) {
    const ColumnStats st = c < stats_.size() ? stats_[c] : ColumnStats{};
    ColumnKind k = ColumnKind::kScalar;
    if (st.json && !st.boolean && !st.other) k = ColumnKind::kJson;
    if (st.boolean && !st.json && !st.other) k = ColumnKind::kBool;
    s.kinds.push_back(k);
  }
  return s;
}

}  // namespace eddy::sql
