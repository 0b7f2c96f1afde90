// format_result and write_result_dir: see result_format.h.
#include "sql/result_format.h"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "common/json_string.h"
#include "common/utf8.h"
#include "objstore/object_store.h"

namespace eddy::sql {
namespace {

uint32_t hex4(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t i = at; i < at + 4 && i < s.size(); ++i) {
    const char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= c - '0';
    else if (c >= 'a' && c <= 'f')
      v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v |= c - 'A' + 10;
  }
  return v;
}

// Decodes a JSON string literal (with its quotes). Cells come from our own encoder, so the
// input is well-formed; anything odd is copied through rather than rejected.
std::string decode_json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    const char c = s[i];
    if (c != '\\' || i + 2 >= s.size()) {
      out.push_back(c);
      continue;
    }
    const char e = s[++i];
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        uint32_t cp = hex4(s, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < s.size() && s[i + 1] == '\\' &&
            s[i + 2] == 'u') {
          const uint32_t lo = hex4(s, i + 3);
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        append_utf8(cp, &out);
        break;
      }
      default:
        out.push_back(e);  // \" \\ \/
    }
  }
  return out;
}

// Display width in code points (UTF-8 continuation bytes do not count).
size_t display_width(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void append_csv_field(std::string& out, std::string_view s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    out += s;
    return;
  }
  out.push_back('"');
  for (const char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string format_table(const QueryResult& r) {
  const size_t n = r.columns.size();
  std::vector<std::vector<std::string>> cells;
  cells.reserve(r.rows_json.size());
  std::vector<size_t> width(n, 0);
  for (size_t c = 0; c < n; ++c) width[c] = display_width(r.columns[c]);
  for (const auto& row : r.rows_json) {
    auto& out = cells.emplace_back();
    for (size_t c = 0; c < n; ++c) {
      out.push_back(cell_display_text(row[c], "NULL"));
      width[c] = std::max(width[c], display_width(out.back()));
    }
  }
  std::string border = "+";
  for (size_t c = 0; c < n; ++c) border += std::string(width[c], '-') + "+";
  border += "\n";
  auto append_line = [&](const std::vector<std::string>& v, std::string& out) {
    out += "|";
    for (size_t c = 0; c < n; ++c) {
      out.append(width[c] - display_width(v[c]), ' ');
      out += v[c];
      out += "|";
    }
    out += "\n";
  };
  std::string out = border;
  append_line(r.columns, out);
  out += border;
  for (const auto& row : cells) append_line(row, out);
  out += border;
  return out;
}

}  // namespace

Result<OutputFormat> parse_output_format(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json" || name == "jsonl") return OutputFormat::kJsonLines;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "text") return OutputFormat::kText;
  return invalid_argument("output format: expected table, json, csv or text, got '" +
                          std::string(name) + "'");
}

std::string cell_display_text(std::string_view cell_json, std::string_view null_text) {
  if (cell_json == "null") return std::string(null_text);
  if (!cell_json.empty() && cell_json.front() == '"') return decode_json_string(cell_json);
  return std::string(cell_json);
}

std::string format_result(const QueryResult& r, OutputFormat f) {
  std::string out;
  switch (f) {
    case OutputFormat::kTable:
      return format_table(r);
    case OutputFormat::kJsonLines:
      for (const auto& row : r.rows_json) {
        out.push_back('{');
        for (size_t c = 0; c < r.columns.size(); ++c) {
          if (c > 0) out.push_back(',');
          append_json_string(r.columns[c], &out);
          out.push_back(':');
          out += row[c];
        }
        out += "}\n";
      }
      return out;
    case OutputFormat::kCsv:
      for (size_t c = 0; c < r.columns.size(); ++c) {
        if (c > 0) out.push_back(',');
        append_csv_field(out, r.columns[c]);
      }
      out.push_back('\n');
      for (const auto& row : r.rows_json) {
        for (size_t c = 0; c < row.size(); ++c) {
          if (c > 0) out.push_back(',');
          append_csv_field(out, cell_display_text(row[c], ""));
        }
        out.push_back('\n');
      }
      return out;
    case OutputFormat::kText:
      for (const auto& row : r.rows_json) {
        for (size_t c = 0; c < row.size(); ++c) {
          if (c > 0) out.push_back('\t');
          out += cell_display_text(row[c], "null");
        }
        out.push_back('\n');
      }
      return out;
  }
  return out;
}

Status write_result_dir(const QueryResult& r, const std::string& dir_uri, OutputFormat f,
                        bool overwrite) {
  std::string dir = dir_uri;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<objstore::ObjectStore> store, objstore::store_for(dir));
  EDDY_ASSIGN_OR_RETURN(std::vector<objstore::ObjectInfo> existing, store->list(dir + "/"));
  if (!existing.empty()) {
    if (!overwrite) {
      return {StatusCode::kAlreadyExists, dir + ": output directory already exists and holds " +
                                              std::to_string(existing.size()) +
                                              " object(s) (remove it first)"};
    }
    for (const auto& o : existing) EDDY_RETURN_IF_ERROR(store->remove(o.uri));
  }
  const std::string part = dir + "/part-00000";
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<objstore::ObjectWriter> w, store->create(part));
  EDDY_RETURN_IF_ERROR(w->write(format_result(r, f)));
  EDDY_RETURN_IF_ERROR(w->commit());
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<objstore::ObjectWriter> s, store->create(dir + "/_SUCCESS"));
  return s->commit();
}

}  // namespace eddy::sql
