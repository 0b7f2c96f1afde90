// ApiServer: the route table and /openapi.json agree, /healthz and /metrics, limits (413), auth
// on non-loopback binds, and a handler that throws costing a 500 rather than the server.
#include "server/api_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <stdexcept>

#include "common/constant_time.h"
#include "server/http_status.h"
#include "server/test_server.h"

namespace eddy::server {
namespace {

using nlohmann::json;

TEST(RouteRegexTest, PathParametersBecomeGroups) {
  EXPECT_EQ(route_regex("/v1/{plural}/{name}/log"), "/v1/([^/]+)/([^/]+)/log");
  EXPECT_EQ(route_regex("/openapi.json"), "/openapi\\.json");
  EXPECT_EQ(route_regex("/"), "/");
}

TEST(HttpStatusTest, OneTableForEveryCode) {
  EXPECT_EQ(http_status_for(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status_for(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(http_status_for(StatusCode::kNotFound), 404);
  EXPECT_EQ(http_status_for(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(http_status_for(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(http_status_for(StatusCode::kUnimplemented), 400);
  EXPECT_EQ(http_status_for(StatusCode::kUnavailable), 503);
  EXPECT_EQ(http_status_for(StatusCode::kIoError), 500);
  EXPECT_EQ(http_status_for(StatusCode::kInternal), 500);
  EXPECT_STREQ(wire_code_name(StatusCode::kInvalidArgument), "InvalidArgument");
}

TEST(AuthHelpersTest, LoopbackAndConstantTimeCompare) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("10.0.0.7"));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST(ParseJsonBodyTest, ErrorsNameThePosition) {
  auto r = parse_json_body("{\"a\": 1,\n \"b\": }");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 2, column"), std::string::npos) << r.status().message();
  EXPECT_FALSE(parse_json_body("").is_ok());
  EXPECT_FALSE(parse_json_body(std::string(100, '[') + std::string(100, ']')).is_ok());
  EXPECT_TRUE(parse_json_body("{\"s\": \"[[[[[[\"}").is_ok());
}

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServerConfig config;
    config.before_start = [](ApiServer& api) {
      api.add_route(
          {"GET",
           "/test/throw",
           "throws",
           "test",
           {},
           {},
           {},
           200,
           "application/json",
           false,
           [](const httplib::Request&, httplib::Response&) { throw std::runtime_error("boom"); }});
      api.add_route({"GET",
                     "/sessions-test/throw",
                     "throws",
                     "test",
                     {},
                     {},
                     {},
                     200,
                     "application/json",
                     false,
                     [](const httplib::Request&, httplib::Response&) { throw 42; }});
    };
    server_ = std::make_unique<TestServer>(config);
    ASSERT_TRUE(server_->start().is_ok());
  }
  std::unique_ptr<TestServer> server_;
};

TEST_F(ApiServerTest, EveryRegisteredRouteIsInTheOpenApiDocumentAndViceVersa) {
  auto cli = server_->client();
  auto res = cli->Get("/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  json doc = json::parse(res->body);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 4), "3.0.");
  std::set<std::string> documented;
  std::set<std::string> operation_ids;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(m + " " + path);
      EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second)
          << "duplicate operationId " << op["operationId"];
      EXPECT_TRUE(op.contains("responses")) << m << " " << path;
    }
  }
  std::set<std::string> registered(server_->api->registered_routes().begin(),
                                   server_->api->registered_routes().end());
  EXPECT_EQ(registered.size(), server_->api->registered_routes().size())
      << "a route is registered twice";
  EXPECT_EQ(documented, registered);
  // The three APIs and the operations routes are all there.
  for (const char* must :
       {"GET /healthz", "GET /metrics", "POST /v1/{plural}", "GET /v1/{plural}/{name}/log",
        "POST /v1/workers/{worker}/lease", "POST /sessions",
        "POST /sessions/{sessionId}/statements", "POST /batches", "POST /"}) {
    EXPECT_TRUE(registered.count(must)) << must;
  }
}

TEST_F(ApiServerTest, HealthzAndMetrics) {
  auto cli = server_->client();
  auto res = cli->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\n");
  ASSERT_TRUE(cli->Get("/v1/clusters"));
  ASSERT_TRUE(cli->Get("/v1/clusters/nope"));
  res = cli->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find(
                "eddy_http_requests_total{method=\"GET\",route=\"/v1/{plural}\",code=\"200\"} 1"),
            std::string::npos)
      << res->body;
  EXPECT_NE(res->body.find("route=\"/v1/{plural}/{name}\",code=\"404\"} 1"), std::string::npos);
  EXPECT_NE(res->body.find("eddy_http_request_duration_seconds_bucket{method=\"GET\",route=\"/"
                           "healthz\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(res->body.find("eddy_http_watch_streams 0"), std::string::npos);
}

TEST_F(ApiServerTest, AnExceptionInAHandlerIsA500AndTheServerLivesOn) {
  auto cli = server_->client();
  auto res = cli->Get("/test/throw");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  json body = json::parse(res->body);
  EXPECT_EQ(body["error"]["code"], "Internal");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("boom"), std::string::npos);
  res = cli->Get("/sessions-test/throw");  // not std::exception
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  res = cli->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(ApiServerTest, UnknownRoutesAnswerInTheShapeOfTheirApi) {
  auto cli = server_->client();
  auto res = cli->Get("/v1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "NotFound");
  res = cli->Get("/sessions/0/nothing");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_TRUE(json::parse(res->body).contains("msg"));
}

TEST_F(ApiServerTest, BodiesOverTheLimitAre413) {
  auto cli = server_->client();
  std::string big(9u << 20, ' ');
  auto res = cli->Post("/v1/clusters", big, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "PayloadTooLarge");
  res = cli->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ApiServerAuthTest, NonLoopbackBindNeedsAToken) {
  ApiServerOptions o;
  o.host = "0.0.0.0";
  o.port = 0;
  ApiServer api(o);
  Status s = api.bind();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("token"), std::string::npos);
}

TEST(ApiServerBindTest, APortInUseIsRefused) {
  ApiServerOptions o;
  o.port = 0;
  ApiServer first(o);
  ASSERT_TRUE(first.bind().is_ok());
  o.port = first.port();
  ApiServer second(o);
  Status s = second.bind();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.to_string();
}

TEST(ApiServerAuthTest, BearerTokenIsRequiredOffLoopback) {
  TestServerConfig config;
  config.api.host = "0.0.0.0";
  config.api.token = "s3cret-token";
  TestServer server(config);
  ASSERT_TRUE(server.start().is_ok());
  auto cli = server.client();

  auto res = cli->Get("/v1/clusters");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "Unauthenticated");
  res = cli->Get("/sessions");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_TRUE(json::parse(res->body).contains("msg"));
  res = cli->Post("/", {{"X-Amz-Target", "ElasticMapReduce.ListClusters"}}, "{}",
                  "application/x-amz-json-1.1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_TRUE(res->has_header("x-amzn-ErrorType"));

  res = cli->Get("/healthz");  // exempt: load balancers probe it
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  res = cli->Get("/v1/clusters", {{"Authorization", "Bearer wrong-token!"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);

  cli->set_bearer_token_auth("s3cret-token");
  res = cli->Get("/v1/clusters");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = cli->Post("/", {{"X-Amz-Target", "ElasticMapReduce.ListClusters"}}, "{}",
                  "application/x-amz-json-1.1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

// A raw loopback connection to `port` (-1 on failure).
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Issue 19: a client trickling a header line every few seconds held a thread forever.
TEST(ApiServerDeadlineTest, HeadersThatTrickleAreCutOffAtTheDeadline) {
  TestServerConfig config;
  config.api.header_timeout_seconds = 1;
  TestServer server(config);
  ASSERT_TRUE(server.start().is_ok());
  const int fd = connect_to(server.api->port());
  ASSERT_GE(fd, 0);
  const auto t0 = std::chrono::steady_clock::now();
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {  // a header line every 300 ms, never the blank line
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const char line[] = "X-Slow: 1\r\n";
    closed = ::send(fd, line, sizeof line - 1, MSG_NOSIGNAL) < 0;
    if (!closed) {
      char c;
      closed = ::recv(fd, &c, 1, MSG_DONTWAIT) == 0;
    }
  }
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(closed);
  EXPECT_LT(waited, std::chrono::seconds(4));
  ::close(fd);
  auto res = server.client()->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("eddy_http_connections_timed_out_total 1"), std::string::npos);
}

// The deadline set after a response must not cut a watch stream, which is written after it.
TEST(ApiServerDeadlineTest, AWatchStreamOutlivesTheDeadlineAfterAResponse) {
  TestServerConfig config;
  config.api.header_timeout_seconds = 1;
  config.api.write_timeout_seconds = 1;
  config.api.keep_alive_seconds = 1;  // after a response: 3 s to write it and read the next
  TestServer server(config);
  ASSERT_TRUE(server.start().is_ok());
  const int fd = connect_to(server.api->port());
  ASSERT_GE(fd, 0);
  const std::string req = "GET /v1/clusters?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  const auto t0 = std::chrono::steady_clock::now();
  size_t late_bytes = 0;  // pings (every 100 ms here) after the 3 s deadline would have passed
  char buf[4096];
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0) << "the watch stream ended after "
                    << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                    << " s";
    if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(4)) late_bytes += n;
  }
  EXPECT_GT(late_bytes, 0u);
  ::close(fd);
}

TEST(ApiServerTest2, ManyConcurrentClients) {
  TestServerConfig config;
  config.api.threads = 256;
  TestServer server(config);
  ASSERT_TRUE(server.start().is_ok());
  constexpr int kClients = 200;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", server.api->port());
      c.set_keep_alive(true);
      for (int j = 0; j < 3; ++j) {
        auto res = c.Get("/sessions");
        if (res && res->status == 200) ok++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients * 3);
}

}  // namespace
}  // namespace eddy::server
