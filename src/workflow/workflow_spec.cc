#include "workflow/workflow_spec.h"

#include <cctype>
#include <functional>
#include <set>

#include <absl/time/civil_time.h>

#include "common/time_format.h"

namespace eddy::workflow {
namespace {

using nlohmann::json;

// Airflow's id rule (KEY_REGEX): letters, digits, '_', '.', '-'; at most 250 characters.
bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 250) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

const char* json_type(const json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a mapping";
  return "null";
}

// Reads the fields of one JSON object, rejecting the ones no reader asked for.
class Fields {
 public:
  Fields(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  Status check_object() const {
    if (!obj_.is_object())
      return invalid_argument(path_ + ": expected a mapping, got " + json_type(obj_));
    return Status::ok();
  }
  // The top level's path is "": its fields are named bare ("extra", not ".extra").
  std::string at(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  // Written as null: for settings a task inherits, "none" rather than "the default".
  bool is_null(const std::string& key) const {
    auto it = obj_.find(key);
    return it != obj_.end() && it->is_null();
  }
  const json* get(const std::string& key) {
    seen_.insert(key);
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  Status string(const std::string& key, std::string* out) {
    const json* v = get(key);
    if (!v) return Status::ok();
    if (!v->is_string()) return invalid_argument(at(key) + ": expected a string, got " + json_type(*v));
    *out = v->get<std::string>();
    return Status::ok();
  }
  Status boolean(const std::string& key, bool* out) {
    const json* v = get(key);
    if (!v) return Status::ok();
    if (!v->is_boolean()) return invalid_argument(at(key) + ": expected true or false, got " + json_type(*v));
    *out = v->get<bool>();
    return Status::ok();
  }
  Status integer(const std::string& key, int64_t lo, int64_t hi, int64_t* out) {
    const json* v = get(key);
    if (!v) return Status::ok();
    if (!v->is_number_integer())
      return invalid_argument(at(key) + ": expected an integer, got " + json_type(*v));
    int64_t n = v->get<int64_t>();
    if (n < lo || n > hi)
      return invalid_argument(at(key) + ": must be between " + std::to_string(lo) + " and " +
                              std::to_string(hi) + ", got " + std::to_string(n));
    *out = n;
    return Status::ok();
  }
  // A duration ("300s", "5m") or a number of seconds.
  Status duration(const std::string& key, Micros* out, bool allow_zero = true) {
    const json* v = get(key);
    if (!v) return Status::ok();
    Micros d = 0;
    if (v->is_number()) {
      d = static_cast<Micros>(v->get<double>() * 1e6);
    } else if (v->is_string()) {
      auto r = parse_duration(v->get<std::string>());
      if (!r.is_ok()) return r.status().with_context(at(key));
      d = *r;
    } else {
      return invalid_argument(at(key) + ": expected a duration such as 300s, got " + json_type(*v));
    }
    if (d < 0 || (!allow_zero && d == 0))
      return invalid_argument(at(key) + ": must be " + (allow_zero ? "0 or more" : "more than 0"));
    *out = d;
    return Status::ok();
  }
  Status instant(const std::string& key, const absl::TimeZone& tz, std::optional<Micros>* out) {
    const json* v = get(key);
    if (!v) return Status::ok();
    if (!v->is_string())
      return invalid_argument(at(key) + ": expected a date or RFC 3339 time, got " + json_type(*v));
    auto r = parse_workflow_date(v->get<std::string>(), tz);
    if (!r.is_ok()) return r.status().with_context(at(key));
    *out = *r;
    return Status::ok();
  }
  Status string_list(const std::string& key, std::vector<std::string>* out) {
    const json* v = get(key);
    if (!v) return Status::ok();
    if (v->is_string()) {  // one name written without brackets
      *out = {v->get<std::string>()};
      return Status::ok();
    }
    if (!v->is_array()) return invalid_argument(at(key) + ": expected a list, got " + json_type(*v));
    out->clear();
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string())
        return invalid_argument(at(key) + "[" + std::to_string(i) + "]: expected a string");
      out->push_back((*v)[i].get<std::string>());
    }
    return Status::ok();
  }
  Status string_map(const std::string& key, std::map<std::string, std::string>* out) {
    const json* v = get(key);
    if (!v) return Status::ok();
    if (!v->is_object()) return invalid_argument(at(key) + ": expected a mapping, got " + json_type(*v));
    for (auto& [k, val] : v->items()) {
      if (val.is_string()) (*out)[k] = val.get<std::string>();
      else if (val.is_number() || val.is_boolean()) (*out)[k] = val.dump();
      else return invalid_argument(at(key) + "." + k + ": expected a string");
    }
    return Status::ok();
  }
  Status done() const {
    for (auto& [k, v] : obj_.items())
      if (!seen_.count(k)) return invalid_argument(at(k) + ": unknown field");
    return Status::ok();
  }

 private:
  const json& obj_;
  std::string path_;
  std::set<std::string> seen_;
};

const std::vector<std::pair<const char*, TriggerRule>>& trigger_rules() {
  static const std::vector<std::pair<const char*, TriggerRule>> kRules = {
      {"all_success", TriggerRule::kAllSuccess},
      {"all_failed", TriggerRule::kAllFailed},
      {"all_done", TriggerRule::kAllDone},
      {"one_success", TriggerRule::kOneSuccess},
      {"one_failed", TriggerRule::kOneFailed},
      {"none_failed", TriggerRule::kNoneFailed},
      {"none_failed_min_one_success", TriggerRule::kNoneFailedMinOneSuccess},
      {"none_skipped", TriggerRule::kNoneSkipped},
      {"always", TriggerRule::kAlways},
      // Airflow 1.10's name of none_failed_min_one_success.
      {"none_failed_or_skipped", TriggerRule::kNoneFailedMinOneSuccess},
  };
  return kRules;
}

const std::set<std::string>& task_states() {
  static const std::set<std::string> kStates = {
      "success", "failed", "skipped", "upstream_failed", "running", "queued", "scheduled",
      "up_for_retry", "up_for_reschedule", "removed", "none"};
  return kStates;
}

Status parse_retry(Fields& f, RetryPolicy* r) {
  int64_t retries = r->retries;
  EDDY_RETURN_IF_ERROR(f.integer("retries", 0, 1000, &retries));
  r->retries = static_cast<int>(retries);
  EDDY_RETURN_IF_ERROR(f.duration("retryDelay", &r->delay));
  EDDY_RETURN_IF_ERROR(f.boolean("retryExponentialBackoff", &r->exponential));
  EDDY_RETURN_IF_ERROR(f.duration("maxRetryDelay", &r->max_delay));
  if (f.is_null("maxRetryDelay")) r->max_delay = RetryPolicy{}.max_delay;  // the global cap only
  return Status::ok();
}

Status parse_sensor(const json& v, const std::string& path, SensorAction* s) {
  Fields f(v, path);
  EDDY_RETURN_IF_ERROR(f.check_object());
  std::string workflow, task, spath, time;
  EDDY_RETURN_IF_ERROR(f.string("workflow", &workflow));
  EDDY_RETURN_IF_ERROR(f.string("task", &task));
  EDDY_RETURN_IF_ERROR(f.string("path", &spath));
  EDDY_RETURN_IF_ERROR(f.string("time", &time));
  int given = !workflow.empty() + !spath.empty() + !time.empty();
  if (given != 1)
    return invalid_argument(path + ": name exactly one of workflow (another workflow's task), "
                            "path (a file or s3:// object) or time");
  if (!workflow.empty()) {
    ExternalTaskWait w;
    w.workflow = workflow;
    w.task = task;
    EDDY_RETURN_IF_ERROR(f.duration("executionDelta", &w.execution_delta));
    EDDY_RETURN_IF_ERROR(f.string_list("allowedStates", &w.allowed_states));
    EDDY_RETURN_IF_ERROR(f.string_list("failedStates", &w.failed_states));
    for (const auto& [key, list] : {std::pair{"allowedStates", &w.allowed_states},
                                    std::pair{"failedStates", &w.failed_states}})
      for (const auto& st : *list)
        if (!task_states().count(st))
          return invalid_argument(f.at(key) + ": unknown task state '" + st +
                                  "' (success, failed, skipped, upstream_failed, ...)");
    s->what = w;
  } else {
    if (!task.empty()) return invalid_argument(f.at("task") + ": only with workflow");
    if (!spath.empty()) {
      s->what = PathWait{spath};
    } else {
      int h = 0, m = 0, sec = 0;
      char extra = 0;
      int n = std::sscanf(time.c_str(), "%d:%d:%d%c", &h, &m, &sec, &extra);
      if ((n != 2 && n != 3) || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
        return invalid_argument(f.at("time") + ": expected HH:MM or HH:MM:SS, got '" + time + "'");
      s->what = TimeWait{h * 3600LL + m * 60 + sec};
    }
  }
  EDDY_RETURN_IF_ERROR(f.duration("timeout", &s->timeout));
  EDDY_RETURN_IF_ERROR(f.duration("pokeInterval", &s->poke_interval, /*allow_zero=*/false));
  std::string mode;
  EDDY_RETURN_IF_ERROR(f.string("mode", &mode));
  if (!mode.empty() && mode != "poke" && mode != "reschedule")
    return invalid_argument(f.at("mode") + ": expected poke or reschedule, got '" + mode + "'");
  EDDY_RETURN_IF_ERROR(f.boolean("softFail", &s->soft_fail));
  return f.done();
}

Status parse_action(Fields& tf, const std::string& path, TaskAction* out) {
  static const char* kKinds[] = {"empty", "shell", "python", "http", "sensor"};
  std::string found;
  for (const char* k : kKinds) {
    if (tf.get(k) == nullptr) continue;
    if (!found.empty())
      return invalid_argument(path + ": a task has one action; got both " + found + " and " + k);
    found = k;
  }
  if (found.empty())
    return invalid_argument(path + ": no action: give one of shell, python, http, sensor, empty");
  const json& v = *tf.get(found);
  const std::string at = path + "." + found;
  if (found == "empty") {
    Fields f(v, at);
    EDDY_RETURN_IF_ERROR(f.check_object());
    EDDY_RETURN_IF_ERROR(f.done());
    *out = EmptyAction{};
  } else if (found == "shell") {
    ShellAction a;
    if (v.is_string()) {
      a.command = v.get<std::string>();
    } else {
      Fields f(v, at);
      EDDY_RETURN_IF_ERROR(f.check_object());
      EDDY_RETURN_IF_ERROR(f.string("command", &a.command));
      EDDY_RETURN_IF_ERROR(f.string_map("env", &a.env));
      EDDY_RETURN_IF_ERROR(f.string("cwd", &a.cwd));
      int64_t skip = a.skip_exit_code;
      EDDY_RETURN_IF_ERROR(f.integer("skipExitCode", 0, 255, &skip));
      a.skip_exit_code = static_cast<int>(skip);
      EDDY_RETURN_IF_ERROR(f.done());
    }
    if (a.command.empty()) return invalid_argument(at + ".command: required");
    *out = a;
  } else if (found == "python") {
    PythonAction a;
    Fields f(v, at);
    EDDY_RETURN_IF_ERROR(f.check_object());
    EDDY_RETURN_IF_ERROR(f.string("file", &a.file));
    EDDY_RETURN_IF_ERROR(f.string("dag", &a.dag));
    EDDY_RETURN_IF_ERROR(f.string("task", &a.task));
    EDDY_RETURN_IF_ERROR(f.done());
    if (a.file.empty() || a.dag.empty() || a.task.empty())
      return invalid_argument(at + ": file, dag and task are required");
    *out = a;
  } else if (found == "http") {
    HttpAction a;
    Fields f(v, at);
    EDDY_RETURN_IF_ERROR(f.check_object());
    EDDY_RETURN_IF_ERROR(f.string("url", &a.url));
    EDDY_RETURN_IF_ERROR(f.string("method", &a.method));
    EDDY_RETURN_IF_ERROR(f.string_map("headers", &a.headers));
    EDDY_RETURN_IF_ERROR(f.string("body", &a.body));
    int64_t expect = a.expect_status;
    EDDY_RETURN_IF_ERROR(f.integer("expectStatus", 100, 599, &expect));
    a.expect_status = static_cast<int>(expect);
    EDDY_RETURN_IF_ERROR(f.done());
    if (a.url.rfind("http://", 0) != 0 && a.url.rfind("https://", 0) != 0)
      return invalid_argument(at + ".url: expected an http:// or https:// URL, got '" + a.url + "'");
    static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
    if (!kMethods.count(a.method))
      return invalid_argument(at + ".method: expected GET, POST, PUT, DELETE, PATCH or HEAD");
    *out = a;
  } else {
    SensorAction s;
    EDDY_RETURN_IF_ERROR(parse_sensor(v, at, &s));
    *out = s;
  }
  return Status::ok();
}

// Orders tasks so that every upstream comes first; an error names a cycle.
Status topological_order(WorkflowSpec* w) {
  const size_t n = w->tasks.size();
  std::vector<std::vector<int>> up(n), down(n);
  for (size_t i = 0; i < n; ++i)
    for (const auto& d : w->tasks[i].depends_on) {
      int j = w->task_index(d);
      up[i].push_back(j);
      down[j].push_back(static_cast<int>(i));
    }
  std::vector<int> state(n, 0), order;  // 0 new, 1 on stack, 2 done
  std::vector<int> stack;
  std::function<Status(int)> visit = [&](int i) -> Status {
    if (state[i] == 2) return Status::ok();
    if (state[i] == 1) {
      std::string cycle;
      auto it = std::find(stack.begin(), stack.end(), i);
      for (; it != stack.end(); ++it) cycle += w->tasks[*it].name + " -> ";
      return invalid_argument("spec.tasks: dependency cycle: " + cycle + w->tasks[i].name);
    }
    state[i] = 1;
    stack.push_back(i);
    for (int j : up[i]) EDDY_RETURN_IF_ERROR(visit(j));
    stack.pop_back();
    state[i] = 2;
    order.push_back(i);
    return Status::ok();
  };
  for (size_t i = 0; i < n; ++i) EDDY_RETURN_IF_ERROR(visit(static_cast<int>(i)));
  std::vector<TaskSpec> sorted;
  for (int i : order) sorted.push_back(std::move(w->tasks[i]));
  w->tasks = std::move(sorted);
  w->upstream.assign(n, {});
  w->downstream.assign(n, {});
  for (size_t i = 0; i < n; ++i)
    for (const auto& d : w->tasks[i].depends_on) {
      int j = w->task_index(d);
      w->upstream[i].push_back(j);
      w->downstream[j].push_back(static_cast<int>(i));
    }
  return Status::ok();
}

}  // namespace

Result<Micros> parse_workflow_date(const std::string& text, const absl::TimeZone& tz) {
  Micros t = 0;
  if (parse_rfc3339(text, &t)) return t;
  absl::CivilSecond cs;
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &cs)) return absl::ToUnixMicros(tz.At(cs).pre);
  if (absl::ParseCivilTime(text, &day)) return absl::ToUnixMicros(tz.At(absl::CivilSecond(day)).pre);
  return invalid_argument("expected a date (2019-12-02) or a time (2019-12-02T10:00:00, "
                          "2019-12-02T10:00:00Z), got '" + text.substr(0, 100) + "'");
}

