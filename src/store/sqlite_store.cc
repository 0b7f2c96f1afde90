#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <limits>

#include "store/resource_row.h"

namespace eddy::store {
namespace {

using resources::Resource;

constexpr int64_t kSchemaVersion = 1;

// Schema version 1. Later versions add steps to migrate() rather than editing these.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE resources (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  id INTEGER NOT NULL,
  uid TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, name),
  UNIQUE (kind, id)
);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,   -- 'version' (store-wide) or 'id:<kind>'
  value INTEGER NOT NULL   -- the last value handed out
);
CREATE TABLE logs (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  seq INTEGER NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (kind, name, seq)
);
)sql";

constexpr const char* kRowColumns = "SELECT id, uid, version, created_ms, doc FROM resources ";

// One prepared statement; finalized on destruction. Binds are 1-based as in SQLite.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(s_); }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  int64_t i64(int col) { return sqlite3_column_int64(s_, col); }
  std::string text(int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

}  // namespace

// A transaction that rolls back unless committed. Write transactions take the write lock at
// BEGIN (IMMEDIATE) so their reads cannot be invalidated by another writer before they write.
class SqliteStore::Tx {
 public:
  Tx(SqliteStore* s, bool write) : s_(s) {
    begun_ = sqlite3_exec(s->db_, write ? "BEGIN IMMEDIATE" : "BEGIN", nullptr, nullptr,
                          nullptr) == SQLITE_OK;
  }
  ~Tx() {
    if (begun_ && !done_) sqlite3_exec(s_->db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Status status() const { return begun_ ? Status::ok() : s_->error("begin transaction"); }
  Status commit() {
    if (sqlite3_exec(s_->db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
      return s_->error("commit");
    done_ = true;
    return Status::ok();
  }

 private:
  SqliteStore* s_;
  bool begun_ = false;
  bool done_ = false;
};

Status SqliteStore::error(const char* what) const {
  int code = sqlite3_errcode(db_);
  std::string msg = name_ + ": " + what + ": " + sqlite3_errmsg(db_);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return unavailable(msg);
  return io_error(msg);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, Clock* clock) {
  // The store holds every manifest and the workers' token: the owner's alone (0600; SQLite
  // gives its -wal and -shm files the database file's mode). An existing file is tightened too.
  if (path != ":memory:") {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
      (void)::fchmod(fd, 0600);
      ::close(fd);
    }
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (rc == SQLITE_CANTOPEN) msg += " (does its directory exist, and may eddy write there?)";
    sqlite3_close_v2(db);
    return io_error("sqlite store " + path + ": cannot open: " + msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path, clock));
  sqlite3_busy_timeout(db, 5000);
  // WAL lets readers run beside the writer; synchronous=FULL makes every commit fsync the WAL
  // before returning, which is the store's durability promise.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK)
      return store->error(pragma);
  }
  EDDY_RETURN_IF_ERROR(store->migrate());
  return store;
}

SqliteStore::~SqliteStore() { sqlite3_close_v2(db_); }

Status SqliteStore::migrate() {
  std::lock_guard<std::mutex> l(mu_);
  Tx tx(this, /*write=*/true);
  EDDY_RETURN_IF_ERROR(tx.status());
  if (sqlite3_exec(db_, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                   nullptr, nullptr, nullptr) != SQLITE_OK)
    return error("create schema_version");
  Stmt q(db_, "SELECT version FROM schema_version");
  if (!q.ok()) return error("read schema version");
  int rc = q.step();
  if (rc == SQLITE_ROW) {
    int64_t v = q.i64(0);
    if (v > kSchemaVersion)
      return failed_precondition(name_ + ": schema version " + std::to_string(v) +
                                 " is newer than this eddy understands (" +
                                 std::to_string(kSchemaVersion) + "); upgrade eddy");
    return Status::ok();  // v == kSchemaVersion: nothing to do (future: steps v -> v+1 here)
  }
  if (rc != SQLITE_DONE) return error("read schema version");
  if (sqlite3_exec(db_, kSchemaV1, nullptr, nullptr, nullptr) != SQLITE_OK)
    return error("create tables");
  Stmt ins(db_, "INSERT INTO schema_version (version) VALUES (?1)");
  if (!ins.ok() || ins.bind(1, kSchemaVersion).step() != SQLITE_DONE)
    return error("write schema version");
  return tx.commit();
}

namespace {

// The next value of counter `name`: `first` when it has never been used, else last + 1.
Result<int64_t> next_counter(sqlite3* db, const std::string& name, int64_t first) {
  Stmt s(db,
         "INSERT INTO counters (name, value) VALUES (?1, ?2) "
         "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value");
  if (!s.ok()) return internal_error("");
  s.bind(1, name).bind(2, first);
  if (s.step() != SQLITE_ROW) return internal_error("");
  return s.i64(0);
}

// 1 if (kind, name) exists, 0 if not, -1 on error.
int exists(sqlite3* db, const std::string& kind, const std::string& name) {
  Stmt s(db, "SELECT 1 FROM resources WHERE kind = ?1 AND name = ?2");
  if (!s.ok()) return -1;
  int rc = s.bind(1, kind).bind(2, name).step();
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

}  // namespace

Result<Resource> SqliteStore::create(Resource r) {
  EDDY_RETURN_IF_ERROR(check_create(r));
  std::lock_guard<std::mutex> l(mu_);
  Tx tx(this, /*write=*/true);
  EDDY_RETURN_IF_ERROR(tx.status());
  if (!r.name.empty()) {
    int e = exists(db_, r.kind, r.name);
    if (e < 0) return error("create");
    if (e == 1) return already_exists(r.kind, r.name);
  }
  auto id = next_counter(db_, "id:" + r.kind, 0);
  if (!id.is_ok()) return error("allocate id");
  auto version = next_counter(db_, "version", 1);
  if (!version.is_ok()) return error("allocate version");
  bool named = !r.name.empty();
  assign_created(&r, *id, *version, clock_->now() / 1000);
  if (!named) {  // the generated name may have been taken by a user's explicit name
    int e = exists(db_, r.kind, r.name);
    if (e < 0) return error("create");
    if (e == 1) return already_exists(r.kind, r.name);
  }
  Stmt ins(db_,
           "INSERT INTO resources (kind, name, id, uid, version, created_ms, doc) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!ins.ok()) return error("create");
  ins.bind(1, r.kind).bind(2, r.name).bind(3, r.id).bind(4, r.uid).bind(5, r.version);
  ins.bind(6, r.created_ms).bind(7, encode_doc(r));
  if (ins.step() != SQLITE_DONE) return error("create");
  EDDY_RETURN_IF_ERROR(tx.commit());
  return r;
}

Result<Resource> SqliteStore::get(const std::string& kind, const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, (std::string(kRowColumns) + "WHERE kind = ?1 AND name = ?2").c_str());
  if (!s.ok()) return error("get");
  int rc = s.bind(1, kind).bind(2, name).step();
  if (rc == SQLITE_DONE) return missing(kind, name);
  if (rc != SQLITE_ROW) return error("get");
  return decode_row(name_, s.text(4), s.i64(0), s.text(1), s.i64(2), s.i64(3));
}

Result<Resource> SqliteStore::get_by_id(const std::string& kind, int64_t id) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, (std::string(kRowColumns) + "WHERE kind = ?1 AND id = ?2").c_str());
  if (!s.ok()) return error("get");
  int rc = s.bind(1, kind).bind(2, id).step();
  if (rc == SQLITE_DONE) return missing_id(kind, id);
  if (rc != SQLITE_ROW) return error("get");
  return decode_row(name_, s.text(4), s.i64(0), s.text(1), s.i64(2), s.i64(3));
}

Result<std::vector<Resource>> SqliteStore::list(const std::string& kind,
                                                const resources::LabelSelector& selector) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, (std::string(kRowColumns) + "WHERE kind = ?1 ORDER BY id").c_str());
  if (!s.ok()) return error("list");
  s.bind(1, kind);
  std::vector<Resource> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    EDDY_ASSIGN_OR_RETURN(Resource r,
                          decode_row(name_, s.text(4), s.i64(0), s.text(1), s.i64(2), s.i64(3)));
    if (selector.matches(r.labels)) out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return error("list");
  return out;
}

