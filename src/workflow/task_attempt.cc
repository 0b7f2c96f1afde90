#include "workflow/task_attempt.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "cluster/child_process.h"
#include "common/time_format.h"
#include "objstore/http_transport.h"

namespace eddy::workflow {
namespace {

namespace fs = std::filesystem;

// Grace between SIGTERM and SIGKILL for a timed-out or cancelled attempt (Airflow's
// killed_task_cleanup_time is 60 s; a task that ignores TERM for 5 s is not cleaning up).
constexpr Micros kKillGrace = 5'000'000;

class LogFile {
 public:
  explicit LogFile(const std::string& path) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  ~LogFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  void line(const std::string& text) {
    if (fd_ < 0) return;
    std::string l = "[" + format_rfc3339(SystemClock::instance()->now()) + "] " + text + "\n";
    ssize_t unused = ::write(fd_, l.data(), l.size());
    (void)unused;
  }

 private:
  int fd_ = -1;
};

AttemptOutcome failed(std::string message, int code = -1) {
  return {AttemptOutcome::Kind::kFailed, code, std::move(message)};
}

// Waits for `pid` (its own process group) to exit, honouring the deadline and the cancel flag.
AttemptOutcome wait_process(pid_t pid, const AttemptRequest& req, LogFile& log, int skip_code) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  bool killing = false;
  Micros kill_at = 0;
  std::string why;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (pidfd >= 0) ::close(pidfd);
      if (killing) return failed(why);
      if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        log.line("Command exited with return code " + std::to_string(code));
        if (code == 0) return {AttemptOutcome::Kind::kSuccess, 0, ""};
        if (code == skip_code)
          return {AttemptOutcome::Kind::kSkipped, code, "exit status " + std::to_string(code) + ": skipped"};
        return failed("exit status " + std::to_string(code), code);
      }
      int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      log.line("Command killed by signal " + std::to_string(sig));
      return failed(std::string("killed by signal ") + strsignal(sig), 128 + sig);
    }
    const Micros now = SystemClock::instance()->now();
    if (!killing) {
      if (req.cancel && req.cancel->load()) {
        why = "cancelled";
      } else if (req.deadline && now >= req.deadline) {
        why = "execution timeout (" + format_duration(*req.task->execution_timeout) + ") exceeded";
      }
      if (!why.empty()) {
        log.line(why + ": sending SIGTERM to the task's process group");
        kill(-pid, SIGTERM);
        killing = true;
        kill_at = now + kKillGrace;
      }
    } else if (now >= kill_at) {
      kill(-pid, SIGKILL);
      kill_at = now + 3600'000'000LL;
    }
    // A pidfd becomes readable when the child exits: the attempt ends without polling delay.
    Micros wait = 200'000;  // the cancel flag is looked at this often
    if (!killing && req.deadline) wait = std::min(wait, std::max<Micros>(req.deadline - now, 0));
    if (killing) wait = std::min(wait, std::max<Micros>(kill_at - now, 0));
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, static_cast<int>(wait / 1000) + 1);
    } else {
      usleep(1000);
    }
  }
}

AttemptOutcome run_process(const std::vector<std::string>& argv, std::vector<std::string> env,
                           const std::string& cwd, const AttemptRequest& req, LogFile& log,
                           int skip_code) {
  cluster::SpawnOptions o;
  o.argv = argv;
  o.env = cluster::environment_with(env);
  o.cwd = cwd;
  o.stdout_fd = log.fd();
  o.stderr_fd = log.fd();
  o.group = cluster::SpawnOptions::Group::kNewProcessGroup;
  // Dies with the thread that started it: a killed engine leaves no task running unowned.
  o.die_with_parent = true;
  auto pid = cluster::spawn_process(o);
  if (!pid.is_ok()) {
    log.line("Could not start: " + pid.status().message());
    return failed(pid.status().message());
  }
  return wait_process(*pid, req, log, skip_code);
}

