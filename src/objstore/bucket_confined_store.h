// BucketConfinedStore: wraps the S3 store of a confined process (a task run by a worker of a
// server started with --allow-bucket, cluster/sandbox.h) and refuses every URI whose bucket
// is not allowed, with kPermissionDenied naming the bucket and the allowed ones. Every call
// is checked, not only store_for(): a store obtained for one URI is often used for others.
// Thread-safety: as the wrapped store (the allowed set is immutable).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "objstore/object_store.h"

namespace eddy::objstore {

class BucketConfinedStore final : public ObjectStore {
 public:
  BucketConfinedStore(std::shared_ptr<ObjectStore> base, std::set<std::string> buckets)
      : base_(std::move(base)), buckets_(std::move(buckets)) {}

  // OK if `uri` names an allowed bucket; kPermissionDenied (or kInvalidArgument) otherwise.
  Status check(const std::string& uri) const;

  Result<std::vector<ObjectInfo>> list(const std::string& prefix_uri) override;
  Result<ObjectInfo> head(const std::string& uri) override;
  Result<std::unique_ptr<ObjectReader>> open(const std::string& uri, uint64_t offset,
                                             uint64_t length) override;
  Result<std::unique_ptr<ObjectWriter>> create(const std::string& uri) override;
  Status remove(const std::string& uri) override;

 private:
  std::shared_ptr<ObjectStore> base_;
  const std::set<std::string> buckets_;
};

}  // namespace eddy::objstore
