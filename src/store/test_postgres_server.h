// A real PostgreSQL server for tests: the store test and the server tests run every case
// against it, so the PostgreSQL store is tested as much as the SQLite one.
//
// If EDDY_TEST_POSTGRES_URI is set, that server is used (nothing is started; databases this
// object created are dropped on destruction). Otherwise a private server is started: initdb
// into a fresh /tmp/eddy-pg-XXXXXX, listening only on a unix socket in that directory (no TCP
// port, so parallel test binaries cannot collide), stopped with `pg_ctl stop -m immediate` and
// its directory removed on destruction. When running as root (CI containers), initdb and
// pg_ctl run as the `postgres` user through runuser, because PostgreSQL refuses to run as root.
// The binaries are taken from $EDDY_POSTGRES_BIN, else /usr/lib/postgresql/<newest>/bin,
// else PATH. Starting takes 1-3 s (initdb dominates; measured by start_seconds()).
//
// Failure to start is an error with the reason (and the server's log), never a skip: a test
// that cannot reach PostgreSQL must fail.
// Thread-safety: create_database may be called from any thread; the rest is set at start.
// In the library (not test-only) so that every subsystem's tests can link it.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace eddy::store {

class TestPostgresServer {
 public:
  static Result<std::unique_ptr<TestPostgresServer>> start();
  // One server per process, started on first call; a failure is remembered and returned to
  // every caller. Stopped at process exit.
  static Result<TestPostgresServer*> shared();
  ~TestPostgresServer();
  TestPostgresServer(const TestPostgresServer&) = delete;
  TestPostgresServer& operator=(const TestPostgresServer&) = delete;

  // A libpq URI of the server's default test database:
  // "postgresql:///eddy_test?host=/tmp/eddy-pg-XXXXXX&port=PORT&user=postgres".
  const std::string& uri() const { return uri_; }
  // Creates a new empty database and returns its URI: each test gets its own tables.
  Result<std::string> create_database();
  // Seconds start() took (initdb + start + CREATE DATABASE); 0 for an external server.
  double start_seconds() const { return start_seconds_; }
  bool external() const { return dir_.empty(); }
  // The private server's directory (data in DIR/data, socket and logs in DIR); "" if external.
  const std::string& dir() const { return dir_; }

 private:
  TestPostgresServer() = default;
  Status run_sql(const std::string& uri, const std::string& sql);

  std::string dir_;      // private server only
  std::string bin_dir_;  // "" = from PATH
  bool as_postgres_user_ = false;
  std::string uri_;
  double start_seconds_ = 0;
  std::atomic<int> next_db_{0};
  std::mutex mu_;
  std::vector<std::string> created_;  // GUARDED_BY(mu_); dropped at the end if external
};

// `uri` with its database name replaced by `dbname` (the path of a postgresql:// URI).
std::string postgres_uri_with_database(const std::string& uri, const std::string& dbname);

}  // namespace eddy::store
