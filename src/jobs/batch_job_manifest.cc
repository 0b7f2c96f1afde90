#include "jobs/batch_job_manifest.h"

#include <yaml-cpp/yaml.h>

#include "jobs/manifest_fields.h"

namespace eddy::jobs {
namespace {

constexpr const char* kPipelineShape =
    "read, split, key_by, group_by_key, [sort_by_key], to_json, write";

Result<std::vector<std::string>> uri_list(Fields& f, const std::string& key) {
  YAML::Node n = f.node(key);
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar())
        return invalid_argument(f.path(key) + "[" + std::to_string(i) + "]: expected a string");
      out.push_back(n[i].Scalar());
    }
  }
  for (const auto& u : out)
    if (u.empty()) return invalid_argument(f.path(key) + ": empty path");
  if (out.empty())
    return invalid_argument(f.path(key) + ": missing (a path, glob, directory or s3:// URI)");
  return out;
}

// `overwrite` is a parameter of every BatchJob, declared or not (issue 20: users rerun a job
// into its output all day, and should not have to edit the manifest for it). It is the default
// of each write's and sql's own `overwrite`, which wins when the step sets it. A manifest may
// declare the parameter to change its default or to use ${overwrite} in a step.
constexpr const char* kOverwriteParameter = "overwrite";

// `spec` with `overwrite: "false"` added to its parameters unless it declares it.
YAML::Node with_overwrite_parameter(YAML::Node spec) {
  YAML::Node out = YAML::Clone(spec);
  if (!out["parameters"].IsDefined() || out["parameters"].IsNull())
    out["parameters"] = YAML::Node(YAML::NodeType::Map);
  if (out["parameters"].IsMap() && !out["parameters"][kOverwriteParameter].IsDefined())
    out["parameters"][kOverwriteParameter] = "false";
  return out;
}

// The value of the `overwrite` parameter: --set, else the declared default (after
// with_overwrite_parameter and resolve_parameters checked the declarations' shape).
Result<bool> overwrite_parameter(YAML::Node spec, const std::map<std::string, std::string>& sets) {
  auto set = sets.find(kOverwriteParameter);
  if (set != sets.end()) return parse_boolean(set->second, "--set overwrite");
  YAML::Node declared = spec["parameters"][kOverwriteParameter];
  return parse_boolean(declared.IsNull() ? "" : declared.Scalar(),
                       "spec.parameters.overwrite");
}

Status parse_sql_step(Fields& f, const std::string& p, bool overwrite, BatchSqlStage* sql) {
  sql->path = p;
  if (!f.has("tables")) return invalid_argument(f.path("tables") + ": missing");
  YAML::Node tables = f.node("tables");
  if (!tables.IsSequence() || tables.size() == 0)
    return invalid_argument(f.path("tables") + ": expected a list of {name, uri, format}");
  for (size_t i = 0; i < tables.size(); ++i) {
    Fields t(tables[i], f.path("tables") + "[" + std::to_string(i) + "]");
    EDDY_RETURN_IF_ERROR(t.check_map());
    BatchSqlTable table;
    EDDY_ASSIGN_OR_RETURN(table.name, t.str("name", ""));
    EDDY_ASSIGN_OR_RETURN(table.uri, t.str("uri", ""));
    EDDY_ASSIGN_OR_RETURN(table.format, t.str("format", "auto"));
    if (table.name.empty()) return invalid_argument(t.path("name") + ": missing");
    if (table.uri.empty()) return invalid_argument(t.path("uri") + ": missing");
    if (table.format != "auto" && table.format != "json" && table.format != "csv" &&
        table.format != "text")
      return invalid_argument(t.path("format") + ": expected auto, json, csv or text, got '" +
                              table.format + "'");
    EDDY_RETURN_IF_ERROR(t.done());
    sql->tables.push_back(table);
  }
  EDDY_ASSIGN_OR_RETURN(sql->query, f.str("query", ""));
  if (sql->query.empty()) return invalid_argument(f.path("query") + ": missing");
  EDDY_ASSIGN_OR_RETURN(sql->output, f.str("output", ""));
  EDDY_ASSIGN_OR_RETURN(sql->format, f.str("format", ""));
  if (!sql->format.empty() && sql->format != "table" && sql->format != "json" &&
      sql->format != "jsonl" && sql->format != "csv" && sql->format != "text")
    return invalid_argument(f.path("format") + ": expected table, json, csv or text, got '" +
                            sql->format + "'");
  EDDY_ASSIGN_OR_RETURN(sql->overwrite, f.boolean("overwrite", overwrite));
  return Status::ok();
}

