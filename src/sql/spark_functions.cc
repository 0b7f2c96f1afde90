// Spark SQL functions on SQLite: see spark_functions.h.
#include "sql/spark_functions.h"

#include <locale.h>
#include <simdjson.h>
#include <wctype.h>

#include <charconv>
#include <string>
#include <string_view>

#include "sql/explode_table.h"
#include "common/utf8.h"
#include "common/json_string.h"

namespace eddy::sql {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 if it is not valid UTF-8.
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  return n;
}

locale_t utf8_locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

template <bool kUpper>
void case_map(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const std::string_view s(p, sqlite3_value_bytes(argv[0]));
  const locale_t loc = utf8_locale();
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(kUpper ? (c >= 'a' && c <= 'z' ? c - 32 : c)
                                             : (c >= 'A' && c <= 'Z' ? c + 32 : c)));
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t n = decode_utf8(s, i, cp);
    if (n == 0 || loc == static_cast<locale_t>(0)) {  // not UTF-8: leave the byte alone
      out.push_back(s[i++]);
      continue;
    }
    const wint_t m = kUpper ? towupper_l(static_cast<wint_t>(cp), loc)
                            : towlower_l(static_cast<wint_t>(cp), loc);
    append_utf8(static_cast<char32_t>(m), &out);
    i += n;
  }
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

void size_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const int type = sqlite3_value_type(argv[0]);
  if (type == SQLITE_NULL) return sqlite3_result_int64(ctx, -1);
  if (type != SQLITE_TEXT && type != SQLITE_BLOB) {
    return sqlite3_result_error(ctx, "size(): expects an array or a map, got a number", -1);
  }
  const auto* p = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  const size_t n = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
  auto* parser = static_cast<simdjson::dom::parser*>(sqlite3_user_data(ctx));
  const std::string_view text(p == nullptr ? "" : p, n);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (text[first] != '[' && text[first] != '{')) {
    std::string msg = "size(): expects an array or a map, got the string '" +
                      std::string(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
    return sqlite3_result_error(ctx, msg.c_str(), -1);
  }
  simdjson::dom::element doc;
  if (auto err = parser->parse(text.data(), text.size(), true).get(doc); err) {
    std::string msg = std::string("size(): not valid JSON: ") + simdjson::error_message(err);
    return sqlite3_result_error(ctx, msg.c_str(), -1);
  }
  if (doc.is_array()) return sqlite3_result_int64(ctx, doc.get_array().value().size());
  return sqlite3_result_int64(ctx, doc.get_object().value().size());
}

void array_fn(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  std::string out = "[";
  for (int i = 0; i < argc; ++i) {
    if (i > 0) out.push_back(',');
    sqlite3_value* v = argv[i];
    switch (sqlite3_value_type(v)) {
      case SQLITE_NULL:
        out += "null";
        break;
      case SQLITE_INTEGER:
        out += std::to_string(sqlite3_value_int64(v));
        break;
      case SQLITE_FLOAT: {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, sqlite3_value_double(v));
        out.append(buf, r.ptr);
        break;
      }
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
        const std::string_view s(p == nullptr ? "" : p, sqlite3_value_bytes(v));
        if (sqlite3_value_subtype(v) == kJsonSubtype) {
          out += s;
        } else {
          append_json_string(s, &out);
        }
      }
    }
  }
  out.push_back(']');
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  sqlite3_result_subtype(ctx, kJsonSubtype);
}

}  // namespace

Status register_spark_functions(sqlite3* db) {
  const int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  // One parser per connection, freed with it (the connection is used by one thread).
  auto* parser = new simdjson::dom::parser();
  int rc =
      sqlite3_create_function_v2(db, "size", 1, kFlags, parser, size_fn, nullptr, nullptr,
                                 [](void* p) { delete static_cast<simdjson::dom::parser*>(p); });
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function(db, "array", -1, kFlags, nullptr, array_fn, nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    rc =
        sqlite3_create_function(db, "lower", 1, kFlags, nullptr, case_map<false>, nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function(db, "upper", 1, kFlags, nullptr, case_map<true>, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) return internal_error(std::string("sql: ") + sqlite3_errmsg(db));
  return register_explode_table(db);
}

}  // namespace eddy::sql
