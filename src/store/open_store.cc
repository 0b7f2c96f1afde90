// open_store: picks the store implementation from the --store URI (resource_store.h).
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "store/postgres_store.h"
#include "store/resource_store.h"
#include "store/sqlite_store.h"

namespace eddy::store {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// mkdir -p; directories it creates get mode 0700 (the store holds every user's specs).
Status make_dirs(const std::string& dir) {
  if (dir.empty()) return Status::ok();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::ok();
    return failed_precondition("data directory " + dir + ": exists and is not a directory");
  }
  size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) EDDY_RETURN_IF_ERROR(make_dirs(dir.substr(0, slash)));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return io_error("data directory " + dir + ": cannot create: " + std::strerror(errno));
  return Status::ok();
}

Result<std::unique_ptr<ResourceStore>> open_sqlite(const std::string& path) {
  auto s = SqliteStore::open(path);
  if (!s.is_ok()) return s.status();
  return std::unique_ptr<ResourceStore>(std::move(s).value());
}

}  // namespace

Result<std::unique_ptr<ResourceStore>> open_store(const std::string& uri,
                                                  const std::string& data_dir) {
  if (uri.empty() || uri == "sqlite" || uri == "sqlite:") {
    if (data_dir.empty())
      return invalid_argument("store: the SQLite store needs a data directory (--data-dir)");
    EDDY_RETURN_IF_ERROR(make_dirs(data_dir));
    return open_sqlite(data_dir + "/eddy.db");
  }
  if (starts_with(uri, "sqlite:")) return open_sqlite(uri.substr(7));
  if (starts_with(uri, "postgresql://") || starts_with(uri, "postgres://")) {
    auto s = PostgresStore::open(uri);
    if (!s.is_ok()) return s.status();
    return std::unique_ptr<ResourceStore>(std::move(s).value());
  }
  return invalid_argument("store '" + redact_postgres_uri(uri) +
                          "': unsupported; expected \"sqlite\", \"sqlite:PATH\" or a "
                          "\"postgresql://\" URI");
}

}  // namespace eddy::store