// `overwrite`: the default of the steps' own `overwrite` (kOverwriteParameter).
Status parse_steps(YAML::Node steps, bool overwrite, BatchJobSpec* spec) {
  if (!steps.IsSequence() || steps.size() == 0)
    return invalid_argument("spec.steps: expected a list of steps (" + std::string(kPipelineShape) +
                            "; sql)");
  // The open pipeline and the name of the step it expects next.
  std::optional<BatchTransformStage> open;
  std::string last;  // the previous step of the open pipeline
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string p = "spec.steps[" + std::to_string(i) + "]";
    YAML::Node step = steps[i];
    if (!step.IsMap() || step.size() != 1)
      return invalid_argument(p + ": expected one step, e.g. '- split: {delimiter: \"::\"}'");
    std::string kind = step.begin()->first.as<std::string>();
    YAML::Node body = step.begin()->second;
    Fields f(body.IsNull() ? YAML::Node(YAML::NodeType::Map) : body, p + "." + kind);
    EDDY_RETURN_IF_ERROR(f.check_map());
    auto order = [&](const std::string& after) -> Status {
      if (!open)
        return invalid_argument(p + ": '" + kind + "' outside a pipeline (start one with read; " +
                                "pipeline: " + kPipelineShape + ")");
      if (last != after)
        return invalid_argument(p + ": '" + kind + "' must come right after '" + after +
                                "', not after '" + last + "' (pipeline: " + kPipelineShape + ")");
      last = kind;
      return Status::ok();
    };
    if (kind == "read") {
      if (open)
        return invalid_argument(p + ": 'read' inside an open pipeline (end it with write first)");
      open.emplace();
      last = "read";
      EDDY_ASSIGN_OR_RETURN(open->options.inputs, uri_list(f, "uri"));
      EDDY_ASSIGN_OR_RETURN(std::string format, f.str("format", "text"));
      if (format != "text")
        return invalid_argument(f.path("format") + ": expected text (lines), got '" + format + "'");
    } else if (kind == "split") {
      EDDY_RETURN_IF_ERROR(order("read"));
      EDDY_ASSIGN_OR_RETURN(open->options.format.delimiter, f.str("delimiter", "::"));
      if (open->options.format.delimiter.empty())
        return invalid_argument(f.path("delimiter") + ": must not be empty");
    } else if (kind == "key_by") {
      EDDY_RETURN_IF_ERROR(order("split"));
      EDDY_ASSIGN_OR_RETURN(int64_t field, f.integer("field", 0, 0, 1000));
      if (field != 0)
        return unimplemented(f.path("field") + ": only field 0 (the first) can be the key for now");
      EDDY_ASSIGN_OR_RETURN(std::string type, f.str("type", "int"));
      if (type != "int")
        return unimplemented(f.path("type") + ": only int keys for now, got '" + type + "'");
      EDDY_ASSIGN_OR_RETURN(std::string bad, f.str("badLines", "fail"));
      if (bad == "fail")
        open->options.format.bad_lines = batch::BadLinePolicy::kFail;
      else if (bad == "skip")
        open->options.format.bad_lines = batch::BadLinePolicy::kSkip;
      else
        return invalid_argument(f.path("badLines") + ": expected fail or skip, got '" + bad + "'");
      open->bad_lines_field = f.path("badLines");
    } else if (kind == "group_by_key") {
      EDDY_RETURN_IF_ERROR(order("key_by"));
    } else if (kind == "sort_by_key") {
      EDDY_RETURN_IF_ERROR(order("group_by_key"));
      EDDY_ASSIGN_OR_RETURN(bool asc, f.boolean("ascending", true));
      open->options.descending = !asc;
    } else if (kind == "to_json") {
      if (last == "sort_by_key")
        EDDY_RETURN_IF_ERROR(order("sort_by_key"));
      else
        EDDY_RETURN_IF_ERROR(order("group_by_key"));
      EDDY_ASSIGN_OR_RETURN(std::string style, f.str("style", "python"));
      if (style != "python")
        return invalid_argument(f.path("style") + ": expected python (json.dumps), got '" + style +
                                "'");
    } else if (kind == "write") {
      EDDY_RETURN_IF_ERROR(order("to_json"));
      EDDY_ASSIGN_OR_RETURN(open->options.output, f.str("uri", ""));
      if (open->options.output.empty())
        return invalid_argument(f.path("uri") + ": missing (an output directory or s3:// prefix)");
      EDDY_ASSIGN_OR_RETURN(int64_t parts, f.integer("partitions", 1, 1, 100000));
      open->options.partitions = static_cast<size_t>(parts);
      EDDY_ASSIGN_OR_RETURN(open->options.overwrite, f.boolean("overwrite", overwrite));
      spec->stages.push_back(std::move(*open));
      open.reset();
      last.clear();
    } else if (kind == "sql") {
      if (open) return invalid_argument(p + ": 'sql' inside an open pipeline (end it with write)");
      BatchSqlStage sql;
      EDDY_RETURN_IF_ERROR(parse_sql_step(f, p + ".sql", overwrite, &sql));
      spec->stages.push_back(std::move(sql));
    } else {
      return invalid_argument(p + ": unknown step '" + kind +
                              "' (supported: read, split, key_by, " +
                              "group_by_key, sort_by_key, to_json, write, sql)");
    }
    EDDY_RETURN_IF_ERROR(f.done());
  }
  if (open)
    return invalid_argument("spec.steps: the pipeline that starts with read never reaches write (" +
                            std::string(kPipelineShape) + ")");
  return Status::ok();
}

