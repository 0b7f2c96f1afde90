#include "objstore/fault_injecting_store.h"

namespace eddy::objstore {
namespace {

class FaultyReader final : public ObjectReader {
 public:
  FaultyReader(FaultInjectingStore* store, std::string uri, std::unique_ptr<ObjectReader> base)
      : store_(store), uri_(std::move(uri)), base_(std::move(base)) {}
  Result<size_t> read(char* buf, size_t n) override {
    EDDY_RETURN_IF_ERROR(store_->count(StoreOp::kRead, uri_));
    return base_->read(buf, n);
  }
  uint64_t size() const override { return base_->size(); }

 private:
  FaultInjectingStore* const store_;
  const std::string uri_;
  const std::unique_ptr<ObjectReader> base_;
};

class FaultyWriter final : public ObjectWriter {
 public:
  FaultyWriter(FaultInjectingStore* store, std::string uri, std::unique_ptr<ObjectWriter> base)
      : store_(store), uri_(std::move(uri)), base_(std::move(base)) {}
  Status write(std::string_view bytes) override {
    Status st = store_->count(StoreOp::kWrite, uri_);
    if (!st.is_ok()) {
      base_->abort();
      return st;
    }
    return base_->write(bytes);
  }
  Status commit() override {
    Status st = store_->count(StoreOp::kCommit, uri_);
    if (!st.is_ok()) {
      base_->abort();
      return st;
    }
    return base_->commit();
  }
  void abort() override { base_->abort(); }

 private:
  FaultInjectingStore* const store_;
  const std::string uri_;
  const std::unique_ptr<ObjectWriter> base_;
};

}  // namespace

void FaultInjectingStore::fail_nth(StoreOp op, int n, Status status) {
  EDDY_CHECK(n >= 1) << "fail_nth counts from 1";
  std::lock_guard<std::mutex> l(mu_);
  rules_.push_back({op, n, std::move(status)});
}

void FaultInjectingStore::fail_always(StoreOp op, Status status) {
  std::lock_guard<std::mutex> l(mu_);
  rules_.push_back({op, 0, std::move(status)});
}

void FaultInjectingStore::clear() {
  std::lock_guard<std::mutex> l(mu_);
  rules_.clear();
}

int FaultInjectingStore::calls(StoreOp op) const {
  std::lock_guard<std::mutex> l(mu_);
  return calls_[static_cast<size_t>(op)];
}

Status FaultInjectingStore::count(StoreOp op, const std::string& uri) {
  std::lock_guard<std::mutex> l(mu_);
  const int n = ++calls_[static_cast<size_t>(op)];
  for (const Rule& r : rules_) {
    if (r.op == op && (r.nth == 0 || r.nth == n)) return r.status.with_context(uri);
  }
  return Status::ok();
}

Result<std::vector<ObjectInfo>> FaultInjectingStore::list(const std::string& prefix_uri) {
  EDDY_RETURN_IF_ERROR(count(StoreOp::kList, prefix_uri));
  return base_->list(prefix_uri);
}

Result<ObjectInfo> FaultInjectingStore::head(const std::string& uri) {
  EDDY_RETURN_IF_ERROR(count(StoreOp::kHead, uri));
  return base_->head(uri);
}

Result<std::unique_ptr<ObjectReader>> FaultInjectingStore::open(const std::string& uri,
                                                                uint64_t offset, uint64_t length) {
  EDDY_RETURN_IF_ERROR(count(StoreOp::kOpen, uri));
  EDDY_ASSIGN_OR_RETURN(auto r, base_->open(uri, offset, length));
  return std::unique_ptr<ObjectReader>(std::make_unique<FaultyReader>(this, uri, std::move(r)));
}

Result<std::unique_ptr<ObjectWriter>> FaultInjectingStore::create(const std::string& uri) {
  EDDY_RETURN_IF_ERROR(count(StoreOp::kCreate, uri));
  EDDY_ASSIGN_OR_RETURN(auto w, base_->create(uri));
  return std::unique_ptr<ObjectWriter>(std::make_unique<FaultyWriter>(this, uri, std::move(w)));
}

Status FaultInjectingStore::remove(const std::string& uri) {
  EDDY_RETURN_IF_ERROR(count(StoreOp::kRemove, uri));
  return base_->remove(uri);
}

}  // namespace eddy::objstore
