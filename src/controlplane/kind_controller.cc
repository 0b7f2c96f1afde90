// The registry of KindControllers and the recipe's defaults (kind_controller.h).
#include "controlplane/kind_controller.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "controlplane/resource_service.h"
#include "controlplane/task_scheduler.h"

namespace eddy::controlplane {
namespace {

struct Registry {
  std::mutex mu;
  std::vector<RegisteredController> controllers;  // GUARDED_BY(mu)
};

Registry& registry() {
  static Registry* r = new Registry();  // used by static initializers; never destroyed
  return *r;
}

}  // namespace

std::string owner_label_value(const resources::Resource& owner) {
  std::string kind = owner.kind;
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return kind + "." + owner.name;
}

bool register_controller(const std::string& kind, ControllerFactory factory, int pass_order) {
  Registry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  r.controllers.push_back(RegisteredController{kind, std::move(factory), pass_order});
  return true;
}

std::vector<RegisteredController> registered_controllers() {
  Registry& r = registry();
  std::vector<RegisteredController> out;
  {
    std::lock_guard<std::mutex> l(r.mu);
    out = r.controllers;
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.pass_order != b.pass_order ? a.pass_order < b.pass_order : a.kind < b.kind;
  });
  return out;
}

Result<resources::Resource> KindController::apply_spec(ResourceService& rs,
                                                      const resources::Resource& current,
                                                      const resources::Resource& next) {
  if (current.spec != next.spec)
    return failed_precondition(current.kind + " '" + current.name +
                               "': spec cannot change after creation (only labels can)");
  resources::Resource updated = current;
  updated.labels = next.labels;
  return rs.write(updated);  // conditional on current.version
}

Result<Removal> removal_after_cancel(Services& s, const resources::Resource& r) {
  if (s.tasks.cancel(TaskKey{r.kind, r.name}) != CancelOutcome::kKilling) return Removal::kNow;
  EDDY_RETURN_IF_ERROR(s.resources
                           .mutate(r.kind, r.name,
                                   [](resources::Resource& cur) {
                                     cur.status["deleteRequested"] = true;
                                     return true;
                                   })
                           .status());
  return Removal::kLater;
}

Status KindController::cancel(const resources::Resource& r) {
  return invalid_argument(r.kind + " cannot be cancelled");
}

}  // namespace eddy::controlplane
