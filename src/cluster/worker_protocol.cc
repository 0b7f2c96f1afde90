#include "cluster/worker_protocol.h"

#include <algorithm>

namespace eddy::cluster::protocol {
namespace {

using json = nlohmann::json;

// Strict readers for requests: absent -> default, present with the wrong type -> error.
Status need_object(const json& j) {
  return j.is_object() ? Status::ok() : invalid_argument("body: expected a JSON object");
}
Result<std::string> req_string(const json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return invalid_argument(std::string(key) + ": required string");
    return std::string();
  }
  if (!it->is_string() || (required && it->get_ref<const std::string&>().empty()))
    return invalid_argument(std::string(key) + ": required string");
  return it->get<std::string>();
}
Result<int64_t> req_int(const json& j, const char* key, int64_t dflt) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return dflt;
  if (!it->is_number_integer()) return invalid_argument(std::string(key) + ": expected an integer");
  return it->get<int64_t>();
}
Result<double> req_number(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0.0;
  if (!it->is_number()) return invalid_argument(std::string(key) + ": expected a number");
  return it->get<double>();
}
Result<std::vector<std::string>> req_strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return invalid_argument(std::string(key) + ": expected an array of strings");
  for (const auto& s : *it) {
    if (!s.is_string()) return invalid_argument(std::string(key) + ": expected an array of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}
Result<TaskRef> req_task_ref(const json& j) {
  TaskRef t;
  EDDY_ASSIGN_OR_RETURN(t.kind, req_string(j, "kind", true));
  EDDY_ASSIGN_OR_RETURN(t.name, req_string(j, "name", true));
  EDDY_ASSIGN_OR_RETURN(t.attempt, req_int(j, "attempt", -1));
  return t;
}

// Lenient readers for answers: the default on a missing or mistyped field.
std::string ans_string(const json& j, const char* key, const std::string& dflt) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return dflt;
  return j[key].get<std::string>();
}
int64_t ans_int(const json& j, const char* key, int64_t dflt) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer()) return dflt;
  return j[key].get<int64_t>();
}

}  // namespace

json to_json(const TaskRef& t) {
  return {{"kind", t.kind}, {"name", t.name}, {"attempt", t.attempt}};
}

json to_json(const RegisterRequest& r) {
  return {{"cluster", r.cluster}, {"worker", r.worker}, {"pid", r.pid},
          {"cores", r.cores},     {"memoryBytes", r.memory_bytes}};
}

Result<RegisterRequest> register_request_from_json(const json& j) {
  EDDY_RETURN_IF_ERROR(need_object(j));
  RegisterRequest r;
  EDDY_ASSIGN_OR_RETURN(r.worker, req_string(j, "worker", true));
  EDDY_ASSIGN_OR_RETURN(r.cluster, req_string(j, "cluster", true));
  EDDY_ASSIGN_OR_RETURN(r.pid, req_int(j, "pid", 0));
  EDDY_ASSIGN_OR_RETURN(r.cores, req_int(j, "cores", 0));
  EDDY_ASSIGN_OR_RETURN(r.memory_bytes, req_int(j, "memoryBytes", 0));
  return r;
}

json to_json(const HeartbeatRequest& r) {
  return {{"cluster", r.cluster},
          {"pid", r.pid},
          {"rssBytes", r.rss_bytes},
          {"cpuSeconds", r.cpu_seconds},
          {"task", r.task ? to_json(*r.task) : json(nullptr)},
          {"interpreters", r.interpreters}};
}

Result<HeartbeatRequest> heartbeat_request_from_json(const json& j) {
  EDDY_RETURN_IF_ERROR(need_object(j));
  HeartbeatRequest r;
  EDDY_ASSIGN_OR_RETURN(r.cluster, req_string(j, "cluster", false));
  EDDY_ASSIGN_OR_RETURN(r.pid, req_int(j, "pid", 0));
  EDDY_ASSIGN_OR_RETURN(r.rss_bytes, req_int(j, "rssBytes", 0));
  EDDY_ASSIGN_OR_RETURN(r.cpu_seconds, req_number(j, "cpuSeconds"));
  if (auto t = j.find("task"); t != j.end() && !t->is_null()) {
    if (!t->is_object()) return invalid_argument("task: expected an object or null");
    auto ref = req_task_ref(*t);
    if (!ref.is_ok()) return ref.status().with_context("task");
    r.task = *ref;
  }
  if (auto it = j.find("interpreters"); it != j.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 10000)
      return invalid_argument("interpreters: expected an array of session names");
    for (const auto& s : *it) {
      if (!s.is_string()) return invalid_argument("interpreters: expected an array of session names");
      r.interpreters.push_back(s.get<std::string>());
    }
  }
  return r;
}

json to_json(const LeaseRequest& r) { return {{"cluster", r.cluster}, {"waitMs", r.wait_ms}}; }

