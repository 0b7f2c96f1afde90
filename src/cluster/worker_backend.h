// WorkerBackend: how a cluster's workers are placed. The control plane asks for a worker
// process to be started with a given identity and later stopped; the worker itself connects
// back to the server (docs/worker-protocol.md), so a backend only launches and kills.
// `local` (local_backend.h) starts `eddy worker` processes on this machine; Slurm and
// Kubernetes backends (sbatch / a Pod per worker) implement the same two calls.
//
// Thread-safety: implementations are called from the control plane's reconcile thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace eddy::cluster {

struct WorkerLaunch {
  std::string cluster;      // Cluster resource name
  std::string worker;       // worker name, unique in the server: "<cluster>-w<n>"
  std::string server_url;   // where the worker connects: "http://127.0.0.1:8998"
  std::string token;        // bearer token for the worker protocol ("" = none)
  std::string eddy_binary;  // the eddy executable to run
  std::string work_dir;     // the worker's scratch directory (created by the backend)
  int cores = 1;            // threads the worker's jobs may use
  int64_t memory_bytes = 0; // memory budget of the worker's jobs (0 = unlimited)
};

struct WorkerHandle {
  std::string backend;  // "local"
  int64_t pid = 0;      // local: the process id (stored in Cluster status, so a restarted
                        // server can stop workers it did not start itself)
};

class WorkerBackend {
 public:
  virtual ~WorkerBackend() = default;
  virtual std::string name() const = 0;
  virtual Result<WorkerHandle> launch(const WorkerLaunch& launch) = 0;
  // Stops the worker: SIGTERM, then SIGKILL after `grace_ms`; its whole process group (the
  // jobs it runs) goes with it. OK if it is already gone.
  virtual Status stop(const WorkerHandle& handle, int grace_ms) = 0;
  // True while the worker's process exists (local: kill(pid, 0) and not a zombie).
  virtual bool alive(const WorkerHandle& handle) = 0;
};

// "local" → LocalBackend. Other names: kUnimplemented naming the supported backends.
Result<std::unique_ptr<WorkerBackend>> make_backend(const std::string& name);

}  // namespace eddy::cluster
