// Spill runs: sorted, grouped runs of (int64 key, values) on local disk, for grouping and
// sorting more data than the memory budget holds (an external merge sort).
//
// A run file is a sequence of groups in key order: key (int64), value count (uint32), then
// per value its length (uint32) and bytes; values keep input order. SpillDir is a private
// temporary directory `eddy-spill-PID-XXXXXX` under the spill directory, removed with
// everything in it when destroyed, also on failure. Runs are scratch: local files, not the
// object store.
//
// A process killed with SIGKILL cannot remove its directory (issue 19: four kills leaked
// 321 MB), so the next SpillDir::create under the same parent removes its stale siblings.
// Stale is decided by a lock, not by the pid in the name: the owner holds an flock on
// DIR/owner.lock for its life and the kernel drops it when the process dies, however it dies;
// a pid could be reused, or belong to another pid namespace sharing the directory. The
// directory is set up under a hidden name and renamed into place with the lock already held,
// so a cleaner never sees a live directory without its lock. Directories of older Eddy
// versions (eddy-spill-XXXXXX, no lock) are left alone.
// Ownership: SpillDir owns its directory and the lock's descriptor; writers and readers own
// their descriptors.
// Thread-safety: one thread per object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace eddy::batch {

class SpillDir {
 public:
  // Removes stale `<parent>/eddy-spill-*` directories, then creates
  // `<parent>/eddy-spill-PID-XXXXXX` ("" = $TMPDIR or /tmp).
  static Result<std::unique_ptr<SpillDir>> create(const std::string& parent);
  // Removes the directories under `parent` whose owner is gone; returns how many.
  static size_t remove_stale(const std::string& parent);
  ~SpillDir();
  const std::string& path() const { return path_; }
  // A new file name inside the directory ("run-00003").
  std::string next_file();

 private:
  SpillDir(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::string path_;
  int lock_fd_;  // holds the flock on path_/owner.lock while this object lives
  int files_ = 0;
};

class SpillRunWriter {
 public:
  static Result<std::unique_ptr<SpillRunWriter>> create(const std::string& path);
  ~SpillRunWriter();
  Status begin_group(int64_t key, uint32_t count);
  Status add_value(std::string_view value);
  Status finish();  // flushes and closes
  uint64_t bytes() const { return bytes_; }

 private:
  SpillRunWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status put(const void* p, size_t n);
  Status flush();
  int fd_;
  std::string path_;
  std::string buf_;
  uint64_t bytes_ = 0;
};

class SpillRunReader {
 public:
  static Result<std::unique_ptr<SpillRunReader>> open(const std::string& path, size_t buffer);
  ~SpillRunReader();
  // Moves to the next group; false at the end of the run. All values of the current group must
  // have been read first.
  Result<bool> next_group();
  int64_t key() const { return key_; }
  uint32_t count() const { return count_; }
  // The next value of the current group; valid until the next call on this reader.
  Result<std::string_view> next_value();

 private:
  SpillRunReader(int fd, std::string path, size_t buffer);
  // Makes n bytes available at buf_[pos_..]; false if the file ends first.
  Result<bool> ensure(size_t n);
  int fd_;
  std::string path_;
  std::string buf_;
  size_t pos_ = 0, len_ = 0;
  int64_t key_ = 0;
  uint32_t count_ = 0, left_ = 0;
};

}  // namespace eddy::batch
