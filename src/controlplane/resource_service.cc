#include "controlplane/resource_service.h"

#include <sstream>

#include "common/log.h"
#include "resources/kind_registry.h"

namespace eddy::controlplane {

using resources::Resource;

namespace {

constexpr int kMutateAttempts = 16;

bool is_conflict(const Status& s) {
  return s.code() == StatusCode::kFailedPrecondition && s.message().rfind("conflict:", 0) == 0;
}

}  // namespace

ResourceService::ResourceService(std::unique_ptr<store::ResourceStore> store, Clock* clock)
    : store_(std::move(store)), clock_(clock) {}

void ResourceService::set_controllers(std::map<std::string, KindController*> by_kind) {
  controllers_ = std::move(by_kind);
}

void ResourceService::set_wake(std::function<void()> wake) { wake_ = std::move(wake); }

KindController* ResourceService::controller_of(const std::string& kind) const {
  auto it = controllers_.find(kind);
  return it == controllers_.end() ? nullptr : it->second;
}

void ResourceService::publish(const std::string& type, const Resource& r) {
  ResourceEvent ev{type, r};
  std::lock_guard<std::mutex> l(subs_mu_);
  for (auto& [token, sub] : subs_)
    if (sub.kind.empty() || sub.kind == r.kind) sub.fn(ev);
}

int64_t ResourceService::subscribe(const std::string& kind,
                                   std::function<void(const ResourceEvent&)> fn) {
  std::lock_guard<std::mutex> l(subs_mu_);
  int64_t token = next_sub_++;
  subs_[token] = Sub{kind, std::move(fn)};
  return token;
}

void ResourceService::unsubscribe(int64_t token) {
  std::lock_guard<std::mutex> l(subs_mu_);
  subs_.erase(token);
}

Result<Resource> ResourceService::create(Resource r) {
  const resources::KindInfo* info = resources::find_kind(r.kind);
  if (info == nullptr) {
    std::string known;
    for (const auto* k : resources::all_kinds()) known += (known.empty() ? "" : ", ") + k->kind;
    return invalid_argument("kind: unknown kind '" + r.kind + "' (known: " + known + ")");
  }
  r.kind = info->kind;
  if (!r.name.empty()) EDDY_RETURN_IF_ERROR(resources::validate_name(r.name, "metadata.name"));
  EDDY_RETURN_IF_ERROR(resources::reject_nul_bytes(r.spec, "spec"));
  EDDY_RETURN_IF_ERROR(info->validate_spec(r.spec));
  r.status = nlohmann::json::object();
  KindController* controller = controller_of(r.kind);
  if (controller != nullptr) EDDY_RETURN_IF_ERROR(controller->admit(r));
  EDDY_ASSIGN_OR_RETURN(Resource stored, store_->create(std::move(r)));
  {
    std::lock_guard<std::mutex> l(metrics_mu_);
    created_total_[stored.kind]++;
  }
  publish("ADDED", stored);
  if (controller != nullptr) controller->created(stored);
  if (wake_) wake_();
  return stored;
}

Result<Resource> ResourceService::get(const std::string& kind, const std::string& name) {
  return store_->get(kind, name);
}

Result<Resource> ResourceService::get_by_id(const std::string& kind, int64_t id) {
  return store_->get_by_id(kind, id);
}

Result<std::vector<Resource>> ResourceService::list(const std::string& kind,
                                                    const resources::LabelSelector& sel) {
  return store_->list(kind, sel);
}

Result<Resource> ResourceService::update_spec(const Resource& r) {
  const resources::KindInfo* info = resources::find_kind(r.kind);
  if (info == nullptr) return invalid_argument("kind: unknown kind '" + r.kind + "'");
  Resource next = r;
  next.kind = info->kind;
  EDDY_RETURN_IF_ERROR(resources::reject_nul_bytes(next.spec, "spec"));
  EDDY_RETURN_IF_ERROR(info->validate_spec(next.spec));
  EDDY_ASSIGN_OR_RETURN(Resource cur, store_->get(next.kind, next.name));
  if (next.version != 0 && next.version != cur.version)
    return failed_precondition("conflict: " + next.kind + " '" + next.name + "' is at version " +
                               std::to_string(cur.version) + ", not " +
                               std::to_string(next.version));
  KindController* controller = controller_of(next.kind);
  Result<Resource> stored = controller != nullptr ? controller->apply_spec(*this, cur, next)
                                                  : KindController().apply_spec(*this, cur, next);
  if (stored.is_ok() && wake_) wake_();
  return stored;
}

Status ResourceService::cancel(const std::string& kind, const std::string& name) {
  EDDY_ASSIGN_OR_RETURN(Resource r, store_->get(kind, name));
  KindController* controller = controller_of(r.kind);
  if (controller == nullptr) return invalid_argument(r.kind + " cannot be cancelled");
  return controller->cancel(r);
}

Result<Resource> ResourceService::remove(const std::string& kind, const std::string& name) {
  EDDY_ASSIGN_OR_RETURN(Resource r, store_->get(kind, name));
  KindController* controller = controller_of(r.kind);
  if (controller != nullptr) {
    resources::LabelSelector owned;
    owned.terms.push_back(
        {kOwnerLabel, resources::LabelSelector::Term::Op::kEquals, owner_label_value(r)});
    for (const std::string& child_kind : controller->child_kinds()) {
      for (const Resource& child : store_->list(child_kind, owned).value_or({})) {
        auto removed = remove(child.kind, child.name);
        if (!removed.is_ok() && removed.status().code() != StatusCode::kNotFound)
          return removed.status().with_context("deleting " + child.kind + " " + child.name);
      }
    }
  }
  Removal how = Removal::kNow;
  if (controller != nullptr) {
    EDDY_ASSIGN_OR_RETURN(how, controller->remove(r));
  }
  if (how == Removal::kNow) {
    Status s = store_->remove(r.kind, r.name);
    if (!s.is_ok() && s.code() != StatusCode::kNotFound) return s;
    if (s.is_ok()) publish("DELETED", r);
  }
  if (wake_) wake_();
  return r;
}

Result<Resource> ResourceService::write(const Resource& r) {
  EDDY_ASSIGN_OR_RETURN(Resource stored, store_->update(r));
  publish("MODIFIED", stored);
  return stored;
}

Result<Resource> ResourceService::update_status(const Resource& r) {
  Resource copy = r;
  copy.version = 0;
  return write(copy);
}

Result<Resource> ResourceService::mutate(const std::string& kind, const std::string& name,
                                         const std::function<bool(Resource&)>& edit) {
  for (int attempt = 0;; ++attempt) {
    EDDY_ASSIGN_OR_RETURN(Resource cur, store_->get(kind, name));
    if (!edit(cur)) return cur;
    auto stored = write(cur);  // cur.version is the one read: a conditional write
    if (stored.is_ok() || !is_conflict(stored.status()) || attempt + 1 >= kMutateAttempts)
      return stored;
  }
}

Status ResourceService::erase(const Resource& r) {
  EDDY_RETURN_IF_ERROR(store_->remove(r.kind, r.name));
  publish("DELETED", r);
  return Status::ok();
}

Status ResourceService::append_log(const std::string& kind, const std::string& name,
                                   const std::vector<std::string>& lines) {
  return store_->append_log(kind, name, lines);
}

std::string ResourceService::metrics_text() {
  std::ostringstream o;
  std::lock_guard<std::mutex> l(metrics_mu_);
  o << "# HELP eddy_resources_created_total Resources created since the server started.\n"
       "# TYPE eddy_resources_created_total counter\n";
  for (const auto& [kind, n] : created_total_)
    o << "eddy_resources_created_total{kind=\"" << kind << "\"} " << n << "\n";
  return o.str();
}

}  // namespace eddy::controlplane
