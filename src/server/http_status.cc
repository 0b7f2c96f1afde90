#include "server/http_status.h"

namespace eddy::server {
namespace {

struct StatusRow {
  StatusCode code;
  int http;
  const char* wire;
};

// The table (docs/api.md "Status mapping"). Unimplemented is 400, not 501: it answers a request
// for something Eddy deliberately does not do (a Spark kind, a backend not built), which the
// user must change, rather than a missing route.
constexpr StatusRow kStatusTable[] = {
    {StatusCode::kOk, 200, "Ok"},
    {StatusCode::kInvalidArgument, 400, "InvalidArgument"},
    {StatusCode::kNotFound, 404, "NotFound"},
    {StatusCode::kAlreadyExists, 409, "AlreadyExists"},
    {StatusCode::kFailedPrecondition, 409, "FailedPrecondition"},
    {StatusCode::kDataLoss, 500, "DataLoss"},
    {StatusCode::kIoError, 500, "IoError"},
    {StatusCode::kUnavailable, 503, "Unavailable"},
    {StatusCode::kDeadlineExceeded, 500, "DeadlineExceeded"},
    {StatusCode::kPermissionDenied, 403, "PermissionDenied"},
    {StatusCode::kUnimplemented, 400, "Unimplemented"},
    {StatusCode::kInternal, 500, "Internal"},
};

const StatusRow* row_for(StatusCode code) {
  for (const auto& row : kStatusTable)
    if (row.code == code) return &row;
  return nullptr;
}

}  // namespace

int http_status_for(StatusCode code) {
  const StatusRow* row = row_for(code);
  return row ? row->http : 500;
}

const char* wire_code_name(StatusCode code) {
  const StatusRow* row = row_for(code);
  return row ? row->wire : "Internal";
}

void set_json(httplib::Response& res, int http_status, const nlohmann::json& body) {
  res.status = http_status;
  // Replacement, not strict: resources hold user strings that may not be valid UTF-8.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

nlohmann::json native_error_body(const Status& status) {
  return {{"error", {{"code", wire_code_name(status.code())}, {"message", status.message()}}}};
}

void set_native_error(httplib::Response& res, const Status& status) {
  set_json(res, http_status_for(status.code()), native_error_body(status));
}

void set_livy_error(httplib::Response& res, const Status& status) {
  set_livy_error(res, http_status_for(status.code()), status.message());
}

void set_livy_error(httplib::Response& res, int http_status, const std::string& msg) {
  set_json(res, http_status, {{"msg", msg}});
}

void set_emr_error(httplib::Response& res, int http_status, const std::string& type,
                   const std::string& message) {
  res.status = http_status;
  res.set_header("x-amzn-ErrorType", type);
  nlohmann::json body = {{"__type", type}, {"message", message}};
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  kEmrContentType);
}

void set_emr_error(httplib::Response& res, const Status& status) {
  const int http = http_status_for(status.code());
  if (http < 500) {
    set_emr_error(res, 400, "InvalidRequestException", status.message());
  } else {
    set_emr_error(res, 500, "InternalServerException", status.message());
  }
}

}  // namespace eddy::server
