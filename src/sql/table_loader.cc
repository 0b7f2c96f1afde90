// load_table and list_table_files: see table_loader.h.
#include "sql/table_loader.h"

#include <simdjson.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

namespace eddy::sql {
namespace {

enum class Format { kJson, kCsv, kText };

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Spark skips files and directories whose name starts with '_' or '.' (_SUCCESS, .crc files,
// _temporary/): any component of the path below the table's root.
bool is_hidden(std::string_view relative) {
  size_t start = 0;
  while (start < relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    if (end > start && (relative[start] == '_' || relative[start] == '.')) return true;
    start = end + 1;
  }
  return false;
}

// The signs of an output Eddy's or Spark's writers made: part files, or Hadoop's _temporary/.
// (Writers' temporary files, .NAME.eddy-tmp-*, are never listed by the local store.)
bool looks_spark_written(std::string_view relative) {
  const size_t slash = relative.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  return base.rfind("part-", 0) == 0 || relative.rfind("_temporary/", 0) == 0;
}

Result<Format> parse_format(const std::string& name) {
  if (name == "json" || name == "jsonl") return Format::kJson;
  if (name == "csv") return Format::kCsv;
  if (name == "text") return Format::kText;
  return invalid_argument("table format: expected auto, json, csv or text, got '" + name + "'");
}

Format detect_format(const std::string& uri, std::string_view content) {
  if (ends_with(uri, ".json") || ends_with(uri, ".jsonl") || ends_with(uri, ".ndjson")) {
    return Format::kJson;
  }
  if (ends_with(uri, ".csv")) return Format::kCsv;
  if (ends_with(uri, ".txt") || ends_with(uri, ".log")) return Format::kText;
  for (const char c : content) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' ? Format::kJson : Format::kText;
  }
  return Format::kText;
}

std::string where(const std::string& uri, size_t line) { return uri + ":" + std::to_string(line); }

// Calls fn(line_no, start, len) for every non-blank line of data.
template <typename Fn>
void for_each_json_line(std::string_view data, Fn&& fn) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    ++line_no;
    const char* start = data.data() + pos;
    const void* nl = std::memchr(start, '\n', data.size() - pos);
    const size_t len = nl != nullptr ? static_cast<const char*>(nl) - start : data.size() - pos;
    pos += len + 1;
    bool blank = true;
    for (size_t i = 0; i < len && blank; ++i) {
      blank = start[i] == ' ' || start[i] == '\t' || start[i] == '\r';
    }
    if (!blank && !fn(line_no, start, len)) return;
  }
}

// Declares the file's keys as columns before any of its rows is inserted: a column added after
// rows exist costs an ALTER TABLE and a new INSERT, which made a file with a new key on every
// line (the transform's output) quadratic. Lines that are not objects are left to the load.
Status declare_json_keys(TableWriter& w, const std::string& uri, std::string_view data,
                         simdjson::dom::parser& parser) {
  Status status;
  for_each_json_line(data, [&](size_t, const char* start, size_t len) {
    simdjson::dom::object obj;
    if (parser.parse(start, len, false).get_object().get(obj)) return true;
    for (auto field : obj) {
      Result<int> col = w.column(field.key, uri);
      if (!col.is_ok()) {
        status = col.status();
        return false;
      }
    }
    return true;
  });
  return status;
}

