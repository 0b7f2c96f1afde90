// ApiClient and the commands built on it (eddy apply|get|describe|logs|delete), against a fake
// of `eddy serve`'s native API written here: an httplib::Server on 127.0.0.1 (port 0) holding
// resources in a map and answering as docs/api.md says. The real server's end-to-end tests
// live with the server; these pin the client's side of the contract and the CLI's output.
#include "cli/api_client.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "resources/kind_registry.h"

namespace eddy::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json error_body(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

// The native API over an in-memory map, validating specs with the real kinds as the server does.
class FakeEddyServer {
 public:
  FakeEddyServer() {
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      requests_.push_back(req.method + " " + req.path);
      auth_headers_.push_back(req.get_header_value("Authorization"));
      if (!token_.empty() && req.get_header_value("Authorization") != "Bearer " + token_) {
        reply(res, 401, error_body("PermissionDenied", "missing or wrong bearer token"));
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server_.Post(R"(/v1/([a-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
      create(req.matches[1], req.body, res);
    });
    server_.Get(R"(/v1/([a-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.has_param("watch")) return watch(req.matches[1], "", res);
      list(req.matches[1], req.get_param_value("labelSelector"), res);
    });
    server_.Get(R"(/v1/([a-z]+)/([a-z0-9-]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  if (req.has_param("watch")) return watch(req.matches[1], req.matches[2], res);
                  std::lock_guard<std::mutex> l(mu_);
                  if (const json* r = find(req.matches[1], req.matches[2], res))
                    reply(res, 200, *r);
                });
    server_.Put(R"(/v1/([a-z]+)/([a-z0-9-]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  put(req.matches[1], req.matches[2], req.body, res);
                });
    server_.Delete(R"(/v1/([a-z]+)/([a-z0-9-]+))",
                   [this](const httplib::Request& req, httplib::Response& res) {
                     std::lock_guard<std::mutex> l(mu_);
                     if (const json* r = find(req.matches[1], req.matches[2], res)) {
                       reply(res, 200, *r);
                       store_[req.matches[1]].erase(req.matches[2]);
                     }
                   });
    server_.Get(R"(/v1/([a-z]+)/([a-z0-9-]+)/log)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  log(req.matches[1], req.matches[2], req, res);
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeEddyServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void require_token(const std::string& t) { token_ = t; }
  void set_log(const std::string& plural, const std::string& name, std::vector<std::string> l) {
    std::lock_guard<std::mutex> g(mu_);
    logs_[plural + "/" + name] = std::move(l);
  }
  void set_status(const std::string& plural, const std::string& name, const json& status) {
    std::lock_guard<std::mutex> g(mu_);
    store_[plural][name]["status"] = status;
  }
  void add_watch_event(const std::string& type, const json& object) {
    std::lock_guard<std::mutex> g(mu_);
    watch_events_.push_back({{"type", type}, {"object", object}});
  }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> g(mu_);
    return requests_;
  }
  std::vector<std::string> auth_headers() {
    std::lock_guard<std::mutex> g(mu_);
    return auth_headers_;
  }
  json stored(const std::string& plural, const std::string& name) {
    std::lock_guard<std::mutex> g(mu_);
    return store_[plural][name];
  }

 private:
  static void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }

  const json* find(const std::string& plural, const std::string& name, httplib::Response& res) {
    auto& m = store_[plural];
    auto it = m.find(name);
    if (it != m.end()) return &it->second;
    reply(res, 404, error_body("NotFound", plural + " \"" + name + "\" not found"));
    return nullptr;
  }

  // Reads and validates a resource as the server does; replies 400/404 and returns false if bad.
  bool read(const std::string& plural, const std::string& body, resources::Resource* r,
            httplib::Response& res) {
    const resources::KindInfo* kind = resources::find_kind(plural);
    if (kind == nullptr || kind->plural != plural) {
      reply(res, 404, error_body("NotFound", "no resource kind '" + plural + "'"));
      return false;
    }
    json j = json::parse(body, nullptr, false);
    auto parsed = resources::from_json(j, false);
    Status st = parsed.status();
    if (st.is_ok()) {
      *r = *parsed;
      st = kind->validate_spec(r->spec);
    }
    if (!st.is_ok()) reply(res, 400, error_body("InvalidArgument", st.message()));
    return st.is_ok();
  }

  void create(const std::string& plural, const std::string& body, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu_);
    resources::Resource r;
    if (!read(plural, body, &r, res)) return;
    if (store_[plural].count(r.name)) {
      reply(res, 409, error_body("AlreadyExists", plural + " \"" + r.name + "\" already exists"));
      return;
    }
    r.uid = "uid-" + r.name;
    r.id = static_cast<int64_t>(store_[plural].size());
    r.version = ++version_;
    r.created_ms = 1'800'000'000'000;
    r.status = {{"state", r.kind == "Cluster" ? "STARTING" : "starting"}};
    store_[plural][r.name] = resources::to_json(r);
    reply(res, 201, store_[plural][r.name]);
  }

  void put(const std::string& plural, const std::string& name, const std::string& body,
           httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu_);
    resources::Resource r;
    if (!read(plural, body, &r, res)) return;
    json* have = const_cast<json*>(find(plural, name, res));
    if (have == nullptr) return;
    (*have)["spec"] = r.spec;
    (*have)["metadata"]["labels"] = resources::to_json(r)["metadata"]["labels"];
    (*have)["metadata"]["resourceVersion"] = std::to_string(++version_);
    reply(res, 200, *have);
  }

  void list(const std::string& plural, const std::string& selector, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu_);
    auto sel = resources::parse_label_selector(selector);
    if (!sel.is_ok()) return reply(res, 400, error_body("InvalidArgument", sel.status().message()));
    json items = json::array();
    for (const auto& [name, j] : store_[plural]) {
      auto r = resources::from_json(j, true);
      if (r.is_ok() && sel->matches(r->labels)) items.push_back(j);
    }
    reply(res, 200, {{"apiVersion", "eddy.dev/v1"}, {"kind", "ClusterList"}, {"items", items}});
  }

  void log(const std::string& plural, const std::string& name, const httplib::Request& req,
           httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu_);
    if (find(plural, name, res) == nullptr) return;
    const std::vector<std::string>& lines = logs_[plural + "/" + name];
    const int64_t total = static_cast<int64_t>(lines.size());
    const int64_t from = std::min<int64_t>(std::stoll(req.get_param_value("from")), total);
    const int64_t size = std::stoll(req.get_param_value("size"));
    const int64_t end = std::min(total, from + size);
    reply(res, 200,
          {{"from", from},
           {"total", total},
           {"lines", std::vector<std::string>(lines.begin() + from, lines.begin() + end)}});
  }

  // The current resources as ADDED (as a server may replay them), then the queued events.
  void watch(const std::string& plural, const std::string& name, httplib::Response& res) {
    if (resources::find_kind(plural) == nullptr)
      return reply(res, 404, error_body("NotFound", "no resource kind '" + plural + "'"));
    std::string stream = ": connected\n\n";
    {
      std::lock_guard<std::mutex> l(mu_);
      for (const auto& [n, j] : store_[plural])
        if (name.empty() || n == name)
          stream += "data: " + json{{"type", "ADDED"}, {"object", j}}.dump() + "\n\n";
      for (const json& e : watch_events_) stream += "data: " + e.dump() + "\r\n\r\n";
    }
    res.set_chunked_content_provider("text/event-stream",
                                     [stream](size_t, httplib::DataSink& sink) {
                                       // Two writes, split inside an event.
                                       const size_t half = stream.size() / 2;
                                       sink.write(stream.data(), half);
                                       sink.write(stream.data() + half, stream.size() - half);
                                       sink.done();
                                       return true;
                                     });
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::string token_;
  std::mutex mu_;
  std::map<std::string, std::map<std::string, json>> store_;  // GUARDED_BY(mu_)
  std::map<std::string, std::vector<std::string>> logs_;      // GUARDED_BY(mu_)
  std::vector<json> watch_events_;                            // GUARDED_BY(mu_)
  std::vector<std::string> requests_;                         // GUARDED_BY(mu_)
  std::vector<std::string> auth_headers_;                     // GUARDED_BY(mu_)
  int64_t version_ = 0;                                       // GUARDED_BY(mu_)
};

