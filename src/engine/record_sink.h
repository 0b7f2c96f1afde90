// RecordSink: where a stream job's results go, one record (a line without its '\n') at a time.
//
// Sinks make their output visible at flush() (called after each window), and report a
// position() that a checkpoint stores; truncate_to() rolls back to it on restart so output
// after a crash is neither lost nor duplicated (sinks that cannot do that say so).
// Ownership: the sink owns its file/connection. Thread-safety: one thread calls a sink.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace eddy::engine {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual Status write(std::string_view record) = 0;
  virtual Status flush() = 0;
  virtual Status close() = 0;
  virtual std::string describe() const = 0;
  virtual uint64_t position() const = 0;
  virtual Status truncate_to(uint64_t position) {
    (void)position;
    return unimplemented(describe() + " cannot roll back to a checkpoint");
  }
};

}  // namespace eddy::engine
