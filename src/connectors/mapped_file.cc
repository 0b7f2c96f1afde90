#include "connectors/mapped_file.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace eddy::connectors {
namespace {

// The SIGBUS handler's registry: fixed slots, read lock-free from the handler. The handler
// uses only atomics, mmap and signal: mmap is not on POSIX's async-signal-safe list, but on
// Linux it is a bare system call (glibc takes no lock in it), as signal handlers that repair
// faults in JVMs and garbage collectors rely on.
struct GuardedRange {
  std::atomic<bool> used{false};
  std::atomic<uintptr_t> begin{0}, end{0};
  std::atomic<bool> hit{false};
};
constexpr int kSlots = 64;
GuardedRange g_ranges[kSlots];
struct sigaction g_previous {};
uintptr_t g_page = 4096;

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (GuardedRange& r : g_ranges) {
    const uintptr_t b = r.begin.load(std::memory_order_acquire);
    const uintptr_t e = r.end.load(std::memory_order_acquire);
    if (b == 0 || addr < b || addr >= e) continue;
    // The file ends before this page now: zeros from here to the end of the mapping (the
    // pages before it are intact), and the faulting read resumes on them.
    const uintptr_t page = addr & ~(g_page - 1);
    void* m = mmap(reinterpret_cast<void*>(page), e - page, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (m != MAP_FAILED) {
      r.hit.store(true, std::memory_order_release);
      return;
    }
    break;
  }
  // Not one of ours: what would have happened without this handler.
  if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(sig, info, context);
    return;
  }
  if (!(g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_handler != SIG_DFL &&
      g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
    return;
  }
  // Default action: returning re-runs the faulting access, which now kills the process.
  signal(SIGBUS, SIG_DFL);
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &g_previous);
  });
}

int claim_slot(uintptr_t begin, uintptr_t end) {
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (!g_ranges[i].used.compare_exchange_strong(expected, true)) continue;
    g_ranges[i].hit.store(false);
    g_ranges[i].end.store(end, std::memory_order_release);
    g_ranges[i].begin.store(begin, std::memory_order_release);
    return i;
  }
  return -1;
}

void free_slot(int i) {
  g_ranges[i].begin.store(0, std::memory_order_release);
  g_ranges[i].end.store(0, std::memory_order_release);
  g_ranges[i].used.store(false, std::memory_order_release);
}

}  // namespace

Result<std::unique_ptr<MappedFile>> MappedFile::map(int fd, const std::string& name) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return io_error("cannot stat '" + name + "': " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return invalid_argument("'" + name + "' is not a regular file");
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) return std::unique_ptr<MappedFile>(new MappedFile(nullptr, 0, 0, -1));
  install_handler();
  const size_t length = (size + g_page - 1) & ~(g_page - 1);
  void* m = mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) return io_error("cannot map '" + name + "': " + std::strerror(errno));
  const auto b = reinterpret_cast<uintptr_t>(m);
  int slot = claim_slot(b, b + length);
  if (slot < 0) {
    munmap(m, length);
    return unavailable("cannot map '" + name + "': " + std::to_string(kSlots) +
                       " files are mapped already");
  }
  // Read ahead of the decoders: the job reads the file front to back.
  madvise(m, length, MADV_SEQUENTIAL);
  return std::unique_ptr<MappedFile>(
      new MappedFile(static_cast<const char*>(m), size, length, slot));
}

MappedFile::~MappedFile() {
  if (slot_ < 0) return;
  free_slot(slot_);
  munmap(const_cast<char*>(base_), length_);
}

bool MappedFile::shrank() const {
  return slot_ >= 0 && g_ranges[slot_].hit.load(std::memory_order_acquire);
}

void MappedFile::release(size_t offset, size_t n) {
  if (slot_ < 0) return;
  // Whole pages inside the range only: a page shared with a neighbouring block may still be
  // in use (and dropping it would only cost a minor fault, but there is no need).
  const auto b = reinterpret_cast<uintptr_t>(base_) + offset;
  const uintptr_t first = (b + g_page - 1) & ~(g_page - 1);
  const uintptr_t last = (b + n) & ~(g_page - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace eddy::connectors
