#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <charconv>
#include <limits>

#include "store/resource_row.h"

namespace eddy::store {
namespace {

using resources::Resource;

constexpr int64_t kSchemaVersion = 1;
// pg_advisory_xact_lock key that serializes schema creation between servers starting at once
// (CREATE TABLE IF NOT EXISTS alone races on the catalog). "eddy" in ASCII.
constexpr const char* kMigrationLock = "1701078137";

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE resources (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  id BIGINT NOT NULL,
  uid TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, name),
  UNIQUE (kind, id)
);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
CREATE TABLE logs (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  seq BIGINT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (kind, name, seq)
);
)sql";

constexpr const char* kRowColumns = "SELECT id, uid, version, created_ms, doc FROM resources ";
constexpr const char* kUniqueViolation = "23505";

// libpq's messages end in a newline and may continue on tab-indented lines (a hint): one line.
std::string trim_message(const char* m) {
  std::string s;
  for (const char* p = m ? m : ""; *p; ++p) {
    if (*p != '\n') {
      s += *p;
      continue;
    }
    while (p[1] == '\t' || p[1] == ' ' || p[1] == '\n') ++p;
    if (p[1]) s += "; ";
  }
  return s;
}

int64_t to_i64(const char* s) {
  int64_t v = 0;
  std::from_chars(s, s + std::char_traits<char>::length(s), v);
  return v;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

}  // namespace

// The statements of one store call on the connection: runs them, turns failures into Status
// naming the store, remembers whether the connection broke before anything succeeded (then
// the call may be retried on a fresh connection), and rolls back an unfinished transaction.
class PostgresStore::Session {
 public:
  Session(PGconn* conn, const std::string& name) : conn_(conn), name_(name) {}
  ~Session() {
    if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE)
      PgResult(PQexec(conn_, "ROLLBACK"));
  }

  // Runs one parameterized statement. Parameters are sent as text, separately from the SQL.
  Result<PgResult> exec(const char* what, const char* sql,
                        const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::string& p : params) values.push_back(p.c_str());
    PgResult r(PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                            nullptr, nullptr, 0));
    ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      ++succeeded_;
      return r;
    }
    const char* code = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    sqlstate_ = code ? code : "";
    std::string msg = trim_message(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_));
    if (msg.empty()) msg = trim_message(PQerrorMessage(conn_));
    if (PQstatus(conn_) == CONNECTION_BAD) {
      if (succeeded_ == 0) lost_before_success_ = true;
      return unavailable(name_ + ": " + what + ": connection lost: " + msg);
    }
    // Serialization failures and deadlocks (class 40) are worth a retry by the caller.
    if (sqlstate_.rfind("40", 0) == 0) return unavailable(name_ + ": " + what + ": " + msg);
    return io_error(name_ + ": " + what + ": " + msg);
  }
  Status exec_status(const char* what, const char* sql,
                     const std::vector<std::string>& params = {}) {
    auto r = exec(what, sql, params);
    return r.is_ok() ? Status::ok() : r.status();
  }

  const std::string& sqlstate() const { return sqlstate_; }
  bool lost_before_success() const { return lost_before_success_; }

 private:
  PGconn* conn_;
  const std::string& name_;
  int succeeded_ = 0;
  bool lost_before_success_ = false;
  std::string sqlstate_;  // of the last failed statement
};

template <typename T, typename Op>
T PostgresStore::run(Op op) {
  std::lock_guard<std::mutex> l(mu_);
  for (int attempt = 0;; ++attempt) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      PQreset(conn_);
      if (PQstatus(conn_) != CONNECTION_OK)
        return unavailable(name_ + ": cannot connect: " + trim_message(PQerrorMessage(conn_)));
    }
    Session s(conn_, name_);
    T result = op(s);
    if (attempt == 0 && s.lost_before_success()) continue;  // a stale connection: try once more
    return result;
  }
}