json cluster_manifest(const std::string& name, int workers) {
  return {{"apiVersion", "eddy.dev/v1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", name}, {"labels", {{"team", "data"}}}}},
          {"spec", {{"workers", workers}}}};
}

// ---------------------------------------------------------------------------------------------
// Pieces without a server.

TEST(SseParserTest, EventsSplitAcrossChunksMultiLineDataAndComments) {
  std::vector<std::string> got;
  SseParser p([&](const std::string& d) {
    got.push_back(d);
    return true;
  });
  const std::string stream =
      ": keep-alive\n\ndata: {\"a\":1}\n\nevent: x\nid: 7\ndata: line1\ndata:line2\r\n\r\ndata: 3";
  for (char c : stream) ASSERT_TRUE(p.feed(&c, 1));
  EXPECT_EQ(got, (std::vector<std::string>{"{\"a\":1}", "line1\nline2"}));
  ASSERT_TRUE(p.feed("\n\n", 2));  // the last event completes only at its blank line
  EXPECT_EQ(got.back(), "3");
}

TEST(SseParserTest, StopsWhenTheHandlerSaysSo) {
  int n = 0;
  SseParser p([&](const std::string&) { return ++n < 2; });
  EXPECT_FALSE(p.feed("data: 1\n\ndata: 2\n\ndata: 3\n\n", 27));
  EXPECT_EQ(n, 2);
}

