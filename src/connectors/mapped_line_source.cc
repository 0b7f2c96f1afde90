#include "connectors/mapped_line_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace eddy::connectors {

Result<std::unique_ptr<MappedLineSource>> MappedLineSource::open(int fd, std::string name,
                                                                 const LineSourceOptions& options) {
  auto file = MappedFile::map(fd, name);
  if (!file.is_ok()) {
    ::close(fd);
    return file.status();
  }
  return std::unique_ptr<MappedLineSource>(new MappedLineSource(
      fd, std::move(name), std::move(*file), std::max<size_t>(options.block_bytes, 4096)));
}

MappedLineSource::~MappedLineSource() {
  file_.reset();
  ::close(fd_);
}

Result<engine::ReadStatus> MappedLineSource::read(engine::LineBlock* b, Micros) {
  if (b->mapped_readable) file_->release(b->mapped.data() - file_->data(), b->mapped.size());
  b->mapped = {};
  b->mapped_readable = 0;
  b->data.clear();
  b->oversized_lines = 0;
  const size_t size = file_->size();
  if (pos_ >= size) return engine::ReadStatus::kEnd;
  const char* base = file_->data();
  size_t end = std::min(size, pos_ + block_bytes_);
  if (end < size) {
    // Extend to the end of the line that straddles the block size.
    const void* nl = std::memchr(base + end - 1, '\n', size - (end - 1));
    end = nl ? static_cast<const char*>(nl) - base + 1 : size;
  }
  b->offset = pos_;
  b->end_offset = end;
  std::string_view lines(base + pos_, end - pos_);
  if (file_->readable() - end >= engine::kBlockPadding) {
    b->mapped = lines;
    b->mapped_readable = file_->readable() - pos_;
  } else {  // the file ends too close to its last page's end for the parser's padding
    b->data.reserve(lines.size() + engine::kBlockPadding);
    b->data.append(lines);
  }
  pos_ = end;
  return engine::ReadStatus::kData;
}

Status MappedLineSource::seek(uint64_t offset) {
  if (offset > file_->size())
    return invalid_argument("seek in '" + name_ + "' to " + std::to_string(offset) +
                            ": the file has " + std::to_string(file_->size()) + " bytes");
  pos_ = offset;
  return Status::ok();
}

Status MappedLineSource::check(const engine::LineBlock&) const {
  if (!file_->shrank()) return Status::ok();
  struct stat st {};
  std::string now = fstat(fd_, &st) == 0 ? std::to_string(st.st_size) + " bytes" : "unknown size";
  return data_loss("input file '" + name_ + "' was truncated while the job read it (it had " +
                   std::to_string(file_->size()) + " bytes when opened, now " + now +
                   "); the records past the cut are gone, so the job stops here");
}

Result<std::unique_ptr<engine::LineSource>> open_file_source(const std::string& path,
                                                             const LineSourceOptions& options) {
  auto fallback = [&]() -> Result<std::unique_ptr<engine::LineSource>> {
    EDDY_ASSIGN_OR_RETURN(auto s, FdLineSource::open_file(path, options));
    return std::unique_ptr<engine::LineSource>(std::move(s));
  };
  if (path == "-") return fallback();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fallback();  // FdLineSource words the error
  struct stat st {};
  unsigned char magic[2] = {0, 0};
  // An empty size is also what /proc and /sys files report whatever they hold: read those.
  bool plain = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
               !(::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
  if (!plain) {
    ::close(fd);
    return fallback();
  }
  auto s = MappedLineSource::open(fd, path, options);
  if (!s.is_ok()) return fallback();  // e.g. the address space is exhausted: read() instead
  return std::unique_ptr<engine::LineSource>(std::move(*s));
}

}  // namespace eddy::connectors