std::string redact_postgres_uri(const std::string& uri) {
  size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  size_t auth_begin = scheme + 3;
  size_t auth_end = uri.find_first_of("/?", auth_begin);
  if (auth_end == std::string::npos) auth_end = uri.size();
  std::string out = uri.substr(0, auth_begin);
  std::string auth = uri.substr(auth_begin, auth_end - auth_begin);
  size_t at = auth.rfind('@');
  if (at != std::string::npos) {
    size_t colon = auth.find(':');
    if (colon < at) auth.erase(colon, at - colon);
  }
  out += auth;
  size_t q = uri.find('?', auth_end);
  out += uri.substr(auth_end, q == std::string::npos ? std::string::npos : q - auth_end);
  if (q != std::string::npos) {
    std::string kept;
    size_t pos = q + 1;
    while (pos <= uri.size()) {
      size_t amp = uri.find('&', pos);
      if (amp == std::string::npos) amp = uri.size();
      std::string param = uri.substr(pos, amp - pos);
      if (!param.empty() && param.rfind("password=", 0) != 0)
        kept += (kept.empty() ? "" : "&") + param;
      pos = amp + 1;
    }
    if (!kept.empty()) out += "?" + kept;
  }
  return out;
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const std::string& uri,
                                                           Clock* clock) {
  std::string name = "postgresql store " + redact_postgres_uri(uri);
  char* parse_error = nullptr;
  PQconninfoOption* opts = PQconninfoParse(uri.c_str(), &parse_error);
  if (!opts) {
    std::string msg = parse_error ? trim_message(parse_error) : "cannot parse the URI";
    PQfreemem(parse_error);
    return invalid_argument(name + ": " + msg);
  }
  PQconninfoFree(opts);
  // connect_timeout first so that a value in the URI overrides it: without one, an
  // unreachable host would block for the kernel's TCP timeout (minutes).
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "eddy", uri.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return unavailable(name + ": cannot connect: out of memory");
  std::unique_ptr<PostgresStore> store(new PostgresStore(conn, name, clock));
  if (PQstatus(conn) != CONNECTION_OK)
    return unavailable(name + ": cannot connect: " + trim_message(PQerrorMessage(conn)));
  // "relation already exists, skipping" notices would otherwise go to stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);

  Status s = store->run<Status>([&](Session& ses) -> Status {
    EDDY_RETURN_IF_ERROR(ses.exec_status("begin", "BEGIN"));
    EDDY_RETURN_IF_ERROR(ses.exec_status("lock schema", "SELECT pg_advisory_xact_lock($1::bigint)",
                                         {kMigrationLock}));
    EDDY_RETURN_IF_ERROR(ses.exec_status(
        "create schema_version",
        "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"));
    EDDY_ASSIGN_OR_RETURN(PgResult v,
                          ses.exec("read schema version", "SELECT version FROM schema_version"));
    if (PQntuples(v.get()) > 0) {
      int64_t have = to_i64(PQgetvalue(v.get(), 0, 0));
      if (have > kSchemaVersion)
        return failed_precondition(store->name_ + ": schema version " + std::to_string(have) +
                                   " is newer than this eddy understands (" +
                                   std::to_string(kSchemaVersion) + "); upgrade eddy");
      return ses.exec_status("commit", "COMMIT");  // future: steps have -> have+1 here
    }
    PgResult created(PQexec(store->conn_, kSchemaV1));  // DDL only: no parameters
    if (PQresultStatus(created.get()) != PGRES_COMMAND_OK)
      return io_error(store->name_ + ": create tables: " +
                      trim_message(PQresultErrorMessage(created.get())));
    EDDY_RETURN_IF_ERROR(ses.exec_status("write schema version",
                                         "INSERT INTO schema_version (version) VALUES ($1)",
                                         {std::to_string(kSchemaVersion)}));
    return ses.exec_status("commit", "COMMIT");
  });
  EDDY_RETURN_IF_ERROR(s);
  return store;
}

PostgresStore::~PostgresStore() { PQfinish(conn_); }

