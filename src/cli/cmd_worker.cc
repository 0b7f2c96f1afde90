// eddy worker --server URL --cluster NAME --name WORKER --work-dir DIR --cores N
//             [--memory BYTES] [--token-file FILE] [--orphan-timeout DURATION]
// A worker of a cluster: started by `eddy serve`'s worker backend, not by users. It connects
// back to the server, heartbeats and runs the tasks it leases (docs/worker-protocol.md).
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/token_file.h"
#include "cluster/child_process.h"
#include "cluster/worker_loop.h"
#include "common/time_format.h"
#include "jobs/manifest_fields.h"

namespace eddy::cli {
namespace {

struct WorkerArgs {
  std::string server;
  std::string cluster;
  std::string name;
  std::string work_dir;
  int cores = 1;
  std::string memory;
  std::string token_file;
  std::string orphan_timeout = "10m";
  std::string lease_wait = "20s";
};

Status run_worker(const WorkerArgs& a) {
  cluster::WorkerOptions o;
  o.server_url = a.server;
  o.cluster = a.cluster;
  o.name = a.name;
  o.work_dir = a.work_dir;
  o.cores = a.cores;
  if (!a.memory.empty()) {
    auto m = jobs::parse_byte_size(a.memory);
    if (!m.is_ok()) return m.status().with_context("--memory");
    o.memory_bytes = static_cast<int64_t>(*m);
  }
  if (!a.token_file.empty()) {
    EDDY_ASSIGN_OR_RETURN(o.token, read_token_file(a.token_file));
  }
  auto orphan = parse_duration(a.orphan_timeout);
  if (!orphan.is_ok()) return orphan.status().with_context("--orphan-timeout");
  o.orphan_timeout = *orphan;
  auto lease = parse_duration(a.lease_wait);
  if (!lease.is_ok()) return lease.status().with_context("--lease-wait");
  o.lease_wait = *lease;
  EDDY_ASSIGN_OR_RETURN(o.eddy_binary, cluster::self_executable());
  // pyspark sessions' interpreter: Debian's python3 unless EDDY_PYTHON names another.
  if (const char* py = std::getenv("EDDY_PYTHON"); py != nullptr && *py != '\0') o.python = py;
  cluster::WorkerLoop::install_signal_handlers();
  cluster::WorkerLoop loop(std::move(o));
  return loop.run();
}

}  // namespace

void add_worker_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<WorkerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "worker", "Run as a worker of a cluster (started by eddy serve's worker backend)");
  cmd->add_option("--server", args->server, "The server's URL (http://HOST:PORT)")->required();
  cmd->add_option("--cluster", args->cluster, "The cluster this worker belongs to")->required();
  cmd->add_option("--name", args->name, "This worker's name, as the server knows it")->required();
  cmd->add_option("--work-dir", args->work_dir, "Scratch directory for the tasks")->required();
  cmd->add_option("--cores", args->cores, "Threads each task may use (EDDY_THREADS)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--memory", args->memory, "Memory budget of the tasks (e.g. 2GiB)");
  cmd->add_option("--token-file", args->token_file,
                  "File holding the bearer token for the server (never pass it on the command "
                  "line)");
  cmd->add_option("--orphan-timeout", args->orphan_timeout,
                  "Exit after this long without reaching the server (default 10m)");
  cmd->add_option("--lease-wait", args->lease_wait,
                  "How long each request for a task waits on the server (default 20s)");
  cmd->callback([args, &ctx] {
    Status s = run_worker(*args);
    if (!s.is_ok()) ctx.fail(s);
  });
}

}  // namespace eddy::cli
