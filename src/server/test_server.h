// TestServer: the fixture of the server tests — an ApiServer on an ephemeral loopback port over
// a real ControlPlane with a SQLite store in a fresh temporary directory and the real local
// backend (workers are EDDY_BINARY). Reconciling is off unless asked for, so a test that only
// checks API shapes starts no worker processes.
// Not thread-safe; one per test.
#pragma once

#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cluster/worker_backend.h"
#include "controlplane/control_plane.h"
#include "server/api_server.h"
#include "store/resource_store.h"

namespace eddy::server {

struct TestServerConfig {
  bool reconcile = false;  // run the ControlPlane's background loop (starts real workers)
  ApiServerOptions api;    // host/port/token/...: port 0 and a short ping by default
  std::function<void(ApiServer&)> before_start;  // e.g. add_route
  TestServerConfig() {
    api.port = 0;
    api.watch_ping_interval = 100'000;
    api.threads = 16;
  }
};

class TestServer {
 public:
  explicit TestServer(TestServerConfig config = {}) : config_(std::move(config)) {}
  ~TestServer() {
    // As eddy serve does: stop accepting, stop the ControlPlane (which ends workers' long
    // polls), then wait for in-flight requests.
    if (api) api->close();
    if (cp) cp->stop();
    if (api) api->stop();
    if (cp) cp->shutdown_workers();
    api.reset();
    cp.reset();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }

  Status start() {
    char tmpl[] = "/tmp/eddy-server-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return io_error("mkdtemp failed");
    dir = tmpl;
    api = std::make_unique<ApiServer>(config_.api);
    EDDY_RETURN_IF_ERROR(api->bind());
    auto store = store::open_store("", dir);
    if (!store.is_ok()) return store.status();
    auto backend = cluster::make_backend("local");
    if (!backend.is_ok()) return backend.status();
    controlplane::ControlPlaneOptions o;
    o.server_url = "http://127.0.0.1:" + std::to_string(api->port());
    o.public_host = "eddy.test";
    o.eddy_binary = EDDY_BINARY;
    o.data_dir = dir;
    o.worker_token = config_.api.token;
    o.background_reconcile = config_.reconcile;
    o.heartbeat_interval = 200'000;
    o.reconcile_interval = 50'000;
    cp = std::make_unique<controlplane::ControlPlane>(std::move(store).value(),
                                                     std::move(backend).value(), o);
    EDDY_RETURN_IF_ERROR(cp->start());
    if (config_.before_start) config_.before_start(*api);
    return api->start(cp.get());
  }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", api->port());
    c->set_read_timeout(30, 0);
    return c;
  }

  // Polls `cond` every 20 ms until it holds or `timeout` passes.
  static bool eventually(const std::function<bool()>& cond,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return cond();
  }

  std::string dir;
  std::unique_ptr<ApiServer> api;
  std::unique_ptr<controlplane::ControlPlane> cp;

 private:
  TestServerConfig config_;
};

inline nlohmann::json body_json(const httplib::Result& r) {
  if (!r) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace eddy::server