namespace {

Result<Resource> row_to_resource(const std::string& store, PGresult* r, int row) {
  return decode_row(store, PQgetvalue(r, row, 4), to_i64(PQgetvalue(r, row, 0)),
                    PQgetvalue(r, row, 1), to_i64(PQgetvalue(r, row, 2)),
                    to_i64(PQgetvalue(r, row, 3)));
}

constexpr const char* kNextCounter =
    "INSERT INTO counters (name, value) VALUES ($1, $2::bigint) "
    "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value";

// Log lines travel as one JSON array parameter. PostgreSQL text holds neither NUL nor invalid
// UTF-8; both become U+FFFD rather than failing the append.
std::string encode_lines(const std::vector<std::string>& lines) {
  nlohmann::json arr = nlohmann::json::array();
  for (const std::string& line : lines) {
    if (line.find('\0') == std::string::npos) {
      arr.push_back(line);
    } else {
      std::string clean;
      for (char c : line) clean += c == '\0' ? std::string("\xEF\xBF\xBD") : std::string(1, c);
      arr.push_back(std::move(clean));
    }
  }
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<Resource> PostgresStore::create(Resource r) {
  EDDY_RETURN_IF_ERROR(check_create(r));
  return run<Result<Resource>>([&](Session& s) -> Result<Resource> {
    Resource out = r;
    EDDY_RETURN_IF_ERROR(s.exec_status("create", "BEGIN"));
    if (!out.name.empty()) {
      EDDY_ASSIGN_OR_RETURN(PgResult e,
                            s.exec("create", "SELECT 1 FROM resources WHERE kind = $1 AND name = $2",
                                   {out.kind, out.name}));
      if (PQntuples(e.get()) > 0) return already_exists(out.kind, out.name);
    }
    EDDY_ASSIGN_OR_RETURN(PgResult id, s.exec("allocate id", kNextCounter, {"id:" + out.kind, "0"}));
    EDDY_ASSIGN_OR_RETURN(PgResult v, s.exec("allocate version", kNextCounter, {"version", "1"}));
    assign_created(&out, to_i64(PQgetvalue(id.get(), 0, 0)), to_i64(PQgetvalue(v.get(), 0, 0)),
                   clock_->now() / 1000);
    auto ins = s.exec("create",
                      "INSERT INTO resources (kind, name, id, uid, version, created_ms, doc) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      {out.kind, out.name, std::to_string(out.id), out.uid,
                       std::to_string(out.version), std::to_string(out.created_ms),
                       encode_doc(out)});
    if (!ins.is_ok()) {
      // Another server took the name between our check and insert, or the generated name
      // was already taken by an explicit one.
      if (s.sqlstate() == kUniqueViolation) return already_exists(out.kind, out.name);
      return ins.status();
    }
    EDDY_RETURN_IF_ERROR(s.exec_status("commit", "COMMIT"));
    return out;
  });
}

Result<Resource> PostgresStore::get(const std::string& kind, const std::string& name) {
  return run<Result<Resource>>([&](Session& s) -> Result<Resource> {
    EDDY_ASSIGN_OR_RETURN(
        PgResult r, s.exec("get", (std::string(kRowColumns) + "WHERE kind = $1 AND name = $2").c_str(),
                           {kind, name}));
    if (PQntuples(r.get()) == 0) return missing(kind, name);
    return row_to_resource(name_, r.get(), 0);
  });
}

Result<Resource> PostgresStore::get_by_id(const std::string& kind, int64_t id) {
  return run<Result<Resource>>([&](Session& s) -> Result<Resource> {
    EDDY_ASSIGN_OR_RETURN(
        PgResult r, s.exec("get", (std::string(kRowColumns) + "WHERE kind = $1 AND id = $2").c_str(),
                           {kind, std::to_string(id)}));
    if (PQntuples(r.get()) == 0) return missing_id(kind, id);
    return row_to_resource(name_, r.get(), 0);
  });
}

Result<std::vector<Resource>> PostgresStore::list(const std::string& kind,
                                                  const resources::LabelSelector& selector) {
  return run<Result<std::vector<Resource>>>([&](Session& s) -> Result<std::vector<Resource>> {
    EDDY_ASSIGN_OR_RETURN(
        PgResult r,
        s.exec("list", (std::string(kRowColumns) + "WHERE kind = $1 ORDER BY id").c_str(), {kind}));
    std::vector<Resource> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      EDDY_ASSIGN_OR_RETURN(Resource res, row_to_resource(name_, r.get(), i));
      if (selector.matches(res.labels)) out.push_back(std::move(res));
    }
    return out;
  });
}

Result<Resource> PostgresStore::update(const Resource& r) {
  return run<Result<Resource>>([&](Session& s) -> Result<Resource> {
    EDDY_RETURN_IF_ERROR(s.exec_status("update", "BEGIN"));
    EDDY_ASSIGN_OR_RETURN(PgResult q, s.exec("update",
                                             "SELECT id, uid, version, created_ms FROM resources "
                                             "WHERE kind = $1 AND name = $2 FOR UPDATE",
                                             {r.kind, r.name}));
    if (PQntuples(q.get()) == 0) return missing(r.kind, r.name);
    Resource stored = r;
    stored.api_version = resources::kApiVersion;
    stored.id = to_i64(PQgetvalue(q.get(), 0, 0));
    stored.uid = PQgetvalue(q.get(), 0, 1);
    int64_t current = to_i64(PQgetvalue(q.get(), 0, 2));
    stored.created_ms = to_i64(PQgetvalue(q.get(), 0, 3));
    if (r.version != 0 && r.version != current) return conflict(r.kind, r.name, current, r.version);
    EDDY_ASSIGN_OR_RETURN(PgResult v, s.exec("allocate version", kNextCounter, {"version", "1"}));
    stored.version = to_i64(PQgetvalue(v.get(), 0, 0));
    EDDY_RETURN_IF_ERROR(s.exec_status(
        "update", "UPDATE resources SET version = $1, doc = $2 WHERE kind = $3 AND name = $4",
        {std::to_string(stored.version), encode_doc(stored), r.kind, r.name}));
    EDDY_RETURN_IF_ERROR(s.exec_status("commit", "COMMIT"));
    return stored;
  });
}

