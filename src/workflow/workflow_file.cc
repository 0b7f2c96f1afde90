#include "workflow/workflow_file.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cluster/child_process.h"
#include "common/yaml_json.h"

namespace eddy::workflow {
namespace {

namespace fs = std::filesystem;

struct Captured {
  int exit_code = -1;
  std::string out, err;
  bool timed_out = false;
};

// Runs argv to its end, capturing stdout and stderr (each at most 64 MiB).
Result<Captured> capture(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const std::string& cwd, Micros timeout) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return io_error("pipe: " + std::string(strerror(errno)));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return io_error("pipe: " + std::string(strerror(errno)));
  }
  cluster::SpawnOptions o;
  o.argv = argv;
  o.env = cluster::environment_with(env);
  o.cwd = cwd;
  o.stdout_fd = out_pipe[1];
  o.stderr_fd = err_pipe[1];
  o.die_with_parent = true;
  auto pid = cluster::spawn_process(o);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!pid.is_ok()) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return pid.status();
  }
  Captured c;
  const Micros deadline = SystemClock::instance()->now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* bufs[2] = {&c.out, &c.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const Micros left = deadline - SystemClock::instance()->now();
    if (left <= 0) {
      c.timed_out = true;
      kill(-*pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(left / 1000) + 1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        if (bufs[i]->size() < (64u << 20)) bufs[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return c;
}

Result<std::vector<nlohmann::json>> manifests_of_dag_file(const std::string& path,
                                                          const LoaderOptions& o) {
  if (o.python_dir.empty()) return failed_precondition("no python package directory to load DAG files with");
  const std::string loader = (fs::path(o.python_dir) / "eddy_dag_loader.py").string();
  EDDY_ASSIGN_OR_RETURN(Captured c, capture({o.python, loader, "show", path},
                                            {"PYTHONPATH=" + o.python_dir, "PYTHONDONTWRITEBYTECODE=1"},
                                            fs::path(path).parent_path().string(), kDagImportTimeout));
  if (c.timed_out)
    return invalid_argument(path + ": loading the DAG file took longer than 30 s (its top-level code; "
                            "Airflow's dagbag_import_timeout)");
  if (c.exit_code != 0) {
    std::string msg = c.err;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    if (msg.empty()) msg = path + ": the DAG loader exited with status " + std::to_string(c.exit_code);
    return invalid_argument(msg);
  }
  nlohmann::json doc = nlohmann::json::parse(c.out, nullptr, false);
  if (doc.is_discarded() || !doc.contains("workflows") || !doc["workflows"].is_array())
    return internal_error(path + ": the DAG loader printed no workflow list");
  std::vector<nlohmann::json> out(doc["workflows"].begin(), doc["workflows"].end());
  if (out.empty()) return invalid_argument(path + ": defines no DAG");
  return out;
}

Result<std::vector<nlohmann::json>> manifests_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(path + ": cannot read: " + strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (text.size() > (16u << 20)) return invalid_argument(path + ": larger than 16 MiB");
  std::vector<nlohmann::json> out;
  try {
    yaml_preflight(text);
    for (const YAML::Node& doc : YAML::LoadAll(text)) {
      if (doc.IsNull()) continue;
      EDDY_ASSIGN_OR_RETURN(nlohmann::json j, yaml_to_json(doc));
      out.push_back(std::move(j));
    }
  } catch (const YAML::Exception& e) {
    return invalid_argument(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                            std::to_string(e.mark.column + 1) + ": not valid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return invalid_argument(path + ": " + e.what());
  }
  if (out.empty()) return invalid_argument(path + ": holds no manifest");
  return out;
}

}  // namespace

bool is_dag_file(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".py") == 0;
}

Result<std::vector<LoadedWorkflow>> load_workflow_file(const std::string& path,
                                                       const LoaderOptions& options) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec || !fs::is_regular_file(abs, ec)) return not_found(path + ": no such file");
  std::vector<nlohmann::json> manifests;
  if (is_dag_file(path)) {
    EDDY_ASSIGN_OR_RETURN(manifests, manifests_of_dag_file(abs.string(), options));
  } else {
    EDDY_ASSIGN_OR_RETURN(manifests, manifests_of_file(abs.string()));
  }
  std::vector<LoadedWorkflow> out;
  for (size_t i = 0; i < manifests.size(); ++i) {
    auto spec = parse_workflow(manifests[i], abs.parent_path().string());
    if (!spec.is_ok()) {
      std::string where = path + (manifests.size() > 1 ? " (document " + std::to_string(i + 1) + ")" : "");
      return spec.status().with_context(where);
    }
    auto s = std::make_shared<WorkflowSpec>(std::move(spec).value());
    if (s->source_file.empty()) {
      s->source_file = abs.string();
      manifests[i]["metadata"]["annotations"]["eddy.dev/source-file"] = s->source_file;
    }
    out.push_back({manifests[i], std::move(s)});
  }
  return out;
}

}  // namespace eddy::workflow
