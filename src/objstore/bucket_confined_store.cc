// BucketConfinedStore: the bucket check in front of every call (bucket_confined_store.h).
#include "objstore/bucket_confined_store.h"

#include "objstore/s3_store.h"

namespace eddy::objstore {

Status BucketConfinedStore::check(const std::string& uri) const {
  EDDY_ASSIGN_OR_RETURN(S3Location loc, parse_s3_uri(uri));
  if (buckets_.count(loc.bucket) > 0) return Status::ok();
  std::string allowed;
  for (const auto& b : buckets_) allowed += (allowed.empty() ? "" : ", ") + b;
  return permission_denied(uri + ": bucket '" + loc.bucket + "' is not allowed here (allowed: " +
                           (allowed.empty() ? "none" : allowed) +
                           "; the server's --allow-bucket sets them)");
}

Result<std::vector<ObjectInfo>> BucketConfinedStore::list(const std::string& prefix_uri) {
  EDDY_RETURN_IF_ERROR(check(prefix_uri));
  return base_->list(prefix_uri);
}

Result<ObjectInfo> BucketConfinedStore::head(const std::string& uri) {
  EDDY_RETURN_IF_ERROR(check(uri));
  return base_->head(uri);
}

Result<std::unique_ptr<ObjectReader>> BucketConfinedStore::open(const std::string& uri,
                                                                uint64_t offset,
                                                                uint64_t length) {
  EDDY_RETURN_IF_ERROR(check(uri));
  return base_->open(uri, offset, length);
}

Result<std::unique_ptr<ObjectWriter>> BucketConfinedStore::create(const std::string& uri) {
  EDDY_RETURN_IF_ERROR(check(uri));
  return base_->create(uri);
}

Status BucketConfinedStore::remove(const std::string& uri) {
  EDDY_RETURN_IF_ERROR(check(uri));
  return base_->remove(uri);
}

}  // namespace eddy::objstore
