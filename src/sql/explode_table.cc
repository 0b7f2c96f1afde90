// eddy_explode: see explode_table.h.
#include "sql/explode_table.h"

#include <simdjson.h>

#include <new>
#include <string>
#include <vector>

#include "sql/spark_functions.h"

namespace eddy::sql {
namespace {

enum Column { kPos = 0, kElem = 1, kJson = 2 };

struct Cursor {
  sqlite3_vtab_cursor base;  // first: SQLite casts between the two
  simdjson::dom::parser parser;
  std::string input;
  bool is_map = false;
  std::vector<std::pair<std::string_view, simdjson::dom::element>> rows;
  size_t at = 0;
  std::string scratch;
};

int x_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  const int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(__eddy_pos, __eddy_elem, json HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  auto* vtab = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (vtab == nullptr) return SQLITE_NOMEM;
  *vtab = sqlite3_vtab{};
  *out = vtab;
  return SQLITE_OK;
}

int x_disconnect(sqlite3_vtab* vtab) {
  sqlite3_free(vtab);
  return SQLITE_OK;
}

int x_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn == kJson && c.op == SQLITE_INDEX_CONSTRAINT_EQ && c.usable) {
      info->aConstraintUsage[i].argvIndex = 1;
      info->aConstraintUsage[i].omit = 1;
      info->estimatedCost = 10;
      info->estimatedRows = 10;
      info->idxNum = 1;
      return SQLITE_OK;
    }
  }
  return SQLITE_CONSTRAINT;  // only usable with its argument bound
}

int x_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* c = new (std::nothrow) Cursor();
  if (c == nullptr) return SQLITE_NOMEM;
  *out = &c->base;
  return SQLITE_OK;
}

int x_close(sqlite3_vtab_cursor* cur) {
  delete reinterpret_cast<Cursor*>(cur);
  return SQLITE_OK;
}

int fail(sqlite3_vtab_cursor* cur, const std::string& msg) {
  sqlite3_free(cur->pVtab->zErrMsg);
  cur->pVtab->zErrMsg = sqlite3_mprintf("%s", msg.c_str());
  return SQLITE_ERROR;
}

int x_filter(sqlite3_vtab_cursor* cur, int, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<Cursor*>(cur);
  c->rows.clear();
  c->at = 0;
  if (argc < 1) return SQLITE_OK;
  const int type = sqlite3_value_type(argv[0]);
  if (type == SQLITE_NULL) return SQLITE_OK;
  if (type != SQLITE_TEXT && type != SQLITE_BLOB) {
    return fail(cur, "explode(): expects an array or a map, got a number");
  }
  const auto* p = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  c->input.assign(p == nullptr ? "" : p, sqlite3_value_bytes(argv[0]));
  simdjson::dom::element doc;
  if (auto err = c->parser.parse(c->input).get(doc); err) {
    return fail(cur, "explode(): expects an array or a map, got '" + c->input.substr(0, 40) +
                         "' (" + simdjson::error_message(err) + ")");
  }
  if (doc.is_array()) {
    c->is_map = false;
    const simdjson::dom::array arr = doc.get_array().value();  // not a range-init temporary
    for (simdjson::dom::element e : arr) c->rows.push_back({{}, e});
  } else if (doc.is_object()) {
    c->is_map = true;
    const simdjson::dom::object obj = doc.get_object().value();
    for (auto field : obj) c->rows.push_back({field.key, field.value});
  } else {
    return fail(cur, "explode(): expects an array or a map, got '" + c->input.substr(0, 40) + "'");
  }
  return SQLITE_OK;
}

int x_next(sqlite3_vtab_cursor* cur) {
  ++reinterpret_cast<Cursor*>(cur)->at;
  return SQLITE_OK;
}

int x_eof(sqlite3_vtab_cursor* cur) {
  auto* c = reinterpret_cast<Cursor*>(cur);
  return c->at >= c->rows.size();
}

int x_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int col) {
  auto* c = reinterpret_cast<Cursor*>(cur);
  const auto& [key, e] = c->rows[c->at];
  if (col == kPos) {
    if (c->is_map) {
      sqlite3_result_text(ctx, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_result_int64(ctx, static_cast<int64_t>(c->at));
    }
    return SQLITE_OK;
  }
  if (col == kJson) {
    sqlite3_result_text(ctx, c->input.data(), static_cast<int>(c->input.size()), SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  switch (e.type()) {
    case simdjson::dom::element_type::INT64:
      sqlite3_result_int64(ctx, int64_t(e));
      break;
    case simdjson::dom::element_type::UINT64:
      sqlite3_result_double(ctx, static_cast<double>(uint64_t(e)));
      break;
    case simdjson::dom::element_type::DOUBLE:
      sqlite3_result_double(ctx, double(e));
      break;
    case simdjson::dom::element_type::BOOL:
      sqlite3_result_int(ctx, bool(e) ? 1 : 0);
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      sqlite3_result_null(ctx);
      break;
    case simdjson::dom::element_type::STRING: {
      const std::string_view s(e);
      sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      break;
    }
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::OBJECT:
      c->scratch = simdjson::minify(e);
      sqlite3_result_text(ctx, c->scratch.data(), static_cast<int>(c->scratch.size()),
                          SQLITE_TRANSIENT);
      sqlite3_result_subtype(ctx, kJsonSubtype);
      break;
  }
  return SQLITE_OK;
}

int x_rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
  *rowid = static_cast<sqlite3_int64>(reinterpret_cast<Cursor*>(cur)->at);
  return SQLITE_OK;
}

sqlite3_module make_module() {
  sqlite3_module m{};
  m.xConnect = x_connect;  // no xCreate: eponymous only
  m.xBestIndex = x_best_index;
  m.xDisconnect = x_disconnect;
  m.xOpen = x_open;
  m.xClose = x_close;
  m.xFilter = x_filter;
  m.xNext = x_next;
  m.xEof = x_eof;
  m.xColumn = x_column;
  m.xRowid = x_rowid;
  return m;
}

}  // namespace

Status register_explode_table(sqlite3* db) {
  static const sqlite3_module kModule = make_module();
  if (sqlite3_create_module(db, "eddy_explode", &kModule, nullptr) != SQLITE_OK) {
    return internal_error(std::string("sql: eddy_explode: ") + sqlite3_errmsg(db));
  }
  return Status::ok();
}

}  // namespace eddy::sql
