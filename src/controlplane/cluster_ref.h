// Which cluster a resource's work runs on: spec.cluster, else Livy's conf "eddy.cluster", else
// the server's default cluster (created on demand). Pure function.
#pragma once

#include <string>

#include "resources/resource.h"

namespace eddy::controlplane {

std::string cluster_of(const resources::Resource& r, const std::string& default_cluster);

}  // namespace eddy::controlplane
