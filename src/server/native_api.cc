#include "server/native_api.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <map>

#include "cluster/worker_protocol.h"
#include "common/log.h"
#include "common/yaml_json.h"
#include "controlplane/control_plane.h"
#include "resources/kind_registry.h"
#include "resources/resource.h"
#include "server/http_status.h"
#include "server/request.h"

namespace eddy::server {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// helpers

namespace {

constexpr int64_t kDefaultListLimit = 500;  // kubectl asks for 500 per page too
constexpr int64_t kMaxListLimit = 5000;

bool is_yaml(const std::string& type) {
  return type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml" ||
         type == "text/x-yaml";
}

Result<json> parse_resource_body(const httplib::Request& req) {
  if (is_yaml(media_type(req))) {
    if (req.body.empty()) return invalid_argument("invalid YAML: the request body is empty");
    return yaml_document_to_json(req.body);
  }
  return parse_json_body(req.body);
}

Result<const resources::KindInfo*> kind_for_path(const std::string& plural) {
  const resources::KindInfo* info = resources::find_kind(plural);
  if (info != nullptr) return info;
  std::string known;
  for (const auto* k : resources::all_kinds()) {
    if (!known.empty()) known += ", ";
    known += k->plural;
  }
  return not_found("unknown resource type '" + plural + "' (known: " + known + ")");
}

// A parsed body → Resource of `info`'s kind; the body's kind (if any) must name the same kind.
Result<resources::Resource> resource_from_body(json body, const resources::KindInfo& info) {
  if (!body.is_object()) return invalid_argument("body: expected a resource object");
  if (auto it = body.find("kind"); it != body.end() && it->is_string()) {
    const resources::KindInfo* named = resources::find_kind(it->get<std::string>());
    if (named != &info) {
      return invalid_argument("kind: '" + it->get<std::string>() +
                              "' does not match the path /v1/" + info.plural + " (kind " +
                              info.kind + ")");
    }
  }
  if (!body.contains("kind") || body["kind"].is_string()) body["kind"] = info.kind;
  return resources::from_json(body, /*trusted=*/false);
}

bool truthy(const std::string& v) { return v == "1" || v == "true" || v == "True" || v == "yes"; }

std::string sse_frame(const std::string& type, const resources::Resource& r) {
  json ev = {{"type", type}, {"object", resources::to_json(r)}};
  return "data: " + ev.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// watch streams

struct NativeApi::WatchStream {
  struct Pending {
    std::string name;
    int64_t version = 0;
    std::string frame;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Pending> pending;  // GUARDED_BY(mu)
  bool closed = false;          // GUARDED_BY(mu): shutdown or overflow; ends the stream
  bool overflowed = false;      // GUARDED_BY(mu)
  int64_t token = -1;           // set once before the stream is served
};

NativeApi::NativeApi(controlplane::ControlPlane* control_plane, NativeApiOptions options)
    : cp_(control_plane), options_(options) {}

NativeApi::~NativeApi() { shutdown(); }

void NativeApi::shutdown() {
  std::set<std::shared_ptr<WatchStream>> streams;
  {
    std::lock_guard<std::mutex> l(mu_);
    shutting_down_ = true;
    streams = watches_;
  }
  for (const auto& s : streams) {
    std::lock_guard<std::mutex> l(s->mu);
    s->closed = true;
    s->cv.notify_all();
  }
}

size_t NativeApi::active_watches() const {
  std::lock_guard<std::mutex> l(mu_);
  return watches_.size();
}

void NativeApi::watch(const std::string& kind, const std::string& name, httplib::Response& res) {
  auto stream = std::make_shared<WatchStream>();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (shutting_down_) {
      set_native_error(res, unavailable("the server is shutting down"));
      return;
    }
    watches_.insert(stream);
  }
  const size_t limit = options_.watch_queue_limit;
  // Subscribe before reading the snapshot, so no change falls between the two.
  stream->token = cp_->resources().subscribe(kind, [stream, name, limit](const controlplane::ResourceEvent& ev) {
    if (!name.empty() && ev.object.name != name) return;
    std::string frame = sse_frame(ev.type, ev.object);
    std::lock_guard<std::mutex> l(stream->mu);
    if (stream->closed) return;
    if (stream->pending.size() >= limit) {
      stream->closed = true;
      stream->overflowed = true;
    } else {
      stream->pending.push_back({ev.object.name, ev.object.version, std::move(frame)});
    }
    stream->cv.notify_one();
  });

  auto forget = [this, stream] {
    cp_->resources().unsubscribe(stream->token);
    std::lock_guard<std::mutex> l(mu_);
    watches_.erase(stream);
  };

  std::vector<resources::Resource> snapshot;
  if (name.empty()) {
    auto items = cp_->resources().list(kind);
    if (!items.is_ok()) {
      forget();
      set_native_error(res, items.status());
      return;
    }
    snapshot = std::move(items).value();
  } else {
    auto one = cp_->resources().get(kind, name);
    if (one.is_ok()) {
      snapshot.push_back(std::move(one).value());
    } else if (one.status().code() != StatusCode::kNotFound) {
      forget();
      set_native_error(res, one.status());
      return;
    }
    // A name that does not exist yet is watchable: its ADDED arrives when it is created.
  }
  {
    std::lock_guard<std::mutex> l(stream->mu);
    std::map<std::string, int64_t> seen;
    for (const auto& r : snapshot) seen[r.name] = r.version;
    std::deque<WatchStream::Pending> merged;
    for (const auto& r : snapshot) merged.push_back({r.name, r.version, sse_frame("ADDED", r)});
    for (auto& p : stream->pending) {
      auto it = seen.find(p.name);
      if (it != seen.end() && p.version <= it->second) continue;  // the snapshot has it
      merged.push_back(std::move(p));
    }
    stream->pending = std::move(merged);
  }

  const auto ping = std::chrono::microseconds(std::max<Micros>(options_.watch_ping_interval, 1000));
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [stream, ping](size_t /*offset*/, httplib::DataSink& sink) {
        std::deque<WatchStream::Pending> out;
        bool closed = false;
        bool overflowed = false;
        {
          std::unique_lock<std::mutex> l(stream->mu);
          stream->cv.wait_for(l, ping, [&] { return !stream->pending.empty() || stream->closed; });
          out.swap(stream->pending);
          closed = stream->closed;
          overflowed = stream->overflowed;
        }
        for (const auto& p : out)
          if (!sink.write(p.frame.data(), p.frame.size())) return false;
        if (closed) {
          if (overflowed) {
            static const std::string kOverflow =
                ": overflow: this client fell behind; watch again\n\n";
            sink.write(kOverflow.data(), kOverflow.size());
          }
          sink.done();
          return true;
        }
        if (out.empty()) {
          static const std::string kPing = ": ping\n\n";
          if (!sink.write(kPing.data(), kPing.size())) return false;
        }
        return true;
      },
      [forget](bool /*success*/) { forget(); });
}

// ---------------------------------------------------------------------------------------------
// routes

void NativeApi::add_routes(std::vector<Route>* routes) {
  const std::vector<std::string> kJson = {"application/json"};
  const std::vector<std::string> kResourceBody = {"application/json", "application/yaml"};
  auto add = [routes](const char* method, const char* path, const char* summary, const char* tag,
                      std::vector<std::string> query, std::vector<std::string> body, int success,
                      RouteHandler h) {
    routes->push_back({method, path, summary, tag, std::move(query), {}, std::move(body), success,
                       "application/json", false, std::move(h)});
  };
  // A worker route: a JSON object body, the worker's name from the path, the control plane's
  // answer (or {} for calls that return only a Status).
  using WorkerCall = std::function<Result<json>(const std::string&, const json&)>;
  auto worker = [&](const char* path, const char* summary, WorkerCall call) {
    add("POST", path, summary, "workers", {}, kJson, 200,
        [call](const httplib::Request& req, httplib::Response& res) {
          auto body = parse_json_body(req.body);
          if (!body.is_ok()) return set_native_error(res, body.status());
          if (!body->is_object())
            return set_native_error(res, invalid_argument("body: expected an object"));
          auto r = call(req.matches.size() > 1 ? req.matches[1].str() : std::string(), *body);
          if (!r.is_ok()) return set_native_error(res, r.status());
          set_json(res, 200, *r);
        });
  };
  auto no_answer = [](Status s) -> Result<json> {
    if (!s.is_ok()) return s;
    return json::object();
  };
  // Worker routes first: httplib tries patterns in order and /v1/{plural} must not shadow them.
  namespace protocol = cluster::protocol;
  worker("/v1/workers/register", "A worker announces itself (worker protocol)",
         [this](const std::string&, const json& b) -> Result<json> {
           EDDY_ASSIGN_OR_RETURN(auto req, protocol::register_request_from_json(b));
           EDDY_ASSIGN_OR_RETURN(auto answer, cp_->worker_register(req));
           return protocol::to_json(answer);
         });
  worker("/v1/workers/{worker}/heartbeat", "Worker heartbeat; answers continue|stop|cancel",
         [this](const std::string& w, const json& b) -> Result<json> {
           EDDY_ASSIGN_OR_RETURN(auto req, protocol::heartbeat_request_from_json(b));
           return protocol::to_json(cp_->worker_heartbeat(w, req));
         });
  worker("/v1/workers/{worker}/lease", "Long-poll for a task (up to waitMs)",
         [this](const std::string& w, const json& b) -> Result<json> {
           EDDY_ASSIGN_OR_RETURN(auto req, protocol::lease_request_from_json(b));
           EDDY_ASSIGN_OR_RETURN(auto answer, cp_->tasks().lease(w, req));
           return protocol::to_json(answer);
         });
  worker("/v1/workers/{worker}/log", "Log lines of the worker's current task",
         [this, no_answer](const std::string& w, const json& b) -> Result<json> {
           EDDY_ASSIGN_OR_RETURN(auto req, protocol::log_request_from_json(b));
           return no_answer(cp_->tasks().log(w, req));
         });
  worker("/v1/workers/{worker}/done", "The worker's task finished",
         [this, no_answer](const std::string& w, const json& b) -> Result<json> {
           EDDY_ASSIGN_OR_RETURN(auto report, protocol::done_report_from_json(b));
           return no_answer(cp_->tasks().done(w, report));
         });

  auto bind = [this](void (NativeApi::*fn)(const httplib::Request&, httplib::Response&)) {
    return RouteHandler(
        [this, fn](const httplib::Request& req, httplib::Response& res) { (this->*fn)(req, res); });
  };
  add("POST", "/v1/{plural}", "Create a resource (JSON or YAML)", "native", {}, kResourceBody, 201,
      bind(&NativeApi::create));
  add("GET", "/v1/{plural}",
      "List resources (labelSelector), or watch them as server-sent events", "native",
      {"labelSelector", "watch", "limit", "continue"}, {}, 200, bind(&NativeApi::list));
  add("GET", "/v1/{plural}/{name}", "Get a resource, or watch it (watch=1)", "native", {"watch"},
      {}, 200, bind(&NativeApi::get));
  add("PUT", "/v1/{plural}/{name}", "Replace a resource's spec and labels", "native", {},
      kResourceBody, 200, bind(&NativeApi::replace));
  add("DELETE", "/v1/{plural}/{name}", "Delete a resource", "native", {}, {}, 200,
      bind(&NativeApi::remove));
  add("GET", "/v1/{plural}/{name}/log", "A page of a resource's log", "native", {"from", "size"},
      {}, 200, bind(&NativeApi::log));
}

void NativeApi::create(const httplib::Request& req, httplib::Response& res) {
  auto info = kind_for_path(req.matches[1].str());
  if (!info.is_ok()) return set_native_error(res, info.status());
  auto body = parse_resource_body(req);
  if (!body.is_ok()) return set_native_error(res, body.status());
  auto r = resource_from_body(*body, **info);
  if (!r.is_ok()) return set_native_error(res, r.status());
  auto created = cp_->resources().create(std::move(r).value());
  if (!created.is_ok()) return set_native_error(res, created.status());
  set_json(res, 201, resources::to_json(*created));
}

void NativeApi::list(const httplib::Request& req, httplib::Response& res) {
  auto info = kind_for_path(req.matches[1].str());
  if (!info.is_ok()) return set_native_error(res, info.status());
  if (truthy(req.get_param_value("watch"))) {
    if (req.has_param("labelSelector")) {
      return set_native_error(res, invalid_argument("labelSelector: not supported with watch"));
    }
    return watch((*info)->kind, "", res);
  }
  resources::LabelSelector selector;
  if (req.has_param("labelSelector")) {
    auto sel = resources::parse_label_selector(req.get_param_value("labelSelector"));
    if (!sel.is_ok()) return set_native_error(res, sel.status().with_context("labelSelector"));
    selector = std::move(sel).value();
  }
  // Pages, as Kubernetes lists do (limit, metadata.continue): one answer never holds every
  // resource ever created. The continue token is the last id of the page (ids only grow).
  auto limit = query_int(req, "limit", kDefaultListLimit);
  if (!limit.is_ok()) return set_native_error(res, limit.status());
  if (*limit <= 0 || *limit > kMaxListLimit)
    return set_native_error(res, invalid_argument("limit: expected 1 to " +
                                                  std::to_string(kMaxListLimit)));
  int64_t after = -1;
  if (req.has_param("continue")) {
    auto token = query_int(req, "continue", -1);
    if (!token.is_ok())
      return set_native_error(res, invalid_argument("continue: not a token this server gave"));
    after = *token;
  }
  auto items = cp_->resources().list((*info)->kind, selector);
  if (!items.is_ok()) return set_native_error(res, items.status());
  std::vector<const resources::Resource*> page;
  for (const auto& r : *items)
    if (r.id > after) page.push_back(&r);
  std::sort(page.begin(), page.end(), [](auto* a, auto* b) { return a->id < b->id; });
  json meta = json::object();
  if (page.size() > static_cast<size_t>(*limit)) {
    page.resize(static_cast<size_t>(*limit));
    meta["continue"] = std::to_string(page.back()->id);
  }
  json arr = json::array();
  for (const auto* r : page) arr.push_back(resources::to_json(*r));
  set_json(res, 200,
           {{"apiVersion", resources::kApiVersion},
            {"kind", (*info)->kind + "List"},
            {"metadata", std::move(meta)},
            {"items", std::move(arr)}});
}

void NativeApi::get(const httplib::Request& req, httplib::Response& res) {
  auto info = kind_for_path(req.matches[1].str());
  if (!info.is_ok()) return set_native_error(res, info.status());
  const std::string name = req.matches[2].str();
  if (truthy(req.get_param_value("watch"))) return watch((*info)->kind, name, res);
  auto r = cp_->resources().get((*info)->kind, name);
  if (!r.is_ok()) return set_native_error(res, r.status());
  set_json(res, 200, resources::to_json(*r));
}

void NativeApi::replace(const httplib::Request& req, httplib::Response& res) {
  auto info = kind_for_path(req.matches[1].str());
  if (!info.is_ok()) return set_native_error(res, info.status());
  const std::string name = req.matches[2].str();
  auto body = parse_resource_body(req);
  if (!body.is_ok()) return set_native_error(res, body.status());
  auto r = resource_from_body(*body, **info);
  if (!r.is_ok()) return set_native_error(res, r.status());
  if (r->name.empty()) {
    r->name = name;
  } else if (r->name != name) {
    return set_native_error(
        res, invalid_argument("metadata.name: '" + r->name + "' does not match the path's name '" +
                              name + "'"));
  }
  // from_json ignores a user's resourceVersion (untrusted); PUT honours it for optimistic
  // concurrency, so read it here.
  if (body->contains("metadata") && (*body)["metadata"].is_object() &&
      (*body)["metadata"].contains("resourceVersion")) {
    const json& v = (*body)["metadata"]["resourceVersion"];
    try {
      r->version = v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>();
    } catch (const std::exception&) {
      return set_native_error(
          res, invalid_argument("metadata.resourceVersion: expected an integer, got " + v.dump()));
    }
  }
  auto updated = cp_->resources().update_spec(*r);
  if (!updated.is_ok()) return set_native_error(res, updated.status());
  set_json(res, 200, resources::to_json(*updated));
}

void NativeApi::remove(const httplib::Request& req, httplib::Response& res) {
  auto info = kind_for_path(req.matches[1].str());
  if (!info.is_ok()) return set_native_error(res, info.status());
  auto r = cp_->resources().remove((*info)->kind, req.matches[2].str());
  if (!r.is_ok()) return set_native_error(res, r.status());
  set_json(res, 200, resources::to_json(*r));
}

void NativeApi::log(const httplib::Request& req, httplib::Response& res) {
  auto info = kind_for_path(req.matches[1].str());
  if (!info.is_ok()) return set_native_error(res, info.status());
  const std::string name = req.matches[2].str();
  auto from = query_int(req, "from", 0);
  if (!from.is_ok()) return set_native_error(res, from.status());
  auto size = query_int(req, "size", 1000);
  if (!size.is_ok()) return set_native_error(res, size.status());
  if (*from < 0) return set_native_error(res, invalid_argument("from: must be >= 0"));
  if (*size < 0 || *size > 100000) {
    return set_native_error(
        res, invalid_argument("size: expected 0 to 100000, got " + std::to_string(*size)));
  }
  auto r = cp_->resources().get((*info)->kind, name);
  if (!r.is_ok()) return set_native_error(res, r.status());
  auto page = cp_->resources().store().read_log((*info)->kind, name, *from, *size);
  if (!page.is_ok()) return set_native_error(res, page.status());
  set_json(res, 200, {{"from", *from}, {"total", page->total}, {"lines", page->lines}});
}

}  // namespace eddy::server
