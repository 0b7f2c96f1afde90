#include "objstore/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace eddy::objstore {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTmpMarker = ".eddy-tmp-";

Status errno_status(const std::string& what, const std::string& op, int err) {
  std::string msg = what + ": " + op + ": " + std::strerror(err);
  if (err == ENOENT) return not_found(what + ": no such file or directory");
  if (err == EACCES || err == EPERM) return Status(StatusCode::kPermissionDenied, msg);
  return io_error(msg);
}

Micros mtime_of(const struct stat& st) {
  return static_cast<Micros>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
}

class LocalReader final : public ObjectReader {
 public:
  LocalReader(int fd, std::string what, uint64_t offset, uint64_t size)
      : fd_(fd), what_(std::move(what)), pos_(offset), left_(size), size_(size) {}
  ~LocalReader() override { ::close(fd_); }

  Result<size_t> read(char* buf, size_t n) override {
    if (left_ == 0 || n == 0) return size_t{0};
    const size_t want = static_cast<size_t>(std::min<uint64_t>(n, left_));
    for (;;) {
      const ssize_t got = ::pread(fd_, buf, want, static_cast<off_t>(pos_));
      if (got < 0) {
        if (errno == EINTR) continue;
        return errno_status(what_, "read", errno);
      }
      if (got == 0) {  // the file shrank under us
        return io_error(what_ + ": file ended " + std::to_string(left_) +
                        " bytes early (truncated while being read?)");
      }
      pos_ += static_cast<uint64_t>(got);
      left_ -= static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
  }
  uint64_t size() const override { return size_; }

 private:
  const int fd_;
  const std::string what_;
  uint64_t pos_;
  uint64_t left_;
  const uint64_t size_;
};

class LocalWriter final : public ObjectWriter {
 public:
  LocalWriter(int fd, std::string what, std::string tmp, std::string final_path)
      : fd_(fd), what_(std::move(what)), tmp_(std::move(tmp)), final_(std::move(final_path)) {}
  static constexpr uint64_t kSyncStep = 8 << 20;
  ~LocalWriter() override { abort(); }

  Status write(std::string_view bytes) override {
    if (fd_ < 0) return failed_precondition(what_ + ": write after commit or abort");
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status(what_, "write", errno);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      written_ += static_cast<uint64_t>(n);
    }
    // Start writeback of what is written so far, without waiting (as RocksDB's bytes_per_sync):
    // the disk works while the job computes, and commit()'s fsync only waits for the tail.
    if (written_ - synced_ >= kSyncStep) {
      ::sync_file_range(fd_, static_cast<off_t>(synced_), static_cast<off_t>(written_ - synced_),
                        SYNC_FILE_RANGE_WRITE);
      synced_ = written_;
    }
    return Status::ok();
  }

  Status commit() override {
    if (fd_ < 0) return failed_precondition(what_ + ": commit after commit or abort");
    if (::fsync(fd_) != 0) {
      const int err = errno;
      abort();
      return errno_status(what_, "fsync", err);
    }
    if (::close(fd_) != 0) {
      const int err = errno;
      fd_ = -1;
      ::unlink(tmp_.c_str());
      return errno_status(what_, "close", err);
    }
    fd_ = -1;
    if (::rename(tmp_.c_str(), final_.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp_.c_str());
      return errno_status(what_, "rename", err);
    }
    // Make the rename itself durable.
    const std::string dir = fs::path(final_).parent_path().string();
    const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return Status::ok();
  }

  void abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_.c_str());
  }

 private:
  int fd_;  // -1 once committed or aborted
  const std::string what_;
  const std::string tmp_;
  const std::string final_;
  uint64_t written_ = 0, synced_ = 0;  // bytes written; bytes whose writeback was started
};

}  // namespace

std::string LocalStore::path_of(const std::string& uri) {
  if (uri.rfind("file://", 0) == 0) return uri.substr(7);
  return uri;
}

bool LocalStore::is_temporary_name(std::string_view name) {
  return !name.empty() && name[0] == '.' && name.find(kTmpMarker) != std::string_view::npos;
}

Result<std::vector<ObjectInfo>> LocalStore::list(const std::string& prefix_uri) {
  const std::string path = path_of(prefix_uri);
  std::vector<ObjectInfo> out;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return out;
    return errno_status(prefix_uri, "stat", errno);
  }
  if (S_ISREG(st.st_mode)) {
    out.push_back({prefix_uri, static_cast<uint64_t>(st.st_size), mtime_of(st)});
    return out;
  }
  if (!S_ISDIR(st.st_mode)) return invalid_argument(prefix_uri + ": not a file or directory");
  std::string base = prefix_uri;
  if (base.empty() || base.back() != '/') base.push_back('/');
  std::error_code ec;
  fs::recursive_directory_iterator it(path, fs::directory_options::follow_directory_symlink, ec);
  if (ec) return io_error(prefix_uri + ": cannot list: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return io_error(prefix_uri + ": cannot list: " + ec.message());
    const fs::directory_entry& e = *it;
    if (!e.is_regular_file(ec)) continue;
    if (is_temporary_name(e.path().filename().string())) continue;
    struct stat fst {};
    if (::stat(e.path().c_str(), &fst) != 0) continue;  // removed while listing
    const std::string rel = fs::relative(e.path(), path, ec).generic_string();
    out.push_back({base + rel, static_cast<uint64_t>(fst.st_size), mtime_of(fst)});
  }
  if (ec) return io_error(prefix_uri + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.uri < b.uri; });
  return out;
}

Result<ObjectInfo> LocalStore::head(const std::string& uri) {
  const std::string path = path_of(uri);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_status(uri, "stat", errno);
  if (S_ISDIR(st.st_mode)) return failed_precondition(uri + ": is a directory");
  return ObjectInfo{uri, static_cast<uint64_t>(st.st_size), mtime_of(st)};
}

Result<std::unique_ptr<ObjectReader>> LocalStore::open(const std::string& uri, uint64_t offset,
                                                       uint64_t length) {
  const std::string path = path_of(uri);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status(uri, "open", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return errno_status(uri, "stat", err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return failed_precondition(uri + ": is a directory");
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (offset > size) {
    ::close(fd);
    return invalid_argument(uri + ": offset " + std::to_string(offset) + " is past the end (" +
                            std::to_string(size) + " bytes)");
  }
  const uint64_t n = std::min(length, size - offset);
  return std::unique_ptr<ObjectReader>(std::make_unique<LocalReader>(fd, uri, offset, n));
}

Result<std::unique_ptr<ObjectWriter>> LocalStore::create(const std::string& uri) {
  const fs::path path(path_of(uri));
  if (path.empty() || !path.has_filename()) {
    return invalid_argument(uri + ": a file name must not be empty or end in '/'");
  }
  std::error_code ec;
  const fs::path dir = path.parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec)
      return io_error(uri + ": cannot create directory " + dir.string() + ": " + ec.message());
  }
  std::string tmp =
      (dir / ("." + path.filename().string() + std::string(kTmpMarker) + "XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return errno_status(uri, "create temporary file", errno);
  (void)::fchmod(fd, 0644);  // mkstemp's 0600 is not what a plain file gets
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<LocalWriter>(fd, uri, std::move(tmp), path.string()));
}

Status LocalStore::remove(const std::string& uri) {
  const std::string path = path_of(uri);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return failed_precondition(uri + ": is a directory");
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_status(uri, "remove", errno);
  return Status::ok();
}

}  // namespace eddy::objstore
