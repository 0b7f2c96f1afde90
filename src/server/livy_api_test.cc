// Livy 0.8's REST API over a real ControlPlane: shapes and codes as Livy's servlets produce them
// (201 + Location, paging totals, 404 bodies, refused kinds), and one statement run end to end on
// real workers.
#include "server/livy_api.h"

#include <gtest/gtest.h>

#include "server/test_server.h"

namespace eddy::server {
namespace {

using nlohmann::json;

class LivyApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    ASSERT_TRUE(server_->start().is_ok());
    cli_ = server_->client();
  }
  httplib::Result post(const std::string& path, const json& body) {
    return cli_->Post(path.c_str(), body.dump(), "application/json");
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> cli_;
};

TEST_F(LivyApiTest, CreateSessionAnswers201WithLocation) {
  auto res = post("/sessions", {{"kind", "sql"}, {"conf", {{"spark.executor.cores", 2}}}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/sessions/0");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  json s = json::parse(res->body);
  EXPECT_EQ(s["id"], 0);
  EXPECT_EQ(s["kind"], "sql");
  EXPECT_EQ(s["state"], "starting");
  EXPECT_TRUE(s["name"].is_null());
  EXPECT_TRUE(s["appId"].is_null() || s["appId"].is_string());
  EXPECT_TRUE(s["appInfo"].contains("driverLogUrl"));
  EXPECT_TRUE(s["appInfo"].contains("sparkUiUrl"));
  EXPECT_TRUE(s["log"].is_array());
  EXPECT_EQ(s["conf"]["spark.executor.cores"], "2");  // Spark conf is string→string

  // No kind: an eddy session.
  res = post("/sessions", json::object());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201);
  EXPECT_EQ(json::parse(res->body)["kind"], "eddy");
  EXPECT_EQ(res->get_header_value("Location"), "/sessions/1");
}

TEST_F(LivyApiTest, SparkKindsAreRefusedNamingTheSupportedOnes) {
  for (const char* kind : {"spark", "sparkr", "shared"}) {
    auto res = post("/sessions", {{"kind", kind}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_EQ(json::parse(res->body)["msg"],
              std::string("Session kind '") + kind +
                  "' is not supported by Eddy: supported kinds are pyspark, sql and eddy");
  }
  auto res = cli_->Get("/sessions");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["total"], 0);
}

TEST_F(LivyApiTest, ListPagesWithTotals) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post("/sessions", {{"kind", "sql"}})->status, 201);
  auto res = cli_->Get("/sessions");
  ASSERT_TRUE(res);
  json all = json::parse(res->body);
  EXPECT_EQ(all["from"], 0);
  EXPECT_EQ(all["total"], 3);
  EXPECT_EQ(all["sessions"].size(), 3u);
  res = cli_->Get("/sessions?from=1&size=1");
  ASSERT_TRUE(res);
  json page = json::parse(res->body);
  EXPECT_EQ(page["from"], 1);
  EXPECT_EQ(page["total"], 3);
  ASSERT_EQ(page["sessions"].size(), 1u);
  EXPECT_EQ(page["sessions"][0]["id"], 1);
  res = cli_->Get("/sessions?from=10");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["sessions"].size(), 0u);
  res = cli_->Get("/sessions?size=x");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(json::parse(res->body).contains("msg"));
}

TEST_F(LivyApiTest, UnknownSessionsAre404WithLivysMessage) {
  for (const char* path : {"/sessions/7", "/sessions/7/state", "/sessions/7/log",
                           "/sessions/7/statements", "/sessions/nobody"}) {
    auto res = cli_->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  }
  auto res = cli_->Get("/sessions/7");
  EXPECT_EQ(json::parse(res->body), json({{"msg", "Session '7' not found."}}));
  res = cli_->Delete("/sessions/7");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = cli_->Get("/batches/3");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(json::parse(res->body)["msg"], "Session '3' not found.");
}

