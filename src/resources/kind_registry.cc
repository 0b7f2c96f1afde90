#include "resources/kind_registry.h"

#include <algorithm>
#include <memory>
#include <mutex>

namespace eddy::resources {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Filled by static initializers (one per kind file) before main(); read-only afterwards.
std::vector<std::unique_ptr<KindInfo>>& registry() {
  static auto* kinds = new std::vector<std::unique_ptr<KindInfo>>();
  return *kinds;
}

std::string type_name(const nlohmann::json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  return "null";
}

}  // namespace

bool register_kind(KindInfo info) {
  registry().push_back(std::make_unique<KindInfo>(std::move(info)));
  return true;
}

const KindInfo* find_kind(const std::string& name) {
  std::string n = lower(name);
  for (const auto& k : registry()) {
    if (lower(k->kind) == n || k->plural == n) return k.get();
    if (std::find(k->short_names.begin(), k->short_names.end(), n) != k->short_names.end())
      return k.get();
  }
  return nullptr;
}

std::vector<const KindInfo*> all_kinds() {
  std::vector<const KindInfo*> out;
  for (const auto& k : registry()) out.push_back(k.get());
  std::sort(out.begin(), out.end(),
            [](const KindInfo* a, const KindInfo* b) { return a->kind < b->kind; });
  return out;
}

Result<int64_t> spec_int(const nlohmann::json& spec, const std::string& key, int64_t dflt,
                         int64_t lo, int64_t hi) {
  if (!spec.contains(key) || spec[key].is_null()) return dflt;
  const auto& v = spec[key];
  if (v.is_number_integer()) {
    int64_t x = v.get<int64_t>();
    if (x >= lo && x <= hi) return x;
  }
  return invalid_argument("spec." + key + ": expected an integer between " + std::to_string(lo) +
                          " and " + std::to_string(hi) + ", got " + v.dump());
}

Result<std::string> spec_string(const nlohmann::json& spec, const std::string& key,
                                const std::string& dflt) {
  if (!spec.contains(key) || spec[key].is_null()) return dflt;
  const auto& v = spec[key];
  if (v.is_string()) return v.get<std::string>();
  return invalid_argument("spec." + key + ": expected a string, got " + type_name(v));
}

Result<bool> spec_bool(const nlohmann::json& spec, const std::string& key, bool dflt) {
  if (!spec.contains(key) || spec[key].is_null()) return dflt;
  const auto& v = spec[key];
  if (v.is_boolean()) return v.get<bool>();
  return invalid_argument("spec." + key + ": expected true or false, got " + v.dump());
}

Status reject_unknown_fields(const nlohmann::json& spec, const std::vector<std::string>& known,
                             const std::string& prefix) {
  if (!spec.is_object()) return invalid_argument(prefix + ": expected an object");
  for (const auto& [k, v] : spec.items()) {
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    std::string list;
    for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
    return invalid_argument(prefix + "." + k + ": unknown field (known: " + list + ")");
  }
  return Status::ok();
}

}  // namespace eddy::resources
