#include "jobs/batch_job.h"

#include <chrono>
#include <cstdio>

#include "sql/result_format.h"
#include "sql/sql_engine.h"

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
  auto t0 = std::chrono::steady_clock::now();
  std::string fmt_name =
      stage.format.empty() ? (stage.output.empty() ? "table" : "text") : stage.format;
  auto format = sql::parse_output_format(fmt_name);
  if (!format.is_ok()) return format.status().with_context(stage.path + ".format");
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<sql::SqlEngine> engine, sql::SqlEngine::create());
  for (size_t i = 0; i < stage.tables.size(); ++i) {
    const BatchSqlTable& t = stage.tables[i];
    Status s = engine->register_table(sql::TableSource{t.name, t.uri, t.format, std::nullopt});
    if (!s.is_ok())
      return s.with_context(stage.path + ".tables[" + std::to_string(i) + "] (" + t.name + ")");
  }
  auto r = engine->query(stage.query);
  if (!r.is_ok()) return r.status().with_context(stage.path + ".query");
  if (stage.output.empty()) {
    std::string text = sql::format_result(*r, *format);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  } else {
    Status s = sql::write_result_dir(*r, stage.output, *format, stage.overwrite);
    if (!s.is_ok()) return s.with_context(stage.path + ".output");
  }
  result->summary += "sql: " + std::to_string(r->rows_json.size()) + " rows" +
                     (stage.output.empty() ? "" : " -> " + stage.output) + " in " +
                     seconds_since(t0) + "\n";
  return Status::ok();
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
