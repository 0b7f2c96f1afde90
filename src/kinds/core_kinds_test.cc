// The core kinds (Cluster, Session, Statement, Batch) and a kind of the test's own, run by a
// ControlPlane with a fake worker backend and a manual clock: the test plays the workers through
// the worker protocol calls, so cluster states, idle timeout, dead-worker replacement, retries,
// sessions and restart recovery are checked without processes or sleeping. The real processes
// are exercised by the server tests and tests/e2e/cases/serve-article-flow.
#include "controlplane/control_plane.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "cluster/worker_protocol.h"
#include "kinds/statement/statements.h"
#include "resources/kind_registry.h"

namespace eddy::controlplane {
namespace {

using resources::Resource;

class FakeBackend : public cluster::WorkerBackend {
 public:
  struct Shared {
    std::vector<std::string> launched;
    std::vector<int64_t> stopped;
    std::set<int64_t> dead;
    int64_t next_pid = 1000;
  };
  explicit FakeBackend(Shared* s) : s_(s) {}
  std::string name() const override { return "local"; }
  Result<cluster::WorkerHandle> launch(const cluster::WorkerLaunch& l) override {
    s_->launched.push_back(l.worker);
    return cluster::WorkerHandle{"local", s_->next_pid++};
  }
  Status stop(const cluster::WorkerHandle& h, int) override {
    s_->stopped.push_back(h.pid);
    s_->dead.insert(h.pid);
    return Status::ok();
  }
  bool alive(const cluster::WorkerHandle& h) override { return !s_->dead.count(h.pid); }