Result<Resource> SqliteStore::update(const Resource& r) {
  std::lock_guard<std::mutex> l(mu_);
  Tx tx(this, /*write=*/true);
  EDDY_RETURN_IF_ERROR(tx.status());
  Stmt q(db_, "SELECT id, uid, version, created_ms FROM resources WHERE kind = ?1 AND name = ?2");
  if (!q.ok()) return error("update");
  int rc = q.bind(1, r.kind).bind(2, r.name).step();
  if (rc == SQLITE_DONE) return missing(r.kind, r.name);
  if (rc != SQLITE_ROW) return error("update");
  Resource stored = r;
  stored.api_version = resources::kApiVersion;
  stored.id = q.i64(0);
  stored.uid = q.text(1);
  int64_t current = q.i64(2);
  stored.created_ms = q.i64(3);
  if (r.version != 0 && r.version != current) return conflict(r.kind, r.name, current, r.version);
  auto version = next_counter(db_, "version", 1);
  if (!version.is_ok()) return error("allocate version");
  stored.version = *version;
  Stmt u(db_, "UPDATE resources SET version = ?1, doc = ?2 WHERE kind = ?3 AND name = ?4");
  if (!u.ok()) return error("update");
  u.bind(1, stored.version).bind(2, encode_doc(stored)).bind(3, r.kind).bind(4, r.name);
  if (u.step() != SQLITE_DONE) return error("update");
  EDDY_RETURN_IF_ERROR(tx.commit());
  return stored;
}

