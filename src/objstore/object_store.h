// ObjectStore: one interface for local files and S3-compatible object storage, so batch
// inputs, outputs and (later) checkpoints name data by URI and never care where it lives.
//
// URIs: "s3://bucket/key" and "s3a://bucket/key" (the same thing, as Hadoop users write it)
// go to S3Store (SigV4 over libcurl; endpoint, region and credentials from the standard AWS
// environment variables and ~/.aws files); "file:///path" and plain paths go to LocalStore.
// MemoryStore and FaultInjectingStore (a wrapper that fails chosen calls) exist for tests.
//
// Writers never expose partial output: a local writer writes a temporary name and renames on
// commit(); an S3 writer uses multipart upload and completes it on commit(); abort() (or
// destruction without commit) leaves nothing behind.
// Errors: kNotFound (404, missing file), kPermissionDenied (403), kUnavailable (network,
// throttling/5xx after retries), kDeadlineExceeded (timeouts), kIoError — each message names
// the object ("s3://bucket/key: 403 AccessDenied: ...").
// Thread-safety: stores are safe to use from several threads at once; readers and writers
// are used by one thread each.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace eddy::objstore {

struct ObjectInfo {
  std::string uri;       // full URI of the object (same scheme as asked)
  uint64_t size = 0;
  Micros modified = 0;   // 0 if unknown
};

class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  // Reads up to n bytes into buf; 0 at the end of the object.
  virtual Result<size_t> read(char* buf, size_t n) = 0;
  // Bytes this reader yields in all: the object's size, or the asked range clamped to it.
  virtual uint64_t size() const = 0;
};

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;  // without commit(): abort()
  virtual Status write(std::string_view bytes) = 0;
  // Makes the object visible under its name, atomically.
  virtual Status commit() = 0;
  virtual void abort() = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Objects whose URI starts with `prefix_uri` (for local stores: the files under a directory,
  // or the file itself), sorted by URI. Pagination is the store's business.
  virtual Result<std::vector<ObjectInfo>> list(const std::string& prefix_uri) = 0;
  virtual Result<ObjectInfo> head(const std::string& uri) = 0;
  // Sequential reader of the whole object, or of [offset, offset + length).
  virtual Result<std::unique_ptr<ObjectReader>> open(const std::string& uri, uint64_t offset = 0,
                                                     uint64_t length = UINT64_MAX) = 0;
  virtual Result<std::unique_ptr<ObjectWriter>> create(const std::string& uri) = 0;
  // Removing an object that does not exist succeeds (S3's DELETE cannot tell the two apart).
  virtual Status remove(const std::string& uri) = 0;
};

// The store for a URI's scheme (shared instances: one S3Store per process configuration).
Result<std::shared_ptr<ObjectStore>> store_for(const std::string& uri);
// True for s3:// and s3a:// URIs.
bool is_object_store_uri(std::string_view uri);
// Routes a scheme ("s3", "s3a", "file", "mem", ...) to `store` for this process, in place of
// the default; null restores the default. For tests: a MemoryStore or FaultInjectingStore
// standing in for S3. Thread-safe.
void set_store_for_scheme(const std::string& scheme, std::shared_ptr<ObjectStore> store);

// Confines this process to `buckets`: from now on every s3:// or s3a:// store call on another
// bucket fails with kPermissionDenied (an empty list: no bucket at all). `eddy` calls it at
// start when EDDY_ALLOW_BUCKETS is set — the variable a worker gives a confined task
// (cluster/sandbox.h). There is no way back for the process.
void confine_to_buckets(const std::vector<std::string>& buckets);

// Convenience: whole object as a string; and write-and-commit in one call.
Result<std::string> read_all(const std::string& uri);
Status write_all(const std::string& uri, std::string_view bytes);

}  // namespace eddy::objstore