Status parse_spec(YAML::Node root, const std::map<std::string, std::string>& sets,
                  BatchJobSpec* spec) {
  Fields top(root, "");
  EDDY_RETURN_IF_ERROR(top.check_map());
  EDDY_ASSIGN_OR_RETURN(std::string api, top.str("apiVersion", ""));
  EDDY_ASSIGN_OR_RETURN(std::string kind, top.str("kind", ""));
  if (kind != "BatchJob") return invalid_argument("kind: expected BatchJob, got '" + kind + "'");
  if (api != "eddy.dev/v1")
    return invalid_argument("apiVersion: expected eddy.dev/v1, got '" + api + "'");
  if (top.has("metadata")) {
    Fields meta(top.node("metadata"), "metadata");
    EDDY_RETURN_IF_ERROR(meta.check_map());
    EDDY_ASSIGN_OR_RETURN(spec->name, meta.str("name", ""));
    meta.node("labels");
    EDDY_RETURN_IF_ERROR(meta.done());
  }
  if (!top.has("spec")) return invalid_argument("spec: missing");
  YAML::Node s = top.node("spec");
  EDDY_RETURN_IF_ERROR(top.done());
  if (!s.IsMap()) return invalid_argument("spec: expected a mapping");
  YAML::Node declared = with_overwrite_parameter(s);
  EDDY_ASSIGN_OR_RETURN(YAML::Node body, resolve_parameters(declared, sets));
  EDDY_ASSIGN_OR_RETURN(bool overwrite, overwrite_parameter(declared, sets));
  Fields f(body, "spec");
  if (!f.has("steps")) return invalid_argument("spec.steps: missing");
  EDDY_RETURN_IF_ERROR(parse_steps(f.node("steps"), overwrite, spec));
  if (f.has("runtime")) {
    Fields rt(f.node("runtime"), "spec.runtime");
    EDDY_RETURN_IF_ERROR(rt.check_map());
    EDDY_ASSIGN_OR_RETURN(int64_t threads, rt.integer("threads", 0, 0, 256));
    spec->threads = static_cast<int>(threads);
    EDDY_ASSIGN_OR_RETURN(std::string mem, rt.str("memory", ""));
    if (!mem.empty()) {
      auto m = parse_byte_size(mem);
      if (!m.is_ok()) return m.status().with_context("spec.runtime.memory");
      spec->memory = *m;
    }
    EDDY_ASSIGN_OR_RETURN(spec->spill_dir, rt.str("spillDir", ""));
    EDDY_RETURN_IF_ERROR(rt.done());
  }
  return f.done();
}

}  // namespace

Result<BatchJobSpec> parse_batch_job(const std::string& yaml_text, const std::string& origin,
                                     const std::map<std::string, std::string>& sets) {
  return parse_manifest<BatchJobSpec>(yaml_text, origin, sets, parse_spec);
}

Result<BatchJobSpec> load_batch_job(const std::string& path,
                                    const std::map<std::string, std::string>& sets) {
  EDDY_ASSIGN_OR_RETURN(std::string text, read_manifest_file(path));
  return parse_batch_job(text, path, sets);
}

}  // namespace eddy::jobs
