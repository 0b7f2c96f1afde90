// End-to-end tests of `eddy worker` as real processes: each test launches a worker through
// LocalBackend against FakeWorkerServer, an in-test stand-in for the server side of
// docs/worker-protocol.md (the real one is controllers::ControlPlane, tested on its own).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cluster/child_process.h"
#include "cluster/local_backend.h"

namespace eddy::cluster {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Records what workers send; hands out queued tasks; answers heartbeats with `action`.
// stop() and start() take it off the network and back on the same port, keeping its records.
class FakeWorkerServer {
 public:
  FakeWorkerServer() { start(); }
  ~FakeWorkerServer() { stop(); }

  void start() {
    server_ = std::make_unique<httplib::Server>();
    auto route = [this](const std::string& pattern,
                        std::function<json(const std::string&, const json&)> fn) {
      server_->Post(pattern, [this, fn](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("Authorization") != "Bearer test-token") {
          res.status = 401;
          res.set_content(R"({"error":{"code":"Unauthorized","message":"bad token"}})",
                          "application/json");
          return;
        }
        std::string worker = req.matches.size() > 1 ? req.matches[1].str() : "";
        json answer = fn(worker, json::parse(req.body));
        res.set_content(answer.dump(), "application/json");
      });
    };
    route("/v1/workers/register", [this](const std::string&, const json& b) {
      std::lock_guard<std::mutex> l(mu_);
      registers.push_back(b);
      cv_.notify_all();
      return json{{"heartbeatIntervalMs", 100}};
    });
    route(R"(/v1/workers/([^/]+)/heartbeat)", [this](const std::string&, const json& b) {
      std::lock_guard<std::mutex> l(mu_);
      heartbeats.push_back(b);
      cv_.notify_all();
      return json{{"action", action}};
    });
    route(R"(/v1/workers/([^/]+)/lease)", [this](const std::string&, const json&) {
      std::unique_lock<std::mutex> l(mu_);
      // A short long-poll keeps stop() quick.
      cv_.wait_for(l, std::chrono::milliseconds(200), [this] { return !tasks.empty(); });
      if (tasks.empty()) return json{{"task", nullptr}};
      json t = tasks.front();
      tasks.pop_front();
      leased.push_back(t);
      cv_.notify_all();
      return json{{"task", t}};
    });
    route(R"(/v1/workers/([^/]+)/log)", [this](const std::string&, const json& b) {
      std::lock_guard<std::mutex> l(mu_);
      for (const auto& line : b["lines"]) log_lines.push_back(line.get<std::string>());
      cv_.notify_all();
      return json::object();
    });
    route(R"(/v1/workers/([^/]+)/done)", [this](const std::string&, const json& b) {
      std::lock_guard<std::mutex> l(mu_);
      dones.push_back(b);
      cv_.notify_all();
      return json::object();
    });
    if (port_ == 0) {
      port_ = server_->bind_to_any_port("127.0.0.1");
    } else {
      for (int i = 0; i < 100 && !server_->bind_to_port("127.0.0.1", port_); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void stop() {
    if (!server_) return;
    server_->stop();
    thread_.join();
    server_.reset();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void add_task(json task) {
    std::lock_guard<std::mutex> l(mu_);
    tasks.push_back(std::move(task));
    cv_.notify_all();
  }
  void set_action(const std::string& a) {
    std::lock_guard<std::mutex> l(mu_);
    action = a;
  }
  // Waits until `pred` (called under the lock) holds.
  bool wait_for(const std::function<bool()>& pred, int ms = 5000) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(ms), pred);
  }
  template <typename F>
  auto locked(F f) {
    std::lock_guard<std::mutex> l(mu_);
    return f();
  }

  // GUARDED_BY(mu_): what the worker sent, and what the test queued.
  std::vector<json> registers, heartbeats, leased, dones;
  std::vector<std::string> log_lines;
  std::deque<json> tasks;
  std::string action = "continue";

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// A scratch dir, a fake server and one worker launched by LocalBackend (stopped at the end).
class WorkerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/eddy_worker_loop_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    WorkerLaunch l;
    l.cluster = "c1";
    l.worker = "c1-w0";
    l.server_url = server_.url();
    l.token = "test-token";
    l.eddy_binary = EDDY_BINARY;
    l.work_dir = dir_ + "/c1-w0";
    l.cores = 2;
    l.memory_bytes = 1 << 20;  // tiny: a batch task of a few MB must spill
    auto h = backend_.launch(l);
    ASSERT_TRUE(h.is_ok()) << h.status().to_string();
    handle_ = *h;
    ASSERT_TRUE(server_.wait_for([&] { return !server_.registers.empty(); })) << worker_log();
  }
  void TearDown() override {
    EXPECT_TRUE(backend_.stop(handle_, 2000).is_ok());
    fs::remove_all(dir_);
  }

