// Statements of a Livy session, for the Livy adapter and the Session controller: numbering a
// new statement and listing a session's. A statement's id is its session's next statement
// number; its name "<session>-s<n>"; it carries the label eddy.dev/session=<session>.
//
// Thread-safety: add_statement serializes the numbering of one server's statements (a
// process-wide mutex: numbers are dense and never reused).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "controlplane/resource_service.h"
#include "resources/resource.h"

namespace eddy::kinds {

inline constexpr const char* kSessionLabel = "eddy.dev/session";

// Livy POST /sessions/{id}/statements: refused for a session that has ended, and (on a
// confined server) for paths outside the confinement before a number is taken.
Result<resources::Resource> add_statement(controlplane::ResourceService& rs,
                                          const std::string& session, const std::string& code,
                                          const std::string& kind);
Result<std::vector<resources::Resource>> list_statements(controlplane::ResourceService& rs,
                                                         const std::string& session);

}  // namespace eddy::kinds