// One line (start, len; SIMDJSON_PADDING bytes readable past it) as one row.
Status load_json_line(TableWriter& w, const std::string& uri, size_t line_no, const char* start,
                      size_t len, simdjson::dom::parser& parser) {
  simdjson::dom::element doc;
  // The rest of the buffer (at least SIMDJSON_PADDING bytes) is readable past the line.
  if (auto err = parser.parse(start, len, false).get(doc); err) {
    return data_loss(where(uri, line_no) + ": invalid JSON: " + simdjson::error_message(err));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    return data_loss(where(uri, line_no) + ": expected a JSON object per line, got " +
                     std::string(simdjson::minify(doc)).substr(0, 60));
  }
  for (auto field : obj) {
    Result<int> col = w.column(field.key, uri);
    if (!col.is_ok()) return col.status();
    const int c = *col;
    if (c == kSkipColumn) continue;
    simdjson::dom::element v = field.value;
    switch (v.type()) {
      case simdjson::dom::element_type::INT64:
        w.set_int(c, int64_t(v));
        break;
      case simdjson::dom::element_type::UINT64:
        w.set_real(c, static_cast<double>(uint64_t(v)));
        break;
      case simdjson::dom::element_type::DOUBLE:
        w.set_real(c, double(v));
        break;
      case simdjson::dom::element_type::STRING:
        w.set_text(c, std::string_view(v));
        break;
      case simdjson::dom::element_type::BOOL:
        w.set_bool(c, bool(v));
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        break;
      case simdjson::dom::element_type::ARRAY:
      case simdjson::dom::element_type::OBJECT:
        w.scratch(c) = simdjson::minify(v);
        w.set_json(c, w.scratch(c));
        break;
    }
  }
  return w.end_row(where(uri, line_no));
}

// Each line of `data` (which has SIMDJSON_PADDING readable bytes past its end) is one object.
Status load_json_lines(TableWriter& w, const std::string& uri, std::string_view data,
                       simdjson::dom::parser& parser) {
  EDDY_RETURN_IF_ERROR(declare_json_keys(w, uri, data, parser));
  Status status;
  for_each_json_line(data, [&](size_t line_no, const char* start, size_t len) {
    status = load_json_line(w, uri, line_no, start, len, parser);
    return status.is_ok();
  });
  return status;
}

// A bare CSV field that reads fully as a number is bound as one.
void set_csv_value(TableWriter& w, int c, const CsvField& f) {
  if (f.quoted) {
    w.set_text(c, f.text);
    return;
  }
  if (f.text.empty()) return;  // NULL
  const char* s = f.text.c_str();
  char* end = nullptr;
  const bool digits = std::strpbrk(s, "0123456789") != nullptr;
  if (digits && f.text.find_first_not_of("+-0123456789") == std::string::npos) {
    errno = 0;
    const long long v = std::strtoll(s, &end, 10);
    if (errno == 0 && *end == '\0') {
      w.set_int(c, v);
      return;
    }
  }
  if (digits && f.text.find_first_not_of("+-0123456789.eE") == std::string::npos) {
    const double d = std::strtod(s, &end);
    if (*end == '\0') {
      w.set_real(c, d);
      return;
    }
  }
  w.set_text(c, f.text);
}

Status load_csv(TableWriter& w, const std::string& uri, std::string_view data,
                std::vector<std::string>& header) {
  CsvParser parser(data);
  std::vector<CsvField> fields;
  std::vector<int> cols;
  bool first = true;
  for (;;) {
    Result<bool> more = parser.next(fields);
    if (!more.is_ok()) return data_loss(uri + ": " + more.status().message());
    if (!*more) break;
    if (first) {
      first = false;
      std::vector<std::string> names;
      for (size_t i = 0; i < fields.size(); ++i) {
        // Spark names an empty header field _c<i>.
        names.push_back(fields[i].text.empty() ? "_c" + std::to_string(i) : fields[i].text);
      }
      if (header.empty()) {
        header = names;
      } else if (names != header) {
        return invalid_argument(uri + ":1: CSV header differs from the table's first file");
      }
      for (const auto& n : names) {
        Result<int> c = w.column(n, uri);
        if (!c.is_ok()) return c.status();
        for (int prev : cols) {
          if (prev == *c && prev != kSkipColumn)
            return invalid_argument(uri + ":1: duplicate CSV column '" + n + "'");
        }
        cols.push_back(*c);
      }
      continue;
    }
    if (fields.size() != cols.size()) {
      return data_loss(where(uri, parser.record_line()) + ": " + std::to_string(fields.size()) +
                       " fields, the header has " + std::to_string(cols.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (cols[i] != kSkipColumn) set_csv_value(w, cols[i], fields[i]);
    }
    EDDY_RETURN_IF_ERROR(w.end_row(where(uri, parser.record_line())));
  }
  return Status::ok();
}

Status load_text(TableWriter& w, const std::string& uri, std::string_view data) {
  Result<int> col = w.column("value", uri);
  if (!col.is_ok()) return col.status();
  if (*col == kSkipColumn) return Status::ok();  // the query does not read it
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    ++line_no;
    size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    std::string_view line = data.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    w.set_text(*col, line);
    EDDY_RETURN_IF_ERROR(w.end_row(where(uri, line_no)));
  }
  return Status::ok();
}

}  // namespace

