#include "batch/spark_output.h"

#include <cstdio>
#include <filesystem>

namespace eddy::batch {
namespace {
constexpr size_t kBufferBytes = 8 << 20;
constexpr size_t kDirectBytes = 256 << 10;  // writes this big skip the buffer (no extra copy)

std::string strip_slash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

SparkOutput::SparkOutput(std::string dir, std::shared_ptr<objstore::ObjectStore> store)
    : dir_(std::move(dir)), store_(std::move(store)) {}

SparkOutput::~SparkOutput() {
  if (!finished_) abort();
}

std::string SparkOutput::part_name(size_t index) {
  char b[32];
  std::snprintf(b, sizeof b, "part-%05zu", index);
  return b;
}

Result<std::unique_ptr<SparkOutput>> SparkOutput::create(const std::string& dir_uri,
                                                         bool overwrite) {
  if (dir_uri.empty()) return invalid_argument("output: empty path");
  std::string dir = strip_slash(dir_uri);
  EDDY_ASSIGN_OR_RETURN(std::shared_ptr<objstore::ObjectStore> store, objstore::store_for(dir));
  std::string prefix = objstore::is_object_store_uri(dir) ? dir + "/" : dir;
  auto existing = store->list(prefix);
  if (!existing.is_ok() && existing.status().code() != StatusCode::kNotFound)
    return existing.status().with_context("output '" + dir + "'");
  if (existing.is_ok() && !existing->empty()) {
    if (!overwrite)
      return Status(StatusCode::kAlreadyExists,
                    "output '" + dir + "' already exists (" + std::to_string(existing->size()) +
                        " objects); remove it, or replace it: rerun with --set overwrite=true "
                        "(or overwrite: true on the write step)");
    for (const auto& info : *existing) {
      Status s = store->remove(info.uri);
      if (!s.is_ok()) return s.with_context("output '" + dir + "': removing the old output");
    }
  }
  return std::unique_ptr<SparkOutput>(new SparkOutput(dir, std::move(store)));
}

Status SparkOutput::begin_part(size_t index) {
  current_uri_ = dir_ + "/" + part_name(index);
  auto w = store_->create(current_uri_);
  if (!w.is_ok()) return w.status().with_context("output '" + current_uri_ + "'");
  writer_ = std::move(w).value();
  buffer_.clear();
  buffer_.reserve(kBufferBytes);
  return Status::ok();
}

Status SparkOutput::flush() {
  if (buffer_.empty()) return Status::ok();
  Status s = writer_->write(buffer_);
  buffer_.clear();
  if (!s.is_ok()) return s.with_context("output '" + current_uri_ + "'");
  return Status::ok();
}

Status SparkOutput::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kBufferBytes || bytes.size() >= kDirectBytes) {
    EDDY_RETURN_IF_ERROR(flush());
    if (bytes.size() >= kDirectBytes) {
      Status s = writer_->write(bytes);
      if (!s.is_ok()) return s.with_context("output '" + current_uri_ + "'");
      return Status::ok();
    }
  }
  buffer_.append(bytes);
  return Status::ok();
}

Status SparkOutput::end_part() {
  EDDY_RETURN_IF_ERROR(flush());
  Status s = writer_->commit();
  writer_.reset();
  if (!s.is_ok()) return s.with_context("output '" + current_uri_ + "'");
  committed_.push_back(current_uri_);
  return Status::ok();
}

Status SparkOutput::finish() {
  std::string success = dir_ + "/_SUCCESS";
  auto w = store_->create(success);
  if (!w.is_ok()) return w.status().with_context("output '" + success + "'");
  Status s = (*w)->commit();
  if (!s.is_ok()) return s.with_context("output '" + success + "'");
  finished_ = true;
  return Status::ok();
}

void SparkOutput::abort() {
  if (writer_) writer_->abort();
  writer_.reset();
  for (const std::string& uri : committed_) (void)store_->remove(uri);
  committed_.clear();
  if (!objstore::is_object_store_uri(dir_)) {
    // A local directory this job created and left empty goes too (never a non-empty one).
    std::error_code ec;
    std::string path = dir_.rfind("file://", 0) == 0 ? dir_.substr(7) : dir_;
    if (std::filesystem::is_directory(path, ec) && std::filesystem::is_empty(path, ec))
      std::filesystem::remove(path, ec);
  }
}

}  // namespace eddy::batch