 private:
  Shared* s_;
};

class ControlPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("eddy_cp_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    open();
  }
  void TearDown() override {
    cp_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open(std::optional<cluster::Confinement> confine = std::nullopt) {
    cp_.reset();
    auto store = store::open_store("", dir_.string());
    ASSERT_TRUE(store.is_ok()) << store.status().message();
    ControlPlaneOptions o;
    o.server_url = "http://127.0.0.1:1";
    o.data_dir = dir_.string();
    o.background_reconcile = false;
    o.confine = std::move(confine);
    cp_ = std::make_unique<ControlPlane>(std::move(*store), std::make_unique<FakeBackend>(&shared_),
                                         o, &clock_);
    ASSERT_TRUE(cp_->start().is_ok());
  }
  Resource make(const std::string& kind, const std::string& name, nlohmann::json spec) {
    Resource r;
    r.kind = kind;
    r.name = name;
    r.spec = std::move(spec);
    auto c = cp_->resources().create(r);
    EXPECT_TRUE(c.is_ok()) << c.status().message();
    return c.is_ok() ? *c : r;
  }
  std::string state(const std::string& kind, const std::string& name) {
    auto r = cp_->resources().get(kind, name);
    return r.is_ok() ? r->status.value("state", "") : "(" + r.status().message() + ")";
  }
  // The worker protocol as a worker speaks it: JSON bodies through the one mapping.
  Status worker_register(const nlohmann::json& body) {
    EDDY_ASSIGN_OR_RETURN(auto req, cluster::protocol::register_request_from_json(body));
    return cp_->worker_register(req).status();
  }
  void register_worker(const std::string& cluster, const std::string& worker) {
    Status s = worker_register({{"cluster", cluster}, {"worker", worker}});
    ASSERT_TRUE(s.is_ok()) << s.message();
  }
  nlohmann::json heartbeat(const std::string& worker, const nlohmann::json& body) {
    auto req = cluster::protocol::heartbeat_request_from_json(body);
    EXPECT_TRUE(req.is_ok()) << req.status().message();
    return req.is_ok() ? cluster::protocol::to_json(cp_->worker_heartbeat(worker, *req))
                       : nlohmann::json();
  }
  Status worker_log(const std::string& worker, const nlohmann::json& body) {
    EDDY_ASSIGN_OR_RETURN(auto req, cluster::protocol::log_request_from_json(body));
    return cp_->tasks().log(worker, req);
  }
  Status worker_done(const std::string& worker, const nlohmann::json& body) {
    EDDY_ASSIGN_OR_RETURN(auto report, cluster::protocol::done_report_from_json(body));
    return cp_->tasks().done(worker, report);
  }
  nlohmann::json lease(const std::string& cluster, const std::string& worker) {
    auto r = cp_->tasks().lease(worker, {cluster, 0});
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r.is_ok() ? cluster::protocol::to_json(*r)["task"] : nullptr;
  }
  Result<Resource> add_statement(const std::string& session, const std::string& code) {
    return kinds::add_statement(cp_->resources(), session, code, "");
  }
  // A cluster of two registered workers, WAITING.
  void ready_cluster(const std::string& name, nlohmann::json spec = {{"workers", 2}}) {
    make("Cluster", name, spec);
    cp_->reconcile_now();
    register_worker(name, name + "-w0");
    register_worker(name, name + "-w1");
  }

  std::filesystem::path dir_;
  ManualClock clock_{1'700'000'000'000'000};
  FakeBackend::Shared shared_;
  std::unique_ptr<ControlPlane> cp_;
};

TEST_F(ControlPlaneTest, ClusterWalksEmrStatesAsWorkersRegister) {
  make("Cluster", "emr", {{"workers", 2}});
  EXPECT_EQ(state("Cluster", "emr"), "STARTING");
  cp_->reconcile_now();
  EXPECT_EQ(shared_.launched, (std::vector<std::string>{"emr-w0", "emr-w1"}));
  register_worker("emr", "emr-w0");
  EXPECT_EQ(state("Cluster", "emr"), "BOOTSTRAPPING");
  clock_.advance(50'000);
  register_worker("emr", "emr-w1");
  auto c = cp_->resources().get("Cluster", "emr");
  EXPECT_EQ(c->status["state"], "WAITING");
  EXPECT_EQ(c->status["readyWorkers"], 2);
  EXPECT_EQ(c->status["timeline"]["readyDateTime"].get<int64_t>() -
                c->status["timeline"]["creationDateTime"].get<int64_t>(),
            50);
  // A stranger cannot register.
  Status bad = worker_register({{"cluster", "emr"}, {"worker", "emr-w9"}});
  EXPECT_EQ(bad.code(), StatusCode::kNotFound);
}

TEST_F(ControlPlaneTest, BatchRunsOnAWorkerAndIsAccounted) {
  ready_cluster("emr");
  Resource b = make("Batch", "", {{"file", "s3://b/spark-examples.jar"},
                                  {"className", "org.apache.spark.examples.SparkPi"},
                                  {"args", {"4"}},
                                  {"conf", {{"eddy.cluster", "emr"}}}});
  EXPECT_EQ(b.name, "batch-0");
  EXPECT_EQ(b.status["state"], "starting");
  nlohmann::json task = lease("emr", "emr-w0");
  ASSERT_TRUE(task.is_object());
  EXPECT_EQ(task["argv"], nlohmann::json({"run", "builtin:pi", "--", "4"}));
  EXPECT_EQ(state("Batch", "batch-0"), "running");
  cp_->reconcile_now();  // the lease only signals the cluster (no store I/O on that path)
  EXPECT_EQ(state("Cluster", "emr"), "RUNNING");
  EXPECT_TRUE(lease("emr", "emr-w1").is_null());  // nothing else queued
  ASSERT_TRUE(worker_log("emr-w0", {{"kind", "Batch"}, {"name", "batch-0"},
                                         {"lines", {"starting pi"}}})
                  .is_ok());
  ASSERT_TRUE(worker_done("emr-w0", {{"kind", "Batch"}, {"name", "batch-0"}, {"attempt", 1},
                                          {"exitCode", 0}, {"stdout", "Pi is roughly 3.14\n"},
                                          {"cpuSeconds", 1.5}, {"peakRssBytes", 4096},
                                          {"wallSeconds", 0.8}})
                  .is_ok());
  auto done = cp_->resources().get("Batch", "batch-0");
  EXPECT_EQ(done->status["state"], "success");
  EXPECT_EQ(done->status["accounting"]["cpuSeconds"], 1.5);
  auto log = cp_->resources().store().read_log("Batch", "batch-0", 0, -1);
  EXPECT_EQ(log->lines, (std::vector<std::string>{"starting pi", "Pi is roughly 3.14"}));
  auto c = cp_->resources().get("Cluster", "emr");
  EXPECT_EQ(c->status["state"], "WAITING");
  EXPECT_EQ(c->status["accounting"]["cpuSeconds"], 1.5);
  EXPECT_EQ(c->status["accounting"]["tasks"], 1);
}

TEST_F(ControlPlaneTest, DeadWorkerIsReplacedAndItsTaskRetriedThenFailed) {
  ready_cluster("emr");
  make("Batch", "job", {{"file", "builtin:pi"}, {"cluster", "emr"}});
  ASSERT_TRUE(lease("emr", "emr-w0").is_object());
  // w0 goes silent; w1 keeps heartbeating.
  clock_.advance(6'000'000);
  EXPECT_EQ(heartbeat("emr-w1", {{"task", nullptr}})["action"], "continue");
  cp_->reconcile_now();
  EXPECT_EQ(state("Batch", "job"), "starting");  // attempt 1 of 2 lost: queued again
  EXPECT_EQ(shared_.launched.back(), "emr-w2");  // the replacement
  auto again = lease("emr", "emr-w1");
  ASSERT_TRUE(again.is_object());
  EXPECT_EQ(again["attempt"], 2);
  // The dead worker's late report is ignored; it is told to stop.
  ASSERT_TRUE(worker_done("emr-w0", {{"kind", "Batch"}, {"name", "job"}, {"attempt", 1},
                                          {"exitCode", 0}})
                  .is_ok());
  EXPECT_EQ(state("Batch", "job"), "running");
  EXPECT_EQ(heartbeat("emr-w0", nlohmann::json::object())["action"], "stop");
  // The second worker dies too: no attempts left.
  shared_.dead.insert(1001);  // emr-w1's process is gone
  cp_->reconcile_now();
  EXPECT_EQ(state("Batch", "job"), "dead");
  auto log = cp_->resources().store().read_log("Batch", "job", 0, -1);
  ASSERT_EQ(log->lines.size(), 2u);
  EXPECT_NE(log->lines[1].find("emr-w1 exited"), std::string::npos);
}

TEST_F(ControlPlaneTest, IdleClusterTerminatesAndRestartsWhenWorkArrives) {
  ready_cluster("emr", {{"workers", 2}, {"idleTimeout", "1m"}});
  clock_.advance(59'000'000);
  for (auto w : {"emr-w0", "emr-w1"}) (void)heartbeat(w, nlohmann::json::object());
  cp_->reconcile_now();
  EXPECT_EQ(state("Cluster", "emr"), "WAITING");
  clock_.advance(2'000'000);
  for (auto w : {"emr-w0", "emr-w1"}) (void)heartbeat(w, nlohmann::json::object());
  cp_->reconcile_now();
  auto c = cp_->resources().get("Cluster", "emr");
  EXPECT_EQ(c->status["state"], "TERMINATED");
  EXPECT_EQ(c->status["stateChangeReason"]["code"], "ALL_STEPS_COMPLETED");
  EXPECT_TRUE(c->status["timeline"].contains("endDateTime"));
  EXPECT_EQ(shared_.stopped.size(), 2u);
  make("Batch", "late", {{"file", "builtin:pi"}, {"cluster", "emr"}});
  cp_->reconcile_now();  // work arrived: started again, workers launched
  EXPECT_EQ(state("Cluster", "emr"), "STARTING");
  EXPECT_EQ(shared_.launched.back(), "emr-w3");  // names are never reused
}

TEST_F(ControlPlaneTest, SessionsRunStatementsInOrderOnTheDefaultCluster) {
  Resource s = make("Session", "", {{"kind", "sql"}});
  EXPECT_EQ(s.status["state"], "starting");
  cp_->reconcile_now();  // creates the default cluster on demand and launches its workers
  EXPECT_EQ(state("Cluster", "default"), "STARTING");
  register_worker("default", "default-w0");
  register_worker("default", "default-w1");
  cp_->reconcile_now();
  EXPECT_EQ(state("Session", s.name), "idle");
  auto view = add_statement(
      s.name, "CREATE TEMPORARY VIEW tbn USING json OPTIONS (path 's3a://b/middle_result')");
  ASSERT_TRUE(view.is_ok());
  EXPECT_EQ(state("Statement", view->name), "available");  // no worker needed
  auto q1 = add_statement(s.name, "SELECT size(`9`) FROM tbn");
  auto q2 = add_statement(s.name, "SELECT 1");
  EXPECT_EQ(state("Session", s.name), "busy");
  auto t1 = lease("default", "default-w0");
  ASSERT_TRUE(t1.is_object());
  EXPECT_EQ(t1["argv"], nlohmann::json({"sql", "--format", "json", "--table",
                                        "tbn:json=s3a://b/middle_result",
                                        "SELECT size(`9`) FROM tbn"}));
  EXPECT_TRUE(lease("default", "default-w1").is_null());  // q2 waits for q1
  ASSERT_TRUE(worker_done("default-w0", {{"kind", "Statement"}, {"name", q1->name},
                                              {"attempt", 1}, {"exitCode", 0},
                                              {"stdout", "{\"size(9)\":-1}\n{\"size(9)\":53}\n"}})
                  .is_ok());
  auto st = cp_->resources().get("Statement", q1->name);
  EXPECT_EQ(st->status["state"], "available");
  // The raw result; Livy's output is shaped from it when read (server/livy_statement_output).
  EXPECT_EQ(st->status["result"]["stdout"], "{\"size(9)\":-1}\n{\"size(9)\":53}\n");
  EXPECT_EQ(st->status["result"]["exitCode"], 0);
  EXPECT_TRUE(lease("default", "default-w1").is_object());
}

TEST_F(ControlPlaneTest, RestartReattachesWorkersAndRunningWork) {
  ready_cluster("emr");
  make("Batch", "job", {{"file", "builtin:pi"}, {"cluster", "emr"}});
  ASSERT_TRUE(lease("emr", "emr-w0").is_object());
  open();  // the server restarts over the same store
  auto hb =
      heartbeat("emr-w0", {{"task", {{"kind", "Batch"}, {"name", "job"}, {"attempt", 1}}}});
  EXPECT_EQ(hb["action"], "continue");
  ASSERT_TRUE(worker_done("emr-w0", {{"kind", "Batch"}, {"name", "job"}, {"attempt", 1},
                                          {"exitCode", 0}})
                  .is_ok());
  EXPECT_EQ(state("Batch", "job"), "success");
  cp_->reconcile_now();
  EXPECT_EQ(state("Cluster", "emr"), "WAITING");
  EXPECT_EQ(shared_.launched.size(), 2u);  // nobody was replaced
}

TEST_F(ControlPlaneTest, BadRequestsNameTheProblem) {
  Resource r;
  r.kind = "Clusterz";
  EXPECT_NE(cp_->resources().create(r).status().message().find("unknown kind 'Clusterz'"), std::string::npos);
  r.kind = "Cluster";
  r.name = "Bad_Name";
  EXPECT_EQ(cp_->resources().create(r).status().code(), StatusCode::kInvalidArgument);
  r.name = "ok";
  r.spec = {{"workers", "two"}};
  EXPECT_NE(cp_->resources().create(r).status().message().find("spec.workers"), std::string::npos);
  r.spec = {{"wrokers", 2}};
  EXPECT_NE(cp_->resources().create(r).status().message().find("spec.wrokers: unknown field"),
            std::string::npos);
  Resource s;
  s.kind = "Session";
  s.spec = {{"kind", "spark"}};
  EXPECT_EQ(cp_->resources().create(s).status().message(),
            "spec.kind: 'spark' is not supported (Eddy has no Scala or R interpreter): supported "
            "kinds are pyspark (Python with Eddy's PySpark subset), sql (Spark SQL dialect) and "
            "eddy (a job manifest per statement)");
  Resource b;
  b.kind = "Batch";
  b.spec = {{"file", "x.yaml"}, {"cluster", "nosuch"}};
  EXPECT_EQ(cp_->resources().create(b).status().code(), StatusCode::kNotFound);
  b.spec = {{"className", "org.example.Main"}, {"file", "x.jar"}};
  EXPECT_NE(cp_->resources().create(b).status().message().find("spec.className"), std::string::npos);
  EXPECT_EQ(kinds::add_statement(cp_->resources(), "nosuch", "SELECT 1", "sql").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace eddy::controlplane

namespace eddy::controlplane {
namespace {

// A confined server refuses requests naming paths or buckets outside its roots before any
// state changes (no statement number taken), and hands every task its confinement.
TEST_F(ControlPlaneTest, ConfinedServerRefusesOutsidePathsAndConfinesTasks) {
  cluster::Confinement c;
  c.paths = {"/data"};
  c.buckets = {"emr"};
  open(c);
  ready_cluster("emr");
  Resource r;
  r.kind = "Batch";
  r.spec = {{"file", "/etc/job.yaml"}, {"cluster", "emr"}};
  EXPECT_EQ(cp_->resources().create(r).status().code(), StatusCode::kPermissionDenied);
  r.spec["file"] = "s3://other/job.yaml";
  EXPECT_EQ(cp_->resources().create(r).status().code(), StatusCode::kPermissionDenied);
  r.spec["file"] = "/data/job.yaml";
  ASSERT_TRUE(cp_->resources().create(r).is_ok());
  nlohmann::json task = lease("emr", "emr-w0");
  ASSERT_TRUE(task.is_object());
  EXPECT_EQ(task["confine"], c.to_json());

  Resource s = make("Session", "q", {{"kind", "sql"}, {"cluster", "emr"}});
  cp_->reconcile_now();
  auto bad = add_statement(s.name, "CREATE TEMPORARY VIEW t USING json OPTIONS (path '/home/x')");
  EXPECT_EQ(bad.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(bad.status().message().find("CREATE TEMPORARY VIEW t"), std::string::npos)
      << bad.status().message();
  auto bad_out =
      add_statement(s.name, "INSERT OVERWRITE DIRECTORY 's3://other/out' USING json SELECT 1");
  EXPECT_EQ(bad_out.status().code(), StatusCode::kPermissionDenied);
  auto ok = add_statement(s.name, "SELECT 1");
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok->spec["id"], 0);  // the refused ones took no number
}

}  // namespace
}  // namespace eddy::controlplane

namespace eddy::controlplane {
namespace {

// A kind from "its own folder": registered here the way src/kinds/<kind>/ registers one. Its
// controller submits one Batch child and mirrors its state.
class WidgetController : public KindController {
 public:
  explicit WidgetController(Services& s) : cp(s.resources) {}
  std::vector<std::string> child_kinds() const override { return {"Batch"}; }
  void reconcile(const Resource& w) override {
    auto child = cp.get("Batch", w.name + "-run");
    if (!child.is_ok()) {
      Resource b;
      b.kind = "Batch";
      b.name = w.name + "-run";
      b.labels[kOwnerLabel] = owner_label_value(w);
      b.spec = {{"file", "builtin:pi"}};
      child = cp.create(b);  // a service, called without any control-plane lock
    }
    Resource next = w;
    next.status["childState"] = child.is_ok() ? child->status.value("state", "") : "error";
    if (next.status != w.status) (void)cp.update_status(next);
  }

 private:
  ResourceService& cp;
};

[[maybe_unused]] const bool widget_kind = resources::register_kind(resources::KindInfo{
    "Widget", "widgets", {"widget"}, true, [](nlohmann::json&) { return Status::ok(); }, {}});
[[maybe_unused]] const bool widget_controller =
    register_controller("Widget", [](Services& s) { return std::make_unique<WidgetController>(s); });

TEST_F(ControlPlaneTest, KindControllersCreateOwnedChildrenThatDieWithTheirOwner) {
  make("Widget", "w1", nlohmann::json::object());
  cp_->reconcile_now();
  auto child = cp_->resources().get("Batch", "w1-run");
  ASSERT_TRUE(child.is_ok()) << child.status().message();
  EXPECT_EQ(child->labels[kOwnerLabel], "widget.w1");
  cp_->reconcile_now();
  EXPECT_EQ(cp_->resources().get("Widget", "w1")->status["childState"], "starting");
  ASSERT_TRUE(cp_->resources().remove("Widget", "w1").is_ok());
  EXPECT_EQ(cp_->resources().get("Batch", "w1-run").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cp_->resources().get("Widget", "w1").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace eddy::controlplane