std::vector<std::string> airflow_context_env(const AttemptRequest& req) {
  const RunContext& c = req.context;
  // The variables Airflow exports to every task (airflow/utils/operator_helpers.py).
  return {"AIRFLOW_CTX_DAG_ID=" + c.dag_id, "AIRFLOW_CTX_TASK_ID=" + c.task_id,
          "AIRFLOW_CTX_EXECUTION_DATE=" + render_template("{{ ts }}", c).value_or(""),
          "AIRFLOW_CTX_DAG_RUN_ID=" + c.run_id,
          "AIRFLOW_CTX_TRY_NUMBER=" + std::to_string(req.try_number)};
}

std::string resolve_dir(const std::string& dir, const WorkflowSpec& w) {
  if (dir.empty()) return w.base_dir;
  if (fs::path(dir).is_absolute() || w.base_dir.empty()) return dir;
  return (fs::path(w.base_dir) / dir).string();
}

// What make does for a recipe line without shell syntax: exec the program directly instead of
// `bash -c` (bash's start costs ~1 ms, most of a short task). Returns the argv, its program
// resolved in PATH, or nothing when bash is needed (any quoting, expansion, redirection, operator,
// a variable assignment, a builtin, or a program not found).
std::optional<std::vector<std::string>> direct_argv(const std::string& cmd, const std::string& path_var) {
  for (char c : cmd)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr(" _./:,+-@%", c))) return std::nullopt;
  std::vector<std::string> argv;
  size_t i = 0;
  while (i < cmd.size()) {
    while (i < cmd.size() && cmd[i] == ' ') ++i;
    size_t j = cmd.find(' ', i);
    if (j == std::string::npos) j = cmd.size();
    if (j > i) argv.push_back(cmd.substr(i, j - i));
    i = j;
  }
  if (argv.empty()) return std::nullopt;
  static const std::set<std::string> kBuiltins = {
      "cd", "exit", "export", "set", "unset", "source", ".", "alias", "eval", "exec", "read", "wait",
      "trap", "shift", "return", "ulimit", "umask", "type", "hash", "let", "local", "declare",
      "typeset", "readonly", "break", "continue", "times", "getopts", "jobs", "fg", "bg", "builtin",
      "command", "enable", "help", "history", "logout", "popd", "pushd", "dirs", "shopt", "caller",
      "compgen", "complete", "disown", "fc", "mapfile", "readarray", "suspend"};
  if (kBuiltins.count(argv[0])) return std::nullopt;
  if (argv[0].find('/') == std::string::npos) {
    std::string found;
    size_t b = 0;
    while (b <= path_var.size()) {
      size_t e = path_var.find(':', b);
      if (e == std::string::npos) e = path_var.size();
      const std::string dir = e > b ? path_var.substr(b, e - b) : ".";
      const std::string candidate = dir + "/" + argv[0];
      if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) {
        found = candidate;
        break;
      }
      b = e + 1;
    }
    if (found.empty()) return std::nullopt;  // bash reports "command not found"
    argv[0] = found;
  }
  return argv;
}

AttemptOutcome run_shell(const ShellAction& a, const AttemptRequest& req, LogFile& log) {
  auto cmd = render_template(a.command, req.context);
  if (!cmd.is_ok()) return failed(cmd.status().message());
  std::vector<std::string> env = airflow_context_env(req);
  for (const auto& [k, v] : a.env) {
    auto val = render_template(v, req.context);
    if (!val.is_ok()) return failed("env " + k + ": " + val.status().message());
    env.push_back(k + "=" + *val);
  }
  log.line("Running command: " + *cmd);
  const std::string cwd = resolve_dir(a.cwd, *req.workflow);
  std::string path_var = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  if (auto it = a.env.find("PATH"); it != a.env.end()) path_var = render_template(it->second, req.context).value_or(path_var);
  // A relative program path resolves against the task's directory, as bash would there.
  auto direct = direct_argv(*cmd, path_var);
  if (direct && (*direct)[0][0] != '/' && !cwd.empty()) (*direct)[0] = (fs::path(cwd) / (*direct)[0]).string();
  if (direct && ::access((*direct)[0].c_str(), X_OK) != 0) direct.reset();
  return run_process(direct ? *direct : std::vector<std::string>{"/bin/bash", "-c", *cmd}, env, cwd,
                     req, log, a.skip_exit_code);
}

