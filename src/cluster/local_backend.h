// LocalBackend: the `local` worker backend — each worker is an `eddy worker` process on this
// machine, started with fork + exec in a session of its own (setsid), so that it survives the
// server (a server killed with -9 and restarted re-attaches its workers) and so that every
// process it starts can be found by its session id (= the worker's pid) when it must be killed.
//
// launch() writes the bearer token to WORK_DIR/worker.token (0600; never on the command line,
// where `ps` would show it) and appends the worker's stdout and stderr to WORK_DIR/worker.log.
// Children are reaped without SIGCHLD: alive() and stop() call waitpid(WNOHANG) for workers this
// process started; workers of an earlier server process were reparented to init and are judged
// with kill(pid, 0) and /proc (a zombie is dead; a pid whose command line is not an eddy worker
// was reused and is dead too).
//
// Thread-safety: stateless; calls may come from any thread (the control plane uses one).
#pragma once

#include <string>

#include "cluster/worker_backend.h"

namespace eddy::cluster {

// How long a local worker waits for an unreachable server (a restart) before it stops its task
// and exits; workers elsewhere keep `eddy worker`'s default (10 min), as a network can fail.
inline constexpr const char* kLocalOrphanTimeout = "2m";

class LocalBackend final : public WorkerBackend {
 public:
  std::string name() const override { return "local"; }
  Result<WorkerHandle> launch(const WorkerLaunch& launch) override;
  // SIGTERM to the worker's process group (the worker kills its job's group and exits), then,
  // after grace_ms, SIGKILL to the worker and to every process left in its session.
  Status stop(const WorkerHandle& handle, int grace_ms) override;
  bool alive(const WorkerHandle& handle) override;
};

}  // namespace eddy::cluster
