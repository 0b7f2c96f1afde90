#include "workflow/sensor_poke.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <algorithm>
#include <filesystem>

#include "common/time_format.h"
#include "objstore/object_store.h"

namespace eddy::workflow {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

PokeResult poke_external(const ExternalTaskWait& w, const RunContext& c, RunStore& store) {
  const Micros date = c.logical_date - w.execution_delta;
  const std::string what = w.workflow + (w.task.empty() ? "" : "." + w.task) + " for " +
                           format_rfc3339(date);
  std::string state = "none";
  if (w.task.empty()) {
    auto run = store.get_run(w.workflow, date);
    if (!run.is_ok()) return {PokeResult::Kind::kWait, run.status().message()};
    if (*run) state = (*run)->state;
  } else {
    auto st = store.task_state(w.workflow, date, w.task);
    if (!st.is_ok()) return {PokeResult::Kind::kWait, st.status().message()};
    if (*st) state = **st;
  }
  if (contains(w.allowed_states, state)) return {PokeResult::Kind::kDone, what + " is " + state};
  if (contains(w.failed_states, state))
    return {PokeResult::Kind::kFailed, what + " is " + state + " (one of failedStates)"};
  return {PokeResult::Kind::kWait, "waiting for " + what + " (now " + state + ")"};
}

PokeResult poke_path(const PathWait& p, const WorkflowSpec& w, const RunContext& c) {
  auto path = render_template(p.path, c);
  if (!path.is_ok()) return {PokeResult::Kind::kFailed, path.status().message()};
  if (objstore::is_object_store_uri(*path)) {
    auto store = objstore::store_for(*path);
    if (!store.is_ok()) return {PokeResult::Kind::kFailed, store.status().message()};
    auto head = (*store)->head(*path);
    if (head.is_ok()) return {PokeResult::Kind::kDone, *path + " exists"};
    if (head.status().code() != StatusCode::kNotFound)
      return {PokeResult::Kind::kWait, head.status().message()};
    // A "directory": any object under the prefix.
    std::string prefix = *path;
    if (prefix.back() != '/') prefix += '/';
    auto list = (*store)->list(prefix);
    if (list.is_ok() && !list->empty()) return {PokeResult::Kind::kDone, *path + " exists"};
    return {PokeResult::Kind::kWait, "waiting for " + *path};
  }
  std::filesystem::path fp(*path);
  if (fp.is_relative() && !w.base_dir.empty()) fp = std::filesystem::path(w.base_dir) / fp;
  std::error_code ec;
  if (std::filesystem::exists(fp, ec)) return {PokeResult::Kind::kDone, fp.string() + " exists"};
  return {PokeResult::Kind::kWait, "waiting for " + fp.string()};
}

PokeResult poke_time(const TimeWait& t, const WorkflowSpec& w, const RunContext& c, Micros now) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(w.timezone, &tz)) tz = absl::UTCTimeZone();
  // The given time of day on the date the run's data interval ends, in the workflow's zone.
  const absl::CivilDay day =
      absl::CivilDay(tz.At(absl::FromUnixMicros(c.data_interval_end)).cs);
  const absl::CivilSecond target = absl::CivilSecond(day) + t.seconds_of_day;
  const Micros at = absl::ToUnixMicros(tz.At(target).pre);
  if (now >= at) return {PokeResult::Kind::kDone, format_rfc3339(at) + " has passed"};
  return {PokeResult::Kind::kWait, "waiting until " + format_rfc3339(at)};
}

}  // namespace

PokeResult poke_sensor(const SensorAction& s, const WorkflowSpec& workflow, const RunContext& c,
                       RunStore& store, Micros now) {
  if (const auto* e = std::get_if<ExternalTaskWait>(&s.what)) return poke_external(*e, c, store);
  if (const auto* p = std::get_if<PathWait>(&s.what)) return poke_path(*p, workflow, c);
  return poke_time(std::get<TimeWait>(s.what), workflow, c, now);
}

}  // namespace eddy::workflow