  std::string worker_log() const {
    std::ifstream in(dir_ + "/c1-w0/worker.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Processes of the worker's session still running (zombies do not count), worker excluded.
  std::vector<pid_t> live_jobs() const {
    std::vector<pid_t> live;
    for (pid_t p : session_members(static_cast<pid_t>(handle_.pid))) {
      auto st = read_proc_stat(p);
      if (p != handle_.pid && st && st->state != 'Z') live.push_back(p);
    }
    return live;
  }
  bool heartbeat_reports_task() {
    return server_.wait_for([&] {
      return !server_.heartbeats.empty() && server_.heartbeats.back()["task"].is_object();
    });
  }
  json wait_done() {
    EXPECT_TRUE(server_.wait_for([&] { return !server_.dones.empty(); }, 15000)) << worker_log();
    return server_.locked([&] { return server_.dones.empty() ? json() : server_.dones[0]; });
  }
  static bool eventually(const std::function<bool()>& cond, int ms = 3000) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cond();
  }

  FakeWorkerServer server_;
  LocalBackend backend_;
  WorkerHandle handle_;
  std::string dir_;
};

json task(const std::string& name, json argv, json files = json::object()) {
  return {{"kind", "Batch"}, {"name", name}, {"attempt", 1}, {"argv", argv}, {"files", files}};
}

TEST_F(WorkerProcessTest, RegistersAndHeartbeats) {
  json reg = server_.locked([&] { return server_.registers[0]; });
  EXPECT_EQ(reg["cluster"], "c1");
  EXPECT_EQ(reg["worker"], "c1-w0");
  EXPECT_EQ(reg["pid"], handle_.pid);
  EXPECT_EQ(reg["cores"], 2);
  ASSERT_TRUE(server_.wait_for([&] { return server_.heartbeats.size() >= 2; }));
  json hb = server_.locked([&] { return server_.heartbeats.back(); });
  EXPECT_EQ(hb["cluster"], "c1");
  EXPECT_EQ(hb["pid"], handle_.pid);
  EXPECT_GT(hb["rssBytes"].get<int64_t>(), 0);
  EXPECT_TRUE(hb["task"].is_null());
}

TEST_F(WorkerProcessTest, RunsPiAndReportsOutputUsageAndLogs) {
  server_.add_task(task("b1", {"run", "builtin:pi", "4"}));
  json done = wait_done();
  EXPECT_EQ(done["kind"], "Batch");
  EXPECT_EQ(done["name"], "b1");
  EXPECT_EQ(done["attempt"], 1);
  EXPECT_EQ(done["exitCode"], 0) << done.dump();
  EXPECT_EQ(done["stdout"].get<std::string>().rfind("Pi is roughly 3.1", 0), 0u) << done.dump();
  EXPECT_GT(done["cpuSeconds"].get<double>(), 0);
  EXPECT_GT(done["peakRssBytes"].get<int64_t>(), 0);
  EXPECT_GT(done["wallSeconds"].get<double>(), 0);
  // stderr was streamed with `log` before `done`; EDDY_THREADS came from --cores.
  auto logs = server_.locked([&] { return server_.log_lines; });
  bool summary = false;
  for (const auto& l : logs) summary = summary || l.find("done: pi") != std::string::npos;
  EXPECT_TRUE(summary) << testing::PrintToString(logs);
  bool two_threads = false;
  for (const auto& l : logs) two_threads = two_threads || l.find("2 threads") != std::string::npos;
  EXPECT_TRUE(two_threads) << testing::PrintToString(logs);
  EXPECT_TRUE(eventually([&] { return fs::is_empty(dir_ + "/c1-w0/tasks"); }))
      << "the task directory is removed";
}

// The worker's --memory (the cluster's memoryPerWorker) is its tasks' batch budget: a grouping
// larger than it spills to disk and still succeeds.
TEST_F(WorkerProcessTest, MemoryPerWorkerIsTheTasksBatchBudget) {
  std::string input;
  for (int i = 0; i < 60000; ++i)
    input += std::to_string(i % 5000) + "::word" + std::to_string(i) + "::more\n";
  const std::string manifest = R"(apiVersion: eddy.dev/v1
kind: BatchJob
metadata: {name: spill}
spec:
  steps:
    - read: {uri: in.txt}
    - split: {delimiter: "::"}
    - key_by: {field: 0, type: int}
    - group_by_key: {}
    - sort_by_key: {}
    - to_json: {}
    - write: {uri: out, partitions: "1"}
)";
  server_.add_task(task("spill", {"run", "job.yaml"}, {{"job.yaml", manifest}, {"in.txt", input}}));
  json done = wait_done();
  EXPECT_EQ(done["exitCode"], 0) << done.dump();
  auto logs = server_.locked([&] { return server_.log_lines; });
  bool spilled = false;
  for (const auto& l : logs) spilled = spilled || l.find("runs spilled") != std::string::npos;
  EXPECT_TRUE(spilled) << testing::PrintToString(logs);
}

TEST_F(WorkerProcessTest, RefusesCommandsThatAreNotEddyJobs) {
  server_.add_task(task("b2", {"sh", "-c", "touch /tmp/eddy-worker-pwned"}));
  json done = wait_done();
  EXPECT_EQ(done["exitCode"], 126);
  ASSERT_FALSE(done["stderrTail"].empty());
  EXPECT_NE(done["stderrTail"][0].get<std::string>().find("refusing to run 'sh'"),
            std::string::npos)
      << done.dump();
}

TEST_F(WorkerProcessTest, BadManifestEndsWithExitThreeAndSaysWhy) {
  server_.add_task(task("b3", {"run", "manifest.yaml"}, {{"manifest.yaml", "kind: [unclosed\n"}}));
  json done = wait_done();
  EXPECT_EQ(done["exitCode"], 3) << done.dump();
  std::string tail = done["stderrTail"].dump();
  EXPECT_NE(tail.find("manifest.yaml"), std::string::npos) << tail;
  EXPECT_NE(tail.find("YAML"), std::string::npos) << tail;
}

TEST_F(WorkerProcessTest, CancelKillsTheTaskAndReportsIt) {
  server_.add_task(task("b4", {"run", "builtin:pi", "100000"}));
  ASSERT_TRUE(heartbeat_reports_task()) << worker_log();
  EXPECT_FALSE(live_jobs().empty());
  server_.set_action("cancel");
  json done = wait_done();
  EXPECT_EQ(done["exitCode"], -1);
  EXPECT_EQ(done["stderrTail"], json::array({"cancelled"}));
  server_.set_action("continue");
  EXPECT_TRUE(eventually([&] { return live_jobs().empty(); }));
  EXPECT_TRUE(backend_.alive(handle_)) << "cancel ends the task, not the worker";
}

TEST_F(WorkerProcessTest, StopActionEndsTheWorkerAndItsTask) {
  server_.add_task(task("b5", {"run", "builtin:pi", "100000"}));
  ASSERT_TRUE(heartbeat_reports_task()) << worker_log();
  server_.set_action("stop");
  EXPECT_TRUE(eventually([&] { return !backend_.alive(handle_); })) << worker_log();
  EXPECT_TRUE(eventually([&] { return live_jobs().empty(); }));
  EXPECT_NE(kill(static_cast<pid_t>(handle_.pid), 0), 0) << "the worker was not reaped";
}

TEST_F(WorkerProcessTest, BackendStopKillsTheWorkerAndItsRunningTask) {
  server_.add_task(task("b6", {"run", "builtin:pi", "100000"}));
  ASSERT_TRUE(heartbeat_reports_task()) << worker_log();
  ASSERT_FALSE(live_jobs().empty());
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(backend_.stop(handle_, 2000).is_ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_FALSE(backend_.alive(handle_));
  EXPECT_TRUE(live_jobs().empty());
}

// The server goes away while a task runs (a restart): the worker keeps the task, retries its
// `done` until the server is back, and heartbeats again.
TEST_F(WorkerProcessTest, SurvivesTheServerGoingAwayAndDeliversDoneLater) {
  server_.add_task(task("b7", {"run", "builtin:pi", "500"}));
  ASSERT_TRUE(server_.wait_for([&] { return !server_.leased.empty(); }));
  server_.stop();
  const auto down_at = std::chrono::steady_clock::now();
  // Down for 2 s, and at least until the task has ended and its `done` is being retried.
  EXPECT_TRUE(eventually(
      [&] { return worker_log().find("b7 attempt 1 ended") != std::string::npos; }, 10000))
      << worker_log();
  std::this_thread::sleep_until(down_at + std::chrono::seconds(2));
  EXPECT_TRUE(server_.locked([&] { return server_.dones.empty(); }));
  EXPECT_TRUE(backend_.alive(handle_));
  const size_t beats = server_.locked([&] { return server_.heartbeats.size(); });
  server_.start();
  json done = wait_done();
  EXPECT_EQ(done["name"], "b7");
  EXPECT_EQ(done["exitCode"], 0) << done.dump();
  EXPECT_TRUE(server_.wait_for([&] { return server_.heartbeats.size() >= beats + 2; }))
      << worker_log();
  EXPECT_NE(worker_log().find("cannot be reached"), std::string::npos);
}

}  // namespace
}  // namespace eddy::cluster
