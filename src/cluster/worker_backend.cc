#include "cluster/worker_backend.h"

#include "cluster/local_backend.h"

namespace eddy::cluster {

Result<std::unique_ptr<WorkerBackend>> make_backend(const std::string& name) {
  if (name == "local") return std::unique_ptr<WorkerBackend>(std::make_unique<LocalBackend>());
  return Status(StatusCode::kUnimplemented,
                "worker backend '" + name + "' is not supported (supported: local)");
}

}  // namespace eddy::cluster
