// The Cluster kind's status as its controller writes it (docs/api.md#cluster): EMR's states,
// the workers (name, pid, state, heartbeat, memory, CPU, current task), readiness, the
// timeline and the accounting that survives restarts. Pure functions.
#pragma once

#include "common/clock.h"
#include "resources/resource.h"

namespace eddy::kinds {

// Status of a new or restarted Cluster: STARTING, its timeline begun at `now`; the worker
// counter and the accounting carry over from the previous status.
void init_cluster_status(resources::Resource& c, Micros now);

}  // namespace eddy::kinds
