#include "resources/states.h"
#include "server/emr_api.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "common/log.h"
#include "common/random.h"
#include "common/time_format.h"
#include "controlplane/control_plane.h"
#include "server/http_status.h"
#include "server/request.h"

namespace eddy::server {

using nlohmann::json;

namespace {

constexpr const char* kCluster = "Cluster";
constexpr const char* kTargetPrefix = "ElasticMapReduce.";
constexpr size_t kPageSize = 50;  // ListClusters: "a maximum of 50 clusters ... per call"

std::string base36_13(uint64_t v) {
  static const char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out(13, '0');  // 36^13 > 2^64: every value fits
  for (int i = 12; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kDigits[v % 36];
    v /= 36;
  }
  return out;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string random_emr_id() {
  return "j-" + base36_13(random_seed());
}

// A label that from_json accepts (the one definition of label syntax lives there).
bool valid_label(const std::string& key, const std::string& value) {
  json probe = {{"kind", kCluster}, {"metadata", {{"labels", {{key, value}}}}}};
  return resources::from_json(probe, false).is_ok();
}

Status bad(const std::string& message) { return invalid_argument(message); }

const json* field(const json& in, const char* key) {
  if (!in.is_object()) return nullptr;
  auto it = in.find(key);
  return it == in.end() || it->is_null() ? nullptr : &*it;
}

// An EMR timestamp on input: epoch seconds (what boto3 sends) or an ISO 8601 string.
Result<double> epoch_seconds(const json& v, const std::string& what) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    Micros t = 0;
    if (parse_rfc3339(v.get<std::string>(), &t)) return static_cast<double>(t) / 1e6;
  }
  return bad(what + ": expected a timestamp (epoch seconds)");
}

double ms_to_seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

int64_t json_int(const json* v, int64_t dflt) {
  if (v == nullptr || !v->is_number()) return dflt;
  return v->is_number_integer() ? v->get<int64_t>() : static_cast<int64_t>(v->get<double>());
}

// EMR's cluster state. EMR says RUNNING only while a *step* runs; Livy sessions, statements and
// batches on the cluster leave it WAITING (the article's scripts look clusters up by
// ClusterStates=['WAITING'] while its Livy statements run). Eddy has no steps, so a ready
// cluster is WAITING to EMR clients whatever work it runs.
std::string cluster_state(const resources::Resource& r) {
  auto s = resources::state_of(r, resources::ClusterState::kStarting);
  if (s == resources::ClusterState::kRunning) s = resources::ClusterState::kWaiting;
  return resources::state_name(s);
}

std::string emr_name(const resources::Resource& r) {
  auto it = r.labels.find(kEmrNameLabel);
  return it != r.labels.end() ? it->second : r.name;
}

std::string cluster_arn(const std::string& region, const std::string& id) {
  return "arn:aws:elasticmapreduce:" + region + ":000000000000:cluster/" + id;
}

json cluster_status(const resources::Resource& r) {
  json st = {{"State", cluster_state(r)}};
  json reason = json::object();
  if (const json* why = field(r.status, "stateChangeReason"); why && why->is_object()) {
    if (const json* code = field(*why, "code"); code && code->is_string()) reason["Code"] = *code;
    if (const json* msg = field(*why, "message"); msg && msg->is_string()) reason["Message"] = *msg;
  }
  st["StateChangeReason"] = std::move(reason);
  json timeline = json::object();
  const json* tl = field(r.status, "timeline");
  timeline["CreationDateTime"] =
      ms_to_seconds(json_int(tl ? field(*tl, "creationDateTime") : nullptr, r.created_ms));
  if (tl) {
    if (const json* v = field(*tl, "readyDateTime"); v && v->is_number())
      timeline["ReadyDateTime"] = ms_to_seconds(json_int(v, 0));
    if (const json* v = field(*tl, "endDateTime"); v && v->is_number())
      timeline["EndDateTime"] = ms_to_seconds(json_int(v, 0));
  }
  st["Timeline"] = std::move(timeline);
  return st;
}

int64_t normalized_instance_hours(const resources::Resource& r) {
  const json* acc = field(r.status, "accounting");
  const json* ws = acc ? field(*acc, "workerSeconds") : nullptr;
  if (ws == nullptr || !ws->is_number()) return 0;
  return static_cast<int64_t>(std::ceil(ws->get<double>() / 3600.0));
}

json cluster_summary(const resources::Resource& r, const std::string& region) {
  const std::string id = emr_cluster_id(r);
  return {{"Id", id},
          {"Name", emr_name(r)},
          {"Status", cluster_status(r)},
          {"NormalizedInstanceHours", normalized_instance_hours(r)},
          {"ClusterArn", cluster_arn(region, id)}};
}

// Workers from JobFlowInstancesConfig: InstanceCount (master included), else the non-master
// instance groups or fleets. 0 = not given (the Cluster default applies).
Result<int64_t> requested_workers(const json& instances) {
  if (const json* count = field(instances, "InstanceCount")) {
    if (!count->is_number_integer()) return bad("Instances.InstanceCount: expected an integer");
    return std::max<int64_t>(1, count->get<int64_t>() - 1);
  }
  int64_t workers = 0;
  bool given = false;
  if (const json* groups = field(instances, "InstanceGroups"); groups && groups->is_array()) {
    for (const auto& g : *groups) {
      if (!g.is_object() || g.value("InstanceRole", "") == "MASTER") continue;
      workers += json_int(field(g, "InstanceCount"), 0);
      given = true;
    }
  }
  if (const json* fleets = field(instances, "InstanceFleets"); fleets && fleets->is_array()) {
    for (const auto& f : *fleets) {
      if (!f.is_object() || f.value("InstanceFleetType", "") == "MASTER") continue;
      workers += json_int(field(f, "TargetOnDemandCapacity"), 0) +
                 json_int(field(f, "TargetSpotCapacity"), 0);
      given = true;
    }
  }
  if (!given) return 0;
  return std::max<int64_t>(1, workers);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// public helpers

std::string emr_cluster_id(const resources::Resource& cluster) {
  auto it = cluster.labels.find(kEmrIdLabel);
  if (it != cluster.labels.end() && !it->second.empty()) return it->second;
  return "j-" + base36_13(fnv1a(cluster.uid.empty() ? cluster.name : cluster.uid));
}

std::string emr_resource_name(const std::string& emr_name) {
  std::string out;
  for (unsigned char c : emr_name) {
    char l = static_cast<char>(std::tolower(c));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (ok) {
      out += l;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  // Room for a "-NN" suffix within the 63-character limit of DNS-1123 labels.
  if (out.size() > 56) out.resize(56);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "emr-cluster" : out;
}

std::string emr_region(const std::string& authorization) {
  // "AWS4-HMAC-SHA256 Credential=AKID/20200101/us-east-1/elasticmapreduce/aws4_request, ..."
  const size_t cred = authorization.find("Credential=");
  if (cred == std::string::npos) return "us-east-1";
  size_t end = authorization.find_first_of(", ", cred);
  std::string scope = authorization.substr(
      cred + 11, end == std::string::npos ? std::string::npos : end - cred - 11);
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = scope.find('/', start);
    parts.push_back(
        scope.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() >= 3 && !parts[2].empty()) {
    const std::string& region = parts[2];
    bool clean = std::all_of(region.begin(), region.end(),
                             [](unsigned char c) { return std::isalnum(c) || c == '-'; });
    if (clean) return region;
  }
  return "us-east-1";
}

// ---------------------------------------------------------------------------------------------
// routes

void EmrApi::add_routes(std::vector<Route>* routes) {
  routes->push_back(
      {"POST",
       "/",
       "EMR JSON protocol: X-Amz-Target ElasticMapReduce.RunJobFlow | ListClusters | "
       "DescribeCluster | TerminateJobFlows",
       "emr",
       {},
       {"X-Amz-Target"},
       {kEmrContentType},
       200,
       kEmrContentType,
       false,
       [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); }});
}

void EmrApi::dispatch(const httplib::Request& req, httplib::Response& res) {
  const std::string target = req.get_header_value("X-Amz-Target");
  if (target.rfind(kTargetPrefix, 0) != 0) {
    return set_emr_error(res, 400, "UnknownOperationException",
                         target.empty() ? "POST / needs an X-Amz-Target header "
                                          "(ElasticMapReduce.<Action>)"
                                        : "unknown service in X-Amz-Target '" + target + "'");
  }
  const std::string action = target.substr(std::string(kTargetPrefix).size());
  json in = json::object();
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = parse_json_body(req.body);
    if (!parsed.is_ok())
      return set_emr_error(res, 400, "SerializationException", parsed.status().message());
    in = std::move(parsed).value();
  }
  if (!in.is_object())
    return set_emr_error(res, 400, "SerializationException", "the body must be a JSON object");
  const std::string region = emr_region(req.get_header_value("Authorization"));

  Result<json> out = json::object();
  if (action == "RunJobFlow") {
    out = run_job_flow(in, region);
  } else if (action == "ListClusters") {
    out = list_clusters(in, region);
  } else if (action == "DescribeCluster") {
    out = describe_cluster(in, region);
  } else if (action == "TerminateJobFlows") {
    out = terminate_job_flows(in);
  } else {
    return set_emr_error(res, 400, "UnknownOperationException",
                         "Eddy does not implement ElasticMapReduce." + action +
                             " (implemented: RunJobFlow, ListClusters, DescribeCluster, "
                             "TerminateJobFlows)");
  }
  if (!out.is_ok()) return set_emr_error(res, out.status());
  res.status = 200;
  res.set_header("x-amzn-RequestId", random_emr_id().substr(2));
  res.set_content(out->dump(-1, ' ', false, json::error_handler_t::replace), kEmrContentType);
}

Result<resources::Resource> EmrApi::find_cluster(const std::string& job_flow_id) {
  auto all = cp_->resources().list(kCluster);
  if (!all.is_ok()) return all.status();
  for (auto& r : *all)
    if (emr_cluster_id(r) == job_flow_id) return std::move(r);
  return bad("Cluster id '" + job_flow_id + "' is not valid.");
}

Result<json> EmrApi::run_job_flow(const json& in, const std::string& region) {
  const json* name = field(in, "Name");
  if (name == nullptr || !name->is_string() || name->get<std::string>().empty())
    return bad("Name: required (the cluster's name)");
  const json* instances = field(in, "Instances");
  if (instances == nullptr || !instances->is_object())
    return bad("Instances: required (JobFlowInstancesConfig)");
  if (const json* steps = field(in, "Steps"); steps && steps->is_array() && !steps->empty()) {
    return bad(
        "Steps are not supported by Eddy: create the cluster without steps and submit "
        "work with Livy's POST /batches or statements");
  }

  json spec = json::object();
  EDDY_ASSIGN_OR_RETURN(int64_t workers, requested_workers(*instances));
  if (workers > 0) spec["workers"] = workers;
  bool keep_alive = false;
  if (const json* keep = field(*instances, "KeepJobFlowAliveWhenNoSteps")) {
    if (!keep->is_boolean())
      return bad("Instances.KeepJobFlowAliveWhenNoSteps: expected a boolean");
    keep_alive = keep->get<bool>();
  }
  spec["autoTerminate"] = !keep_alive;
  if (const json* policy = field(in, "AutoTerminationPolicy"); policy && policy->is_object()) {
    if (const json* idle = field(*policy, "IdleTimeout"); idle && idle->is_number_integer()) {
      spec["autoTerminate"] = true;
      spec["idleTimeout"] = std::to_string(idle->get<int64_t>()) + "s";
    }
  }

  const std::string id = random_emr_id();
  std::map<std::string, std::string> labels;
  labels[kEmrIdLabel] = id;
  const std::string emr = name->get<std::string>();
  if (valid_label(kEmrNameLabel, emr)) labels[kEmrNameLabel] = emr;
  if (const json* tags = field(in, "Tags"); tags && tags->is_array()) {
    for (const auto& t : *tags) {
      if (!t.is_object()) continue;
      const std::string key = t.value("Key", "");
      const std::string value =
          t.contains("Value") && t["Value"].is_string() ? t["Value"].get<std::string>() : "";
      if (key.rfind("eddy.dev/", 0) == 0) continue;  // Eddy's own labels are not settable by tags
      if (valid_label(key, value)) {
        labels[key] = value;
      } else {
        EDDY_INFO("eddy serve: RunJobFlow " << emr << ": tag '" << key
                                            << "' is not a valid label; not kept");
      }
    }
  }

  const std::string base = emr_resource_name(emr);
  for (int attempt = 1; attempt <= 99; ++attempt) {
    resources::Resource r;
    r.kind = kCluster;
    r.name = attempt == 1 ? base : base + "-" + std::to_string(attempt);
    r.labels = labels;
    r.spec = spec;
    auto created = cp_->resources().create(std::move(r));
    if (created.is_ok()) {
      return json{{"JobFlowId", id}, {"ClusterArn", cluster_arn(region, id)}};
    }
    if (created.status().code() != StatusCode::kAlreadyExists) return created.status();
  }
  return bad("Name: clusters " + base + " to " + base +
             "-99 all exist; delete old ones "
             "(eddy delete cluster NAME) or choose another Name");
}

Result<json> EmrApi::list_clusters(const json& in, const std::string& region) {
  std::vector<std::string> states;
  if (const json* s = field(in, "ClusterStates")) {
    if (!s->is_array()) return bad("ClusterStates: expected a list of states");
    for (const auto& v : *s) {
      if (!v.is_string()) return bad("ClusterStates: expected a list of states");
      states.push_back(v.get<std::string>());
    }
  }
  double after = -1e300, before = 1e300;
  if (const json* v = field(in, "CreatedAfter")) {
    EDDY_ASSIGN_OR_RETURN(after, epoch_seconds(*v, "CreatedAfter"));
  }
  if (const json* v = field(in, "CreatedBefore")) {
    EDDY_ASSIGN_OR_RETURN(before, epoch_seconds(*v, "CreatedBefore"));
  }
  int64_t marker = -1;  // the page starts after (below) this resource id
  if (const json* m = field(in, "Marker")) {
    const std::string text = m->is_string() ? m->get<std::string>() : m->dump();
    try {
      size_t used = 0;
      marker = std::stoll(text, &used);
      if (used != text.size() || marker < 0) throw std::invalid_argument("marker");
    } catch (const std::exception&) {
      return bad("Marker: '" + text + "' is not a marker this server returned");
    }
  }

  auto all = cp_->resources().list(kCluster);
  if (!all.is_ok()) return all.status();
  std::vector<resources::Resource> clusters = std::move(all).value();
  // Newest first: scripts that take the first match of a name get today's cluster.
  std::sort(clusters.begin(), clusters.end(),
            [](const auto& a, const auto& b) { return a.id > b.id; });
  json out = json::array();
  int64_t last_id = -1;
  bool more = false;
  for (const auto& r : clusters) {
    if (marker >= 0 && r.id >= marker) continue;
    if (!states.empty() &&
        std::find(states.begin(), states.end(), cluster_state(r)) == states.end())
      continue;
    json summary = cluster_summary(r, region);
    const double created = summary["Status"]["Timeline"]["CreationDateTime"].get<double>();
    if (created < after || created > before) continue;
    if (out.size() == kPageSize) {
      more = true;
      break;
    }
    out.push_back(std::move(summary));
    last_id = r.id;
  }
  json result = {{"Clusters", std::move(out)}};
  // The marker is the id of the last cluster returned: the next page lists older ones.
  if (more) result["Marker"] = std::to_string(last_id);
  return result;
}

Result<json> EmrApi::describe_cluster(const json& in, const std::string& region) {
  const json* id = field(in, "ClusterId");
  if (id == nullptr || !id->is_string()) return bad("ClusterId: required");
  EDDY_ASSIGN_OR_RETURN(resources::Resource r, find_cluster(id->get<std::string>()));
  const std::string cid = emr_cluster_id(r);
  json tags = json::array();
  for (const auto& [k, v] : r.labels)
    if (k.rfind("eddy.dev/", 0) != 0) tags.push_back({{"Key", k}, {"Value", v}});
  std::string host = cp_->options().public_host;
  if (host.empty()) host = "localhost";
  bool auto_terminate = r.spec.is_object() ? r.spec.value("autoTerminate", true) : true;
  json cluster = {
      {"Id", cid},
      {"Name", emr_name(r)},
      {"Status", cluster_status(r)},
      {"Ec2InstanceAttributes", json::object()},
      {"InstanceCollectionType", "INSTANCE_GROUP"},
      {"ReleaseLabel", "eddy-0.1"},
      {"AutoTerminate", auto_terminate},
      {"TerminationProtected", false},
      {"VisibleToAllUsers", true},
      {"Applications", json::array({{{"Name", "Spark"}}, {{"Name", "Livy"}}})},
      {"Tags", std::move(tags)},
      {"NormalizedInstanceHours", normalized_instance_hours(r)},
      {"MasterPublicDnsName", host},
      {"ClusterArn", cluster_arn(region, cid)},
      {"StepConcurrencyLevel", 1},
  };
  return json{{"Cluster", std::move(cluster)}};
}

Result<json> EmrApi::terminate_job_flows(const json& in) {
  const json* ids = field(in, "JobFlowIds");
  if (ids == nullptr || !ids->is_array())
    return bad("JobFlowIds: required (a list of cluster ids)");
  std::vector<resources::Resource> targets;
  for (const auto& v : *ids) {
    if (!v.is_string()) return bad("JobFlowIds: expected a list of strings");
    EDDY_ASSIGN_OR_RETURN(resources::Resource r, find_cluster(v.get<std::string>()));
    targets.push_back(std::move(r));
  }
  for (const auto& r : targets) {
    Status s = cp_->resources().cancel(kCluster, r.name);
    // Terminating a cluster that is already terminating or terminated is not an error on EMR.
    if (!s.is_ok() && s.code() != StatusCode::kFailedPrecondition) return s;
  }
  return json::object();
}

}  // namespace eddy::server
