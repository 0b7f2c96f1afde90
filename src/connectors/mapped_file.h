// MappedFile: a read-only memory mapping of a whole regular file, safe when the file shrinks
// under it.
//
// Stream jobs read big input files through a mapping rather than read(): the decoders parse
// the page cache's own pages, with no copy into the process (the copy was a tenth of a
// one-thread job's time, and all of it on the thread that sequences records).
// The catch of mapping a file is that if another process truncates it, touching a page past
// the new end raises SIGBUS, which would kill the job. So every MappedFile registers its
// range with a process-wide SIGBUS handler: a fault inside a registered range replaces the
// rest of that mapping with zero pages and flags it (shrank()), the faulting read resumes and
// sees zeros, and the reader reports the loss as an error instead of crashing. Faults outside
// every registered range go to the handler that was installed before (or kill the process,
// as SIGBUS does by default).
//
// Growth after open() is not seen: the mapping has the size the file had when it was opened.
// Ownership: owns the mapping (not the descriptor). Thread-safety: data() may be read from
// any thread; release() and the destructor from one.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace eddy::connectors {

class MappedFile {
 public:
  // Maps `fd` (a regular file) as it is now. An empty file gives an empty mapping.
  static Result<std::unique_ptr<MappedFile>> map(int fd, const std::string& name);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return base_; }
  size_t size() const { return size_; }
  // Bytes readable from data(): size() rounded up to whole pages (past the end of the file,
  // the last page reads as zeros).
  size_t readable() const { return length_; }
  // True once a read faulted past the end of the file (it was truncated after map()); the
  // bytes from that page on read as zeros.
  bool shrank() const;
  // Drops the page mappings of [offset, offset + n) (the pages stay in the page cache): the
  // part of the file a reader is done with stops counting in its resident memory.
  void release(size_t offset, size_t n);

 private:
  MappedFile(const char* base, size_t size, size_t length, int slot)
      : base_(base), size_(size), length_(length), slot_(slot) {}
  const char* base_;
  size_t size_, length_;
  int slot_;  // index in the SIGBUS handler's registry, -1 for an empty file
};

}  // namespace eddy::connectors
