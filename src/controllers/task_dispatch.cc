// Tasks: Batch and Statement resources become worker tasks (argv for `eddy run` / `eddy sql`,
// docs/worker-protocol.md), and worker reports become Livy's states and outputs.

#include "common/log.h"
#include "controllers/control_plane.h"
#include "controllers/control_plane_impl.h"
#include "controllers/statement_output.h"

namespace eddy::controllers {

using resources::Resource;

std::string ControlPlane::cluster_for(const Resource& task) {
  if (task.kind == "Statement") {
    auto s = store_->get("Session", task.spec.value("session", ""));
    return s.is_ok() ? cluster_for(*s) : options_.default_cluster;
  }
  std::string c = task.spec.value("cluster", "");
  if (c.empty() && task.spec.contains("conf") && task.spec["conf"].is_object()) {
    auto it = task.spec["conf"].find("eddy.cluster");
    if (it != task.spec["conf"].end() && it->is_string()) c = it->get<std::string>();
  }
  return c.empty() ? options_.default_cluster : c;
}

void ControlPlane::enqueue(const Resource& task) {
  if (task.kind == "Statement" && task.spec.value("kind", "") == "sql") {
    auto view = parse_view_definition(task.spec.value("code", ""));
    if (view.has_value()) {  // bookkeeping only: no worker needed
      (void)run_sql_command(task);
      return;
    }
  }
  std::string cluster = cluster_for(task);
  impl_->pending[cluster].push_back(TaskRef{task.kind, task.name});
  if (auto c = ensure_cluster(cluster); !c.is_ok())
    retry_or_fail(task.kind, task.name, c.status().message());
  if (task.kind == "Statement") refresh_session_state(task.spec.value("session", ""));
  impl_->work_cv.notify_all();
  wake();
}

Result<Resource> ControlPlane::run_sql_command(Resource stmt) {
  auto view = parse_view_definition(stmt.spec.value("code", ""));
  Micros now = clock_->now();
  std::string session = stmt.spec.value("session", "");
  auto s = store_->get("Session", session);
  if (!s.is_ok()) return s.status();
  Resource sess = *s;
  sess.status["tables"][view->name] = {{"path", view->path}, {"format", view->format}};
  EDDY_RETURN_IF_ERROR(save(sess).status());
  stmt.status["state"] = "available";
  stmt.status["progress"] = 1.0;
  stmt.status["started"] = to_ms(now);
  stmt.status["completed"] = to_ms(now);
  stmt.status["output"] = {{"status", "ok"},
                           {"execution_count", stmt.spec.value("id", int64_t{0})},
                           {"data", {{"text/plain", ""}}}};
  return save(stmt);
}

Status ControlPlane::check_confinement(const std::string& kind, const nlohmann::json& spec) const {
  if (!options_.confine) return Status::ok();
  const cluster::Confinement& c = *options_.confine;
  if (kind == "Batch") return c.allows(spec.value("file", ""));
  if (kind != "Statement" || spec.value("kind", "") != "sql") return Status::ok();
  const std::string code = spec.value("code", "");
  if (auto view = parse_view_definition(code); view.has_value())
    return c.allows(view->path).with_context("CREATE TEMPORARY VIEW " + view->name);
  if (auto insert = parse_insert_directory(code); insert.has_value())
    return c.allows(insert->path).with_context("INSERT OVERWRITE DIRECTORY");
  return Status::ok();
}

Result<nlohmann::json> ControlPlane::build_task(const Resource& task, int64_t attempt) {
  nlohmann::json t = {{"kind", task.kind}, {"name", task.name}, {"attempt", attempt},
                      {"files", nlohmann::json::object()}};
  nlohmann::json argv = nlohmann::json::array();
  if (task.kind == "Batch") {
    std::string file = task.spec.value("file", "");
    std::string class_name = task.spec.value("className", "");
    std::vector<std::string> args;
    if (task.spec.contains("args"))
      for (const auto& a : task.spec["args"]) args.push_back(a.get<std::string>());
    argv.push_back("run");
    if (file.rfind("builtin:", 0) == 0 || class_name == "org.apache.spark.examples.SparkPi") {
      // SparkPi's jar is a Spark artefact: its class is what names the job.
      argv.push_back(file.rfind("builtin:", 0) == 0 ? file : "builtin:pi");
      for (const auto& a : args) argv.push_back(a);
    } else {
      if (file.empty()) {  // an inline manifest (spec.manifest)
        t["files"]["manifest.yaml"] = task.spec.value("manifest", "");
        file = "manifest.yaml";
      }
      argv.push_back(file);
      for (const auto& a : args) {
        if (a.find('=') == std::string::npos || a.front() == '=')
          return invalid_argument("args: '" + a +
                                  "': a job manifest takes parameters as name=value");
        argv.push_back("--set");
        argv.push_back(a);
      }
    }
  } else {
    std::string code = task.spec.value("code", "");
    if (task.spec.value("kind", "") == "sql") {
      auto sess = store_->get("Session", task.spec.value("session", ""));
      argv.push_back("sql");
      argv.push_back("--format");
      argv.push_back("json");
      if (sess.is_ok() && sess->status.contains("tables")) {
        for (const auto& [name, t2] : sess->status["tables"].items()) {
          argv.push_back("--table");
          std::string fmt = t2.value("format", "auto");
          argv.push_back(name + (fmt == "auto" ? "" : ":" + fmt) + "=" + t2.value("path", ""));
        }
      }
      auto insert = parse_insert_directory(code);
      if (insert.has_value()) {
        argv.push_back("--output");
        argv.push_back(insert->path);
        argv.push_back("--overwrite");
        code = insert->query;
      }
      argv.push_back(code);
    } else {
      t["files"]["manifest.yaml"] = code;
      argv.push_back("run");
      argv.push_back("manifest.yaml");
    }
  }
  t["argv"] = argv;
  if (options_.confine) t["confine"] = options_.confine->to_json();
  return t;
}

void ControlPlane::complete_task(const std::string& kind, const std::string& name,
                                 const nlohmann::json& done) {
  TaskRef ref{kind, name};
  auto it = impl_->running.find(ref);
  if (it == impl_->running.end() || it->second.attempt != done.value("attempt", int64_t{-1}))
    return;  // a stale report (an earlier attempt, or a task already failed over)
  RunningTask rt = it->second;
  impl_->running.erase(it);
  bool cancelled = impl_->cancelling.erase(ref) > 0;
  auto w = impl_->workers.find(rt.worker);
  if (w != impl_->workers.end() && w->second.task == ref) w->second.has_task = false;

  Micros now = clock_->now();
  auto r = store_->get(kind, name);
  if (!r.is_ok()) return;
  Resource t = *r;
  int exit_code = done.value("exitCode", -1);
  double cpu = done.value("cpuSeconds", 0.0);
  double wall = done.value("wallSeconds", 0.0);
  int64_t peak = done.value("peakRssBytes", int64_t{0});
  t.status["accounting"] = {{"workerSeconds", wall}, {"cpuSeconds", cpu},
                            {"peakMemoryBytes", peak}};
  t.status["exitCode"] = exit_code;
  t.status["completed"] = to_ms(now);
  std::string result;
  if (kind == "Batch") {
    // Livy's batch log is the driver's output: the job's stdout joins the streamed stderr.
    std::vector<std::string> out_lines;
    std::string out = done.value("stdout", "");
    for (size_t b = 0; b < out.size();) {
      size_t e = out.find('\n', b);
      if (e == std::string::npos) e = out.size();
      out_lines.push_back(out.substr(b, e - b));
      b = e + 1;
    }
    if (!out_lines.empty()) (void)store_->append_log(kind, name, out_lines);
    result = cancelled ? "killed" : exit_code == 0 ? "success" : "dead";
    t.status["state"] = result;
  } else {
    t.status["progress"] = 1.0;
    if (cancelled) {
      result = "cancelled";
      t.status["state"] = "cancelled";
    } else {
      t.status["state"] = "available";
      t.status["output"] = statement_output(t, done);
      result = exit_code == 0 ? "ok" : "error";
    }
  }
  impl_->tasks_finished_total[kind + "," + result]++;
  if (t.status.value("deleteRequested", false)) {
    if (store_->remove(kind, name).is_ok()) publish("DELETED", t);
  } else {
    (void)save(t);
  }
  // Cluster accounting and state.
  if (auto c = store_->get("Cluster", rt.cluster); c.is_ok()) {
    Resource cl = *c;
    auto& acc = cl.status["accounting"];
    acc["cpuSeconds"] = acc.value("cpuSeconds", 0.0) + cpu;
    acc["tasks"] = acc.value("tasks", int64_t{0}) + 1;
    acc["peakMemoryBytes"] = std::max(acc.value("peakMemoryBytes", int64_t{0}), peak);
    cl.status["lastActivityMs"] = to_ms(now);
    (void)save(cl);
  }
  refresh_cluster_state(rt.cluster);
  if (kind == "Statement") refresh_session_state(t.spec.value("session", ""));
  impl_->work_cv.notify_all();
}

void ControlPlane::retry_or_fail(const std::string& kind, const std::string& name,
                                 const std::string& why, bool allow_retry) {
  TaskRef ref{kind, name};
  std::string cluster;
  if (auto it = impl_->running.find(ref); it != impl_->running.end()) {
    cluster = it->second.cluster;
    impl_->running.erase(it);
  }
  for (auto& [c, q] : impl_->pending) std::erase(q, ref);
  auto r = store_->get(kind, name);
  if (!r.is_ok()) return;
  Resource t = *r;
  if (cluster.empty()) cluster = cluster_for(t);
  int64_t attempt = t.status.value("attempt", int64_t{0});
  int64_t max_attempts = 2;
  if (auto c = store_->get("Cluster", cluster); c.is_ok())
    max_attempts = c->spec.value("maxTaskAttempts", int64_t{2});
  bool cancelled = impl_->cancelling.erase(ref) > 0;
  (void)store_->append_log(kind, name, {"eddy: attempt " + std::to_string(attempt) + ": " + why});
  if (allow_retry && !cancelled && attempt > 0 && attempt < max_attempts) {
    t.status["state"] = kind == "Batch" ? "starting" : "waiting";
    t.status.erase("worker");
    (void)save(t);
    impl_->pending[cluster].push_front(ref);
    impl_->work_cv.notify_all();
    return;
  }
  Micros now = clock_->now();
  t.status["completed"] = to_ms(now);
  if (kind == "Batch") {
    t.status["state"] = cancelled ? "killed" : "dead";
  } else {
    t.status["state"] = cancelled ? "cancelled" : "available";
    t.status["progress"] = 1.0;
    if (!cancelled)
      t.status["output"] = {{"status", "error"},
                            {"execution_count", t.spec.value("id", int64_t{0})},
                            {"ename", "WorkerLost"},
                            {"evalue", why},
                            {"traceback", nlohmann::json::array({why})}};
  }
  impl_->tasks_finished_total[kind + "," + (cancelled ? "cancelled" : "lost")]++;
  if (t.status.value("deleteRequested", false)) {
    if (store_->remove(kind, name).is_ok()) publish("DELETED", t);
  } else {
    (void)save(t);
  }
  if (kind == "Statement") refresh_session_state(t.spec.value("session", ""));
}

void ControlPlane::refresh_session_state(const std::string& session) {
  auto s = store_->get("Session", session);
  if (!s.is_ok()) return;
  Resource sess = *s;
  std::string state = sess.status.value("state", "");
  if (state != "starting" && state != "idle" && state != "busy") return;
  std::string next = state;
  if (state == "starting") {
    auto c = store_->get("Cluster", cluster_for(sess));
    std::string cs = c.is_ok() ? c->status.value("state", "") : "";
    if (cs == "WAITING" || cs == "RUNNING") next = "idle";
    if (cs == "TERMINATED_WITH_ERRORS") next = "error";
  }
  if (next != "starting" && next != "error") {
    bool busy = false;
    for (const auto& st : statements(session).value_or({})) {
      std::string ss = st.status.value("state", "");
      if (ss == "waiting" || ss == "running" || ss == "cancelling") busy = true;
    }
    next = busy ? "busy" : "idle";
  }
  if (next != state) {
    sess.status["state"] = next;
    (void)save(sess);
  }
}

}  // namespace eddy::controllers