TEST_F(LivyApiTest, SessionsByNameStateLogAndDelete) {
  auto res = post("/sessions", {{"kind", "sql"}, {"name", "etl"}, {"proxyUser", "ana"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json s = json::parse(res->body);
  EXPECT_EQ(s["name"], "etl");
  EXPECT_EQ(s["proxyUser"], "ana");

  res = post("/sessions", {{"kind", "sql"}, {"name", "etl"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["msg"], "Duplicate session name: etl");

  res = cli_->Get("/sessions/etl");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["id"], 0);

  res = cli_->Get("/sessions/0/state");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body), json({{"id", 0}, {"state", "starting"}}));

  std::vector<std::string> lines;
  for (int i = 0; i < 15; ++i) lines.push_back("l" + std::to_string(i));
  auto session = server_->cp->resources().get_by_id("Session", 0);
  ASSERT_TRUE(session.is_ok());
  ASSERT_TRUE(server_->cp->resources().store().append_log("Session", session->name, lines).is_ok());
  res = cli_->Get("/sessions/0/log?size=5");  // no from: the tail
  ASSERT_TRUE(res);
  json log = json::parse(res->body);
  EXPECT_EQ(log["id"], 0);
  EXPECT_EQ(log["from"], 10);
  EXPECT_EQ(log["total"], 15);
  EXPECT_EQ(log["log"], json::array({"l10", "l11", "l12", "l13", "l14"}));
  res = cli_->Get("/sessions/0/log?from=2&size=2");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["log"], json::array({"l2", "l3"}));
  res = cli_->Get("/sessions/0");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["log"].size(), 10u);  // the view shows the last 10

  res = cli_->Delete("/sessions/0");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body), json({{"msg", "deleted"}}));
}

