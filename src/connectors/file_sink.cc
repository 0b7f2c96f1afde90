#include "connectors/file_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eddy::connectors {

Result<std::unique_ptr<FileSink>> FileSink::open(const std::string& path, bool append) {
  if (path == "-" || path.empty()) {
    signal(SIGPIPE, SIG_IGN);  // EPIPE instead of death: `eddy run ... | head` ends cleanly
    return std::unique_ptr<FileSink>(new FileSink(1, "stdout", 0));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd < 0) {
    if (errno == ENOENT)
      return not_found("cannot create output '" + path + "': its directory does not exist");
    return io_error("cannot open output '" + path + "': " + std::strerror(errno));
  }
  struct stat st {};
  fstat(fd, &st);
  return std::unique_ptr<FileSink>(new FileSink(fd, path, static_cast<uint64_t>(st.st_size)));
}

FileSink::~FileSink() { (void)close(); }

Status FileSink::write(std::string_view record) {
  buffer_.append(record);
  buffer_.push_back('\n');
  return buffer_.size() >= (1 << 16) ? flush() : Status::ok();
}

Status FileSink::flush() {
  size_t off = 0;
  while (off < buffer_.size() && !reader_closed_) {
    ssize_t n = ::write(fd_, buffer_.data() + off, buffer_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) {
        reader_closed_ = true;
        break;
      }
      return io_error("write to " + name_ + ": " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  written_ += off;
  buffer_.clear();
  if (reader_closed_) return unavailable(name_ + " was closed by its reader");
  return Status::ok();
}

Status FileSink::truncate_to(uint64_t position) {
  EDDY_RETURN_IF_ERROR(flush());
  if (fd_ == 1) return unimplemented("stdout cannot be rolled back to a checkpoint");
  if (::ftruncate(fd_, static_cast<off_t>(position)) != 0 ||
      ::lseek(fd_, static_cast<off_t>(position), SEEK_SET) < 0)
    return io_error("truncate " + name_ + ": " + std::strerror(errno));
  written_ = position;
  return Status::ok();
}

Status FileSink::close() {
  if (fd_ < 0) return Status::ok();
  Status s = flush();
  if (fd_ > 2 && ::close(fd_) != 0 && s.is_ok()) s = io_error("close " + name_ + ": " + std::strerror(errno));
  fd_ = -1;
  return reader_closed_ ? Status::ok() : s;
}

}  // namespace eddy::connectors
