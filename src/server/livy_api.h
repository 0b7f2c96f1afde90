// LivyApi: Apache Livy 0.8's REST API (/sessions, /batches; shapes and codes of Livy's own
// servlets, /work/shared/specs/livy-rest-api.md) as a thin adapter onto Session, Statement and
// Batch resources of the ControlPlane. What differs from Livy (kinds, statement outputs) is in
// docs/livy.md.
//
// Ids: a Livy id is the resource's per-kind id (Resource::id); resources are named
// "session-<id>" / "batch-<id>" by the store; Livy's `name` is kept as spec.livyName and a path
// segment that is not all digits is looked up by it, as Livy does.
//
// Every answer is application/json; errors are {"msg": "..."} with Livy's codes (404
// "Session '7' not found." for an unknown session or batch).
//
// Thread-safety: stateless apart from the ControlPlane pointer; handlers run concurrently.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "resources/resource.h"
#include "server/routes.h"

namespace eddy::controlplane {
class ControlPlane;
}

namespace eddy::server {

// JSON views of resources as Livy's clients read them (exposed for tests). `log` is the tail
// shown in the view (Livy shows the last 10 lines).
nlohmann::json livy_session_view(const resources::Resource& session,
                                 const std::vector<std::string>& log);
nlohmann::json livy_batch_view(const resources::Resource& batch,
                               const std::vector<std::string>& log);
nlohmann::json livy_statement_view(const resources::Resource& statement);

// Completion candidates (Livy's POST /sessions/{id}/completion) for the word that ends at
// `cursor` in `code`: SQL keywords, functions and the session's views for kind sql; manifest
// keys, kinds and step names for kind eddy. Sorted, without duplicates; empty for an empty word.
std::vector<std::string> completion_candidates(const std::string& kind, const std::string& code,
                                               size_t cursor,
                                               const std::vector<std::string>& tables);

class LivyApi {
 public:
  explicit LivyApi(controlplane::ControlPlane* control_plane) : cp_(control_plane) {}
  void add_routes(std::vector<Route>* routes);

 private:
  // Livy's resources: "Session" for /sessions, "Batch" for /batches.
  Result<resources::Resource> find(const std::string& kind, const std::string& id_or_name);
  std::vector<std::string> log_tail(const resources::Resource& r, int64_t lines);
  nlohmann::json view(const resources::Resource& r);

  void list(const std::string& kind, const httplib::Request& req, httplib::Response& res);
  void get(const std::string& kind, const httplib::Request& req, httplib::Response& res);
  void state(const std::string& kind, const httplib::Request& req, httplib::Response& res);
  void remove(const std::string& kind, const httplib::Request& req, httplib::Response& res);
  void log(const std::string& kind, const httplib::Request& req, httplib::Response& res);
  void create_session(const httplib::Request& req, httplib::Response& res);
  void create_batch(const httplib::Request& req, httplib::Response& res);
  void list_statements(const httplib::Request& req, httplib::Response& res);
  void add_statement(const httplib::Request& req, httplib::Response& res);
  void get_statement(const httplib::Request& req, httplib::Response& res);
  void cancel_statement(const httplib::Request& req, httplib::Response& res);
  void connect(const httplib::Request& req, httplib::Response& res);
  void stop(const httplib::Request& req, httplib::Response& res);
  void interrupt(const httplib::Request& req, httplib::Response& res);
  void completion(const httplib::Request& req, httplib::Response& res);
  // A session's statement by its Livy id (kNotFound "Statement not found").
  Result<resources::Resource> find_statement(const resources::Resource& session,
                                             const std::string& sid);

  controlplane::ControlPlane* cp_;
};

}  // namespace eddy::server
