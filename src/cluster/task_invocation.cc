#include "cluster/task_invocation.h"

#include <charconv>
#include <cstdlib>
#include <string_view>
#include <filesystem>

#include "common/byte_size.h"

namespace eddy::cluster {
namespace {

bool is_task_subcommand(const std::string& s) {
  for (const char* c : kTaskSubcommands)
    if (s == c) return true;
  return false;
}

Result<int64_t> env_int(const char* name, std::string_view text, int64_t lo, int64_t hi) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi)
    return invalid_argument(std::string(name) + ": expected an integer between " +
                            std::to_string(lo) + " and " + std::to_string(hi) + ", got '" +
                            std::string(text) + "'");
  return v;
}

}  // namespace

Result<TaskInvocation> TaskInvocation::run_manifest(const std::string& file,
                                                    const std::vector<std::string>& parameters) {
  TaskInvocation t;
  t.argv = {"run", file};
  for (const auto& p : parameters) {
    if (p.empty() || p.find('=') == std::string::npos || p.front() == '=')
      return invalid_argument("args: '" + p + "': a job manifest takes parameters as name=value");
    t.argv.push_back("--set");
    t.argv.push_back(p);
  }
  return t;
}

TaskInvocation TaskInvocation::run_builtin(const std::string& builtin,
                                           const std::vector<std::string>& args) {
  TaskInvocation t;
  // "--": the job's arguments are never eddy's flags (a Livy batch's args once reached
  // `eddy run` as `--threads 256`).
  t.argv = {"run", builtin, "--"};
  t.argv.insert(t.argv.end(), args.begin(), args.end());
  return t;
}

TaskInvocation TaskInvocation::sql(const std::string& query, const std::vector<SqlTable>& tables,
                                   const std::optional<std::string>& output_dir) {
  TaskInvocation t;
  t.argv = {"sql", "--format", "json"};
  for (const auto& table : tables) {
    t.argv.push_back("--table");
    t.argv.push_back(table.name + (table.format == "auto" || table.format.empty()
                                       ? ""
                                       : ":" + table.format) +
                     "=" + table.path);
  }
  if (output_dir) {
    t.argv.push_back("--output");
    t.argv.push_back(*output_dir);
    t.argv.push_back("--overwrite");
  }
  t.argv.push_back(query);
  return t;
}

TaskInvocation TaskInvocation::pyspark_statement(const std::string& session,
                                                 const std::string& kind,
                                                 const std::string& code) {
  TaskInvocation t;
  t.argv = {"pyspark", session, kind};
  t.files[kStatementFile] = code;
  return t;
}

Status TaskInvocation::check() const {
  if (argv.empty()) return invalid_argument("task.argv: expected a non-empty array of strings");
  if (!is_task_subcommand(argv[0]))
    return invalid_argument("refusing to run '" + argv[0] +
                            "': tasks may only run eddy's job subcommands (run, sql, pyspark)");
  if (argv[0] == "pyspark" && (argv.size() != 3 || !files.count(kStatementFile)))
    return invalid_argument("task.argv: a pyspark statement is [pyspark, SESSION, KIND] with its "
                            "code in files.statement");
  for (const auto& [name, content] : files) {
    std::filesystem::path p(name);
    bool bad = name.empty() || p.is_absolute();
    for (const auto& part : p) bad = bad || part == ".." || part == ".";
    if (bad)
      return invalid_argument("task.files: '" + name +
                              "': expected a relative path inside the task directory");
  }
  return Status::ok();
}

nlohmann::json TaskInvocation::to_json() const {
  nlohmann::json j = {{"argv", argv}, {"files", nlohmann::json::object()}};
  for (const auto& [name, content] : files) j["files"][name] = content;
  if (confine) j["confine"] = confine->to_json();
  return j;
}

Result<TaskInvocation> TaskInvocation::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return invalid_argument("task: expected an object");
  TaskInvocation t;
  auto argv = j.find("argv");
  if (argv == j.end() || !argv->is_array() || argv->empty())
    return invalid_argument("task.argv: expected a non-empty array of strings");
  for (const auto& a : *argv) {
    if (!a.is_string()) return invalid_argument("task.argv: expected a non-empty array of strings");
    t.argv.push_back(a.get<std::string>());
  }
  if (auto files = j.find("files"); files != j.end() && !files->is_null()) {
    if (!files->is_object())
      return invalid_argument("task.files: expected an object of NAME: content");
    for (const auto& [name, content] : files->items()) {
      if (!content.is_string())
        return invalid_argument("task.files." + name + ": expected a string");
      t.files[name] = content.get<std::string>();
    }
  }
  if (auto c = j.find("confine"); c != j.end() && !c->is_null()) {
    EDDY_ASSIGN_OR_RETURN(Confinement confine, Confinement::from_json(*c));
    t.confine = std::move(confine);
  }
  return t;
}

TaskEnvironment TaskEnvironment::for_task(const TaskInvocation& inv, int cores,
                                          int64_t memory_bytes, const std::string& task_dir) {
  TaskEnvironment e;
  e.threads = cores;
  // The worker's memory is its task's batch budget (spill beyond it), as an executor's.
  e.memory_bytes = memory_bytes;
  if (inv.confine) {
    e.allow_buckets = inv.confine->buckets;
    e.tmp_dir = task_dir;
  }
  return e;
}

std::vector<std::string> TaskEnvironment::to_env() const {
  std::vector<std::string> env;
  if (threads > 0) env.push_back("EDDY_THREADS=" + std::to_string(threads));
  if (memory_bytes > 0) env.push_back("EDDY_MEMORY=" + std::to_string(memory_bytes));
  if (allow_buckets) {
    std::string buckets;
    for (const auto& b : *allow_buckets) buckets += (buckets.empty() ? "" : ",") + b;
    env.push_back("EDDY_ALLOW_BUCKETS=" + buckets);
  }
  if (!tmp_dir.empty()) env.push_back("TMPDIR=" + tmp_dir);
  return env;
}

Result<TaskEnvironment> TaskEnvironment::from_process_env() {
  TaskEnvironment e;
  if (const char* v = std::getenv("EDDY_THREADS"); v != nullptr && *v != '\0') {
    EDDY_ASSIGN_OR_RETURN(int64_t n, env_int("EDDY_THREADS", v, 0, 256));
    e.threads = static_cast<int>(n);
  }
  if (const char* v = std::getenv("EDDY_MEMORY"); v != nullptr && *v != '\0') {
    auto bytes = parse_byte_size(v);
    if (!bytes.is_ok()) return bytes.status().with_context("EDDY_MEMORY");
    e.memory_bytes = static_cast<int64_t>(*bytes);
  }
  if (const char* v = std::getenv("EDDY_ALLOW_BUCKETS"); v != nullptr) {
    std::vector<std::string> buckets;
    const std::string all = v;
    for (size_t b = 0; b <= all.size();) {
      size_t end = all.find(',', b);
      if (end == std::string::npos) end = all.size();
      if (end > b) buckets.push_back(all.substr(b, end - b));
      b = end + 1;
    }
    e.allow_buckets = std::move(buckets);
  }
  if (const char* v = std::getenv("TMPDIR"); v != nullptr) e.tmp_dir = v;
  return e;
}

}  // namespace eddy::cluster
