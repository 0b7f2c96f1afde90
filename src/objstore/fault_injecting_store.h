// FaultInjectingStore: wraps another ObjectStore and fails chosen calls with chosen Statuses,
// so tests drive the error paths of code that reads and writes objects (a failed commit
// must leave nothing behind, a failed read must name the object, ...). Like LevelDB's
// fault_injection_test, but at the ObjectStore interface.
//
//   auto store = std::make_shared<FaultInjectingStore>(std::make_shared<MemoryStore>());
//   store->fail_nth(StoreOp::kCommit, 2, io_error("disk full"));  // the 2nd commit fails
//
// Counting covers calls on the store and on the readers and writers it hands out. A failed
// kWrite or kCommit aborts the underlying writer, as a crash would. A failure's message is
// prefixed with the URI concerned.
// Thread-safety: safe from many threads (one mutex guards the rules and counters).
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "objstore/object_store.h"

namespace eddy::objstore {

enum class StoreOp { kList, kHead, kOpen, kCreate, kRemove, kRead, kWrite, kCommit, kCount };

class FaultInjectingStore final : public ObjectStore {
 public:
  explicit FaultInjectingStore(std::shared_ptr<ObjectStore> base) : base_(std::move(base)) {}

  // The n-th call (1-based, counted from the store's creation) of `op` fails with `status`.
  void fail_nth(StoreOp op, int n, Status status);
  // Every call of `op` from the next one on fails with `status`, until clear().
  void fail_always(StoreOp op, Status status);
  void clear();
  // Calls of `op` so far, failed ones included.
  int calls(StoreOp op) const;

  Result<std::vector<ObjectInfo>> list(const std::string& prefix_uri) override;
  Result<ObjectInfo> head(const std::string& uri) override;
  Result<std::unique_ptr<ObjectReader>> open(const std::string& uri, uint64_t offset = 0,
                                             uint64_t length = UINT64_MAX) override;
  Result<std::unique_ptr<ObjectWriter>> create(const std::string& uri) override;
  Status remove(const std::string& uri) override;

  // Counts a call of `op` on `uri` and returns the failure planned for it, if any.
  Status count(StoreOp op, const std::string& uri);

 private:
  struct Rule {
    StoreOp op;
    int nth;  // 0: always
    Status status;
  };

  const std::shared_ptr<ObjectStore> base_;
  mutable std::mutex mu_;
  std::array<int, static_cast<size_t>(StoreOp::kCount)> calls_{};  // GUARDED_BY(mu_)
  std::vector<Rule> rules_;                                        // GUARDED_BY(mu_)
};

}  // namespace eddy::objstore
