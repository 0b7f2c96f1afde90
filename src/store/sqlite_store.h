// The embedded resource store: one SQLite file (DATA_DIR/eddy.db by default).
//
// Durability: WAL journal with synchronous=FULL, so every mutating call has fsync'd its
// commit before it returns OK. Writes take the database's write lock up front (BEGIN
// IMMEDIATE), so a check-then-insert cannot race another process on the same file; a busy
// file is waited on for up to 5 s before the call fails with kUnavailable.
// Ownership: owns its connection; closing happens in the destructor.
// Thread-safety: all methods may be called from any thread; one connection under `mu_`.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "store/resource_store.h"

struct sqlite3;

namespace eddy::store {

class SqliteStore final : public ResourceStore {
 public:
  // Opens (creating if absent) the database at `path` and brings its schema up to date.
  // `clock` (not owned, must outlive the store) stamps creationTimestamp.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   Clock* clock = SystemClock::instance());
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<resources::Resource> create(resources::Resource r) override;
  Result<resources::Resource> get(const std::string& kind, const std::string& name) override;
  Result<resources::Resource> get_by_id(const std::string& kind, int64_t id) override;
  Result<std::vector<resources::Resource>> list(
      const std::string& kind, const resources::LabelSelector& selector) override;
  Result<resources::Resource> update(const resources::Resource& r) override;
  Status remove(const std::string& kind, const std::string& name) override;
  Status append_log(const std::string& kind, const std::string& name,
                    const std::vector<std::string>& lines) override;
  Result<LogPage> read_log(const std::string& kind, const std::string& name, int64_t from,
                           int64_t size) override;

 private:
  class Tx;
  SqliteStore(sqlite3* db, std::string path, Clock* clock)
      : db_(db), path_(std::move(path)), name_("sqlite store " + path_), clock_(clock) {}
  Status migrate();
  Status error(const char* what) const;  // the connection's last error, naming the store

  std::mutex mu_;
  sqlite3* db_;  // GUARDED_BY(mu_); owned
  const std::string path_;
  const std::string name_;  // "sqlite store /var/lib/eddy/eddy.db", the prefix of messages
  Clock* const clock_;
};

}  // namespace eddy::store