AttemptOutcome run_python(const PythonAction& a, const AttemptRequest& req, LogFile& log) {
  const RunContext& c = req.context;
  nlohmann::json ctx = {
      {"ds", render_template("{{ ds }}", c).value_or("")},
      {"ts", render_template("{{ ts }}", c).value_or("")},
      {"data_interval_start", render_template("{{ data_interval_start }}", c).value_or("")},
      {"data_interval_end", render_template("{{ data_interval_end }}", c).value_or("")},
      {"run_id", c.run_id},
      {"params", c.params},
      {"try_number", req.try_number},
  };
  std::vector<std::string> env = airflow_context_env(req);
  env.push_back("PYTHONPATH=" + req.python_dir);
  env.push_back("PYTHONDONTWRITEBYTECODE=1");
  log.line("Calling " + a.dag + "." + a.task + "'s python_callable from " + a.file);
  return run_process({req.python, (fs::path(req.python_dir) / "eddy_dag_loader.py").string(),
                      "run-python", a.file, a.dag, a.task, ctx.dump()},
                     env, fs::path(a.file).parent_path().string(), req, log,
                     /*skip_code=*/99);  // the loader exits 99 on AirflowSkipException
}

AttemptOutcome run_http(const HttpAction& a, const AttemptRequest& req, LogFile& log) {
  auto url = render_template(a.url, req.context);
  if (!url.is_ok()) return failed(url.status().message());
  auto body = render_template(a.body, req.context);
  if (!body.is_ok()) return failed(body.status().message());
  objstore::HttpRequest r;
  r.method = a.method;
  r.url = *url;
  for (const auto& [k, v] : a.headers) {
    auto val = render_template(v, req.context);
    if (!val.is_ok()) return failed("header " + k + ": " + val.status().message());
    r.headers.emplace_back(k, *val);
  }
  r.body = *body;
  objstore::HttpTimeouts t;
  if (req.deadline) t.request = std::max<Micros>(req.deadline - SystemClock::instance()->now(), 1000);
  objstore::CurlTransport transport(t);
  log.line(a.method + " " + *url);
  auto resp = transport.send(r);
  if (!resp.is_ok()) {
    log.line(resp.status().message());
    return failed(resp.status().message());
  }
  log.line("HTTP " + std::to_string(resp->status));
  if (!resp->body.empty()) {
    std::string shown = resp->body.substr(0, 64 * 1024);
    ssize_t unused = ::write(log.fd(), shown.data(), shown.size());
    (void)unused;
    unused = ::write(log.fd(), "\n", 1);
  }
  if (resp->status != a.expect_status)
    return failed("HTTP " + std::to_string(resp->status) + ", expected " + std::to_string(a.expect_status));
  return {AttemptOutcome::Kind::kSuccess, 0, ""};
}

}  // namespace

AttemptOutcome run_attempt(const AttemptRequest& req) {
  LogFile log(req.log_path);
  log.line("Starting attempt " + std::to_string(req.try_number) + " of " + req.context.dag_id +
           "." + req.context.task_id + " for " + req.context.run_id);
  struct Visitor {
    const AttemptRequest& req;
    LogFile& log;
    AttemptOutcome operator()(const EmptyAction&) { return {AttemptOutcome::Kind::kSuccess, 0, ""}; }
    AttemptOutcome operator()(const ShellAction& a) { return run_shell(a, req, log); }
    AttemptOutcome operator()(const PythonAction& a) { return run_python(a, req, log); }
    AttemptOutcome operator()(const HttpAction& a) { return run_http(a, req, log); }
    AttemptOutcome operator()(const SensorAction&) { return failed("a sensor is not an attempt"); }
  };
  AttemptOutcome out = std::visit(Visitor{req, log}, req.task->action);
  log.line(out.kind == AttemptOutcome::Kind::kSuccess   ? "Marking task as SUCCESS"
           : out.kind == AttemptOutcome::Kind::kSkipped ? "Marking task as SKIPPED: " + out.message
                                                        : "Task failed: " + out.message);
  return out;
}

}  // namespace eddy::workflow
