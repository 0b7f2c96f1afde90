#include "objstore/memory_store.h"

#include <algorithm>

namespace eddy::objstore {
namespace {

class MemoryReader final : public ObjectReader {
 public:
  MemoryReader(std::shared_ptr<const std::string> data, uint64_t begin, uint64_t end)
      : data_(std::move(data)), pos_(begin), end_(end) {}
  Result<size_t> read(char* buf, size_t n) override {
    const size_t k = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    std::copy_n(data_->data() + pos_, k, buf);
    pos_ += k;
    return k;
  }
  uint64_t size() const override { return end_ - begin_; }

 private:
  const std::shared_ptr<const std::string> data_;
  uint64_t pos_;
  const uint64_t begin_ = pos_;
  const uint64_t end_;
};

class MemoryWriter final : public ObjectWriter {
 public:
  MemoryWriter(MemoryStore* store, std::string uri) : store_(store), uri_(std::move(uri)) {}
  Status write(std::string_view bytes) override {
    if (done_) return failed_precondition(uri_ + ": write after commit or abort");
    buf_.append(bytes);
    return Status::ok();
  }
  Status commit() override {
    if (done_) return failed_precondition(uri_ + ": commit after commit or abort");
    done_ = true;
    store_->put(uri_, std::move(buf_));
    return Status::ok();
  }
  void abort() override {
    done_ = true;
    buf_.clear();
  }

 private:
  MemoryStore* const store_;
  const std::string uri_;
  std::string buf_;
  bool done_ = false;
};

}  // namespace

void MemoryStore::put(const std::string& uri, std::string data) {
  auto shared = std::make_shared<const std::string>(std::move(data));
  const Micros now = clock_->now();
  std::lock_guard<std::mutex> l(mu_);
  objects_[uri] = Object{std::move(shared), now};
}

size_t MemoryStore::object_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return objects_.size();
}

Result<std::vector<ObjectInfo>> MemoryStore::list(const std::string& prefix_uri) {
  std::vector<ObjectInfo> out;
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = objects_.lower_bound(prefix_uri);
       it != objects_.end() && it->first.compare(0, prefix_uri.size(), prefix_uri) == 0; ++it) {
    out.push_back({it->first, it->second.data->size(), it->second.modified});
  }
  return out;
}

Result<ObjectInfo> MemoryStore::head(const std::string& uri) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = objects_.find(uri);
  if (it == objects_.end()) return not_found(uri + ": no such object");
  return ObjectInfo{uri, it->second.data->size(), it->second.modified};
}

Result<std::unique_ptr<ObjectReader>> MemoryStore::open(const std::string& uri, uint64_t offset,
                                                        uint64_t length) {
  std::shared_ptr<const std::string> data;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = objects_.find(uri);
    if (it == objects_.end()) return not_found(uri + ": no such object");
    data = it->second.data;
  }
  if (offset > data->size()) {
    return invalid_argument(uri + ": offset " + std::to_string(offset) + " is past the end (" +
                            std::to_string(data->size()) + " bytes)");
  }
  const uint64_t end = offset + std::min<uint64_t>(length, data->size() - offset);
  return std::unique_ptr<ObjectReader>(std::make_unique<MemoryReader>(data, offset, end));
}

Result<std::unique_ptr<ObjectWriter>> MemoryStore::create(const std::string& uri) {
  if (uri.empty()) return invalid_argument("an object name must not be empty");
  return std::unique_ptr<ObjectWriter>(std::make_unique<MemoryWriter>(this, uri));
}

Status MemoryStore::remove(const std::string& uri) {
  std::lock_guard<std::mutex> l(mu_);
  objects_.erase(uri);
  return Status::ok();
}

}  // namespace eddy::objstore