TEST(StatusFromHttpTest, TheServersCodeAndMessageElseTheHttpStatus) {
  Status s =
      status_from_http(404, error_body("NotFound", "clusters \"x\" not found").dump(), "GET");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "clusters \"x\" not found");
  EXPECT_EQ(status_from_http(409, error_body("FailedPrecondition", "version").dump(), "PUT").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(status_from_http(409, "", "POST").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(status_from_http(409, "", "PUT").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status_from_http(400, "bad things", "POST").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status_from_http(400, "bad things", "POST").message(), "bad things");
  EXPECT_EQ(status_from_http(503, "", "GET").code(), StatusCode::kUnavailable);
  EXPECT_EQ(status_from_http(500, "", "GET").message(), "the server answered HTTP 500");
  Status auth = status_from_http(401, "", "GET");
  EXPECT_EQ(auth.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(auth.message().find("--token"), std::string::npos);
}

class EnvGuard {
 public:
  explicit EnvGuard(std::vector<std::string> names) : names_(std::move(names)) {
    for (const auto& n : names_) {
      const char* v = std::getenv(n.c_str());
      saved_.emplace_back(v != nullptr, v != nullptr ? v : "");
      unsetenv(n.c_str());
    }
  }
  ~EnvGuard() {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (saved_[i].first)
        setenv(names_[i].c_str(), saved_[i].second.c_str(), 1);
      else
        unsetenv(names_[i].c_str());
    }
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::pair<bool, std::string>> saved_;
};

TEST(ResolveClientConfigTest, FlagsThenEnvironmentThenDefault) {
  EnvGuard env({"EDDY_SERVER", "EDDY_TOKEN"});
  auto c = resolve_client_config({});
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->base_url, "http://127.0.0.1:8998");
  EXPECT_EQ(c->token, "");
  setenv("EDDY_SERVER", "eddy.example:9000/", 1);
  setenv("EDDY_TOKEN", "from-env", 1);
  c = resolve_client_config({});
  EXPECT_EQ(c->base_url, "http://eddy.example:9000");
  EXPECT_EQ(c->token, "from-env");
  c = resolve_client_config({"https://other:1/prefix", "from-flag", ""});
  EXPECT_EQ(c->base_url, "https://other:1/prefix");
  EXPECT_EQ(c->token, "from-flag");

  const std::string file = testing::TempDir() + "/eddy_token";
  std::ofstream(file) << "  secret-token\n";
  c = resolve_client_config({"", "", file});
  EXPECT_EQ(c->token, "secret-token");
  auto missing = resolve_client_config({"", "", file + ".missing"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto bad = resolve_client_config({"ftp://x", "", ""});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// ApiClient against the fake server.

class ApiClientTest : public testing::Test {
 protected:
  FakeEddyServer server_;
  ApiClient client_{ClientConfig{server_.url(), "t0k"}};
};

TEST_F(ApiClientTest, CreateGetListPutDelete) {
  auto created = client_.create("clusters", cluster_manifest("demo", 3));
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ((*created)["metadata"]["name"], "demo");
  EXPECT_EQ((*created)["spec"]["coresPerWorker"], 1);  // the kind's default, filled by the server

  auto again = client_.create("clusters", cluster_manifest("demo", 3));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "clusters \"demo\" already exists");

  auto got = client_.get("clusters", "demo");
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ((*got)["spec"]["workers"], 3);

  auto listed = client_.list("clusters", "team=data");
  ASSERT_TRUE(listed.is_ok());
  EXPECT_EQ(listed->size(), 1u);
  EXPECT_EQ(client_.list("clusters", "team=web")->size(), 0u);

  auto replaced = client_.put("clusters", "demo", cluster_manifest("demo", 5));
  ASSERT_TRUE(replaced.is_ok());
  EXPECT_EQ((*replaced)["spec"]["workers"], 5);

  ASSERT_TRUE(client_.remove("clusters", "demo").is_ok());
  auto gone = client_.get("clusters", "demo");
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), "clusters \"demo\" not found");

  for (const std::string& h : server_.auth_headers()) EXPECT_EQ(h, "Bearer t0k");
  EXPECT_EQ(server_.requests().front(), "POST /v1/clusters");
}

TEST_F(ApiClientTest, ValidationErrorsAreInvalidArgumentWithTheServersMessage) {
  auto r = client_.create("clusters", cluster_manifest("demo", 99));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("spec.workers"), std::string::npos) << r.status().message();
}

