// Runs a BatchJobSpec in this process: its stages in order (the keyed-group transform on every
// core, then sql steps), stopping at the first failure. A failed stage leaves no output of its
// own behind (batch/spark_output.h); outputs of earlier stages stay, complete, with _SUCCESS.
// Thread-safety: run_batch_job() from one thread per job; the stages fan out themselves.
#pragma once

#include <string>

#include "common/status.h"
#include "jobs/batch_job_manifest.h"

namespace eddy::jobs {

struct BatchJobResult {
  std::string summary;   // one line per stage, for the end-of-job log
  std::string warnings;  // skipped bad lines etc. (empty if none)
};

Result<BatchJobResult> run_batch_job(const BatchJobSpec& spec);

}  // namespace eddy::jobs