Result<std::vector<objstore::ObjectInfo>> list_table_files(const std::string& uri,
                                                           bool allow_partial) {
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<objstore::ObjectStore> store, objstore::store_for(uri));
  std::string root = uri;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root == uri) {
    EDDY_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> one, store->list(uri));
    if (one.size() == 1 && one[0].uri == uri) return one;
  }
  // A directory or prefix: only what is below root + "/" (not root_old/...).
  EDDY_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> all, store->list(root + "/"));
  std::vector<objstore::ObjectInfo> files;
  bool success = false, spark_written = false;
  for (auto& o : all) {
    if (o.uri.size() <= root.size() + 1) continue;
    const std::string_view relative = std::string_view(o.uri).substr(root.size() + 1);
    success = success || relative == "_SUCCESS";
    spark_written = spark_written || looks_spark_written(relative);
    if (is_hidden(relative)) continue;
    files.push_back(std::move(o));
  }
  if (spark_written && !success && !files.empty() && !allow_partial) {
    return failed_precondition(
        root + ": a partial output: it holds part files but no _SUCCESS, so the job that wrote "
               "it failed, was killed or is still running; rerun that job, or read what is "
               "there with eddy sql --allow-partial");
  }
  if (files.empty()) {
    return not_found(uri +
                     ": no such file, or no data files under it (_SUCCESS and names "
                     "starting with '_' or '.' are skipped)");
  }
  return files;
}

Result<TableSchema> load_table(sqlite3* db, const TableSource& t) {
  if (t.name.empty()) return invalid_argument("table: empty name");
  EDDY_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> files, list_table_files(t.uri, t.allow_partial));
  std::optional<Format> format;
  if (t.format != "auto") {
    EDDY_ASSIGN_OR_RETURN(format, parse_format(t.format));
  }
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> w,
                        TableWriter::create(db, t.name, t.columns ? &*t.columns : nullptr));
  simdjson::dom::parser parser;
  std::vector<std::string> csv_header;
  for (const auto& f : files) {
    EDDY_ASSIGN_OR_RETURN(std::string content, objstore::read_all(f.uri));
    const size_t size = content.size();
    if (!format) format = detect_format(f.uri, content);
    content.append(simdjson::SIMDJSON_PADDING, '\0');
    const std::string_view data(content.data(), size);
    Status s;
    switch (*format) {
      case Format::kJson:
        s = load_json_lines(*w, f.uri, data, parser);
        break;
      case Format::kCsv:
        s = load_csv(*w, f.uri, data, csv_header);
        break;
      case Format::kText:
        s = load_text(*w, f.uri, data);
        break;
    }
    if (!s.is_ok() && w->too_wide() && !t.columns) {
      w.reset();  // rolls back; then no stale table of that name may stay
      char* err = nullptr;
      const std::string drop = "DROP TABLE IF EXISTS " + quote_identifier(t.name);
      if (sqlite3_exec(db, drop.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err != nullptr ? err : "?";
        sqlite3_free(err);
        return internal_error(msg);
      }
      TableSchema wide;
      wide.name = t.name;
      wide.too_wide = true;
      return wide;
    }
    EDDY_RETURN_IF_ERROR(s);
  }
  return w->finish();
}

}  // namespace eddy::sql
