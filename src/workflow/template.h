// Templates: Airflow's Jinja-style `{{ expr }}` in task strings (shell commands, env values,
// URLs, sensor paths), rendered once per task instance from its RunContext.
//
// Supported, as docs/workflows.md lists it:
// - names: ds ds_nodash ts ts_nodash ts_nodash_with_tz logical_date execution_date
//   data_interval_start data_interval_end prev_ds prev_ds_nodash next_ds next_ds_nodash
//   yesterday_ds yesterday_ds_nodash tomorrow_ds tomorrow_ds_nodash run_id, dag.dag_id,
//   task.task_id, params, params.NAME (nested params.a.b, params['a']);
// - macros.ds_add(ds, N) and macros.ds_format(ds, input_format, output_format), whose arguments
//   are string or integer literals or names;
// - string literals ('...' or "...", so `{{ '{{' }}` renders "{{"); `{# comments #}` render as
//   nothing.
// Formats are Airflow's: dates in UTC, ds "2019-12-02", ts "2019-12-02T00:00:00+00:00"
// (Python's isoformat: microseconds only when non-zero), ts_nodash "20191202T000000". An absent
// prev/next logical date renders "None", as Jinja prints Python's None. Params that are strings
// are inserted raw; other JSON values as JSON text.
// Everything else fails with kInvalidArgument naming it: `{% ... %}` blocks, `|` filters,
// operators, unknown names ("templates: unknown name 'foo' in '{{ foo }}'"), an unclosed `{{`.
//
// Ownership: pure functions over caller-owned values.
// Thread-safety: thread-safe (no shared state).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace eddy::workflow {

// What a task instance's templates see.
struct RunContext {
  std::string dag_id, task_id, run_id;
  Micros logical_date = 0, data_interval_start = 0, data_interval_end = 0;
  std::optional<Micros> prev_logical_date, next_logical_date;
  nlohmann::json params = nlohmann::json::object();
};

// Renders every {{ EXPR }} in `text`; text without templates is returned unchanged.
Result<std::string> render_template(std::string_view text, const RunContext& ctx);

}  // namespace eddy::workflow
