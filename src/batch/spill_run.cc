#include "batch/spill_run.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace eddy::batch {
namespace {
constexpr size_t kWriteBuffer = 4 << 20;
constexpr std::string_view kPrefix = "eddy-spill-";
constexpr const char* kLockName = "/owner.lock";

std::string default_parent(const std::string& parent) {
  if (!parent.empty()) return parent;
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

// "eddy-spill-<digits>-<suffix>": this version's names (older ones have no pid and no lock).
bool is_locked_spill_name(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0) return false;
  size_t i = kPrefix.size(), digits = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i, ++digits;
  return digits > 0 && i + 1 < name.size() && name[i] == '-';
}

Status errno_error(const std::string& what, const std::string& path, int err) {
  return io_error("spill file '" + path + "': " + what + ": " + std::strerror(err));
}
}  // namespace

size_t SpillDir::remove_stale(const std::string& parent) {
  std::error_code ec;
  size_t removed = 0;
  for (std::filesystem::directory_iterator it(default_parent(parent), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_locked_spill_name(name) || !it->is_directory(ec) || it->is_symlink(ec)) continue;
    const int fd = ::open((it->path().string() + kLockName).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // not one of ours (the lock exists before the name does)
    // Taking the lock means its owner is gone; holding it while removing keeps a second
    // cleaner out (it would find the lock taken and move on).
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      std::error_code rm;
      std::filesystem::remove_all(it->path(), rm);
      if (!rm) ++removed;
    }
    ::close(fd);
  }
  return removed;
}

Result<std::unique_ptr<SpillDir>> SpillDir::create(const std::string& parent) {
  const std::string base = default_parent(parent);
  remove_stale(base);
  std::string tmpl = base + "/.eddy-spill-new-XXXXXX";
  if (!mkdtemp(tmpl.data()))
    return io_error("cannot create a spill directory under '" + base +
                    "': " + std::strerror(errno) + " (set spec.runtime.spillDir)");
  auto fail = [&](const std::string& what, const std::string& dir) {
    const int err = errno;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return errno_error(what, dir, err);
  };
  const int fd = ::open((tmpl + kLockName).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail("create lock", tmpl);
  if (::flock(fd, LOCK_EX) != 0) {
    ::close(fd);
    return fail("lock", tmpl);
  }
  const std::string suffix = tmpl.substr(tmpl.size() - 6);
  const std::string path = base + "/" + std::string(kPrefix) + std::to_string(::getpid()) + "-" +
                           suffix;
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    ::close(fd);
    return fail("rename to '" + path + "'", tmpl);
  }
  return std::unique_ptr<SpillDir>(new SpillDir(path, fd));
}

SpillDir::~SpillDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  ::close(lock_fd_);  // after the removal: until then a cleaner must not take the directory
}

std::string SpillDir::next_file() {
  char b[32];
  std::snprintf(b, sizeof b, "/run-%05d", files_++);
  return path_ + b;
}

Result<std::unique_ptr<SpillRunWriter>> SpillRunWriter::create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("create", path, errno);
  auto w = std::unique_ptr<SpillRunWriter>(new SpillRunWriter(fd, path));
  w->buf_.reserve(kWriteBuffer);
  return w;
}

SpillRunWriter::~SpillRunWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status SpillRunWriter::flush() {
  const char* p = buf_.data();
  size_t n = buf_.size();
  while (n > 0) {
    ssize_t k = ::write(fd_, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return errno_error("write", path_, errno);
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
  buf_.clear();
  return Status::ok();
}

Status SpillRunWriter::put(const void* p, size_t n) {
  if (buf_.size() + n > kWriteBuffer) EDDY_RETURN_IF_ERROR(flush());
  buf_.append(static_cast<const char*>(p), n);
  bytes_ += n;
  return Status::ok();
}

Status SpillRunWriter::begin_group(int64_t key, uint32_t count) {
  EDDY_RETURN_IF_ERROR(put(&key, sizeof key));
  return put(&count, sizeof count);
}

Status SpillRunWriter::add_value(std::string_view v) {
  uint32_t n = static_cast<uint32_t>(v.size());
  EDDY_RETURN_IF_ERROR(put(&n, sizeof n));
  if (v.size() > kWriteBuffer) {
    EDDY_RETURN_IF_ERROR(flush());
    buf_.assign(v);
    bytes_ += v.size();
    return flush();
  }
  return put(v.data(), v.size());
}

Status SpillRunWriter::finish() {
  EDDY_RETURN_IF_ERROR(flush());
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return errno_error("close", path_, errno);
  return Status::ok();
}

SpillRunReader::SpillRunReader(int fd, std::string path, size_t buffer)
    : fd_(fd), path_(std::move(path)) {
  buf_.resize(buffer);
}

Result<std::unique_ptr<SpillRunReader>> SpillRunReader::open(const std::string& path,
                                                             size_t buffer) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("open", path, errno);
  return std::unique_ptr<SpillRunReader>(new SpillRunReader(fd, path, buffer));
}

SpillRunReader::~SpillRunReader() { ::close(fd_); }

Result<bool> SpillRunReader::ensure(size_t n) {
  if (len_ - pos_ >= n) return true;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
  }
  if (buf_.size() < n) buf_.resize(n);
  while (len_ < n) {
    ssize_t k = ::read(fd_, buf_.data() + len_, buf_.size() - len_);
    if (k < 0) {
      if (errno == EINTR) continue;
      return errno_error("read", path_, errno);
    }
    if (k == 0) return false;
    len_ += static_cast<size_t>(k);
  }
  return true;
}

Result<bool> SpillRunReader::next_group() {
  if (left_ != 0) return internal_error("spill run '" + path_ + "': group not fully read");
  EDDY_ASSIGN_OR_RETURN(bool more, ensure(12));
  if (!more) {
    if (len_ != pos_) return data_loss("spill run '" + path_ + "': truncated");
    return false;
  }
  std::memcpy(&key_, buf_.data() + pos_, 8);
  std::memcpy(&count_, buf_.data() + pos_ + 8, 4);
  pos_ += 12;
  left_ = count_;
  return true;
}

Result<std::string_view> SpillRunReader::next_value() {
  if (left_ == 0) return internal_error("spill run '" + path_ + "': read past the group");
  EDDY_ASSIGN_OR_RETURN(bool ok, ensure(4));
  uint32_t n = 0;
  if (ok) std::memcpy(&n, buf_.data() + pos_, 4);
  if (ok) {
    pos_ += 4;
    EDDY_ASSIGN_OR_RETURN(ok, ensure(n));
  }
  if (!ok) return data_loss("spill run '" + path_ + "': truncated");
  std::string_view v(buf_.data() + pos_, n);
  pos_ += n;
  --left_;
  return v;
}

}  // namespace eddy::batch
