#include "resources/states.h"
#include "server/livy_api.h"

#include <algorithm>
#include <cctype>

#include "controlplane/control_plane.h"
#include "kinds/statement/statements.h"
#include "server/emr_api.h"
#include "server/livy_statement_output.h"
#include "server/http_status.h"
#include "server/request.h"

namespace eddy::server {

using nlohmann::json;

namespace {

constexpr const char* kSession = "Session";
constexpr const char* kBatch = "Batch";
constexpr const char* kStatement = "Statement";
// Livy's own view of a session carries the last 10 log lines (clientSessionView).
constexpr int64_t kViewLogLines = 10;

enum class FieldType { kString, kInt, kStringList };
struct LivyField {
  const char* name;
  FieldType type;
};

// Request fields Eddy echoes but does not act on (resources come from the cluster).
constexpr LivyField kSessionFields[] = {
    {"proxyUser", FieldType::kString},
    {"jars", FieldType::kStringList},
    {"pyFiles", FieldType::kStringList},
    {"files", FieldType::kStringList},
    {"driverMemory", FieldType::kString},
    {"driverCores", FieldType::kInt},
    {"executorMemory", FieldType::kString},
    {"executorCores", FieldType::kInt},
    {"numExecutors", FieldType::kInt},
    {"archives", FieldType::kStringList},
    {"queue", FieldType::kString},
    {"heartbeatTimeoutInSecond", FieldType::kInt},
    {"ttl", FieldType::kString},
    {"idleTimeout", FieldType::kString},
};
constexpr LivyField kBatchFields[] = {
    {"proxyUser", FieldType::kString},      {"className", FieldType::kString},
    {"args", FieldType::kStringList},       {"jars", FieldType::kStringList},
    {"pyFiles", FieldType::kStringList},    {"files", FieldType::kStringList},
    {"driverMemory", FieldType::kString},   {"driverCores", FieldType::kInt},
    {"executorMemory", FieldType::kString}, {"executorCores", FieldType::kInt},
    {"numExecutors", FieldType::kInt},      {"archives", FieldType::kStringList},
    {"queue", FieldType::kString},
};

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool supported_kind(const std::string& k) { return k == "pyspark" || k == "sql" || k == "eddy"; }

// Copies the Livy request fields in `fields` from `body` to `spec`, checking their types as
// Livy's Jackson binding would (numbers are accepted where strings are expected, as Jackson
// coerces them). null means absent.
template <size_t N>
Status copy_fields(const json& body, const LivyField (&fields)[N], json* spec) {
  for (const LivyField& f : fields) {
    auto it = body.find(f.name);
    if (it == body.end() || it->is_null()) continue;
    const json& v = *it;
    const std::string name = f.name;
    switch (f.type) {
      case FieldType::kString:
        if (v.is_string()) {
          (*spec)[name] = v;
        } else if (v.is_number()) {
          (*spec)[name] = v.dump();
        } else {
          return invalid_argument(name + ": expected a string");
        }
        break;
      case FieldType::kInt:
        if (!v.is_number_integer()) return invalid_argument(name + ": expected an integer");
        (*spec)[name] = v;
        break;
      case FieldType::kStringList: {
        if (!v.is_array()) return invalid_argument(name + ": expected a list of strings");
        json list = json::array();
        for (const auto& item : v) {
          if (item.is_string()) {
            list.push_back(item);
          } else if (item.is_number()) {
            list.push_back(item.dump());
          } else {
            return invalid_argument(name + ": expected a list of strings");
          }
        }
        (*spec)[name] = std::move(list);
        break;
      }
    }
  }
  return Status::ok();
}

// conf: Spark's string→string map. "eddy.cluster" names the cluster to run on.
Status copy_conf(const json& body, json* spec) {
  auto it = body.find("conf");
  if (it == body.end() || it->is_null()) return Status::ok();
  if (!it->is_object()) return invalid_argument("conf: expected a map of strings");
  json conf = json::object();
  for (const auto& [k, v] : it->items()) {
    if (v.is_string()) {
      conf[k] = v;
    } else if (v.is_number() || v.is_boolean()) {
      conf[k] = v.dump();
    } else {
      return invalid_argument("conf." + k + ": expected a string");
    }
  }
  if (conf.contains("eddy.cluster")) (*spec)["cluster"] = conf["eddy.cluster"];
  (*spec)["conf"] = std::move(conf);
  return Status::ok();
}

// The cluster a session or batch that names none runs on: as on EMR, where Livy runs on the
// master of the cluster that run_job_flow created, the one cluster created through the EMR API
// that is not terminated — if there is exactly one; otherwise (none, or several: which one the
// client meant is unknown) the server's default cluster.
void place_on_emr_cluster(controlplane::ControlPlane& cp, json* spec) {
  if (spec->contains("cluster")) return;
  auto clusters = cp.resources().list("Cluster");
  if (!clusters.is_ok()) return;
  std::string only;
  int live = 0;
  for (const auto& c : *clusters) {
    if (!c.labels.count(kEmrIdLabel)) continue;
    const std::string state = c.status.is_object() ? c.status.value("state", "") : "";
    auto st = resources::parse_state<resources::ClusterState>(state);
    if (st && (resources::is_terminal(*st) || *st == resources::ClusterState::kTerminating)) continue;
    ++live;
    only = c.name;
  }
  if (live == 1) (*spec)["cluster"] = only;
}

const json* status_field(const resources::Resource& r, const char* key) {
  if (!r.status.is_object()) return nullptr;
  auto it = r.status.find(key);
  return it == r.status.end() || it->is_null() ? nullptr : &*it;
}

json status_or(const resources::Resource& r, const char* key, json dflt) {
  const json* v = status_field(r, key);
  return v ? *v : dflt;
}

json spec_or(const resources::Resource& r, const char* key, json dflt) {
  if (!r.spec.is_object()) return dflt;
  auto it = r.spec.find(key);
  return it == r.spec.end() || it->is_null() ? dflt : *it;
}

json app_info(const resources::Resource& r) {
  json info = {{"driverLogUrl", nullptr}, {"sparkUiUrl", nullptr}, {"executorLogUrls", nullptr}};
  if (const json* given = status_field(r, "appInfo"); given && given->is_object())
    for (const auto& [k, v] : given->items()) info[k] = v;
  return info;
}

// The Livy id in a path: its digits, for the messages.
std::string not_found_message(const std::string& id) { return "Session '" + id + "' not found."; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// views

json livy_session_view(const resources::Resource& r, const std::vector<std::string>& log) {
  return {
      {"id", r.id},
      {"name", spec_or(r, "livyName", nullptr)},
      {"appId", status_or(r, "appId", nullptr)},
      {"owner", nullptr},
      {"proxyUser", spec_or(r, "proxyUser", nullptr)},
      {"state", status_or(r, "state", "starting")},
      {"kind", spec_or(r, "kind", "eddy")},
      {"appInfo", app_info(r)},
      {"log", log},
      {"ttl", spec_or(r, "ttl", nullptr)},
      {"driverMemory", spec_or(r, "driverMemory", nullptr)},
      {"driverCores", spec_or(r, "driverCores", 0)},
      {"executorMemory", spec_or(r, "executorMemory", nullptr)},
      {"executorCores", spec_or(r, "executorCores", 0)},
      {"conf", spec_or(r, "conf", json::object())},
      {"archives", spec_or(r, "archives", json::array())},
      {"files", spec_or(r, "files", json::array())},
      {"heartbeatTimeoutInSecond", spec_or(r, "heartbeatTimeoutInSecond", 0)},
      {"jars", spec_or(r, "jars", json::array())},
      {"numExecutors", spec_or(r, "numExecutors", 0)},
      {"pyFiles", spec_or(r, "pyFiles", json::array())},
      {"queue", spec_or(r, "queue", nullptr)},
  };
}

json livy_batch_view(const resources::Resource& r, const std::vector<std::string>& log) {
  return {
      {"id", r.id},
      {"name", spec_or(r, "livyName", nullptr)},
      {"owner", nullptr},
      {"proxyUser", spec_or(r, "proxyUser", nullptr)},
      {"state", status_or(r, "state", "starting")},
      {"appId", status_or(r, "appId", nullptr)},
      {"appInfo", app_info(r)},
      {"log", log},
  };
}

json livy_statement_view(const resources::Resource& r) {
  const json state = status_or(r, "state", "waiting");
  json progress = status_or(r, "progress", 0.0);
  const auto s = resources::state_of(r, resources::StatementState::kWaiting);
  if (s == resources::StatementState::kAvailable || s == resources::StatementState::kCancelled)
    progress = 1.0;
  return {
      {"id", spec_or(r, "id", r.id)},
      {"code", spec_or(r, "code", "")},
      {"state", state},
      {"output", livy_statement_output(r)},
      {"progress", progress},
      {"started", status_or(r, "started", 0)},
      {"completed", status_or(r, "completed", 0)},
  };
}

// ---------------------------------------------------------------------------------------------
// helpers

Result<resources::Resource> LivyApi::find(const std::string& kind, const std::string& id_or_name) {
  if (all_digits(id_or_name)) {
    if (id_or_name.size() > 18) return not_found(not_found_message(id_or_name));
    auto r = cp_->resources().get_by_id(kind, std::stoll(id_or_name));
    if (!r.is_ok() && r.status().code() == StatusCode::kNotFound)
      return not_found(not_found_message(id_or_name));
    return r;
  }
  auto all = cp_->resources().list(kind);
  if (!all.is_ok()) return all.status();
  for (auto& r : *all)
    if (r.spec.is_object() && r.spec.value("livyName", "") == id_or_name) return std::move(r);
  return not_found(not_found_message(id_or_name));
}

std::vector<std::string> LivyApi::log_tail(const resources::Resource& r, int64_t lines) {
  auto head = cp_->resources().store().read_log(r.kind, r.name, 0, 0);
  if (!head.is_ok()) return {};
  auto page =
      cp_->resources().store().read_log(r.kind, r.name, std::max<int64_t>(0, head->total - lines), lines);
  if (!page.is_ok()) return {};
  return page->lines;
}

json LivyApi::view(const resources::Resource& r) {
  std::vector<std::string> tail = log_tail(r, kViewLogLines);
  return r.kind == kBatch ? livy_batch_view(r, tail) : livy_session_view(r, tail);
}

// ---------------------------------------------------------------------------------------------
// routes

void LivyApi::add_routes(std::vector<Route>* routes) {
  const std::vector<std::string> kJson = {"application/json"};
  auto on = [this](const char* kind, void (LivyApi::*fn)(const std::string&,
                                                         const httplib::Request&,
                                                         httplib::Response&)) -> RouteHandler {
    return [this, kind, fn](const httplib::Request& req, httplib::Response& res) {
      (this->*fn)(kind, req, res);
    };
  };
  auto bind = [this](void (LivyApi::*fn)(const httplib::Request&,
                                         httplib::Response&)) -> RouteHandler {
    return [this, fn](const httplib::Request& req, httplib::Response& res) { (this->*fn)(req, res); };
  };
  auto add = [&](const char* method, std::string path, std::string summary,
                 std::vector<std::string> query, bool json_body, int success, RouteHandler h) {
    routes->push_back({method, std::move(path), "Livy: " + std::move(summary), "livy",
                       std::move(query), {}, json_body ? kJson : std::vector<std::string>{},
                       success, "application/json", false, std::move(h)});
  };
  // What sessions and batches share, as Livy's SessionServlet base class does.
  struct Family {
    const char* kind;
    const char* base;   // "/sessions"
    const char* id;     // "{sessionId}"
    const char* noun;   // "session"
  };
  for (const Family& f : {Family{kSession, "/sessions", "{sessionId}", "session"},
                          Family{kBatch, "/batches", "{batchId}", "batch"}}) {
    const std::string one = std::string(f.base) + "/" + f.id;
    add("GET", f.base, std::string("list ") + f.noun + "s", {"from", "size"}, false, 200,
        on(f.kind, &LivyApi::list));
    add("GET", one, std::string("a ") + f.noun, {}, false, 200, on(f.kind, &LivyApi::get));
    add("DELETE", one, std::string("kill a ") + f.noun, {}, false, 200,
        on(f.kind, &LivyApi::remove));
    add("GET", one + "/state", std::string("a ") + f.noun + "'s state", {}, false, 200,
        on(f.kind, &LivyApi::state));
    add("GET", one + "/log", std::string("a ") + f.noun + "'s log", {"from", "size"}, false, 200,
        on(f.kind, &LivyApi::log));
  }
  add("POST", "/sessions", "create an interactive session (kind pyspark|sql|eddy)", {"doAs"}, true, 201,
      bind(&LivyApi::create_session));
  add("POST", "/batches", "submit a batch (a job manifest or SparkPi)", {"doAs"}, true, 201,
      bind(&LivyApi::create_batch));
  const std::string session = "/sessions/{sessionId}";
  add("GET", session + "/statements", "a session's statements", {"from", "size", "order"}, false,
      200, bind(&LivyApi::list_statements));
  add("POST", session + "/statements", "run a statement", {}, true, 201,
      bind(&LivyApi::add_statement));
  add("GET", session + "/statements/{statementId}", "a statement", {}, false, 200,
      bind(&LivyApi::get_statement));
  add("POST", session + "/statements/{statementId}/cancel", "cancel a statement", {}, false, 200,
      bind(&LivyApi::cancel_statement));
  add("POST", session + "/completion", "completion candidates for code at a cursor", {}, true,
      200, bind(&LivyApi::completion));
  // The routes Livy's programmatic client (client-http) calls.
  add("POST", session + "/connect", "record activity; the session", {}, false, 200,
      bind(&LivyApi::connect));
  add("POST", session + "/stop", "stop a session (kept, not deleted)", {}, false, 204,
      bind(&LivyApi::stop));
  add("POST", session + "/interrupt", "cancel the session's waiting and running statements", {},
      false, 200, bind(&LivyApi::interrupt));
}

void LivyApi::list(const std::string& kind, const httplib::Request& req, httplib::Response& res) {
  auto from = query_int(req, "from", 0);
  if (!from.is_ok()) return set_livy_error(res, from.status());
  auto size = query_int(req, "size", 100);
  if (!size.is_ok()) return set_livy_error(res, size.status());
  auto all = cp_->resources().list(kind);
  if (!all.is_ok()) return set_livy_error(res, all.status());
  const int64_t total = static_cast<int64_t>(all->size());
  const int64_t begin = std::clamp<int64_t>(*from, 0, total);
  const int64_t end = std::clamp<int64_t>(begin + std::max<int64_t>(*size, 0), begin, total);
  json items = json::array();
  for (int64_t i = begin; i < end; ++i) items.push_back(view((*all)[static_cast<size_t>(i)]));
  set_json(res, 200, {{"from", *from}, {"total", total}, {"sessions", std::move(items)}});
}

void LivyApi::get(const std::string& kind, const httplib::Request& req, httplib::Response& res) {
  auto r = find(kind, req.matches[1].str());
  if (!r.is_ok()) return set_livy_error(res, r.status());
  set_json(res, 200, view(*r));
}

void LivyApi::state(const std::string& kind, const httplib::Request& req, httplib::Response& res) {
  auto r = find(kind, req.matches[1].str());
  if (!r.is_ok()) return set_livy_error(res, r.status());
  set_json(res, 200, {{"id", r->id}, {"state", status_or(*r, "state", "starting")}});
}

void LivyApi::remove(const std::string& kind, const httplib::Request& req, httplib::Response& res) {
  auto r = find(kind, req.matches[1].str());
  if (!r.is_ok()) return set_livy_error(res, r.status());
  auto removed = cp_->resources().remove(kind, r->name);
  if (!removed.is_ok()) {
    if (removed.status().code() == StatusCode::kNotFound)
      return set_livy_error(res, 404, "Session " + std::to_string(r->id) + " already stopped.");
    return set_livy_error(res, removed.status());
  }
  set_json(res, 200, {{"msg", "deleted"}});
}

void LivyApi::log(const std::string& kind, const httplib::Request& req, httplib::Response& res) {
  auto r = find(kind, req.matches[1].str());
  if (!r.is_ok()) return set_livy_error(res, r.status());
  auto from = query_int(req, "from", -1);
  if (!from.is_ok()) return set_livy_error(res, from.status());
  auto size = query_int(req, "size", 100);
  if (!size.is_ok()) return set_livy_error(res, size.status());
  auto head = cp_->resources().store().read_log(kind, r->name, 0, 0);
  if (!head.is_ok()) return set_livy_error(res, head.status());
  const int64_t total = head->total;
  // Livy's serializeLogs: size < 0 → everything; from absent or < 0 → the tail of `size` lines.
  int64_t n = *size < 0 ? total : *size;
  int64_t start = *from < 0 ? std::max<int64_t>(0, total - n) : *from;
  std::vector<std::string> lines;
  if (start < total && n > 0) {
    auto page = cp_->resources().store().read_log(kind, r->name, start, n);
    if (!page.is_ok()) return set_livy_error(res, page.status());
    lines = std::move(page->lines);
  }
  set_json(res, 200, {{"id", r->id}, {"from", start}, {"total", total}, {"log", lines}});
}

void LivyApi::create_session(const httplib::Request& req, httplib::Response& res) {
  json body = json::object();
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = parse_json_body(req.body);
    if (!parsed.is_ok()) return set_livy_error(res, parsed.status());
    body = std::move(parsed).value();
  }
  if (!body.is_object()) return set_livy_error(res, 400, "the request body must be a JSON object");

  json spec = json::object();
  std::string kind = "eddy";
  if (auto it = body.find("kind"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return set_livy_error(res, 400, "kind: expected a string");
    kind = it->get<std::string>();
  }
  if (!supported_kind(kind)) {
    return set_livy_error(
        res, 400,
        "Session kind '" + kind +
            "' is not supported by Eddy: supported kinds are pyspark, sql and eddy");
  }
  spec["kind"] = kind;
  if (Status s = copy_fields(body, kSessionFields, &spec); !s.is_ok())
    return set_livy_error(res, s);
  if (Status s = copy_conf(body, &spec); !s.is_ok()) return set_livy_error(res, s);
  place_on_emr_cluster(*cp_, &spec);
  if (req.has_param("doAs")) spec["proxyUser"] = req.get_param_value("doAs");

  if (auto it = body.find("name"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return set_livy_error(res, 400, "name: expected a string");
    const std::string name = it->get<std::string>();
    if (all_digits(name))
      return set_livy_error(
          res, 400, "name: '" + name + "' would read as a session id; use a name with a letter");
    auto existing = find(kSession, name);
    if (existing.is_ok()) return set_livy_error(res, 400, "Duplicate session name: " + name);
    spec["livyName"] = name;
  }

  resources::Resource r;
  r.kind = kSession;
  r.spec = std::move(spec);
  auto created = cp_->resources().create(std::move(r));
  if (!created.is_ok()) return set_livy_error(res, created.status());
  res.set_header("Location", "/sessions/" + std::to_string(created->id));
  set_json(res, 201, livy_session_view(*created, {}));
}

void LivyApi::create_batch(const httplib::Request& req, httplib::Response& res) {
  json body = json::object();
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = parse_json_body(req.body);
    if (!parsed.is_ok()) return set_livy_error(res, parsed.status());
    body = std::move(parsed).value();
  }
  if (!body.is_object()) return set_livy_error(res, 400, "the request body must be a JSON object");

  json spec = json::object();
  auto file = body.find("file");
  if (file == body.end() || file->is_null() ||
      (file->is_string() && file->get<std::string>().empty()))
    return set_livy_error(res, 400, "requirement failed: File is required.");
  if (!file->is_string()) return set_livy_error(res, 400, "file: expected a string");
  spec["file"] = *file;
  if (Status s = copy_fields(body, kBatchFields, &spec); !s.is_ok()) return set_livy_error(res, s);
  if (Status s = copy_conf(body, &spec); !s.is_ok()) return set_livy_error(res, s);
  place_on_emr_cluster(*cp_, &spec);
  if (req.has_param("doAs")) spec["proxyUser"] = req.get_param_value("doAs");
  if (auto it = body.find("name"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return set_livy_error(res, 400, "name: expected a string");
    const std::string name = it->get<std::string>();
    if (all_digits(name))
      return set_livy_error(
          res, 400, "name: '" + name + "' would read as a batch id; use a name with a letter");
    if (find(kBatch, name).is_ok())
      return set_livy_error(res, 400, "Duplicate session name: " + name);
    spec["livyName"] = name;
  }

  resources::Resource r;
  r.kind = kBatch;
  r.spec = std::move(spec);
  auto created = cp_->resources().create(std::move(r));
  if (!created.is_ok()) return set_livy_error(res, created.status());
  res.set_header("Location", "/batches/" + std::to_string(created->id));
  set_json(res, 201, livy_batch_view(*created, {}));
}

// ---------------------------------------------------------------------------------------------
// statements

namespace {

// The {"code", "kind"?} body of a statement or a completion request; kind defaults to the
// session's.
struct CodeRequest {
  json body;
  std::string code;
  std::string kind;
};

Result<CodeRequest> parse_code_request(const resources::Resource& session,
                                       const std::string& text) {
  EDDY_ASSIGN_OR_RETURN(json body, parse_json_body(text));
  if (!body.is_object()) return invalid_argument("the request body must be a JSON object");
  auto code = body.find("code");
  if (code == body.end() || code->is_null())
    return invalid_argument("code: required (the statement's text)");
  if (!code->is_string()) return invalid_argument("code: expected a string");
  CodeRequest r;
  r.code = code->get<std::string>();
  r.kind = session.spec.is_object() ? session.spec.value("kind", "eddy") : "eddy";
  if (auto k = body.find("kind"); k != body.end() && !k->is_null()) {
    if (!k->is_string()) return invalid_argument("kind: expected a string");
    r.kind = k->get<std::string>();
  }
  r.body = std::move(body);
  return r;
}

int64_t statement_id(const resources::Resource& st) {
  if (st.spec.is_object() && st.spec.contains("id") && st.spec["id"].is_number_integer())
    return st.spec["id"].get<int64_t>();
  return -1;
}

}  // namespace

void LivyApi::list_statements(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  auto all = kinds::list_statements(cp_->resources(), session->name);
  if (!all.is_ok()) return set_livy_error(res, all.status());
  std::vector<resources::Resource> sts = std::move(all).value();
  std::stable_sort(sts.begin(), sts.end(),
                   [](const auto& a, const auto& b) { return statement_id(a) < statement_id(b); });
  std::string order = req.get_param_value("order");
  std::transform(order.begin(), order.end(), order.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (order == "desc") std::reverse(sts.begin(), sts.end());
  const int64_t total = static_cast<int64_t>(sts.size());
  auto from = query_int(req, "from", 0);
  if (!from.is_ok()) return set_livy_error(res, from.status());
  auto size = query_int(req, "size", total);
  if (!size.is_ok()) return set_livy_error(res, size.status());
  const int64_t begin = std::clamp<int64_t>(*from, 0, total);
  const int64_t end = std::clamp<int64_t>(begin + std::max<int64_t>(*size, 0), begin, total);
  json items = json::array();
  for (int64_t i = begin; i < end; ++i)
    items.push_back(livy_statement_view(sts[static_cast<size_t>(i)]));
  set_json(res, 200, {{"total_statements", total}, {"statements", std::move(items)}});
}

void LivyApi::add_statement(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  auto request = parse_code_request(*session, req.body);
  if (!request.is_ok()) return set_livy_error(res, request.status());
  const std::string& kind = request->kind;
  if (!supported_kind(kind)) {
    return set_livy_error(
        res, 400,
        "Statement kind '" + kind +
            "' is not supported by Eddy: supported kinds are pyspark, sql and eddy");
  }
  auto st = kinds::add_statement(cp_->resources(), session->name, request->code, kind);
  if (!st.is_ok()) return set_livy_error(res, st.status());
  res.set_header("Location", "/sessions/" + std::to_string(session->id) + "/statements/" +
                                 std::to_string(statement_id(*st)));
  set_json(res, 201, livy_statement_view(*st));
}

Result<resources::Resource> LivyApi::find_statement(const resources::Resource& session,
                                                    const std::string& sid) {
  auto all = kinds::list_statements(cp_->resources(), session.name);
  if (!all.is_ok()) return all.status();
  if (all_digits(sid) && sid.size() <= 18) {
    const int64_t want = std::stoll(sid);
    for (const auto& st : *all)
      if (statement_id(st) == want) return st;
  }
  return not_found("Statement not found");
}

void LivyApi::get_statement(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  auto st = find_statement(*session, req.matches[2].str());
  if (!st.is_ok()) return set_livy_error(res, 404, st.status().message());
  set_json(res, 200, livy_statement_view(*st));
}

void LivyApi::cancel_statement(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  auto st = find_statement(*session, req.matches[2].str());
  if (!st.is_ok()) return set_livy_error(res, 404, st.status().message());
  Status s = cp_->resources().cancel(kStatement, st->name);
  // Livy answers "canceled" whatever the statement's state: cancelling a finished statement is
  // not an error.
  if (!s.is_ok() && s.code() != StatusCode::kFailedPrecondition) return set_livy_error(res, s);
  set_json(res, 200, {{"msg", "canceled"}});
}

// ---------------------------------------------------------------------------------------------
// client-http's session routes

void LivyApi::connect(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  set_json(res, 200, view(*session));
}

void LivyApi::stop(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  Status s = cp_->resources().cancel(kSession, session->name);
  if (!s.is_ok() && s.code() != StatusCode::kFailedPrecondition) return set_livy_error(res, s);
  res.status = 204;
}

void LivyApi::interrupt(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  auto all = kinds::list_statements(cp_->resources(), session->name);
  if (!all.is_ok()) return set_livy_error(res, all.status());
  for (const auto& st : *all) {
    const auto state = resources::state_of(st, resources::StatementState::kWaiting);
    if (state != resources::StatementState::kWaiting &&
        state != resources::StatementState::kRunning)
      continue;
    Status s = cp_->resources().cancel(kStatement, st.name);
    if (!s.is_ok() && s.code() != StatusCode::kFailedPrecondition) return set_livy_error(res, s);
  }
  set_json(res, 200, {{"msg", "interrupted"}});
}

void LivyApi::completion(const httplib::Request& req, httplib::Response& res) {
  auto session = find(kSession, req.matches[1].str());
  if (!session.is_ok()) return set_livy_error(res, session.status());
  auto request = parse_code_request(*session, req.body);
  if (!request.is_ok()) return set_livy_error(res, request.status());
  const std::string& text = request->code;
  const json& body = request->body;
  int64_t cursor = static_cast<int64_t>(text.size());
  if (auto c = body.find("cursor"); c != body.end() && !c->is_null()) {
    if (!c->is_number_integer()) return set_livy_error(res, 400, "cursor: expected an integer");
    cursor = c->get<int64_t>();
    if (cursor < 0 || cursor > static_cast<int64_t>(text.size()))
      return set_livy_error(res, 400, "cursor: " + std::to_string(cursor) +
                                          " is outside the code (0.." +
                                          std::to_string(text.size()) + ")");
  }
  std::vector<std::string> tables;
  if (session->status.is_object() && session->status.contains("tables") &&
      session->status["tables"].is_object())
    for (const auto& [name, _] : session->status["tables"].items()) tables.push_back(name);
  set_json(res, 200,
           {{"candidates", completion_candidates(request->kind, text, static_cast<size_t>(cursor), tables)}});
}

}  // namespace eddy::server
