#include "kinds/cluster/cluster_status.h"

#include "controlplane/kind_controller.h"
#include "resources/states.h"

namespace eddy::kinds {

using controlplane::to_ms;

void init_cluster_status(resources::Resource& c, Micros now) {
  nlohmann::json accounting = c.status.value("accounting", nlohmann::json::object());
  int64_t next_worker = c.status.value("nextWorker", int64_t{0});
  c.status = nlohmann::json::object();
  resources::set_state(c, resources::ClusterState::kStarting);
  c.status["timeline"] = {{"creationDateTime", to_ms(now)}};
  c.status["workers"] = nlohmann::json::array();
  c.status["readyWorkers"] = 0;
  c.status["nextWorker"] = next_worker;  // worker names are never reused within a cluster
  // Accounting is the cluster's lifetime cost: it survives restarts.
  c.status["accounting"] = {{"workerSeconds", accounting.value("workerSeconds", 0.0)},
                            {"cpuSeconds", accounting.value("cpuSeconds", 0.0)},
                            {"peakMemoryBytes", accounting.value("peakMemoryBytes", int64_t{0})},
                            {"tasks", accounting.value("tasks", int64_t{0})}};
  c.status["closedWorkerSeconds"] = accounting.value("workerSeconds", 0.0);
  c.status["lastActivityMs"] = to_ms(now);
}

}  // namespace eddy::kinds
