#include "cluster/worker_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace eddy::cluster {
namespace {

using nlohmann::json;

// An httplib server on 127.0.0.1 answering /v1/workers/* with what the test sets.
class WorkerClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post(R"(/v1/workers/(.*))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   last_auth_ = req.get_header_value("Authorization");
                   // A long-poll that nothing ends but shutdown() (or the end of the test).
                   for (int i = 0; req.matches[1] == "slow/lease" && !release_ && i < 300; ++i)
                     std::this_thread::sleep_for(std::chrono::milliseconds(10));
                   res.status = status_;
                   res.set_content(body_, "application/json");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    release_ = true;
    server_.stop();
    thread_.join();
  }
  std::unique_ptr<WorkerClient> client(const std::string& token = "tok") {
    WorkerClientOptions o;
    o.server_url = "http://127.0.0.1:" + std::to_string(port_);
    o.token = token;
    auto c = WorkerClient::create(o);
    EXPECT_TRUE(c.is_ok()) << c.status().to_string();
    return std::move(c).value();
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int status_ = 200;
  std::string body_ = R"({"heartbeatIntervalMs": 250})";
  std::string last_auth_;
  std::atomic<bool> release_{false};
};

TEST_F(WorkerClientTest, PostsWithTheBearerTokenAndParsesTheAnswer) {
  auto r = client()->register_worker(json{{"cluster", "c"}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)["heartbeatIntervalMs"], 250);
  EXPECT_EQ(last_auth_, "Bearer tok");
}

TEST_F(WorkerClientTest, MapsTheProtocolsErrorsToStatusesWithTheServersMessage) {
  body_ = R"({"error": {"code": "NotFound", "message": "no worker c-w9"}})";
  status_ = 404;
  auto r = client()->heartbeat("c-w9", json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("no worker c-w9"), std::string::npos) << r.status().message();
  status_ = 409;
  EXPECT_EQ(client()->register_worker(json::object()).status().code(),
            StatusCode::kFailedPrecondition);
  status_ = 401;
  EXPECT_EQ(client()->register_worker(json::object()).status().code(),
            StatusCode::kPermissionDenied);
  status_ = 503;
  EXPECT_EQ(client()->register_worker(json::object()).status().code(), StatusCode::kUnavailable);
}

TEST_F(WorkerClientTest, RetriesWhileUnavailableUntilToldToGiveUp) {
  status_ = 503;
  auto c = client();
  int failures = 0;
  auto r = c->call_with_retry("register", json::object(), [&](const Status& s) {
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    return ++failures < 3;
  });
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(failures, 3);
  status_ = 200;
  failures = 0;
  EXPECT_TRUE(c->call_with_retry("register", json::object(), [&](const Status&) {
                 return ++failures < 3;
               }).is_ok());
  EXPECT_EQ(failures, 0);
}

TEST_F(WorkerClientTest, UnreachableServerIsUnavailable) {
  WorkerClientOptions o;
  o.server_url = "http://127.0.0.1:1";
  auto c = WorkerClient::create(o);
  ASSERT_TRUE(c.is_ok());
  auto r = (*c)->register_worker(json::object());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos) << r.status().message();
}

TEST_F(WorkerClientTest, ShutdownAbortsALongPollAndLaterCalls) {
  auto c = client();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    c->shutdown();
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = c->lease("slow", json::object(), 5'000'000);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(c->is_shut_down());
  EXPECT_FALSE(c->register_worker(json::object()).is_ok());
  EXPECT_FALSE(c->sleep_for(1'000'000));
}

TEST(WorkerClientUrlTest, AcceptsHttpUrlsWithAPrefixAndRejectsOthers) {
  for (const char* ok : {"http://127.0.0.1:8998", "https://eddy.example:443/", "http://h/base"}) {
    WorkerClientOptions o;
    o.server_url = ok;
    EXPECT_TRUE(WorkerClient::create(o).is_ok()) << ok;
  }
  for (const char* bad : {"", "127.0.0.1:8998", "ftp://h", "http://", "http:///x"}) {
    WorkerClientOptions o;
    o.server_url = bad;
    auto c = WorkerClient::create(o);
    ASSERT_FALSE(c.is_ok()) << bad;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace eddy::cluster
