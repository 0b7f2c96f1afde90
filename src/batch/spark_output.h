// SparkOutput: a dataset written in Spark's saveAsTextFile layout — a directory (local or
// s3://) holding part-00000, part-00001, ... and an empty _SUCCESS written last, so readers
// that wait for _SUCCESS (the article's check_s3 step, Hadoop committers) never see a partial
// result.
//
// Parts are written through storage writers (temporary name + rename locally, multipart upload
// on S3) and committed one by one; abort() (or destruction before finish()) removes the parts
// already committed, so a failed job leaves nothing behind. An output that already holds
// objects is refused (as Spark refuses) unless `overwrite`, which removes them first.
// Writes are buffered (8 MiB) before they reach the store.
// Ownership: owns its writer. Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "objstore/object_store.h"

namespace eddy::batch {

class SparkOutput {
 public:
  static Result<std::unique_ptr<SparkOutput>> create(const std::string& dir_uri, bool overwrite);
  ~SparkOutput();

  // "part-00007" style names under the directory.
  static std::string part_name(size_t index);
  const std::string& uri() const { return dir_; }

  Status begin_part(size_t index);
  Status write(std::string_view bytes);
  Status end_part();  // commits the current part
  Status finish();    // writes _SUCCESS; the output is complete
  void abort();       // removes committed parts, drops the current one

 private:
  SparkOutput(std::string dir, std::shared_ptr<objstore::ObjectStore> store);
  Status flush();

  std::string dir_;
  std::shared_ptr<objstore::ObjectStore> store_;
  std::unique_ptr<objstore::ObjectWriter> writer_;
  std::string current_uri_;
  std::string buffer_;
  std::vector<std::string> committed_;
  bool finished_ = false;
};

}  // namespace eddy::batch