Status SqliteStore::remove(const std::string& kind, const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  Tx tx(this, /*write=*/true);
  EDDY_RETURN_IF_ERROR(tx.status());
  Stmt d(db_, "DELETE FROM resources WHERE kind = ?1 AND name = ?2");
  if (!d.ok() || d.bind(1, kind).bind(2, name).step() != SQLITE_DONE) return error("remove");
  if (sqlite3_changes(db_) == 0) return missing(kind, name);
  Stmt dl(db_, "DELETE FROM logs WHERE kind = ?1 AND name = ?2");
  if (!dl.ok() || dl.bind(1, kind).bind(2, name).step() != SQLITE_DONE) return error("remove");
  return tx.commit();
}

Status SqliteStore::append_log(const std::string& kind, const std::string& name,
                               const std::vector<std::string>& lines) {
  std::lock_guard<std::mutex> l(mu_);
  Tx tx(this, /*write=*/true);
  EDDY_RETURN_IF_ERROR(tx.status());
  int e = exists(db_, kind, name);
  if (e < 0) return error("append log");
  if (e == 0) return missing(kind, name);
  Stmt q(db_, "SELECT COALESCE(MAX(seq) + 1, 0) FROM logs WHERE kind = ?1 AND name = ?2");
  if (!q.ok() || q.bind(1, kind).bind(2, name).step() != SQLITE_ROW) return error("append log");
  int64_t seq = q.i64(0);
  Stmt ins(db_, "INSERT INTO logs (kind, name, seq, line) VALUES (?1, ?2, ?3, ?4)");
  if (!ins.ok()) return error("append log");
  for (const std::string& line : lines) {
    ins.bind(1, kind).bind(2, name).bind(3, seq++).bind(4, line);
    if (ins.step() != SQLITE_DONE) return error("append log");
    ins.reset();
  }
  return tx.commit();
}

Result<ResourceStore::LogPage> SqliteStore::read_log(const std::string& kind,
                                                     const std::string& name, int64_t from,
                                                     int64_t size) {
  EDDY_RETURN_IF_ERROR(check_log_range(from));
  std::lock_guard<std::mutex> l(mu_);
  Tx tx(this, /*write=*/false);  // one snapshot: total and lines agree
  EDDY_RETURN_IF_ERROR(tx.status());
  int e = exists(db_, kind, name);
  if (e < 0) return error("read log");
  if (e == 0) return missing(kind, name);
  LogPage page;
  Stmt q(db_, "SELECT COALESCE(MAX(seq) + 1, 0) FROM logs WHERE kind = ?1 AND name = ?2");
  if (!q.ok() || q.bind(1, kind).bind(2, name).step() != SQLITE_ROW) return error("read log");
  page.total = q.i64(0);
  int64_t end = size < 0 || size > std::numeric_limits<int64_t>::max() - from
                    ? std::numeric_limits<int64_t>::max()
                    : from + size;
  Stmt s(db_,
         "SELECT line FROM logs WHERE kind = ?1 AND name = ?2 AND seq >= ?3 AND seq < ?4 "
         "ORDER BY seq");
  if (!s.ok()) return error("read log");
  s.bind(1, kind).bind(2, name).bind(3, from).bind(4, end);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) page.lines.push_back(s.text(0));
  if (rc != SQLITE_DONE) return error("read log");
  return page;
}

}  // namespace eddy::store
