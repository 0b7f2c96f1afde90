#include "workflow/run_store.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace eddy::workflow {
namespace {

// One prepared statement; finalized when it goes out of scope.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& text(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& num(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int step() { return sqlite3_step(s_); }
  std::string col_text(int i) const {
    const unsigned char* p = sqlite3_column_text(s_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s_, i)) : "";
  }
  int64_t col_num(int i) const { return sqlite3_column_int64(s_, i); }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS workflows(
  name TEXT PRIMARY KEY, manifest TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  workflow TEXT NOT NULL, logical_date INTEGER NOT NULL, run_id TEXT NOT NULL,
  run_type TEXT NOT NULL, state TEXT NOT NULL, interval_start INTEGER NOT NULL,
  interval_end INTEGER NOT NULL, start_time INTEGER NOT NULL, end_time INTEGER NOT NULL,
  owner TEXT NOT NULL, PRIMARY KEY(workflow, logical_date));
CREATE TABLE IF NOT EXISTS task_instances(
  workflow TEXT NOT NULL, logical_date INTEGER NOT NULL, task TEXT NOT NULL,
  state TEXT NOT NULL, try_number INTEGER NOT NULL, max_tries INTEGER NOT NULL,
  start_time INTEGER NOT NULL, end_time INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
  first_poke_at INTEGER NOT NULL, exit_code INTEGER NOT NULL, message TEXT NOT NULL,
  PRIMARY KEY(workflow, logical_date, task));
)sql";

RunRecord read_run(const Stmt& s) {
  RunRecord r;
  r.workflow = s.col_text(0);
  r.logical_date = s.col_num(1);
  r.run_id = s.col_text(2);
  r.run_type = s.col_text(3);
  r.state = s.col_text(4);
  r.interval_start = s.col_num(5);
  r.interval_end = s.col_num(6);
  r.start_time = s.col_num(7);
  r.end_time = s.col_num(8);
  r.owner = s.col_text(9);
  return r;
}
constexpr const char* kRunColumns =
    "workflow, logical_date, run_id, run_type, state, interval_start, interval_end, start_time, "
    "end_time, owner";

// The start time of a process in clock ticks since boot (/proc/PID/stat field 22): with the pid
// it names one process, even after the pid is reused.
std::string process_start_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

std::string host_name() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

}  // namespace

Result<std::unique_ptr<RunStore>> RunStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return io_error("workflow state " + path + ": " + msg);
  }
  std::unique_ptr<RunStore> store(new RunStore(db));
  sqlite3_busy_timeout(db, 10000);
  // WAL: readers (another process's sensors) never block the writer. synchronous=NORMAL: a
  // commit survives a crash of the process (the case that matters here), not of the machine.
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", kSchema})
    EDDY_RETURN_IF_ERROR(store->exec(sql).with_context("workflow state " + path));
  return store;
}

RunStore::~RunStore() { sqlite3_close(db_); }

Status RunStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return io_error(msg);
  }
  return Status::ok();
}

Status RunStore::error(const char* what) const {
  return io_error(std::string("workflow state: ") + what + ": " + sqlite3_errmsg(db_));
}

std::string RunStore::this_process_owner() {
  return host_name() + ":" + std::to_string(getpid()) + ":" + process_start_ticks(getpid());
}

bool RunStore::owner_alive(const std::string& owner) {
  if (owner.empty()) return false;
  size_t a = owner.find(':'), b = owner.rfind(':');
  if (a == std::string::npos || b == a) return false;
  if (owner.substr(0, a) != host_name()) return true;
  pid_t pid = static_cast<pid_t>(std::atoi(owner.substr(a + 1, b - a - 1).c_str()));
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  return process_start_ticks(pid) == owner.substr(b + 1);
}

Status RunStore::begin_batch() {
  std::lock_guard<std::mutex> l(mu_);
  EDDY_CHECK(!in_batch_) << "nested batch";
  EDDY_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE").with_context("workflow state"));
  in_batch_ = true;
  return Status::ok();
}

Status RunStore::commit_batch() {
  std::lock_guard<std::mutex> l(mu_);
  if (!in_batch_) return Status::ok();
  in_batch_ = false;
  Status s = exec("COMMIT");
  if (!s.is_ok()) {
    exec("ROLLBACK").is_ok();
    return s.with_context("workflow state");
  }
  return Status::ok();
}

void RunStore::abort_batch() {
  std::lock_guard<std::mutex> l(mu_);
  if (!in_batch_) return;
  in_batch_ = false;
  exec("ROLLBACK").is_ok();
}

Status RunStore::put_workflow(const std::string& name, const std::string& manifest_json) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "INSERT INTO workflows(name, manifest, updated_at) VALUES(?,?,?) "
              "ON CONFLICT(name) DO UPDATE SET manifest=excluded.manifest, updated_at=excluded.updated_at");
  if (!s.ok()) return error("put workflow");
  s.text(1, name).text(2, manifest_json).num(3, SystemClock::instance()->now());
  if (s.step() != SQLITE_DONE) return error("put workflow");
  return Status::ok();
}

Result<std::optional<std::string>> RunStore::get_workflow(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "SELECT manifest FROM workflows WHERE name=?");
  if (!s.ok()) return error("get workflow");
  s.text(1, name);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(s.col_text(0));
  if (rc != SQLITE_DONE) return error("get workflow");
  return std::optional<std::string>();
}

Result<std::vector<std::string>> RunStore::workflow_names() {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "SELECT name FROM workflows ORDER BY name");
  if (!s.ok()) return error("list workflows");
  std::vector<std::string> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(s.col_text(0));
  if (rc != SQLITE_DONE) return error("list workflows");
  return out;
}

