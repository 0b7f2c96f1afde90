// Readers of status fields for table columns: a missing or ill-typed field reads as empty / 0
// (a resource's status is written by the server, but a column must never throw).
#pragma once

#include <cstdint>
#include <string>

#include "resources/resource.h"

namespace eddy::resources {

std::string status_string(const Resource& r, const std::string& key);
int64_t status_int(const Resource& r, const std::string& key);
double status_number(const Resource& r, const std::string& object, const std::string& key);
std::string spec_text(const Resource& r, const std::string& key);  // any spec value as text
// The cluster a resource runs on: spec.cluster, else the one the server chose (status.cluster:
// the default cluster), else "".
std::string cluster_text(const Resource& r);
std::string format_seconds(double s);  // "12.3"

}  // namespace eddy::resources
