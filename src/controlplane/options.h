// ControlPlaneOptions: how `eddy serve` configures its control plane (cli/cmd_serve.cc).
// A plain value, fixed after construction.
#pragma once

#include <optional>
#include <string>

#include "cluster/sandbox.h"
#include "common/clock.h"

namespace eddy::controlplane {

struct ControlPlaneOptions {
  std::string server_url;       // how workers reach this server: "http://127.0.0.1:8998"
  std::string public_host;      // host name reported as EMR MasterPublicDnsName
  std::string eddy_binary;      // path of the eddy executable workers run (/proc/self/exe)
  std::string data_dir;         // scratch space for workers (DATA_DIR/work/...)
  std::string worker_token;     // bearer token the workers present (may be empty on loopback)
  Micros heartbeat_interval = 1'000'000;  // workers heartbeat this often
  int missed_heartbeats = 5;    // a worker silent this many intervals is dead
  Micros reconcile_interval = 200'000;
  std::string default_cluster = "default";  // created on demand when work names no cluster
  bool background_reconcile = true;  // false in tests: they call reconcile_now() instead
  // Set: every task runs confined to these paths and buckets (cluster/sandbox.h), and
  // requests naming other ones are refused with 403. Unset: tasks run unconfined.
  std::optional<cluster::Confinement> confine;
};

}  // namespace eddy::controlplane
