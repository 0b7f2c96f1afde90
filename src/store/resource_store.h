// The resource store: where every resource of `eddy serve` lives, so a restarted server
// resumes from it (ARCHITECTURE.md principle 2). Two implementations behind this interface:
// SQLite (the embedded default, WAL mode, one file under --data-dir) and PostgreSQL
// (--store postgresql://...), both passing the same test suite (store/store_test.cc).
//
// Durability: every mutating call has committed (fsync'd by the database) before it returns
// OK, so an HTTP 2xx sent after it survives kill -9.
// Thread-safety: every method may be called from any thread; implementations serialize
// internally (one connection under one mutex, or a pool).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "resources/resource.h"

namespace eddy::store {

class ResourceStore {
 public:
  virtual ~ResourceStore() = default;

  // Inserts `r`; assigns uid, id (next of r.kind's sequence, starting at 0), created_ms and
  // version (ignoring any values in `r`). kAlreadyExists if (kind, name) is taken; an empty name
  // is replaced by "<lower-case kind>-<id>".
  virtual Result<resources::Resource> create(resources::Resource r) = 0;
  virtual Result<resources::Resource> get(const std::string& kind, const std::string& name) = 0;
  virtual Result<resources::Resource> get_by_id(const std::string& kind, int64_t id) = 0;
  // Resources of `kind` matching `selector`, ordered by id.
  virtual Result<std::vector<resources::Resource>> list(
      const std::string& kind, const resources::LabelSelector& selector = {}) = 0;
  // Replaces labels, spec and status of the stored (r.kind, r.name). If r.version != 0 it must
  // equal the stored version, else kAborted-like kFailedPrecondition "conflict" (optimistic
  // concurrency, as Kubernetes' resourceVersion). Returns the stored result with its new version.
  virtual Result<resources::Resource> update(const resources::Resource& r) = 0;
  // Deletes the resource and its log. kNotFound if absent.
  virtual Status remove(const std::string& kind, const std::string& name) = 0;

  // Log lines of a resource (a batch's or a worker's output), append-only, numbered from 0.
  virtual Status append_log(const std::string& kind, const std::string& name,
                            const std::vector<std::string>& lines) = 0;
  struct LogPage {
    int64_t total = 0;               // lines stored
    std::vector<std::string> lines;  // lines [from, from + size) that exist
  };
  // size < 0 means all lines from `from`.
  virtual Result<LogPage> read_log(const std::string& kind, const std::string& name, int64_t from,
                                   int64_t size) = 0;
};

// Opens the store named by `uri`:
//   ""  or "sqlite"            → SQLite at DATA_DIR/eddy.db (created if absent)
//   "sqlite:PATH"              → SQLite at PATH
//   "postgresql://..." / "postgres://..." → PostgreSQL (libpq connection URI); tables created
//                                 if absent
Result<std::unique_ptr<ResourceStore>> open_store(const std::string& uri,
                                                  const std::string& data_dir);

}  // namespace eddy::store
