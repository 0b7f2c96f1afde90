// The native API (/v1/...) over a real ControlPlane: CRUD in JSON and YAML, label selectors,
// optimistic concurrency, log paging, watch streams, and the errors a user sees for bad input.
#include "server/native_api.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "server/test_server.h"

namespace eddy::server {
namespace {

using nlohmann::json;

class NativeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    ASSERT_TRUE(server_->start().is_ok());
    cli_ = server_->client();
  }

  httplib::Result post_json(const std::string& path, const json& body) {
    return cli_->Post(path.c_str(), body.dump(), "application/json");
  }
  static json cluster(const std::string& name, json spec = json::object(),
                      json labels = json::object()) {
    return {{"apiVersion", "eddy.dev/v1"},
            {"kind", "Cluster"},
            {"metadata", {{"name", name}, {"labels", labels}}},
            {"spec", spec}};
  }
  static std::string error_message(const httplib::Result& r) {
    json b = body_json(r);
    return b.is_object() && b.contains("error") ? b["error"].value("message", "") : "";
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> cli_;
};

TEST_F(NativeApiTest, CreateGetListReplaceDelete) {
  auto res = post_json("/v1/clusters", cluster("alpha", {{"workers", 3}}, {{"team", "data"}}));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  json created = json::parse(res->body);
  EXPECT_EQ(created["metadata"]["name"], "alpha");
  EXPECT_EQ(created["spec"]["workers"], 3);
  EXPECT_EQ(created["spec"]["idleTimeout"], "10m");  // defaulted by the kind
  ASSERT_TRUE(post_json("/v1/clusters", cluster("beta")));

  res = cli_->Get("/v1/clusters/alpha");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["metadata"]["labels"]["team"], "data");

  res = cli_->Get("/v1/clusters");
  ASSERT_TRUE(res);
  json list = json::parse(res->body);
  EXPECT_EQ(list["kind"], "ClusterList");
  EXPECT_EQ(list["apiVersion"], "eddy.dev/v1");
  EXPECT_EQ(list["items"].size(), 2u);

  res = cli_->Get("/v1/clusters?labelSelector=team%3Ddata");
  ASSERT_TRUE(res);
  list = json::parse(res->body);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["metadata"]["name"], "alpha");
  res = cli_->Get("/v1/clusters?labelSelector=team!%3Ddata");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["items"].size(), 1u);

  // Kind names, plurals and short names all work in the path, case-insensitively.
  res = cli_->Get("/v1/Clusters/alpha");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  json replaced = cluster("alpha", {{"workers", 5}}, {{"team", "ml"}});
  res = cli_->Put("/v1/clusters/alpha", replaced.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json updated = json::parse(res->body);
  EXPECT_EQ(updated["spec"]["workers"], 5);
  EXPECT_EQ(updated["metadata"]["labels"]["team"], "ml");

  // A stale resourceVersion is a conflict.
  replaced["metadata"]["resourceVersion"] = created["metadata"]["resourceVersion"];
  res = cli_->Put("/v1/clusters/alpha", replaced.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409) << res->body;

  // PUT to a different name than the body's.
  res = cli_->Put("/v1/clusters/beta", cluster("alpha").dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  res = cli_->Delete("/v1/clusters/beta");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["metadata"]["name"], "beta");
}

TEST_F(NativeApiTest, CreateFromYaml) {
  const std::string yaml =
      "apiVersion: eddy.dev/v1\n"
      "kind: Cluster\n"
      "metadata:\n"
      "  name: from-yaml\n"
      "spec:\n"
      "  workers: 4\n"
      "  autoTerminate: false\n"
      "  idleTimeout: 30m\n";
  auto res = cli_->Post("/v1/clusters", yaml, "application/yaml");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json j = json::parse(res->body);
  EXPECT_EQ(j["spec"]["workers"], 4);
  EXPECT_EQ(j["spec"]["autoTerminate"], false);
  EXPECT_EQ(j["spec"]["idleTimeout"], "30m");

  res = cli_->Post("/v1/clusters", "kind: Cluster\nmetadata: {name: x\n", "application/x-yaml");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_message(res).find("invalid YAML at line"), std::string::npos) << res->body;
}

