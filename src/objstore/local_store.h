// LocalStore: the ObjectStore for plain paths and file:// URIs.
//
// list(p): the regular files under directory p (recursively, symlinks followed), or p itself
// if it is a file; an empty list if p does not exist. Writers' temporary files are never
// listed. create(p): writes ".NAME.eddy-tmp-XXXXXX" beside p (parent directories are made),
// and commit() fsyncs it, renames it over p and fsyncs the directory, so a reader sees the
// old file or the whole new one, never a prefix; abort() or destruction unlinks the
// temporary. URIs come back in the form asked: "file:///a/b" or "a/b".
// Thread-safety: stateless apart from the OS; safe from many threads.
#pragma once

#include <string>

#include "objstore/object_store.h"

namespace eddy::objstore {

class LocalStore final : public ObjectStore {
 public:
  Result<std::vector<ObjectInfo>> list(const std::string& prefix_uri) override;
  Result<ObjectInfo> head(const std::string& uri) override;
  Result<std::unique_ptr<ObjectReader>> open(const std::string& uri, uint64_t offset = 0,
                                             uint64_t length = UINT64_MAX) override;
  Result<std::unique_ptr<ObjectWriter>> create(const std::string& uri) override;
  Status remove(const std::string& uri) override;

  // The file-system path of a plain path or file:// URI ("file:///a" -> "/a").
  static std::string path_of(const std::string& uri);
  // True for the temporary names of writers in progress.
  static bool is_temporary_name(std::string_view file_name);
};

}  // namespace eddy::objstore
