// The registry of KindControllers (kind_controller.h).
#include "controllers/kind_controller.h"

#include <algorithm>
#include <cctype>
#include <mutex>

namespace eddy::controllers {
namespace {

struct Registry {
  std::mutex mu;
  std::vector<std::pair<std::string, ControllerFactory>> controllers;  // GUARDED_BY(mu)
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

bool register_controller(const std::string& kind, ControllerFactory factory) {
  Registry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  r.controllers.emplace_back(kind, std::move(factory));
  return true;
}

std::vector<std::pair<std::string, ControllerFactory>> registered_controllers() {
  Registry& r = registry();
  std::lock_guard<std::mutex> l(r.mu);
  return r.controllers;
}

}  // namespace eddy::controllers
