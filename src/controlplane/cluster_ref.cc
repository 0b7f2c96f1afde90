#include "controlplane/cluster_ref.h"

namespace eddy::controlplane {

std::string cluster_of(const resources::Resource& r, const std::string& default_cluster) {
  std::string c = r.spec.value("cluster", "");
  if (c.empty() && r.spec.contains("conf") && r.spec["conf"].is_object()) {
    auto it = r.spec["conf"].find("eddy.cluster");
    if (it != r.spec["conf"].end() && it->is_string()) c = it->get<std::string>();
  }
  return c.empty() ? default_cluster : c;
}

}  // namespace eddy::controlplane
