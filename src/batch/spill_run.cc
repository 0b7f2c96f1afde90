#include "batch/spill_run.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace eddy::batch {
namespace {
constexpr size_t kWriteBuffer = 4 << 20;

Status errno_error(const std::string& what, const std::string& path, int err) {
  return io_error("spill file '" + path + "': " + what + ": " + std::strerror(err));
}
}  // namespace

Result<std::unique_ptr<SpillDir>> SpillDir::create(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = t && *t ? t : "/tmp";
  }
  std::string tmpl = base + "/eddy-spill-XXXXXX";
  if (!mkdtemp(tmpl.data()))
    return io_error("cannot create a spill directory under '" + base +
                    "': " + std::strerror(errno) + " (set spec.runtime.spillDir)");
  return std::unique_ptr<SpillDir>(new SpillDir(tmpl));
}

SpillDir::~SpillDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
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
