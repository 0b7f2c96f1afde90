// How a Status becomes an HTTP answer: the ONE table StatusCode → HTTP status (docs/api.md)
// and the error bodies of the three APIs that share the port:
//   native (/v1/...)       {"error": {"code": "InvalidArgument", "message": "..."}}
//   Livy (/sessions, ...)  {"msg": "..."}
//   EMR (POST / + X-Amz-Target)  HTTP 4xx/5xx, header x-amzn-ErrorType: TYPE,
//                          {"__type": "TYPE", "message": "..."} (the AWS JSON 1.1 protocol that
//                          botocore parses into ClientError)
// Pure functions; thread-safe.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace eddy::server {

// InvalidArgument 400, PermissionDenied 403, NotFound 404, AlreadyExists 409,
// FailedPrecondition 409, Unimplemented 400, Unavailable 503, everything else 500.
int http_status_for(StatusCode code);
// The wire name of a code: "InvalidArgument", "NotFound", ... ("Internal" for kInternal).
const char* wire_code_name(StatusCode code);

// Sets status, Content-Type application/json and a compact JSON body.
void set_json(httplib::Response& res, int http_status, const nlohmann::json& body);

// Native API errors.
nlohmann::json native_error_body(const Status& status);
void set_native_error(httplib::Response& res, const Status& status);

// Livy errors: {"msg": message}. The first form maps the code through the table.
void set_livy_error(httplib::Response& res, const Status& status);
void set_livy_error(httplib::Response& res, int http_status, const std::string& msg);

// EMR (AWS JSON 1.1) errors. `type` is the AWS error code ("InvalidRequestException").
inline constexpr const char* kEmrContentType = "application/x-amz-json-1.1";
void set_emr_error(httplib::Response& res, int http_status, const std::string& type,
                   const std::string& message);
// A Status as EMR reports it: 4xx codes → 400 InvalidRequestException, others → 500
// InternalServerException.
void set_emr_error(httplib::Response& res, const Status& status);

}  // namespace eddy::server
