// StreamJob: assembles and runs a stream job from its spec — source, decoder, window
// operator, writer, sink — in this process (`eddy run`; later also inside a worker).
// Thread-safety: run() once per object, from one thread.
#pragma once

#include <memory>

#include "engine/stream_runtime.h"
#include "jobs/stream_job_manifest.h"

namespace eddy::jobs {

struct StreamJobResult {
  engine::StreamStats stats;
  std::string summary;        // the end-of-job metrics line
  bool output_closed = false; // stdout's reader went away (e.g. `| head`): not an error
};

// Opens the source named by `uri`: "-" (stdin), a file path (gzip recognised), tcp://host:port,
// or gen:tweets?count=N&rate=R&seed=S&format=v1|v2 (the in-process generator).
Result<std::unique_ptr<engine::LineSource>> open_line_source(const std::string& uri,
                                                             size_t block_bytes);

Result<StreamJobResult> run_stream_job(const StreamJobSpec& spec, Micros progress_interval);

}  // namespace eddy::jobs
