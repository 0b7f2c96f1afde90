// ResourceService: create, read, update, delete and watch resources. It owns the resource
// store and is the only writer to it; validation is the kind's schema (resources::KindInfo)
// and what creation, spec changes, cancellation and deletion mean is the kind's controller
// (kind_controller.h). The native API, the Livy and EMR adapters and the controllers all go
// through it.
//
// Consistency: writes are conditional on the version the writer read (write(), mutate()) or
// last-writer-wins (update_status(): for a controller that serializes its own writes). No lock
// is held across a store call; subscribers are called under subs_mu_ after a write, from the
// writer's thread, and must not block.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "controlplane/kind_controller.h"
#include "resources/resource.h"
#include "store/resource_store.h"

namespace eddy::controlplane {

// One change, as watch streams it (Kubernetes' watch event shape).
struct ResourceEvent {
  std::string type;  // "ADDED", "MODIFIED", "DELETED"
  resources::Resource object;
};

class ResourceService {
 public:
  ResourceService(std::unique_ptr<store::ResourceStore> store, Clock* clock);
  ResourceService(const ResourceService&) = delete;
  ResourceService& operator=(const ResourceService&) = delete;

  // Wiring, before any request: the controller of each kind (not owned) and the reconciler's
  // wake-up, called after every create and spec change.
  void set_controllers(std::map<std::string, KindController*> by_kind);
  void set_wake(std::function<void()> wake);

  // Validates (kind known, name, spec via the kind's schema), lets the controller admit it
  // (initial status), stores durably, publishes ADDED, tells the controller. `r.status` from
  // users is ignored.
  Result<resources::Resource> create(resources::Resource r);
  Result<resources::Resource> get(const std::string& kind, const std::string& name);
  Result<resources::Resource> get_by_id(const std::string& kind, int64_t id);
  Result<std::vector<resources::Resource>> list(const std::string& kind,
                                                const resources::LabelSelector& sel = {});
  // Replaces spec and labels as the kind's controller allows; validates like create.
  // r.version != 0 must match the stored version (else a "conflict" kFailedPrecondition).
  Result<resources::Resource> update_spec(const resources::Resource& r);
  // Stops the resource's work without deleting it (the kind decides what that means).
  Status cancel(const std::string& kind, const std::string& name);
  // Deletes the resource's children (the kinds its controller names), then the resource now
  // or, for a resource whose work must stop first, once its controller has stopped it.
  // Returns the resource as it was when deletion was requested.
  Result<resources::Resource> remove(const std::string& kind, const std::string& name);

  // ---- for controllers ----
  // Writes r (labels, spec, status) if the stored version is still r.version (0: whatever it
  // is) and publishes MODIFIED.
  Result<resources::Resource> write(const resources::Resource& r);
  // write() regardless of the stored version: for a controller that serializes its own writes.
  Result<resources::Resource> update_status(const resources::Resource& r);
  // Read-modify-write of one resource: `edit` changes the current resource and returns true to
  // write it (false: leave it). On a version conflict the resource is read again and `edit`
  // runs again, so `edit` must have no side effects. Returns the resource as stored after.
  Result<resources::Resource> mutate(const std::string& kind, const std::string& name,
                                     const std::function<bool(resources::Resource&)>& edit);
  // Removes a stored resource and publishes DELETED (a controller ending a deferred removal).
  Status erase(const resources::Resource& r);
  Status append_log(const std::string& kind, const std::string& name,
                    const std::vector<std::string>& lines);
  store::ResourceStore& store() { return *store_; }

  // Watch: `fn` is called (from the writer's thread, must not block) for every change of
  // `kind` ("" = all kinds). Returns a token for unsubscribe.
  int64_t subscribe(const std::string& kind, std::function<void(const ResourceEvent&)> fn);
  void unsubscribe(int64_t token);

  // Prometheus text: resources created, by kind.
  std::string metrics_text();

 private:
  void publish(const std::string& type, const resources::Resource& r);
  KindController* controller_of(const std::string& kind) const;

  const std::unique_ptr<store::ResourceStore> store_;
  Clock* const clock_;
  std::map<std::string, KindController*> controllers_;  // fixed after wiring
  std::function<void()> wake_;                          // fixed after wiring

  std::mutex metrics_mu_;
  std::map<std::string, int64_t> created_total_;  // GUARDED_BY(metrics_mu_): by kind

  std::mutex subs_mu_;
  struct Sub {
    std::string kind;
    std::function<void(const ResourceEvent&)> fn;
  };
  int64_t next_sub_ = 1;          // GUARDED_BY(subs_mu_)
  std::map<int64_t, Sub> subs_;   // GUARDED_BY(subs_mu_)
};

}  // namespace eddy::controlplane
