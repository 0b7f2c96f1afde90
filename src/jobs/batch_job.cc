#include "jobs/batch_job.h"

#include <chrono>
#include <cstdio>

#if __has_include("sql/sql_engine.h")
#include "sql/sql_engine.h"
#define EDDY_HAVE_SQL_ENGINE 1
#endif

namespace eddy::jobs {
namespace {

std::string seconds_since(std::chrono::steady_clock::time_point t0) {
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char b[32];
  std::snprintf(b, sizeof b, "%.2f s", s);
  return b;
}

Status run_transform(const BatchJobSpec& spec, const BatchTransformStage& stage,
                     BatchJobResult* result) {
  batch::KeyedGroupJobOptions o = stage.options;
  o.threads = spec.threads;
  o.memory_budget = spec.memory;
  o.spill_dir = spec.spill_dir;
  auto t0 = std::chrono::steady_clock::now();
  auto stats = batch::run_keyed_group_job(o);
  if (!stats.is_ok()) {
    const Status& st = stats.status();
    bool bad_line = st.code() == StatusCode::kInvalidArgument &&
                    (st.message().find(": no '") != std::string::npos ||
                     st.message().find("is not an integer") != std::string::npos);
    if (bad_line && !stage.bad_lines_field.empty())
      return Status(st.code(), st.message() + " (" + stage.bad_lines_field +
                                   " is fail; skip drops and counts bad lines)");
    return st;
  }
  const auto& s = *stats;
  result->summary += "transform: " + std::to_string(s.records) + " records from " +
                     std::to_string(s.files) + " file(s), " + std::to_string(s.keys) + " keys -> " +
                     o.output + " (" + std::to_string(o.partitions) + " part" +
                     (o.partitions == 1 ? "" : "s") + ") in " + seconds_since(t0) +
                     (s.runs > 1 ? ", " + std::to_string(s.runs) + " runs spilled (" +
                                       std::to_string(s.spill_bytes >> 20) + " MiB)"
                                 : "");
  if (s.skipped) {
    result->warnings += "skipped " + std::to_string(s.skipped) + " bad line" +
                        (s.skipped == 1 ? "" : "s") + " (first: " + s.first_skipped + ")\n";
    result->summary += ", skipped " + std::to_string(s.skipped) + " bad lines";
  }
  result->summary += "\n";
  return Status::ok();
}

Status run_sql(const BatchSqlStage& stage, BatchJobResult* result) {
#ifdef EDDY_HAVE_SQL_ENGINE
  (void)result;
  (void)stage;
  return unimplemented(stage.path + ": the sql step is not wired to the SQL engine yet");
#else
  (void)result;
  return unimplemented(stage.path +
                       ": the SQL engine (src/sql) is not part of this build yet; use eddy sql "
                       "once it lands");
#endif
}

}  // namespace

Result<BatchJobResult> run_batch_job(const BatchJobSpec& spec) {
  BatchJobResult result;
  for (const BatchStage& stage : spec.stages) {
    if (const auto* t = std::get_if<BatchTransformStage>(&stage)) {
      EDDY_RETURN_IF_ERROR(run_transform(spec, *t, &result));
    } else {
      EDDY_RETURN_IF_ERROR(run_sql(std::get<BatchSqlStage>(stage), &result));
    }
  }
  if (!result.summary.empty() && result.summary.back() == '\n') result.summary.pop_back();
  return result;
}

}  // namespace eddy::jobs
