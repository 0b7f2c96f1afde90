// The resource store on PostgreSQL (`eddy serve --store postgresql://...`), for servers that
// should not keep state on their own disk, or several servers sharing one database.
//
// Same tables as the SQLite store (see docs/store.md). Every mutating call runs in one
// transaction and returns after COMMIT, which PostgreSQL makes durable per its
// synchronous_commit setting (on by default). Ids and versions come from the `counters` table,
// updated in the same transaction (INSERT ... ON CONFLICT DO UPDATE ... RETURNING locks the
// counter row), so they are unique across servers sharing the database. All SQL is
// parameterized (PQexecParams); no user data is ever spliced into SQL text.
// A connection found broken (server restart, idle timeout) is reset and the call retried once,
// but only when nothing of it reached the server; otherwise the error is returned.
// Ownership: owns its connection. Thread-safety: all methods from any thread; one connection
// under `mu_`.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "store/resource_store.h"

typedef struct pg_conn PGconn;

namespace eddy::store {

class PostgresStore final : public ResourceStore {
 public:
  // Connects to `uri` (a libpq connection URI) and creates the tables if absent.
  // kUnavailable naming the server if it cannot be reached.
  static Result<std::unique_ptr<PostgresStore>> open(const std::string& uri,
                                                     Clock* clock = SystemClock::instance());
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

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
  class Session;
  PostgresStore(PGconn* conn, std::string name, Clock* clock)
      : conn_(conn), name_(std::move(name)), clock_(clock) {}
  // Runs `op` on the connection under mu_, resetting a broken connection first and retrying
  // once if the connection broke before any statement of `op` succeeded.
  template <typename T, typename Op>
  T run(Op op);

  std::mutex mu_;
  PGconn* conn_;  // GUARDED_BY(mu_); owned
  const std::string name_;  // "postgresql store postgresql://eddy@db:5432/eddy" (no password)
  Clock* const clock_;
};

// `uri` with any password removed, for messages and logs.
std::string redact_postgres_uri(const std::string& uri);

}  // namespace eddy::store
