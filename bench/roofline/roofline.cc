// Roofline for the trending-hashtags job: the least work any tweet-JSON-lines job must do.
//
// Maps the whole file (one mmap, MAP_POPULATE; the page cache's own pages, no copy) or, with
// --read, reads it with one read() into a simdjson padded buffer. Then, for every line, a
// simdjson On-Demand parse that reads only `lang` and `text` (get_string, so the strings are
// unescaped and the line is UTF-8-validated, as the job needs) and sums their lengths. No
// filtering, no hashtags, no windows. One thread. bench/hashtags/run compares `eddy run` to it.
//
// simdjson may read up to SIMDJSON_PADDING bytes past a document: inside the file those are the
// next lines' bytes (the mapping or buffer runs on); the lines too close to the end of the
// mapping are copied into a padded buffer first.
//
// usage: eddy_roofline [--read] FILE
// stdout, one line:
//   roofline: mode=mmap|read bytes=N lines=N docs=N errors=N sum=N load_s=S parse_s=S total_s=S
//             MB/s=X lines/s=X parse_MB/s=X
// MB/s and lines/s count load + parse (eddy's elapsed also includes reading the file);
// parse_MB/s is the parse loop alone. MB = 1e6 bytes, as in eddy's summary.
#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>

int main(int argc, char** argv) {
  bool use_read = argc == 3 && std::strcmp(argv[1], "--read") == 0;
  if (argc != 2 && !use_read) {
    std::fprintf(stderr, "usage: %s [--read] FILE\n", argv[0]);
    return 2;
  }
  const char* path = argv[argc - 1];
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  simdjson::padded_string buf;
  const char* base = nullptr;
  size_t size = 0, readable = 0;  // readable: bytes from base that may be read
  if (use_read) {
    if (auto err = simdjson::padded_string::load(path).get(buf)) {
      std::fprintf(stderr, "roofline: cannot read %s: %s\n", path, simdjson::error_message(err));
      return 1;
    }
    base = buf.data();
    size = buf.size();
    readable = size + simdjson::SIMDJSON_PADDING;
  } else {
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
      std::perror(path);
      return 1;
    }
    size = static_cast<size_t>(st.st_size);
    long page = sysconf(_SC_PAGESIZE);
    readable = (size + page - 1) / page * page;  // the tail of the last page reads as zeros
    if (size > 0) {
      void* m = mmap(nullptr, readable, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (m == MAP_FAILED) {
        std::perror("mmap");
        return 1;
      }
      base = static_cast<const char*>(m);
    }
    close(fd);
  }
  auto t1 = clock::now();

  simdjson::ondemand::parser parser;
  simdjson::padded_string tail_copy;
  const char* p = base;
  const char* end = base + size;
  uint64_t lines = 0, docs = 0, errors = 0, sum = 0;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* le = nl ? nl : end;
    size_t len = le - p;
    ++lines;
    if (len > 0) {
      simdjson::ondemand::document doc;
      std::string_view lang, text;
      size_t cap = readable - (p - base);
      const char* json = p;
      if (cap < len + simdjson::SIMDJSON_PADDING) {  // near the end of the mapping
        tail_copy = simdjson::padded_string(p, len);
        json = tail_copy.data();
        cap = len + simdjson::SIMDJSON_PADDING;
      }
      if (parser.iterate(json, len, cap).get(doc) ||
          doc.find_field_unordered("lang").get_string().get(lang) ||
          doc.find_field_unordered("text").get_string().get(text)) {
        ++errors;
      } else {
        ++docs;
        sum += lang.size() + text.size();
      }
    }
    p = le + 1;
  }
  auto t2 = clock::now();

  double load_s = std::chrono::duration<double>(t1 - t0).count();
  double parse_s = std::chrono::duration<double>(t2 - t1).count();
  double total_s = load_s + parse_s;
  std::printf(
      "roofline: mode=%s bytes=%zu lines=%llu docs=%llu errors=%llu sum=%llu load_s=%.3f "
      "parse_s=%.3f total_s=%.3f MB/s=%.1f lines/s=%.0f parse_MB/s=%.1f\n",
      use_read ? "read" : "mmap", size, (unsigned long long)lines, (unsigned long long)docs,
      (unsigned long long)errors, (unsigned long long)sum, load_s, parse_s, total_s,
      size / total_s / 1e6, lines / total_s, size / parse_s / 1e6);
  return lines > 0 && errors == lines ? 1 : 0;
}
