// S3Store: the ObjectStore for s3:// and s3a:// URIs, speaking the S3 REST API (SigV4-signed)
// over an HttpTransport — AWS itself (virtual-hosted addressing) or any S3-compatible server
// named by an endpoint (path-style addressing).
//
// Operations: ListObjectsV2 (paginated by continuation token), HEAD, GET with Range (readers
// fetch the object in part_size ranges, so memory stays bounded and each range is retried on
// its own), PUT for objects under multipart_threshold, multipart upload above it (parts of
// part_size, completed on commit(), aborted on abort()), DELETE.
// Every request is retried per the RetryPolicy on throttling, 5xx and transport failures, and
// re-signed each time. Errors name the object and carry S3's Code and Message:
// "s3://bucket/key: 404 NoSuchKey: The specified key does not exist."
// Ownership: the store owns its transport; readers and writers hold a shared_ptr to the
// store's internals and may outlive the S3Store object.
// Thread-safety: the store is safe from many threads; each reader/writer from one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "objstore/http_transport.h"
#include "objstore/object_store.h"
#include "objstore/retry_policy.h"
#include "objstore/s3_config.h"

namespace eddy::objstore {

struct S3Location {
  std::string scheme;  // "s3" or "s3a"
  std::string bucket;
  std::string key;  // may be empty (the whole bucket, for list)
  std::string uri() const { return scheme + "://" + bucket + "/" + key; }
};

// "s3://bucket/key" or "s3a://bucket/key" (also "s3://bucket"). kInvalidArgument otherwise.
Result<S3Location> parse_s3_uri(std::string_view uri);

class S3Client;  // the request engine shared by the store, its readers and writers

class S3Store final : public ObjectStore {
 public:
  // `transport` null: a CurlTransport with the config's timeouts. `clock` signs requests and
  // times retry waits.
  explicit S3Store(S3Config config, std::shared_ptr<HttpTransport> transport = nullptr,
                   Clock* clock = SystemClock::instance());
  ~S3Store() override;

  Result<std::vector<ObjectInfo>> list(const std::string& prefix_uri) override;
  Result<ObjectInfo> head(const std::string& uri) override;
  Result<std::unique_ptr<ObjectReader>> open(const std::string& uri, uint64_t offset = 0,
                                             uint64_t length = UINT64_MAX) override;
  Result<std::unique_ptr<ObjectWriter>> create(const std::string& uri) override;
  Status remove(const std::string& uri) override;

  const S3Config& config() const;

 private:
  std::shared_ptr<S3Client> client_;
};

}  // namespace eddy::objstore
