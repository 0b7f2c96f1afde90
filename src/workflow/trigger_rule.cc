#include "workflow/trigger_rule.h"

namespace eddy::workflow {

const char* readiness_name(Readiness r) {
  switch (r) {
    case Readiness::kWait: return "wait";
    case Readiness::kReady: return "ready";
    case Readiness::kUpstreamFailed: return "upstream_failed";
    case Readiness::kSkipped: return "skipped";
  }
  return "?";
}

// Mirrors airflow/ti_deps/deps/trigger_rule_dep.py (2.x) with flag_upstream_failed set.
Readiness evaluate_trigger_rule(TriggerRule rule, const UpstreamCounts& c) {
  if (c.total == 0 || rule == TriggerRule::kAlways) return Readiness::kReady;
  const bool all_done = c.done() == c.total;
  const int failures = c.failed + c.upstream_failed;
  switch (rule) {
    case TriggerRule::kAllSuccess:
      if (failures > 0) return Readiness::kUpstreamFailed;
      if (c.skipped > 0) return Readiness::kSkipped;
      return c.success == c.total ? Readiness::kReady : Readiness::kWait;
    case TriggerRule::kAllFailed:
      if (c.success + c.skipped > 0) return Readiness::kSkipped;
      return failures == c.total ? Readiness::kReady : Readiness::kWait;
    case TriggerRule::kAllDone:
      return all_done ? Readiness::kReady : Readiness::kWait;
    case TriggerRule::kOneSuccess:
      if (c.success > 0) return Readiness::kReady;
      if (!all_done) return Readiness::kWait;
      return c.skipped == c.total ? Readiness::kSkipped : Readiness::kUpstreamFailed;
    case TriggerRule::kOneFailed:
      if (failures > 0) return Readiness::kReady;
      return all_done ? Readiness::kSkipped : Readiness::kWait;
    case TriggerRule::kNoneFailed:
      if (failures > 0) return Readiness::kUpstreamFailed;
      return all_done ? Readiness::kReady : Readiness::kWait;
    case TriggerRule::kNoneFailedMinOneSuccess:
      if (failures > 0) return Readiness::kUpstreamFailed;
      if (!all_done) return Readiness::kWait;
      return c.success > 0 ? Readiness::kReady : Readiness::kSkipped;
    case TriggerRule::kNoneSkipped:
      if (c.skipped > 0) return Readiness::kSkipped;
      return all_done ? Readiness::kReady : Readiness::kWait;
    case TriggerRule::kAlways:
      return Readiness::kReady;
  }
  return Readiness::kWait;
}

}  // namespace eddy::workflow
