// Airflow's trigger rules as one pure function: given a task's rule and the states its upstream
// tasks are in, may it start now, must it keep waiting, or is its fate sealed (upstream_failed,
// skipped)? The scheduler applies it with Airflow's flag_upstream_failed behaviour: a fate is
// decided as soon as it cannot change, not only when every upstream task is done.
//
// Thread-safety: pure functions.
#pragma once

#include "workflow/workflow_spec.h"

namespace eddy::workflow {

// How many upstream task instances are in each state.
struct UpstreamCounts {
  int total = 0;
  int success = 0;
  int skipped = 0;
  int failed = 0;
  int upstream_failed = 0;
  int done() const { return success + skipped + failed + upstream_failed; }
};

enum class Readiness { kWait, kReady, kUpstreamFailed, kSkipped };
const char* readiness_name(Readiness r);

Readiness evaluate_trigger_rule(TriggerRule rule, const UpstreamCounts& c);

}  // namespace eddy::workflow