Result<RunRecord> RunStore::claim_run(const RunRecord& proposed, const std::string& owner,
                                      bool* claimed) {
  std::lock_guard<std::mutex> l(mu_);
  EDDY_CHECK(!in_batch_) << "claim_run inside a batch";
  *claimed = false;
  EDDY_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  auto rollback = [&](Status st) {
    exec("ROLLBACK").is_ok();
    return st;
  };
  RunRecord run = proposed;
  bool exists = false;
  {
    std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE workflow=? AND logical_date=?";
    Stmt s(db_, sql.c_str());
    if (!s.ok()) return rollback(error("claim run"));
    s.text(1, proposed.workflow).num(2, proposed.logical_date);
    int rc = s.step();
    if (rc == SQLITE_ROW) {
      run = read_run(s);
      exists = true;
    } else if (rc != SQLITE_DONE) {
      return rollback(error("claim run"));
    }
  }
  if (exists && run.owner != owner && owner_alive(run.owner)) {
    EDDY_RETURN_IF_ERROR(exec("COMMIT"));
    return run;
  }
  run.owner = owner;
  std::string sql = std::string("INSERT OR REPLACE INTO runs(") + kRunColumns +
                    ") VALUES(?,?,?,?,?,?,?,?,?,?)";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return rollback(error("claim run"));
  s.text(1, run.workflow).num(2, run.logical_date).text(3, run.run_id).text(4, run.run_type)
      .text(5, run.state).num(6, run.interval_start).num(7, run.interval_end)
      .num(8, run.start_time).num(9, run.end_time).text(10, run.owner);
  if (s.step() != SQLITE_DONE) return rollback(error("claim run"));
  EDDY_RETURN_IF_ERROR(exec("COMMIT"));
  *claimed = true;
  return run;
}

Status RunStore::update_run(const RunRecord& run) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "UPDATE runs SET state=?, start_time=?, end_time=?, owner=? "
              "WHERE workflow=? AND logical_date=?");
  if (!s.ok()) return error("update run");
  s.text(1, run.state).num(2, run.start_time).num(3, run.end_time).text(4, run.owner)
      .text(5, run.workflow).num(6, run.logical_date);
  if (s.step() != SQLITE_DONE) return error("update run");
  return Status::ok();
}

Result<std::optional<RunRecord>> RunStore::get_run(const std::string& workflow, Micros logical_date) {
  std::lock_guard<std::mutex> l(mu_);
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE workflow=? AND logical_date=?";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return error("get run");
  s.text(1, workflow).num(2, logical_date);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<RunRecord>(read_run(s));
  if (rc != SQLITE_DONE) return error("get run");
  return std::optional<RunRecord>();
}

Result<std::vector<RunRecord>> RunStore::list_runs(const std::string& workflow, int limit) {
  std::lock_guard<std::mutex> l(mu_);
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE ?='' OR workflow=? "
                    "ORDER BY logical_date DESC, workflow LIMIT ?";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return error("list runs");
  s.text(1, workflow).text(2, workflow).num(3, limit);
  std::vector<RunRecord> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_run(s));
  if (rc != SQLITE_DONE) return error("list runs");
  return out;
}

Result<std::vector<TaskRecord>> RunStore::task_instances(const std::string& workflow,
                                                         Micros logical_date) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "SELECT task, state, try_number, max_tries, start_time, end_time, next_attempt_at, "
              "first_poke_at, exit_code, message FROM task_instances "
              "WHERE workflow=? AND logical_date=?");
  if (!s.ok()) return error("read task instances");
  s.text(1, workflow).num(2, logical_date);
  std::vector<TaskRecord> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    TaskRecord t;
    t.workflow = workflow;
    t.logical_date = logical_date;
    t.task = s.col_text(0);
    t.state = s.col_text(1);
    t.try_number = static_cast<int>(s.col_num(2));
    t.max_tries = static_cast<int>(s.col_num(3));
    t.start_time = s.col_num(4);
    t.end_time = s.col_num(5);
    t.next_attempt_at = s.col_num(6);
    t.first_poke_at = s.col_num(7);
    t.exit_code = static_cast<int>(s.col_num(8));
    t.message = s.col_text(9);
    out.push_back(std::move(t));
  }
  if (rc != SQLITE_DONE) return error("read task instances");
  return out;
}

Status RunStore::put_task(const TaskRecord& t) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "INSERT OR REPLACE INTO task_instances(workflow, logical_date, task, state, "
              "try_number, max_tries, start_time, end_time, next_attempt_at, first_poke_at, "
              "exit_code, message) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s.ok()) return error("write task instance");
  s.text(1, t.workflow).num(2, t.logical_date).text(3, t.task).text(4, t.state)
      .num(5, t.try_number).num(6, t.max_tries).num(7, t.start_time).num(8, t.end_time)
      .num(9, t.next_attempt_at).num(10, t.first_poke_at).num(11, t.exit_code).text(12, t.message);
  if (s.step() != SQLITE_DONE) return error("write task instance");
  return Status::ok();
}

Result<std::optional<std::string>> RunStore::task_state(const std::string& workflow,
                                                        Micros logical_date, const std::string& task) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "SELECT state FROM task_instances WHERE workflow=? AND logical_date=? AND task=?");
  if (!s.ok()) return error("read task state");
  s.text(1, workflow).num(2, logical_date).text(3, task);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(s.col_text(0));
  if (rc != SQLITE_DONE) return error("read task state");
  return std::optional<std::string>();
}

}  // namespace eddy::workflow