Result<LeaseRequest> lease_request_from_json(const json& j) {
  EDDY_RETURN_IF_ERROR(need_object(j));
  LeaseRequest r;
  EDDY_ASSIGN_OR_RETURN(r.cluster, req_string(j, "cluster", false));
  EDDY_ASSIGN_OR_RETURN(r.wait_ms, req_int(j, "waitMs", 20000));
  r.wait_ms = std::clamp<int64_t>(r.wait_ms, 0, 30000);
  return r;
}

json to_json(const LogRequest& r) {
  json j = to_json(r.task);
  j["lines"] = r.lines;
  return j;
}

Result<LogRequest> log_request_from_json(const json& j) {
  EDDY_RETURN_IF_ERROR(need_object(j));
  LogRequest r;
  EDDY_ASSIGN_OR_RETURN(r.task, req_task_ref(j));
  EDDY_ASSIGN_OR_RETURN(r.lines, req_strings(j, "lines"));
  return r;
}

json to_json(const DoneReport& r) {
  json j = to_json(r.task);
  j["exitCode"] = r.exit_code;
  j["stdout"] = r.stdout_text;
  j["stdoutTruncated"] = r.stdout_truncated;
  j["stderrTail"] = r.stderr_tail;
  j["cpuSeconds"] = r.cpu_seconds;
  j["peakRssBytes"] = r.peak_rss_bytes;
  j["wallSeconds"] = r.wall_seconds;
  return j;
}

Result<DoneReport> done_report_from_json(const json& j) {
  EDDY_RETURN_IF_ERROR(need_object(j));
  DoneReport r;
  EDDY_ASSIGN_OR_RETURN(r.task, req_task_ref(j));
  EDDY_ASSIGN_OR_RETURN(int64_t code, req_int(j, "exitCode", -1));
  r.exit_code = static_cast<int>(std::clamp<int64_t>(code, -1000, 1000));
  EDDY_ASSIGN_OR_RETURN(r.stdout_text, req_string(j, "stdout", false));
  if (auto t = j.find("stdoutTruncated"); t != j.end() && t->is_boolean())
    r.stdout_truncated = t->get<bool>();
  EDDY_ASSIGN_OR_RETURN(r.stderr_tail, req_strings(j, "stderrTail"));
  EDDY_ASSIGN_OR_RETURN(r.cpu_seconds, req_number(j, "cpuSeconds"));
  EDDY_ASSIGN_OR_RETURN(r.peak_rss_bytes, req_int(j, "peakRssBytes", 0));
  EDDY_ASSIGN_OR_RETURN(r.wall_seconds, req_number(j, "wallSeconds"));
  return r;
}

json to_json(const RegisterAnswer& a) { return {{"heartbeatIntervalMs", a.heartbeat_interval_ms}}; }

RegisterAnswer register_answer_from_json(const json& j) {
  return RegisterAnswer{ans_int(j, "heartbeatIntervalMs", 1000)};
}

json to_json(const HeartbeatAnswer& a) {
  const char* action = a.action == HeartbeatAction::kStop     ? "stop"
                       : a.action == HeartbeatAction::kCancel ? "cancel"
                                                              : "continue";
  json j = {{"action", action}};
  if (!a.close_interpreters.empty()) j["closeInterpreters"] = a.close_interpreters;
  return j;
}

HeartbeatAnswer heartbeat_answer_from_json(const json& j) {
  const std::string action = ans_string(j, "action", "continue");
  HeartbeatAnswer a;
  if (action == "stop") a.action = HeartbeatAction::kStop;
  if (action == "cancel") a.action = HeartbeatAction::kCancel;
  if (auto it = j.find("closeInterpreters"); it != j.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) a.close_interpreters.push_back(s.get<std::string>());
  return a;
}

json to_json(const LeaseAnswer& a) {
  if (!a.task) return {{"task", nullptr}};
  json t = a.task->invocation.to_json();
  t["kind"] = a.task->ref.kind;
  t["name"] = a.task->ref.name;
  t["attempt"] = a.task->ref.attempt;
  return {{"task", t}};
}

Result<LeaseAnswer> lease_answer_from_json(const json& j) {
  LeaseAnswer a;
  if (!j.is_object() || !j.contains("task") || j["task"].is_null()) return a;
  const json& t = j["task"];
  if (!t.is_object()) return invalid_argument("task: expected an object");
  Task task;
  task.ref.kind = ans_string(t, "kind", "");
  task.ref.name = ans_string(t, "name", "");
  task.ref.attempt = ans_int(t, "attempt", 0);
  if (task.ref.name.empty()) return invalid_argument("task.name: required string");
  auto inv = TaskInvocation::from_json(t);
  if (inv.is_ok()) {
    task.invocation = std::move(inv).value();
  } else {
    task.unreadable = inv.status();
  }
  a.task = std::move(task);
  return a;
}

}  // namespace eddy::cluster::protocol