TEST_F(LivyApiTest, StatementsShapesPagingAndCancel) {
  ASSERT_EQ(post("/sessions", {{"kind", "sql"}})->status, 201);
  for (int i = 0; i < 3; ++i) {
    auto res = post("/sessions/0/statements", {{"code", "SELECT " + std::to_string(i)}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
    EXPECT_EQ(res->get_header_value("Location"), "/sessions/0/statements/" + std::to_string(i));
    json st = json::parse(res->body);
    EXPECT_EQ(st["id"], i);
    EXPECT_EQ(st["state"], "waiting");
    EXPECT_TRUE(st["output"].is_null());
    EXPECT_EQ(st["progress"], 0.0);
    for (const char* key : {"code", "started", "completed"}) EXPECT_TRUE(st.contains(key)) << key;
  }
  auto res = cli_->Get("/sessions/0/statements");
  ASSERT_TRUE(res);
  json all = json::parse(res->body);
  EXPECT_EQ(all["total_statements"], 3);
  ASSERT_EQ(all["statements"].size(), 3u);
  EXPECT_EQ(all["statements"][0]["code"], "SELECT 0");

  res = cli_->Get("/sessions/0/statements?order=desc&from=0&size=2");
  ASSERT_TRUE(res);
  json desc = json::parse(res->body);
  EXPECT_EQ(desc["total_statements"], 3);
  ASSERT_EQ(desc["statements"].size(), 2u);
  EXPECT_EQ(desc["statements"][0]["id"], 2);
  EXPECT_EQ(desc["statements"][1]["id"], 1);

  res = cli_->Get("/sessions/0/statements/1");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["code"], "SELECT 1");
  res = cli_->Get("/sessions/0/statements/9");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(json::parse(res->body)["msg"], "Statement not found");

  res = cli_->Post("/sessions/0/statements/2/cancel", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body), json({{"msg", "canceled"}}));
  res = cli_->Get("/sessions/0/statements/2");
  ASSERT_TRUE(res);
  json cancelled = json::parse(res->body);
  EXPECT_EQ(cancelled["state"], "cancelled");
  EXPECT_EQ(cancelled["progress"], 1.0);

  res = post("/sessions/0/statements", {{"code", "x = 1"}, {"kind", "spark"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["msg"],
            "Statement kind 'spark' is not supported by Eddy: supported kinds are pyspark, sql "
            "and eddy");
  // A sql session has no Python interpreter.
  res = post("/sessions/0/statements", {{"code", "x = 1"}, {"kind", "pyspark"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["msg"],
            "kind: 'pyspark' statements need a pyspark session (session '0' is sql)");
  res = post("/sessions/0/statements", {{"kind", "sql"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = cli_->Post("/sessions/0/statements", "{\"code\": ", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(json::parse(res->body)["msg"].get<std::string>().find("invalid JSON"),
            std::string::npos);
}

// client-http's routes and completion. Bad input tried: a cursor past the code, a string
// cursor, a missing code, an unknown session.
TEST_F(LivyApiTest, CompletionInterruptConnectAndStop) {
  ASSERT_EQ(post("/sessions", {{"kind", "sql"}})->status, 201);
  auto res = post("/sessions/0/completion", {{"code", "SELECT * FR"}, {"kind", "sql"}, {"cursor", 11}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body), json({{"candidates", {"FROM"}}}));
  res = post("/sessions/0/completion", {{"code", "select co"}, {"cursor", 9}});
  EXPECT_EQ(json::parse(res->body)["candidates"], json({"coalesce", "count"}));
  res = post("/sessions/0/completion", {{"code", "steps:\n  - gro"}, {"kind", "eddy"}});
  EXPECT_EQ(json::parse(res->body)["candidates"], json({"group_by_key"}));
  res = post("/sessions/0/completion", {{"code", "SELECT"}, {"cursor", 99}});
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(json::parse(res->body)["msg"].get<std::string>().find("cursor: 99"), std::string::npos);
  EXPECT_EQ(post("/sessions/0/completion", {{"code", "S"}, {"cursor", "1"}})->status, 400);
  EXPECT_EQ(post("/sessions/0/completion", {{"cursor", 1}})->status, 400);
  EXPECT_EQ(post("/sessions/7/completion", {{"code", "S"}})->status, 404);

  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(post("/sessions/0/statements", {{"code", "SELECT 1"}})->status, 201);
  res = cli_->Post("/sessions/0/interrupt", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body), json({{"msg", "interrupted"}}));
  for (const char* id : {"0", "1"}) {
    res = cli_->Get((std::string("/sessions/0/statements/") + id).c_str());
    EXPECT_EQ(json::parse(res->body)["state"], "cancelled") << id;
  }
  res = cli_->Post("/sessions/0/connect", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["id"], 0);
  res = cli_->Post("/sessions/0/stop", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  res = cli_->Get("/sessions/0");
  ASSERT_EQ(res->status, 200);  // stopped, still listed (DELETE removes)
  EXPECT_NE(json::parse(res->body)["state"], "idle");
}

TEST_F(LivyApiTest, Batches) {
  auto res = post("/batches", json::object());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["msg"], "requirement failed: File is required.");

  res = post("/batches", {{"file", "s3://bucket/spark-examples_2.11-2.4.4.jar"},
                          {"className", "org.apache.spark.examples.SparkPi"},
                          {"args", json::array({"10"})}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/batches/0");
  json b = json::parse(res->body);
  EXPECT_EQ(b["id"], 0);
  EXPECT_EQ(b["state"], "starting");
  for (const char* key : {"name", "owner", "proxyUser", "appId", "appInfo", "log"})
    EXPECT_TRUE(b.contains(key)) << key;

  res = post("/batches", {{"file", "x.jar"}, {"className", "com.example.Main"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(json::parse(res->body)["msg"].get<std::string>().find("className"), std::string::npos);
  res = post("/batches", {{"file", "x.yaml"}, {"args", "not-a-list"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  res = cli_->Get("/batches");
  ASSERT_TRUE(res);
  json list = json::parse(res->body);
  EXPECT_EQ(list["from"], 0);
  EXPECT_EQ(list["total"], 1);
  EXPECT_EQ(list["sessions"].size(), 1u);
  res = cli_->Get("/batches/0/state");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["id"], 0);
  res = cli_->Get("/batches/0/log");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["total"], 0);
  res = cli_->Delete("/batches/0");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body), json({{"msg", "deleted"}}));
  res = cli_->Get("/batches/0");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(LivyApiTest, ConfNamesTheCluster) {
  auto res = post("/sessions", {{"kind", "sql"}, {"conf", {{"eddy.cluster", "missing"}}}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(json::parse(res->body)["msg"].get<std::string>().find("missing"), std::string::npos);
}

// A statement on real workers: the session's default cluster starts, the statement runs in
// `eddy sql` and its output is Livy's StatementOutput.
TEST(LivyEndToEndTest, SqlStatementRunsOnAWorker) {
  if (!std::filesystem::exists(EDDY_BINARY)) GTEST_SKIP() << EDDY_BINARY << " is not built";
  TestServerConfig config;
  config.reconcile = true;
  TestServer server(config);
  ASSERT_TRUE(server.start().is_ok());
  auto cli = server.client();
  auto res = cli->Post("/sessions", R"({"kind": "sql"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  res =
      cli->Post("/sessions/0/statements", R"({"code": "SELECT 1 + 1 AS two"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json st;
  bool done = TestServer::eventually(
      [&] {
        auto r = cli->Get("/sessions/0/statements/0");
        if (!r || r->status != 200) return false;
        st = json::parse(r->body);
        return st["state"] == "available";
      },
      std::chrono::seconds(12));
  ASSERT_TRUE(done) << st.dump();
  EXPECT_EQ(st["output"]["status"], "ok") << st.dump();
  EXPECT_EQ(st["progress"], 1.0);
  EXPECT_GT(st["completed"].get<int64_t>(), 0);
  res = cli->Get("/sessions/0");
  ASSERT_TRUE(res);
  json s = json::parse(res->body);
  EXPECT_TRUE(s["state"] == "idle" || s["state"] == "busy") << s.dump();
}

}  // namespace
}  // namespace eddy::server
