#include "store/resource_row.h"

#include <cctype>
#include <cstdio>

#include "common/random.h"

namespace eddy::store {

std::string new_uid() {
  // 128 bits from the kernel's entropy source (random_seed), as a version 4 UUID.
  uint8_t b[16];
  for (int i = 0; i < 16; i += 8) {
    const uint64_t v = random_seed();
    for (int k = 0; k < 8; ++k) b[i + k] = static_cast<uint8_t>(v >> (8 * k));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

Status check_create(const resources::Resource& r) {
  if (r.kind.empty()) return invalid_argument("kind: must not be empty");
  if (r.name.empty()) return Status::ok();
  return resources::validate_name(r.name, "metadata.name");
}

std::string auto_name(const std::string& kind, int64_t id) {
  std::string n;
  for (char c : kind) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n + "-" + std::to_string(id);
}

void assign_created(resources::Resource* r, int64_t id, int64_t version, int64_t now) {
  r->api_version = resources::kApiVersion;
  r->id = id;
  r->version = version;
  r->created_ms = now;
  r->uid = new_uid();
  if (r->name.empty()) r->name = auto_name(r->kind, id);
}

std::string encode_doc(const resources::Resource& r) {
  return resources::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<resources::Resource> decode_row(const std::string& store, const std::string& doc,
                                       int64_t id, const std::string& uid, int64_t version,
                                       int64_t created_ms) {
  nlohmann::json j = nlohmann::json::parse(doc, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return data_loss(store + ": stored document of id " + std::to_string(id) + " is not JSON");
  auto r = resources::from_json(j, /*trusted=*/true);
  if (!r.is_ok()) return data_loss(store + ": stored document: " + r.status().message());
  r->id = id;
  r->uid = uid;
  r->version = version;
  r->created_ms = created_ms;
  return r;
}

Status already_exists(const std::string& kind, const std::string& name) {
  return {StatusCode::kAlreadyExists, kind + " '" + name + "' already exists"};
}

Status missing(const std::string& kind, const std::string& name) {
  return not_found(kind + " '" + name + "' not found");
}

Status missing_id(const std::string& kind, int64_t id) {
  return not_found(kind + " with id " + std::to_string(id) + " not found");
}

Status conflict(const std::string& kind, const std::string& name, int64_t stored,
                int64_t given) {
  return failed_precondition("conflict: " + kind + " '" + name + "' is at resourceVersion " +
                             std::to_string(stored) + ", the update was based on " +
                             std::to_string(given) + "; read it again and retry");
}

Status check_log_range(int64_t from) {
  if (from < 0) return invalid_argument("from: must be >= 0, got " + std::to_string(from));
  return Status::ok();
}

}  // namespace eddy::store
