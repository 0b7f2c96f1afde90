#include "controlplane/control_plane.h"

#include "common/log.h"
#include "resources/states.h"

namespace eddy::controlplane {

using resources::Resource;

ControlPlane::ControlPlane(std::unique_ptr<store::ResourceStore> store,
                           std::unique_ptr<cluster::WorkerBackend> backend,
                           ControlPlaneOptions options, Clock* clock)
    : options_(std::move(options)),
      clock_(clock),
      fleet_(std::move(backend), options_, clock),
      resources_(std::move(store), clock),
      tasks_(fleet_, options_, clock),
      services_{resources_,
                tasks_,
                fleet_,
                options_,
                *clock,
                [this](const std::string& kind, const std::string& name) {
                  reconcile_one(kind, name);
                },
                [this] { wake(); }} {
  std::map<std::string, KindController*> by_kind;
  for (auto& reg : registered_controllers()) {
    controllers_.emplace_back(reg.kind, reg.factory(services_));
    by_kind[reg.kind] = controllers_.back().second.get();
  }
  resources_.set_controllers(std::move(by_kind));
  resources_.set_wake([this] { wake(); });
}

ControlPlane::~ControlPlane() { stop(); }

Status ControlPlane::start() {
  for (auto& [kind, controller] : controllers_)
    EDDY_RETURN_IF_ERROR(controller->restore().with_context("restoring " + kind));
  if (options_.background_reconcile) reconciler_ = std::thread([this] { reconcile_loop(); });
  return Status::ok();
}

void ControlPlane::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  tasks_.stop();
  if (reconciler_.joinable()) reconciler_.join();
}

void ControlPlane::shutdown_workers() { fleet_.stop_all(2000); }

void ControlPlane::wake() {
  {
    std::lock_guard<std::mutex> l(mu_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

void ControlPlane::reconcile_now() {
  for (auto& [kind, controller] : controllers_) {
    controller->pass();
    if (!controller->periodic()) continue;
    auto items = resources_.list(kind);
    if (!items.is_ok()) {
      log_line(LogLevel::kWarn, "reconcile " + kind + ": " + items.status().message());
      continue;
    }
    for (const Resource& r : *items) controller->reconcile(r);
  }
}

void ControlPlane::reconcile_one(const std::string& kind, const std::string& name) {
  for (auto& [k, controller] : controllers_) {
    if (k != kind) continue;
    auto r = resources_.get(kind, name);
    if (r.is_ok()) controller->reconcile(*r);
    return;
  }
}

void ControlPlane::reconcile_loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_) return;
      wake_ = false;
    }
    reconcile_now();
    std::unique_lock<std::mutex> l(mu_);
    wake_cv_.wait_for(l, std::chrono::microseconds(options_.reconcile_interval),
                      [&] { return wake_ || stopping_; });
  }
}

Result<cluster::protocol::RegisterAnswer> ControlPlane::worker_register(
    const cluster::protocol::RegisterRequest& req) {
  EDDY_RETURN_IF_ERROR(fleet_.register_worker(req));
  reconcile_one("Cluster", req.cluster);  // WAITING as soon as the last worker is in
  return cluster::protocol::RegisterAnswer{options_.heartbeat_interval / 1000};
}

cluster::protocol::HeartbeatAnswer ControlPlane::worker_heartbeat(
    const std::string& worker, const cluster::protocol::HeartbeatRequest& req) {
  using cluster::protocol::HeartbeatAction;
  if (!fleet_.heartbeat(worker, req.rss_bytes, req.cpu_seconds))
    return {HeartbeatAction::kStop, {}};
  cluster::protocol::HeartbeatAnswer answer;
  if (req.task) answer.action = tasks_.task_action(worker, *req.task);
  // The interpreters of pyspark sessions that ended (or are gone) are closed. A store read per
  // hosted interpreter: only workers of pyspark sessions pay it.
  for (const std::string& session : req.interpreters) {
    auto s = resources_.get("Session", session);
    if (s.is_ok() && !resources::is_ended(resources::state_of(*s, resources::SessionState::kStarting)))
      continue;
    if (s.is_ok() || s.status().code() == StatusCode::kNotFound)
      answer.close_interpreters.push_back(session);
  }
  return answer;
}

std::string ControlPlane::metrics_text() {
  return resources_.metrics_text() + tasks_.metrics_text() + fleet_.metrics_text();
}

}  // namespace eddy::controlplane
