// Statement: one piece of code run in a Session (docs/api.md#statement). Created through the
// session (Livy POST /sessions/{id}/statements), never directly by users.
#include "resources/kind_registry.h"
#include "resources/status_fields.h"

namespace eddy::kinds {
namespace {

using namespace resources;  // the schema helpers: spec_int, status_string, ...

Status validate_statement(nlohmann::json& spec) {
  EDDY_RETURN_IF_ERROR(reject_unknown_fields(spec, {"session", "id", "code", "kind"}));
  EDDY_ASSIGN_OR_RETURN(std::string session, spec_string(spec, "session", ""));
  if (session.empty()) return invalid_argument("spec.session: required");
  EDDY_ASSIGN_OR_RETURN(std::string code, spec_string(spec, "code", ""));
  if (code.empty()) return invalid_argument("spec.code: required (the statement's code)");
  EDDY_ASSIGN_OR_RETURN(std::string kind, spec_string(spec, "kind", "eddy"));
  if (kind != "sql" && kind != "eddy" && kind != "pyspark")
    return invalid_argument("spec.kind: '" + kind +
                            "' is not supported: supported kinds are pyspark, sql and eddy");
  EDDY_RETURN_IF_ERROR(spec_int(spec, "id", 0, 0, INT64_MAX).status());
  return Status::ok();
}

[[maybe_unused]] const bool registered = register_kind(KindInfo{
    "Statement",
    "statements",
    {"statement", "st"},
    false,
    validate_statement,
    {
        {"SESSION", [](const Resource& r) { return spec_text(r, "session"); }, false},
        {"ID", [](const Resource& r) { return spec_text(r, "id"); }, false},
        {"KIND", [](const Resource& r) { return spec_text(r, "kind"); }, false},
        {"STATE", [](const Resource& r) { return status_string(r, "state"); }, false},
        {"WORKER", [](const Resource& r) { return status_string(r, "worker"); }, true},
    }});

}  // namespace
}  // namespace eddy::kinds
