#include "connectors/fd_line_source.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eddy::connectors {
namespace {
constexpr size_t kZBuf = 1 << 16;
std::string errno_text() { return std::strerror(errno); }
}  // namespace

FdLineSource::FdLineSource(int fd, std::string name, bool live, bool seekable,
                           const LineSourceOptions& o)
    : fd_(fd), name_(std::move(name)), live_(live), seekable_(seekable), options_(o) {}

FdLineSource::~FdLineSource() {
  if (gzip_) inflateEnd(&zs_);
  if (fd_ > 0) ::close(fd_);
}

Result<std::unique_ptr<FdLineSource>> FdLineSource::open_file(const std::string& path,
                                                              const LineSourceOptions& options) {
  int fd = 0;
  std::string name = "stdin";
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return not_found("input file '" + path + "' does not exist");
      return io_error("cannot open input file '" + path + "': " + errno_text());
    }
    name = path;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) return io_error("cannot stat '" + name + "': " + errno_text());
  if (S_ISDIR(st.st_mode)) {
    if (fd > 0) ::close(fd);
    return invalid_argument("input '" + path + "' is a directory, expected a JSON-lines file");
  }
  bool regular = S_ISREG(st.st_mode);
  if (regular) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FdLineSource>(new FdLineSource(fd, name, !regular, regular, options));
}

Result<std::unique_ptr<FdLineSource>> FdLineSource::connect_tcp(const std::string& host_port,
                                                                const LineSourceOptions& options) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size())
    return invalid_argument("tcp source '" + host_port + "': expected host:port");
  std::string host = host_port.substr(0, colon), port = host_port.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return unavailable("tcp source '" + host_port + "': " + gai_strerror(rc));
  int fd = -1;
  std::string last_error = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    last_error = errno_text();
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) return unavailable("cannot connect to tcp source " + host_port + ": " + last_error);
  return std::unique_ptr<FdLineSource>(
      new FdLineSource(fd, "tcp " + host_port, /*live=*/true, /*seekable=*/false, options));
}

Status FdLineSource::seek(uint64_t offset) {
  if (!seekable_ || gzip_)
    return unimplemented(name_ + " cannot seek (only plain regular files can be replayed)");
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
    return io_error("seek in '" + name_ + "': " + errno_text());
  pending_.clear();
  discarding_ = eof_ = false;
  consumed_ = offset;
  return Status::ok();
}

Result<bool> FdLineSource::wait_readable(Micros deadline) {
  if (!live_) return true;
  for (;;) {
    Micros left = deadline - options_.clock->now();
    if (left < 0) left = 0;
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>((left + 999) / 1000));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return io_error("poll on " + name_ + ": " + errno_text());
  }
}

