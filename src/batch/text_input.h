// TextInput: the lines of a batch job's inputs — file paths, globs, directories (Spark's
// textFile habits: names starting with '_' or '.' such as _SUCCESS are skipped), gzip (by magic
// bytes, concatenated members too) and s3:// objects, all read through objstore::store_for.
//
// fill() appends whole lines (each ending in '\n'; a last line without one gets it) to a buffer
// up to a byte limit, recording which file and line every appended segment starts at, so bad
// input is reported as "FILE:LINE: ..." even when the buffer is processed on many threads.
// Ownership: owns its readers. Thread-safety: one thread at a time.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/byte_buffer.h"
#include "common/status.h"
#include "objstore/object_store.h"

namespace eddy::batch {

struct InputFile {
  std::string uri;
  uint64_t size = 0;  // stored size (compressed size for gzip)
};

// Expands paths, globs (* ? [..] in any segment after the first wildcard-free prefix) and
// directories into files in URI order. Nothing matching: kNotFound naming the pattern.
// A directory that looks written by Eddy or Spark (part-* files, or _temporary/) but has no
// _SUCCESS is a partial output (a job failed, was killed or still runs): kFailedPrecondition,
// naming it; a glob over its files (DIR/part-*) reads them anyway. Directories without part
// files need no _SUCCESS (docs/batch.md, "Partial outputs").
Result<std::vector<InputFile>> expand_inputs(const std::vector<std::string>& patterns);

// Where a segment of a filled buffer came from.
struct InputSpan {
  size_t file = 0;          // index into TextInput::files()
  uint64_t begin = 0;       // offset in the buffer
  uint64_t first_line = 1;  // line number (1-based) of the line at `begin`
};

class TextInput {
 public:
  explicit TextInput(std::vector<InputFile> files);
  ~TextInput();
  TextInput(const TextInput&) = delete;
  TextInput& operator=(const TextInput&) = delete;

  const std::vector<InputFile>& files() const { return files_; }
  // Appends lines to `buf` until it holds at least `limit` bytes (at least one line is always
  // appended if any is left) or the input ends; `spans` gets one entry per file segment.
  // Returns false once there was nothing left to append.
  Result<bool> fill(ByteBuffer* buf, size_t limit, std::vector<InputSpan>* spans);
  // True once every line of every file was appended.
  bool done() const { return current_ == SIZE_MAX && next_file_ >= files_.size(); }
  // Sum of stored sizes of the files not yet opened (a hint for reserving buffers).
  uint64_t remaining_size_hint() const;

 private:
  Status open_next();
  // Reads up to n decompressed bytes of the current file; 0 at its end.
  Result<size_t> read_current(char* dst, size_t n);
  void close_current();

  std::vector<InputFile> files_;
  size_t next_file_ = 0;
  size_t current_ = SIZE_MAX;  // index of the open file, SIZE_MAX if none
  std::unique_ptr<objstore::ObjectReader> reader_;
  bool gzip_ = false;
  bool eof_ = false;   // the current file's bytes are exhausted
  uint64_t line_ = 1;  // line number of the next line of the current file
  std::string carry_;  // start of a line not yet complete (from the current file)
  z_stream z_{};
  bool z_init_ = false;
  std::string zin_;  // compressed input buffer
  size_t zin_pos_ = 0, zin_len_ = 0;
  bool zin_eof_ = false;
};

}  // namespace eddy::batch