TEST_F(NativeApiTest, BadInputIsExplained) {
  auto res =
      cli_->Post("/v1/clusters", "{\"kind\": \"Cluster\", \"metadata\": {", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(body_json(res)["error"]["code"], "InvalidArgument");
  EXPECT_NE(error_message(res).find("line 1, column"), std::string::npos) << res->body;

  res = post_json("/v1/clusters", cluster("c1", {{"workers", "two"}}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_message(res).find("spec.workers"), std::string::npos) << res->body;

  res = post_json("/v1/clusters", cluster("c1", {{"wrokers", 2}}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_message(res).find("wrokers"), std::string::npos) << res->body;

  res = post_json("/v1/clusters", cluster("Bad_Name"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_message(res).find("metadata.name"), std::string::npos) << res->body;

  res = post_json("/v1/gizmos", cluster("c1"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(error_message(res).find("unknown resource type 'gizmos'"), std::string::npos)
      << res->body;

  res = post_json("/v1/clusters", json{{"kind", "Batch"}, {"metadata", {{"name", "x"}}}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_message(res).find("does not match"), std::string::npos) << res->body;

  res = post_json("/v1/clusters", json::array({1, 2}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  ASSERT_TRUE(post_json("/v1/clusters", cluster("dup")));
  res = post_json("/v1/clusters", cluster("dup"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  EXPECT_EQ(body_json(res)["error"]["code"], "AlreadyExists");

  res = cli_->Get("/v1/clusters/nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(body_json(res)["error"]["code"], "NotFound");

  res = cli_->Get("/v1/clusters?labelSelector=%3D%3D");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  res = cli_->Get("/v1/clusters/dup/log?from=abc");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(error_message(res).find("from"), std::string::npos);
}

TEST_F(NativeApiTest, LogPaging) {
  ASSERT_TRUE(post_json("/v1/clusters", cluster("logged")));
  std::vector<std::string> lines;
  for (int i = 0; i < 10; ++i) lines.push_back("line " + std::to_string(i));
  ASSERT_TRUE(server_->cp->resources().store().append_log("Cluster", "logged", lines).is_ok());
  auto res = cli_->Get("/v1/clusters/logged/log?from=2&size=3");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json page = json::parse(res->body);
  EXPECT_EQ(page["from"], 2);
  EXPECT_EQ(page["total"], 10);
  EXPECT_EQ(page["lines"], json::array({"line 2", "line 3", "line 4"}));
  res = cli_->Get("/v1/clusters/nope/log");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(NativeApiTest, WorkerRoutesReachTheControlPlane) {
  auto res = post_json(
      "/v1/workers/register",
      {{"cluster", "nope"}, {"worker", "nope-w0"}, {"pid", 1}, {"cores", 1}, {"memoryBytes", 0}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
  res = cli_->Post("/v1/workers/nope-w0/heartbeat", "{oops", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

// Reads server-sent events on a background thread until `want` events arrived.
class SseReader {
 public:
  SseReader(int port, std::string path, size_t want) : want_(want) {
    thread_ = std::thread([this, port, path] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(10, 0);
      std::string buffer;
      c.Get(path.c_str(), [&](const char* data, size_t len) {
        buffer.append(data, len);
        size_t end;
        std::unique_lock<std::mutex> l(mu_);
        while ((end = buffer.find("\n\n")) != std::string::npos) {
          std::string frame = buffer.substr(0, end);
          buffer.erase(0, end + 2);
          if (frame.rfind("data: ", 0) == 0) events_.push_back(json::parse(frame.substr(6)));
          if (frame.rfind(": ping", 0) == 0) ++pings_;
        }
        cv_.notify_all();
        return events_.size() < want_;
      });
      std::lock_guard<std::mutex> l(mu_);
      done_ = true;
      cv_.notify_all();
    });
  }
  ~SseReader() {
    if (thread_.joinable()) thread_.join();
  }
  bool wait_for(size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(10), [&] {
      return events_.size() >= n || done_;
    }) && events_.size() >= n;
  }
  std::vector<json> events() {
    std::lock_guard<std::mutex> l(mu_);
    return events_;
  }
  void join() { thread_.join(); }

 private:
  size_t want_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<json> events_;
  int pings_ = 0;
  bool done_ = false;
  std::thread thread_;
};

TEST_F(NativeApiTest, WatchSendsTheCurrentObjectsThenChanges) {
  ASSERT_TRUE(post_json("/v1/clusters", cluster("first")));
  SseReader reader(server_->api->port(), "/v1/clusters?watch=1", 3);
  ASSERT_TRUE(reader.wait_for(1));
  EXPECT_EQ(reader.events()[0]["type"], "ADDED");
  EXPECT_EQ(reader.events()[0]["object"]["metadata"]["name"], "first");

  ASSERT_TRUE(post_json("/v1/clusters", cluster("second")));
  ASSERT_TRUE(reader.wait_for(2));
  EXPECT_EQ(reader.events()[1]["type"], "ADDED");
  EXPECT_EQ(reader.events()[1]["object"]["metadata"]["name"], "second");

  ASSERT_TRUE(cli_->Delete("/v1/clusters/second"));
  ASSERT_TRUE(reader.wait_for(3));
  auto events = reader.events();
  bool saw_change = false;
  for (size_t i = 2; i < events.size(); ++i)
    if (events[i]["object"]["metadata"]["name"] == "second") saw_change = true;
  EXPECT_TRUE(saw_change);
  reader.join();

  // The client went away: the next ping notices and the subscription is dropped.
  EXPECT_TRUE(TestServer::eventually([&] {
    auto res = cli_->Get("/metrics");
    return res && res->body.find("eddy_http_watch_streams 0") != std::string::npos;
  }));
}

TEST_F(NativeApiTest, WatchOneNameFiltersOthers) {
  SseReader reader(server_->api->port(), "/v1/clusters/later?watch=true", 1);
  // Not created yet: the stream waits for it.
  ASSERT_TRUE(TestServer::eventually([&] {
    auto res = cli_->Get("/metrics");
    return res && res->body.find("eddy_http_watch_streams 1") != std::string::npos;
  }));
  ASSERT_TRUE(post_json("/v1/clusters", cluster("other")));
  ASSERT_TRUE(post_json("/v1/clusters", cluster("later")));
  ASSERT_TRUE(reader.wait_for(1));
  EXPECT_EQ(reader.events()[0]["type"], "ADDED");
  EXPECT_EQ(reader.events()[0]["object"]["metadata"]["name"], "later");
}

TEST_F(NativeApiTest, StoppingTheServerEndsWatchStreams) {
  SseReader reader(server_->api->port(), "/v1/clusters?watch=1", 100);
  ASSERT_TRUE(TestServer::eventually([&] {
    auto res = cli_->Get("/metrics");
    return res && res->body.find("eddy_http_watch_streams 1") != std::string::npos;
  }));
  auto t0 = std::chrono::steady_clock::now();
  server_->api->stop();
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

}  // namespace
}  // namespace eddy::server