Result<size_t> FdLineSource::raw_read(char* buf, size_t cap) {
  auto read_fd = [&](void* dst, size_t n) -> Result<size_t> {
    for (;;) {
      ssize_t r = ::read(fd_, dst, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return io_error("read from " + name_ + ": " + errno_text());
    }
  };
  if (!sniffed_) {
    // Read a first chunk to look for the gzip magic (1f 8b) before deciding.
    zin_.reset(new unsigned char[kZBuf]);
    EDDY_ASSIGN_OR_RETURN(size_t n, read_fd(zin_.get(), kZBuf));
    sniffed_ = true;
    zin_len_ = n;
    compressed_read_ = n;
    gzip_ = n >= 2 && zin_[0] == 0x1f && zin_[1] == 0x8b;
    if (gzip_) {
      if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) return internal_error("zlib init failed");
      zs_.next_in = zin_.get();
      zs_.avail_in = static_cast<uInt>(n);
    }
    if (!gzip_) {
      size_t m = std::min(n, cap);
      std::memcpy(buf, zin_.get(), m);
      // Keep what did not fit for the next call.
      std::memmove(zin_.get(), zin_.get() + m, n - m);
      zin_len_ = n - m;
      return m;
    }
  }
  if (!gzip_) {
    if (zin_len_ > 0) {  // leftovers of the sniffing read
      size_t m = std::min(zin_len_, cap);
      std::memcpy(buf, zin_.get(), m);
      std::memmove(zin_.get(), zin_.get() + m, zin_len_ - m);
      zin_len_ -= m;
      return m;
    }
    return read_fd(buf, cap);
  }
  zs_.next_out = reinterpret_cast<Bytef*>(buf);
  zs_.avail_out = static_cast<uInt>(std::min<size_t>(cap, 1u << 30));
  while (zs_.avail_out == std::min<size_t>(cap, 1u << 30)) {
    if (zs_.avail_in == 0 && !zin_eof_) {
      EDDY_ASSIGN_OR_RETURN(size_t n, read_fd(zin_.get(), kZBuf));
      compressed_read_ += n;
      if (n == 0) zin_eof_ = true;
      zs_.next_in = zin_.get();
      zs_.avail_in = static_cast<uInt>(n);
    }
    if (zs_.avail_in == 0 && zin_eof_) {
      if (zs_.total_out != 0 || zs_.total_in != 0)
        return data_loss("gzip input " + name_ + " is truncated (ends inside a compressed member)");
      break;
    }
    int rc = inflate(&zs_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      inflateReset(&zs_);  // concatenated members (cat a.gz b.gz) are one stream
      zs_.total_in = zs_.total_out = 0;
      if (zs_.avail_out != std::min<size_t>(cap, 1u << 30)) break;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return data_loss("gzip input " + name_ + " is corrupt near compressed byte " +
                       std::to_string(compressed_read_ - zs_.avail_in) + ": " +
                       (zs_.msg ? zs_.msg : "inflate error"));
    }
    if (live_ && zs_.avail_out != std::min<size_t>(cap, 1u << 30)) break;
  }
  return std::min<size_t>(cap, 1u << 30) - zs_.avail_out;
}

Result<engine::ReadStatus> FdLineSource::read(engine::LineBlock* b, Micros deadline) {
  using engine::ReadStatus;
  ByteBuffer& d = b->data;
  d.clear();
  b->oversized_lines = 0;
  b->offset = consumed_;
  d.append(pending_);
  pending_.clear();
  uint64_t dropped = 0;
  size_t tail = 0;  // start of the partial last line in d (pending_ had no '\n')
  for (;;) {
    if (eof_) {
      if (d.empty() && dropped == 0) return ReadStatus::kEnd;
      tail = d.size();  // the last line may lack its '\n'
      break;
    }
    if (tail > 0 && (d.size() >= options_.block_bytes || live_)) break;
    size_t room = std::max<size_t>(options_.block_bytes, 4096);
    if (d.capacity() < d.size() + room + engine::kBlockPadding)
      d.reserve(d.size() + room + engine::kBlockPadding);
    if (live_) {
      EDDY_ASSIGN_OR_RETURN(bool ready, wait_readable(deadline));
      if (!ready) {
        if (tail > 0) break;
        pending_.assign(d.view());  // nothing complete yet: keep it for the next call
        d.clear();
        consumed_ += dropped;
        b->end_offset = consumed_;
        return ReadStatus::kTimeout;
      }
    }
    size_t old = d.size();
    d.resize(old + room);  // uninitialised spare capacity: read straight into it
    auto n = raw_read(d.data() + old, room);
    if (!n.is_ok()) {
      d.resize(old);
      return n.status();
    }
    d.resize(old + *n);
    if (*n == 0) {
      eof_ = true;
      continue;
    }
    if (discarding_) {
      const char* nl = static_cast<const char*>(memchr(d.data() + old, '\n', *n));
      if (!nl) {
        dropped += *n;
        d.resize(old);
        continue;
      }
      size_t cut = nl - (d.data() + old) + 1;
      dropped += cut;
      d.erase(old, cut);
      discarding_ = false;
    }
    if (d.size() > old) {
      const char* nl = static_cast<const char*>(memrchr(d.data() + old, '\n', d.size() - old));
      if (nl) tail = nl - d.data() + 1;
    }
    if (d.size() - tail > options_.max_line_bytes) {
      dropped += d.size() - tail;
      d.resize(tail);
      ++b->oversized_lines;
      discarding_ = true;
    }
  }
  pending_.assign(d.view().substr(tail));
  d.resize(tail);
  consumed_ += d.size() + dropped;
  b->end_offset = consumed_;
  return ReadStatus::kData;
}

}  // namespace eddy::connectors
