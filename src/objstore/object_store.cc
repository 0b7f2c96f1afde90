// store_for and the whole-object helpers declared in object_store.h.
#include "objstore/object_store.h"

#include <cctype>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "objstore/bucket_confined_store.h"
#include "objstore/local_store.h"
#include "objstore/s3_store.h"

namespace eddy::objstore {
namespace {

struct StoreRegistry {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<ObjectStore>> overrides;  // GUARDED_BY(mu)
  std::shared_ptr<ObjectStore> s3;                                // GUARDED_BY(mu)
  std::shared_ptr<ObjectStore> local;                             // GUARDED_BY(mu)
  std::optional<std::set<std::string>> buckets;                   // GUARDED_BY(mu)
  std::map<std::string, std::shared_ptr<ObjectStore>> confined;  // GUARDED_BY(mu), by scheme
};

StoreRegistry& registry() {
  static StoreRegistry* r = new StoreRegistry();  // never destroyed: used until exit
  return *r;
}

std::string scheme_of(std::string_view uri) {
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos) return "";
  for (char c : uri.substr(0, sep)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return "";  // "a/b://c" is a path
    }
  }
  return std::string(uri.substr(0, sep));
}

}  // namespace

bool is_object_store_uri(std::string_view uri) {
  return uri.rfind("s3://", 0) == 0 || uri.rfind("s3a://", 0) == 0;
}

void set_store_for_scheme(const std::string& scheme, std::shared_ptr<ObjectStore> store) {
  StoreRegistry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  if (store) {
    r.overrides[scheme] = std::move(store);
  } else {
    r.overrides.erase(scheme);
  }
  r.confined.erase(scheme);
}

void confine_to_buckets(const std::vector<std::string>& buckets) {
  StoreRegistry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  r.buckets.emplace(buckets.begin(), buckets.end());
  r.confined.clear();
}

namespace {

// The S3 store for `scheme` (overridden or default), before any confinement. Holds r.mu.
Result<std::shared_ptr<ObjectStore>> unconfined_s3_store(StoreRegistry& r,
                                                         const std::string& scheme,
                                                         const std::string& uri) {
  auto it = r.overrides.find(scheme);
  if (it != r.overrides.end()) return it->second;
  if (!r.s3) {
    auto config = load_s3_config();
    if (!config.is_ok()) return config.status().with_context(uri);
    r.s3 = std::make_shared<S3Store>(std::move(config).value());
  }
  return r.s3;
}

}  // namespace

Result<std::shared_ptr<ObjectStore>> store_for(const std::string& uri) {
  const std::string scheme = scheme_of(uri);
  StoreRegistry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  if (scheme == "s3" || scheme == "s3a") {
    if (!r.buckets) return unconfined_s3_store(r, scheme, uri);
    auto& confined = r.confined[scheme];
    if (!confined) {
      EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> base, unconfined_s3_store(r, scheme, uri));
      confined = std::make_shared<BucketConfinedStore>(std::move(base), *r.buckets);
    }
    return confined;
  }
  auto it = r.overrides.find(scheme.empty() ? "file" : scheme);
  if (it != r.overrides.end()) return it->second;
  if (scheme.empty() || scheme == "file") {
    if (!r.local) r.local = std::make_shared<LocalStore>();
    return r.local;
  }
  return invalid_argument(uri + ": unsupported scheme '" + scheme +
                          "://' (expected a path, file://, s3:// or s3a://)");
}

Result<std::string> read_all(const std::string& uri) {
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, store_for(uri));
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> reader, store->open(uri));
  std::string out;
  out.resize(reader->size());
  size_t have = 0;
  for (;;) {
    if (have == out.size()) out.resize(out.size() + (1 << 16));  // grew since open
    EDDY_ASSIGN_OR_RETURN(size_t n, reader->read(out.data() + have, out.size() - have));
    if (n == 0) break;
    have += n;
  }
  out.resize(have);
  return out;
}

Status write_all(const std::string& uri, std::string_view bytes) {
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, store_for(uri));
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, store->create(uri));
  Status st = writer->write(bytes);
  if (!st.is_ok()) {
    writer->abort();
    return st;
  }
  return writer->commit();
}

}  // namespace eddy::objstore