const char* trigger_rule_name(TriggerRule r) {
  for (const auto& [name, rule] : trigger_rules())
    if (rule == r) return name;
  return "?";
}

const char* action_kind(const TaskAction& a) {
  static const char* kNames[] = {"empty", "shell", "python", "http", "sensor"};
  return kNames[a.index()];
}

int WorkflowSpec::task_index(const std::string& n) const {
  for (size_t i = 0; i < tasks.size(); ++i)
    if (tasks[i].name == n) return static_cast<int>(i);
  return -1;
}

Result<WorkflowSpec> parse_workflow(const json& manifest, const std::string& base_dir) {
  Fields top(manifest, "");
  if (!manifest.is_object()) return invalid_argument("a Workflow manifest must be a mapping");
  std::string api, kind;
  EDDY_RETURN_IF_ERROR(top.string("apiVersion", &api));
  EDDY_RETURN_IF_ERROR(top.string("kind", &kind));
  if (kind != "Workflow") return invalid_argument("kind: expected Workflow, got '" + kind + "'");
  if (api != "eddy.dev/v1") return invalid_argument("apiVersion: expected eddy.dev/v1, got '" + api + "'");
  WorkflowSpec w;
  w.base_dir = base_dir;
  const json* meta = top.get("metadata");
  if (!meta) return invalid_argument("metadata.name: required");
  {
    Fields m(*meta, "metadata");
    EDDY_RETURN_IF_ERROR(m.check_object());
    EDDY_RETURN_IF_ERROR(m.string("name", &w.name));
    m.get("labels");
    if (const json* ann = m.get("annotations"); ann && ann->is_object()) {
      auto it = ann->find("eddy.dev/source-file");
      if (it != ann->end() && it->is_string()) w.source_file = it->get<std::string>();
    }
    m.get("namespace");
    EDDY_RETURN_IF_ERROR(m.done());
  }
  if (!valid_name(w.name))  // bounded input: at most 250 characters
    return invalid_argument("metadata.name: letters, digits, '_', '.', '-' only, 1 to 250 of them; got '" +
                            w.name.substr(0, 260) + "'");
  top.get("status");  // a resource read back from a server carries one
  const json* specp = top.get("spec");
  EDDY_RETURN_IF_ERROR(top.done());
  if (!specp) return invalid_argument("spec: required");
  Fields f(*specp, "spec");
  EDDY_RETURN_IF_ERROR(f.check_object());
  EDDY_RETURN_IF_ERROR(f.string("timezone", &w.timezone));
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(w.timezone, &tz))
    return invalid_argument("spec.timezone: unknown time zone '" + w.timezone + "' (an IANA name such as UTC or Europe/Paris)");
  std::string schedule = "none";
  if (const json* s = f.get("schedule")) {
    if (!s->is_string()) return invalid_argument("spec.schedule: expected a string, got " + std::string(json_type(*s)));
    schedule = s->get<std::string>();
  }
  auto sched = Schedule::parse(schedule, w.timezone);
  if (!sched.is_ok()) return sched.status().with_context("spec.schedule");
  w.schedule = std::move(sched).value();
  EDDY_RETURN_IF_ERROR(f.instant("startDate", tz, &w.start_date));
  EDDY_RETURN_IF_ERROR(f.instant("endDate", tz, &w.end_date));
  if (w.start_date && w.end_date && *w.end_date < *w.start_date)
    return invalid_argument("spec.endDate: before spec.startDate");
  EDDY_RETURN_IF_ERROR(f.boolean("catchup", &w.catchup));
  int64_t runs = w.max_active_runs, tasks = w.max_active_tasks;
  EDDY_RETURN_IF_ERROR(f.integer("maxActiveRuns", 1, 10000, &runs));
  EDDY_RETURN_IF_ERROR(f.integer("maxActiveTasks", 1, 10000, &tasks));
  w.max_active_runs = static_cast<int>(runs);
  w.max_active_tasks = static_cast<int>(tasks);
  if (const json* p = f.get("params")) {
    if (!p->is_object()) return invalid_argument("spec.params: expected a mapping");
    w.params = *p;
  }
  RetryPolicy defaults;
  std::optional<Micros> default_timeout;
  if (const json* d = f.get("defaults")) {
    Fields df(*d, "spec.defaults");
    EDDY_RETURN_IF_ERROR(df.check_object());
    EDDY_RETURN_IF_ERROR(parse_retry(df, &defaults));
    Micros t = 0;
    if (df.get("executionTimeout")) {
      EDDY_RETURN_IF_ERROR(df.duration("executionTimeout", &t, false));
      default_timeout = t;
    }
    EDDY_RETURN_IF_ERROR(df.done());
  }
  const json* tasksp = f.get("tasks");
  EDDY_RETURN_IF_ERROR(f.done());
  if (!tasksp) return invalid_argument("spec.tasks: required (a list of tasks; [] for none)");
  if (!tasksp->is_array()) return invalid_argument("spec.tasks: expected a list");
  if (tasksp->size() > 100000) return invalid_argument("spec.tasks: at most 100000 tasks");
  for (size_t i = 0; i < tasksp->size(); ++i) {
    const std::string path = "spec.tasks[" + std::to_string(i) + "]";
    Fields tf((*tasksp)[i], path);
    EDDY_RETURN_IF_ERROR(tf.check_object());
    TaskSpec t;
    t.retry = defaults;
    t.execution_timeout = default_timeout;
    EDDY_RETURN_IF_ERROR(tf.string("name", &t.name));
    if (!valid_name(t.name))
      return invalid_argument(path + ".name: letters, digits, '_', '.', '-' only, 1 to 250 of them; got '" +
                              t.name.substr(0, 260) + "'");
    if (w.task_index(t.name) >= 0) return invalid_argument(path + ".name: '" + t.name + "' is used twice");
    EDDY_RETURN_IF_ERROR(tf.string_list("dependsOn", &t.depends_on));
    std::string rule;
    EDDY_RETURN_IF_ERROR(tf.string("triggerRule", &rule));
    if (!rule.empty()) {
      bool ok = false;
      for (const auto& [n, r] : trigger_rules())
        if (rule == n) t.trigger_rule = r, ok = true;
      if (!ok)
        return invalid_argument(path + ".triggerRule: unknown rule '" + rule +
                                "' (all_success, all_failed, all_done, one_success, one_failed, "
                                "none_failed, none_failed_min_one_success, none_skipped, always)");
    }
    EDDY_RETURN_IF_ERROR(parse_retry(tf, &t.retry));
    if (tf.get("executionTimeout")) {
      Micros tm = 0;
      EDDY_RETURN_IF_ERROR(tf.duration("executionTimeout", &tm, false));
      t.execution_timeout = tm;
    } else if (tf.is_null("executionTimeout")) {  // execution_timeout=None over default_args
      t.execution_timeout.reset();
    }
    if (const json* p = tf.get("params")) {
      if (!p->is_object()) return invalid_argument(path + ".params: expected a mapping");
      t.params = *p;
    }
    EDDY_RETURN_IF_ERROR(parse_action(tf, path, &t.action));
    EDDY_RETURN_IF_ERROR(tf.done());
    w.tasks.push_back(std::move(t));
  }
  for (size_t i = 0; i < w.tasks.size(); ++i)
    for (const auto& d : w.tasks[i].depends_on) {
      if (w.task_index(d) < 0)
        return invalid_argument("spec.tasks[" + std::to_string(i) + "].dependsOn: unknown task '" + d + "'");
      if (d == w.tasks[i].name)
        return invalid_argument("spec.tasks[" + std::to_string(i) + "].dependsOn: a task cannot depend on itself");
    }
  EDDY_RETURN_IF_ERROR(topological_order(&w));
  return w;
}

}  // namespace eddy::workflow