TEST_F(ApiClientTest, LogPages) {
  ASSERT_TRUE(client_.create("clusters", cluster_manifest("demo", 1)).is_ok());
  server_.set_log("clusters", "demo", {"a", "b", "c"});
  auto page = client_.log("clusters", "demo", 1, 10);
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_EQ(page->from, 1);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->lines, (std::vector<std::string>{"b", "c"}));
}

TEST_F(ApiClientTest, WatchDeliversEventsInOrderAndStopsOnRequest) {
  ASSERT_TRUE(client_.create("clusters", cluster_manifest("demo", 1)).is_ok());
  json modified = server_.stored("clusters", "demo");
  modified["status"]["state"] = "RUNNING";
  server_.add_watch_event("MODIFIED", modified);
  server_.add_watch_event("DELETED", modified);
  std::vector<std::string> types;
  Status st = client_.watch("clusters", "", "", [&](const json& ev) {
    types.push_back(ev["type"]);
    return true;
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(types, (std::vector<std::string>{"ADDED", "MODIFIED", "DELETED"}));

  types.clear();
  st = client_.watch("clusters", "demo", "", [&](const json& ev) {
    types.push_back(ev["type"]);
    return false;
  });
  ASSERT_TRUE(st.is_ok());
  EXPECT_EQ(types.size(), 1u);
  EXPECT_EQ(client_.watch("nope", "", "", [](const json&) { return true; }).code(),
            StatusCode::kNotFound);
}

TEST(ApiClientUnreachableTest, ConnectionRefusedIsUnavailableNamingTheServer) {
  ApiClient client(ClientConfig{"http://127.0.0.1:1", ""});
  auto r = client.get("clusters", "x");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot reach eddy server at http://127.0.0.1:1"),
            std::string::npos);
  EXPECT_NE(r.status().message().find("(is `eddy serve` running?)"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The eddy binary against the fake server.

struct EddyRun {
  int code = -1;
  std::string out, err;
};

class EddyCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("eddy_cli_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Runs `eddy ARGS` with EDDY_SERVER pointing at the fake (unless `server` says otherwise).
  EddyRun eddy(const std::string& args, const std::string& stdin_text = "",
               const std::string& server = "") {
    write("stdin", stdin_text);
    const std::string cmd = "cd " + dir_.string() + " && env -u EDDY_TOKEN EDDY_SERVER=" +
                            (server.empty() ? server_.url() : server) + " " + EDDY_BINARY + " " +
                            args + " <stdin >stdout 2>stderr";
    const int rc = std::system(cmd.c_str());
    EddyRun r;
    r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = slurp(dir_ / "stdout");
    r.err = slurp(dir_ / "stderr");
    return r;
  }

  FakeEddyServer server_;
  fs::path dir_;
};

constexpr const char* kClusterYaml = R"(apiVersion: eddy.dev/v1
kind: Cluster
metadata:
  name: demo
  labels: {team: data}
spec:
  workers: 2
)";

TEST_F(EddyCommandTest, ApplyCreatesThenUnchangedThenConfigured) {
  const std::string f = write("cluster.yaml", kClusterYaml);
  EddyRun r = eddy("apply -f cluster.yaml");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "cluster/demo created\n");
  // The server stored the spec with defaults filled in; the same manifest is still unchanged.
  r = eddy("apply -f " + f);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "cluster/demo unchanged\n");
  write("cluster.yaml", std::string(kClusterYaml) + "  idleTimeout: 30m\n");
  r = eddy("apply -f cluster.yaml");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "cluster/demo configured\n");
  EXPECT_EQ(server_.stored("clusters", "demo")["spec"]["idleTimeout"], "30m");
  // Labels count too.
  write("cluster.yaml", R"(apiVersion: eddy.dev/v1
kind: Cluster
metadata: {name: demo, labels: {team: web}}
spec: {workers: 2, idleTimeout: 30m}
)");
  EXPECT_EQ(eddy("apply -f cluster.yaml").out, "cluster/demo configured\n");
}

