// ByteBuffer: a growable byte array that, unlike std::string, does not zero-fill when it
// grows, so a source can read() straight into its spare capacity (the hot path of every
// stream job reads hundreds of MB through it).
// Ownership: owns its bytes. Thread-safety: none (a value type).
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace eddy {

class ByteBuffer {
 public:
  char* data() { return buf_.get(); }
  const char* data() const { return buf_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {buf_.get(), size_}; }

  // Grows capacity to at least n, keeping the contents.
  void reserve(size_t n) {
    if (n <= cap_) return;
    size_t cap = std::max(n, cap_ + cap_ / 2);
    std::unique_ptr<char[]> b(new char[cap]);  // uninitialised on purpose
    if (size_) std::memcpy(b.get(), buf_.get(), size_);
    buf_ = std::move(b);
    cap_ = cap;
  }
  // Sets the size; new bytes are uninitialised.
  void resize(size_t n) {
    reserve(n);
    size_ = n;
  }
  void clear() { size_ = 0; }
  // Asks for transparent huge pages on the whole 2 MiB pages of the allocation: a big buffer
  // read at random (grouping, sorting) then takes far fewer TLB misses.
  void advise_huge_pages() {
    const uintptr_t page = 2 << 20;
    const auto p = reinterpret_cast<uintptr_t>(buf_.get());
    const uintptr_t b = (p + page - 1) & ~(page - 1), e = (p + cap_) & ~(page - 1);
    if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
  }
  void append(std::string_view s) {
    reserve(size_ + s.size());
    if (!s.empty()) std::memcpy(buf_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void erase(size_t pos, size_t n) {
    std::memmove(buf_.get() + pos, buf_.get() + pos + n, size_ - pos - n);
    size_ -= n;
  }

 private:
  std::unique_ptr<char[]> buf_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace eddy
