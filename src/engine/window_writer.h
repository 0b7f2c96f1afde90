// WindowWriter: formats window results as the article's JSON lines and writes them to a sink.
//
//   {"#AdBor": 3, "#TAMED_DASHED": 2, "#etsy": 2}                       (default)
//   {"window_start": "2026-01-01T00:00:00Z", "window_end": "...", "top": {...}}  (wrap)
// Separators are Python json.dumps' (", " and ": "); strings are escaped per RFC 8259 and
// non-ASCII is written as UTF-8. Thread-safety: none; one thread.
#pragma once

#include <string>

#include "engine/record_sink.h"
#include "engine/windowed_top_k.h"

namespace eddy::engine {

class WindowWriter {
 public:
  WindowWriter(RecordSink* sink, bool wrap) : sink_(sink), wrap_(wrap) {}
  Status write(const WindowResult& w);
  uint64_t windows() const { return windows_; }

 private:
  RecordSink* sink_;
  bool wrap_;
  uint64_t windows_ = 0;
  std::string line_;
};

}  // namespace eddy::engine
