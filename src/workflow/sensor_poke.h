// One poke of a sensor task: is the awaited thing there yet? An ExternalTaskSensor reads the run
// store (another workflow's task instance, in this process or another sharing the file); a path
// sensor asks the file system or the object store; a time sensor compares with the clock.
//
// Thread-safety: pure apart from the store and object-store reads, which are thread-safe.
#pragma once

#include <string>

#include "common/clock.h"
#include "workflow/run_store.h"
#include "workflow/template.h"
#include "workflow/workflow_spec.h"

namespace eddy::workflow {

struct PokeResult {
  enum class Kind { kDone, kWait, kFailed };
  Kind kind = Kind::kWait;
  std::string message;  // what it waits for, or why it failed
};

PokeResult poke_sensor(const SensorAction& sensor, const WorkflowSpec& workflow,
                       const RunContext& context, RunStore& store, Micros now);

}  // namespace eddy::workflow
