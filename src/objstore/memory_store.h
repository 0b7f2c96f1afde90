// MemoryStore: an ObjectStore held in memory, for tests (LevelDB's memenv in spirit). Any URI
// string is a name; list(p) returns the objects whose URI starts with p, sorted. Writers
// buffer and publish on commit(), so uncommitted data is never visible.
// Thread-safety: one mutex guards the objects; safe from many threads.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "objstore/object_store.h"

namespace eddy::objstore {

class MemoryStore final : public ObjectStore {
 public:
  explicit MemoryStore(Clock* clock = SystemClock::instance()) : clock_(clock) {}

  Result<std::vector<ObjectInfo>> list(const std::string& prefix_uri) override;
  Result<ObjectInfo> head(const std::string& uri) override;
  Result<std::unique_ptr<ObjectReader>> open(const std::string& uri, uint64_t offset = 0,
                                             uint64_t length = UINT64_MAX) override;
  Result<std::unique_ptr<ObjectWriter>> create(const std::string& uri) override;
  Status remove(const std::string& uri) override;

  // Publishes `data` under `uri` (what a committed writer does).
  void put(const std::string& uri, std::string data);
  size_t object_count() const;

 private:
  struct Object {
    std::shared_ptr<const std::string> data;  // readers share it; replaced, never mutated
    Micros modified = 0;
  };

  Clock* const clock_;
  mutable std::mutex mu_;
  std::map<std::string, Object> objects_;  // GUARDED_BY(mu_)
};

}  // namespace eddy::objstore