TEST_F(EddyCommandTest, ApplyReappliesATerminatedCluster) {
  write("cluster.yaml", kClusterYaml);
  ASSERT_EQ(eddy("apply -f cluster.yaml").code, 0);
  server_.set_status("clusters", "demo", {{"state", "TERMINATED"}});
  EddyRun r = eddy("apply -f cluster.yaml");
  EXPECT_EQ(r.out, "cluster/demo configured\n");
  EXPECT_EQ(server_.requests().back(), "PUT /v1/clusters/demo");
}

TEST_F(EddyCommandTest, ApplyContinuesAfterABadDocumentAndNamesIt) {
  write("many.yaml", R"(# three clusters
---
apiVersion: eddy.dev/v1
kind: Cluster
metadata: {name: a}
spec: {workers: 1}
---
apiVersion: eddy.dev/v1
kind: Cluster
metadata: {name: b}
spec: {workers: two}
---
apiVersion: eddy.dev/v1
kind: Cluster
metadata: {name: c}
)");
  EddyRun r = eddy("apply -f many.yaml");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_EQ(r.out, "cluster/a created\ncluster/c created\n");
  EXPECT_NE(r.err.find("many.yaml: document 2 (cluster/b): spec.workers"), std::string::npos)
      << r.err;
}

TEST_F(EddyCommandTest, ApplyRefusesOtherApiVersionsAndUnknownKinds) {
  write("sm.yaml", R"(apiVersion: sagemaker.aws.amazon.com/v1
kind: TrainingJob
metadata: {name: t}
---
apiVersion: eddy.dev/v1
kind: Pod
metadata: {name: p}
---
apiVersion: eddy.dev/v1
kind: Statement
metadata: {name: s}
)");
  EddyRun r = eddy("apply -f sm.yaml");
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("sm.yaml: document 1: apiVersion 'sagemaker.aws.amazon.com/v1' is not "
                       "supported"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("sm.yaml: document 2: unknown resource kind 'Pod' (known: "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("sm.yaml: document 3: kind Statement: created by the server"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(server_.requests().empty());  // nothing worth sending
}

TEST_F(EddyCommandTest, ApplyBadYamlNamesFileAndLine) {
  write("bad.yaml", "apiVersion: eddy.dev/v1\nkind: Cluster\nmetadata: {name: [x\nspec: {}\n");
  EddyRun r = eddy("apply -f bad.yaml");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("bad.yaml:4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("document 1: not valid YAML"), std::string::npos) << r.err;

  write("bad.json", "{\"apiVersion\": \"eddy.dev/v1\",\n \"kind\": }\n");
  r = eddy("apply -f bad.json");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("bad.json: not valid JSON: parse error at line 2"), std::string::npos)
      << r.err;
}

TEST_F(EddyCommandTest, ApplyDirectoryInNameOrderStdinJsonAndLists) {
  write("dir/b.yml", "apiVersion: eddy.dev/v1\nkind: Cluster\nmetadata: {name: b}\n");
  write("dir/a.json", cluster_manifest("a", 1).dump());
  write("dir/notes.txt", "not a manifest");
  EddyRun r = eddy("apply -f dir");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "cluster/a created\ncluster/b created\n");

  // What `eddy get -o yaml` prints for several resources applies back.
  r = eddy("get clusters -o yaml");
  ASSERT_EQ(r.code, 0) << r.err;
  EddyRun again = eddy("apply -f -", r.out);
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, "cluster/a unchanged\ncluster/b unchanged\n");

  EddyRun missing = eddy("apply -f nowhere.yaml");
  EXPECT_EQ(missing.code, 4);
  EXPECT_NE(missing.err.find("nowhere.yaml: no such file or directory"), std::string::npos);
}

TEST_F(EddyCommandTest, UnreachableServerExits5WithAHint) {
  write("cluster.yaml", kClusterYaml);
  for (const char* args : {"get clusters", "apply -f cluster.yaml", "delete cluster x"}) {
    EddyRun r = eddy(args, "", "http://127.0.0.1:1");
    EXPECT_EQ(r.code, 5) << args;
    EXPECT_NE(r.err.find("cannot reach eddy server at http://127.0.0.1:1"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("is `eddy serve` running?"), std::string::npos) << r.err;
  }
}

TEST_F(EddyCommandTest, GetUnknownKindExits3ListingKinds) {
  EddyRun r = eddy("get pods");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("unknown resource kind 'pods' (known: batches (batch, ba), batchjobs "
                       "(batchjob, bj), clusters (cluster, cl), sessions (session, se), "
                       "statements (statement, st))"),
            std::string::npos)
      << r.err;
}

TEST_F(EddyCommandTest, GetTableWideJsonYamlNameAndErrors) {
  EddyRun r = eddy("get clusters");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "No resources found.\n");

  write("c.yaml", kClusterYaml);
  ASSERT_EQ(eddy("apply -f c.yaml").code, 0);
  r = eddy("get cl");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')).substr(0, 4), "NAME");
  EXPECT_NE(r.out.find("AGE"), std::string::npos);
  EXPECT_NE(r.out.find("\ndemo "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("STARTING"), std::string::npos) << r.out;
  EddyRun wide = eddy("get clusters -o wide");
  EXPECT_GT(wide.out.find('\n'), r.out.find('\n'));  // more columns in the header

  r = eddy("get cluster demo -o json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["metadata"]["name"], "demo");
  r = eddy("get clusters -o json");
  EXPECT_EQ(json::parse(r.out)["kind"], "ClusterList");
  r = eddy("get cluster/demo -o yaml");
  EXPECT_EQ(r.out.rfind("apiVersion: eddy.dev/v1\nkind: Cluster\n", 0), 0u) << r.out;
  EXPECT_EQ(eddy("get clusters -o name").out, "cluster/demo\n");
  EXPECT_EQ(eddy("get clusters -l team=data -o name").out, "cluster/demo\n");
  EXPECT_EQ(eddy("get clusters -l team=web -o name").err, "No resources found.\n");

  r = eddy("get cluster nope");
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("clusters \"nope\" not found"), std::string::npos) << r.err;
  EXPECT_EQ(eddy("get clusters -o xml").code, 3);
  EXPECT_EQ(eddy("get clusters -l 'a=b=c,'").code, 3);
  EXPECT_EQ(eddy("get").code, 2);
}

TEST_F(EddyCommandTest, GetWatchPrintsEachChangeOnce) {
  write("c.yaml", kClusterYaml);
  ASSERT_EQ(eddy("apply -f c.yaml").code, 0);
  json running = server_.stored("clusters", "demo");
  running["status"]["state"] = "RUNNING";
  running["metadata"]["resourceVersion"] = "7";
  server_.add_watch_event("MODIFIED", running);

  EddyRun r = eddy("get clusters -w -o json");
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<json> events;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) events.push_back(json::parse(l));
  ASSERT_EQ(events.size(), 2u) << r.out;  // the replayed ADDED is not printed twice
  EXPECT_EQ(events[0]["type"], "ADDED");
  EXPECT_EQ(events[1]["type"], "MODIFIED");
  EXPECT_EQ(events[1]["object"]["status"]["state"], "RUNNING");

  r = eddy("get cluster demo -w");
  EXPECT_EQ(r.code, 0) << r.err;
  std::istringstream table(r.out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(table, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0].substr(0, 4), "NAME");
  EXPECT_NE(lines[1].find("STARTING"), std::string::npos);
  EXPECT_NE(lines[2].find("RUNNING"), std::string::npos);
}

