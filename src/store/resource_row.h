// What the SQLite and PostgreSQL stores share: how a resource becomes a row and back, the
// checks a create must pass before it touches the database, the uid generator, and the
// messages users see (so both stores say the same thing for the same failure).
//
// Row shape (both databases): resources(kind, name, id, uid, version, created_ms, doc), where
// `doc` is resources::to_json of the stored resource. The columns are authoritative for the
// store-assigned fields; `doc` carries the rest (labels, spec, status).
// All functions are pure except new_uid (reads the system's random source); thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "resources/resource.h"

namespace eddy::store {

// A random (version 4) UUID: "8f14e45f-ceea-467f-a0e6-7b0b5e6c1e2a".
std::string new_uid();

// Checks `r` before create: kind non-empty, name empty (to be assigned) or a valid name.
Status check_create(const resources::Resource& r);
// The name create assigns when none is given: "<lower-case kind>-<id>" ("cluster-3").
std::string auto_name(const std::string& kind, int64_t id);

// Fills the store-assigned fields of a new resource.
void assign_created(resources::Resource* r, int64_t id, int64_t version, int64_t now_ms);

// The JSON text kept in `doc`; invalid UTF-8 in strings is replaced, never an exception.
std::string encode_doc(const resources::Resource& r);
// Reads a row back; the columns override what `doc` says. kDataLoss names `store` if the doc
// is not a resource.
Result<resources::Resource> decode_row(const std::string& store, const std::string& doc,
                                       int64_t id, const std::string& uid, int64_t version,
                                       int64_t created_ms);

Status already_exists(const std::string& kind, const std::string& name);  // "Cluster 'x' already exists"
Status missing(const std::string& kind, const std::string& name);         // "Cluster 'x' not found"
Status missing_id(const std::string& kind, int64_t id);                   // "Cluster with id 3 not found"
// "conflict: Cluster 'x' is at resourceVersion 7, the update was based on 5; ..."
Status conflict(const std::string& kind, const std::string& name, int64_t stored, int64_t given);
// read_log arguments: from >= 0.
Status check_log_range(int64_t from);

}  // namespace eddy::store
