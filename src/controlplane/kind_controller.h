// The kind recipe: how every kind `eddy serve` manages gets its behaviour. A kind is one folder,
// src/kinds/<kind>/: kind.cc registers its schema (resources::KindInfo: names, validation,
// columns) and controller.cc registers a KindController built from the Services below. Cluster,
// Session, Statement, Batch and BatchJob are all made this way; the ML and workflow kinds will be.
//
// A controller works only through the services: the resource service (read and write
// resources, its own included), the task scheduler (run work on cluster workers) and the worker
// fleet (the workers themselves; only the Cluster kind launches and stops them). Children carry
// the label kOwnerLabel = "<kind lowercase>.<name>" of their owner and are deleted before it.
//
// Hooks and their threads: admit/created/apply_spec/cancel/remove run on the HTTP thread of the
// request that caused them; pass/reconcile on the reconcile thread, and reconcile also on the
// thread of whatever asked Services::reconcile (a child's change reaching its owner). None is
// called with a control-plane lock held, so each may call any service. A controller that
// needs its own writes serialized (Cluster) keeps its own mutex; others write with
// ResourceService::mutate (optimistic concurrency).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "controlplane/options.h"
#include "resources/resource.h"

namespace eddy::controlplane {

class ResourceService;
class TaskScheduler;
class WorkerFleet;

inline constexpr const char* kOwnerLabel = "eddy.dev/owner";

// Epoch milliseconds of a clock reading: the unit of every time in a status.
inline int64_t to_ms(Micros t) { return t / 1000; }

// The label value that marks a resource's children: "batchjob.nightly".
std::string owner_label_value(const resources::Resource& owner);

// What a controller may use. Owned by the ControlPlane, valid for the controller's lifetime.
struct Services {
  ResourceService& resources;
  TaskScheduler& tasks;
  WorkerFleet& fleet;
  const ControlPlaneOptions& options;
  Clock& clock;
  // Runs the controller of `kind` on the named resource now (no-op when it is gone).
  std::function<void(const std::string& kind, const std::string& name)> reconcile;
  // Asks for a reconcile pass soon (from any thread; never blocks).
  std::function<void()> wake;
};

// What deletion of a resource does once its children are gone.
enum class Removal {
  kNow,    // the resource service removes it and publishes DELETED
  kLater,  // the controller removes it itself once its work has stopped (ResourceService::erase)
};

class KindController {
 public:
  virtual ~KindController() = default;

  // Before a new resource is stored: fills its initial status, may refuse it (a Batch naming
  // a cluster that does not exist, a path outside the server's confinement).
  virtual Status admit(resources::Resource& r) {
    (void)r;
    return Status::ok();
  }
  // After it is stored and ADDED published: starts its work (queues its task, ...). A
  // controller that writes the resource here leaves the result in `r` (the creator's answer).
  virtual void created(resources::Resource& r) { (void)r; }
  // A new spec and labels for `current` (update_spec; the version was checked). Default: the
  // spec is fixed after creation, only labels change. Writes through `rs` and returns the
  // stored result.
  virtual Result<resources::Resource> apply_spec(ResourceService& rs,
                                                 const resources::Resource& current,
                                                 const resources::Resource& next);
  // Stops the resource's work without deleting it (Livy's cancel and kill, EMR's terminate).
  virtual Status cancel(const resources::Resource& r);
  // Deletion was asked and the children are gone.
  virtual Result<Removal> remove(const resources::Resource& r) {
    (void)r;
    return Removal::kNow;
  }
  // The kinds whose resources this kind creates as children (searched on deletion).
  virtual std::vector<std::string> child_kinds() const { return {}; }

  // At server start, before the first pass: rebuild in-memory state (queues, workers) from
  // the store.
  virtual Status restore() { return Status::ok(); }
  // Once per reconcile pass, before reconcile() of each resource.
  virtual void pass() {}
  // Whether every pass reconciles every resource of the kind (Cluster, Session, BatchJob), or
  // only Services::reconcile does (Batch, Statement: their events come from the scheduler).
  virtual bool periodic() const { return true; }
  // Brings `r` toward its spec. Errors are the controller's to record in r's status.
  virtual void reconcile(const resources::Resource& r) { (void)r; }
};

// For a kind whose resources run as tasks (Batch, Statement), after its cancel(): removal is
// immediate unless the task still runs; then the resource is marked deleteRequested and its
// TaskOwner::finished() removes it once the worker has killed the task.
Result<Removal> removal_after_cancel(Services& s, const resources::Resource& r);

using ControllerFactory = std::function<std::unique_ptr<KindController>(Services&)>;

// Registers the controller of `kind` from a static initializer in the kind's folder (linked as
// an object library so that the initializer is kept). Passes run controllers in ascending
// `pass_order` (Cluster first: sessions and jobs read its state), then by kind name.
bool register_controller(const std::string& kind, ControllerFactory factory, int pass_order = 100);

struct RegisteredController {
  std::string kind;
  ControllerFactory factory;
  int pass_order = 100;
};
// Every registered controller, in pass order.
std::vector<RegisteredController> registered_controllers();

}  // namespace eddy::controlplane
