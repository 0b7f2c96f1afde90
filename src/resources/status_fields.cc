#include "resources/status_fields.h"

#include <cstdio>

namespace eddy::resources {

std::string status_string(const Resource& r, const std::string& key) {
  auto it = r.status.find(key);
  if (it == r.status.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

int64_t status_int(const Resource& r, const std::string& key) {
  auto it = r.status.find(key);
  if (it == r.status.end() || !it->is_number()) return 0;
  return it->get<int64_t>();
}

double status_number(const Resource& r, const std::string& object, const std::string& key) {
  auto it = r.status.find(object);
  if (it == r.status.end() || !it->is_object()) return 0;
  auto v = it->find(key);
  if (v == it->end() || !v->is_number()) return 0;
  return v->get<double>();
}

std::string spec_text(const Resource& r, const std::string& key) {
  auto it = r.spec.find(key);
  if (it == r.spec.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

std::string cluster_text(const Resource& r) {
  std::string c = spec_text(r, "cluster");
  return c.empty() ? status_string(r, "cluster") : c;
}

}  // namespace eddy::resources