TEST_F(EddyCommandTest, DescribeLogsAndDelete) {
  write("c.yaml", kClusterYaml);
  ASSERT_EQ(eddy("apply -f c.yaml").code, 0);
  EddyRun r = eddy("describe cluster demo");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Name:         demo\nKind:         Cluster\nLabels:       team=data\n", 0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("Workers:"), std::string::npos) << r.out;
  EXPECT_EQ(eddy("describe cluster nope").code, 4);

  std::vector<std::string> lines;
  for (int i = 0; i < 2500; ++i) lines.push_back("line " + std::to_string(i));
  server_.set_log("clusters", "demo", lines);
  r = eddy("logs cluster demo");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2500);
  EXPECT_EQ(r.out.substr(0, 7), "line 0\n");
  EXPECT_EQ(eddy("logs cluster demo --tail 2").out, "line 2498\nline 2499\n");
  server_.set_log("clusters", "demo", {"a", "b", "c"});
  EXPECT_EQ(eddy("logs cluster/demo --tail 1").out, "c\n");
  server_.set_status("clusters", "demo", {{"state", "TERMINATED"}});
  r = eddy("logs cluster demo -f");  // terminal already: prints and exits
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "a\nb\nc\n");
  EXPECT_EQ(eddy("logs cluster nope").code, 4);

  r = eddy("delete cluster demo nope");
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(r.out, "cluster/demo deleted\n");
  EXPECT_NE(r.err.find("clusters \"nope\" not found"), std::string::npos) << r.err;
  write("c.yaml", kClusterYaml);
  ASSERT_EQ(eddy("apply -f c.yaml").code, 0);
  r = eddy("delete cl demo --wait");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "cluster/demo deleted\n");
}

TEST_F(EddyCommandTest, TokenFromFlagOrFile) {
  server_.require_token("s3cret");
  EddyRun r = eddy("get clusters");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("missing or wrong bearer token"), std::string::npos) << r.err;
  EXPECT_EQ(eddy("get clusters --token s3cret").code, 0);
  write("token", "s3cret\n");
  EXPECT_EQ(eddy("get clusters --token-file token").code, 0);
}

}  // namespace
}  // namespace eddy::cli