Status PostgresStore::remove(const std::string& kind, const std::string& name) {
  return run<Status>([&](Session& s) -> Status {
    EDDY_RETURN_IF_ERROR(s.exec_status("remove", "BEGIN"));
    EDDY_ASSIGN_OR_RETURN(PgResult d, s.exec("remove",
                                             "DELETE FROM resources WHERE kind = $1 AND name = $2",
                                             {kind, name}));
    if (to_i64(PQcmdTuples(d.get())) == 0) return missing(kind, name);
    EDDY_RETURN_IF_ERROR(s.exec_status(
        "remove", "DELETE FROM logs WHERE kind = $1 AND name = $2", {kind, name}));
    return s.exec_status("commit", "COMMIT");
  });
}

Status PostgresStore::append_log(const std::string& kind, const std::string& name,
                                 const std::vector<std::string>& lines) {
  std::string encoded = encode_lines(lines);
  return run<Status>([&](Session& s) -> Status {
    EDDY_RETURN_IF_ERROR(s.exec_status("append log", "BEGIN"));
    // Locking the resource row serializes appends to one log across servers.
    EDDY_ASSIGN_OR_RETURN(PgResult e, s.exec("append log",
                                             "SELECT 1 FROM resources WHERE kind = $1 AND "
                                             "name = $2 FOR UPDATE",
                                             {kind, name}));
    if (PQntuples(e.get()) == 0) return missing(kind, name);
    EDDY_RETURN_IF_ERROR(s.exec_status(
        "append log",
        "INSERT INTO logs (kind, name, seq, line) "
        "SELECT $1::text, $2::text, (SELECT COALESCE(MAX(seq) + 1, 0) FROM logs WHERE kind = $1 AND "
        "name = $2) + t.ord - 1, t.line "
        "FROM jsonb_array_elements_text($3::jsonb) WITH ORDINALITY AS t(line, ord)",
        {kind, name, encoded}));
    return s.exec_status("commit", "COMMIT");
  });
}

Result<ResourceStore::LogPage> PostgresStore::read_log(const std::string& kind,
                                                       const std::string& name, int64_t from,
                                                       int64_t size) {
  EDDY_RETURN_IF_ERROR(check_log_range(from));
  int64_t end = size < 0 || size > std::numeric_limits<int64_t>::max() - from
                    ? std::numeric_limits<int64_t>::max()
                    : from + size;
  return run<Result<LogPage>>([&](Session& s) -> Result<LogPage> {
    // One snapshot, so that total and lines agree.
    EDDY_RETURN_IF_ERROR(
        s.exec_status("read log", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    EDDY_ASSIGN_OR_RETURN(PgResult e, s.exec("read log",
                                             "SELECT 1 FROM resources WHERE kind = $1 AND name = $2",
                                             {kind, name}));
    if (PQntuples(e.get()) == 0) return missing(kind, name);
    EDDY_ASSIGN_OR_RETURN(PgResult t, s.exec("read log",
                                             "SELECT COALESCE(MAX(seq) + 1, 0) FROM logs "
                                             "WHERE kind = $1 AND name = $2",
                                             {kind, name}));
    EDDY_ASSIGN_OR_RETURN(PgResult r, s.exec("read log",
                                             "SELECT line FROM logs WHERE kind = $1 AND name = $2 "
                                             "AND seq >= $3 AND seq < $4 ORDER BY seq",
                                             {kind, name, std::to_string(from),
                                              std::to_string(end)}));
    EDDY_RETURN_IF_ERROR(s.exec_status("read log", "COMMIT"));
    LogPage page;
    page.total = to_i64(PQgetvalue(t.get(), 0, 0));
    int n = PQntuples(r.get());
    page.lines.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
      page.lines.emplace_back(PQgetvalue(r.get(), i, 0),
                              static_cast<size_t>(PQgetlength(r.get(), i, 0)));
    return page;
  });
}

}  // namespace eddy::store
