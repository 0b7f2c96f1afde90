// KindController: the behaviour of a kind that lives in a folder of its own, src/kinds/<kind>/
// (kind.cc registers its KindInfo, controller.cc its KindController; docs/ARCHITECTURE.md).
// Such kinds build on the core ones the way Kubernetes controllers build on Jobs and Pods: a
// BatchJob's controller submits a Batch and mirrors its state; a TrainingJob's will do the same
// with its own child resources. They use only ControlPlane's public API.
//
// Children carry the label kOwnerLabel = "<kind lowercase>.<name>" of their owner; deleting the
// owner deletes them (ControlPlane::remove).
//
// Thread-safety: reconcile() is called from the control plane's reconcile thread only (or from
// reconcile_now()), never with the control plane's lock held, so it may call any of its public
// methods. It must not block for long: it runs once per pass for every resource of its kind.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "resources/resource.h"

namespace eddy::controllers {

class ControlPlane;

inline constexpr const char* kOwnerLabel = "eddy.dev/owner";

// The label value that marks a resource's children: "batchjob.nightly".
std::string owner_label_value(const resources::Resource& owner);

class KindController {
 public:
  virtual ~KindController() = default;
  // Brings `r` toward its spec: creates or reads its children through `cp` and writes r's
  // status with cp.update_status(). Errors are the controller's to record in that status.
  virtual void reconcile(ControlPlane& cp, const resources::Resource& r) = 0;
};

using ControllerFactory = std::function<std::unique_ptr<KindController>()>;

// Registers the controller of `kind` (from a static initializer in the kind's folder; the
// folder is linked as an object library so that the initializer is kept).
bool register_controller(const std::string& kind, ControllerFactory factory);
// Every registered (kind, factory), in registration order.
std::vector<std::pair<std::string, ControllerFactory>> registered_controllers();

}  // namespace eddy::controllers
