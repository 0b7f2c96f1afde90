// The task scheduler on its own: a fleet with a fake backend, an owner that records what it is
// told. Serial keys, retries of a dead worker's task, cancellation, stale reports and a cluster
// that terminates, without the store or any kind.
#include "controlplane/task_scheduler.h"

#include <gtest/gtest.h>

#include "controlplane/worker_fleet.h"

namespace eddy::controlplane {
namespace {

namespace protocol = cluster::protocol;

class NullBackend : public cluster::WorkerBackend {
 public:
  std::string name() const override { return "local"; }
  Result<cluster::WorkerHandle> launch(const cluster::WorkerLaunch&) override {
    return cluster::WorkerHandle{"local", ++pid_};
  }
  Status stop(const cluster::WorkerHandle&, int) override { return Status::ok(); }
  bool alive(const cluster::WorkerHandle&) override { return true; }

 private:
  int64_t pid_ = 100;
};

// Records the owner calls; `refuse` names tasks whose invocation cannot be built.
class RecordingOwner : public TaskOwner {
 public:
  Result<cluster::TaskInvocation> build(const TaskKey& key) override {
    if (key.name == refuse) return invalid_argument("bad spec");
    if (key.name == gone) return not_found("gone");
    return cluster::TaskInvocation::run_builtin("builtin:pi", {key.name});
  }
  Status started(const TaskKey& key, int64_t attempt, const std::string& worker,
                 Micros) override {
    events.push_back("started " + key.name + " #" + std::to_string(attempt) + " on " + worker);
    return Status::ok();
  }
  void requeued(const TaskKey& key, const std::string& why) override {
    events.push_back("requeued " + key.name + ": " + why);
  }
  std::string finished(const TaskKey& key, const TaskEnd& e) override {
    const char* how = e.how == TaskEnd::How::kReported ? "reported"
                      : e.how == TaskEnd::How::kLost   ? "lost"
                                                       : "refused";
    events.push_back(std::string("finished ") + key.name + " " + how +
                     (e.cancelled ? " cancelled" : "") + " exit " +
                     std::to_string(e.report.exit_code));
    return "ok";
  }
  Status log(const TaskKey& key, const std::vector<std::string>& lines) override {
    for (const auto& l : lines) events.push_back("log " + key.name + ": " + l);
    return Status::ok();
  }
  std::vector<std::string> events;
  std::string refuse, gone;
};

class TaskSchedulerTest : public ::testing::Test {
 protected:
  TaskSchedulerTest() : fleet_(std::make_unique<NullBackend>(), options_, &clock_),
                        tasks_(fleet_, options_, &clock_) {
    tasks_.set_owner("Job", &owner_);
    for (const char* w : {"c-w0", "c-w1"}) {
      EXPECT_TRUE(fleet_.launch("c", w, 1, 0).is_ok());
      EXPECT_TRUE(fleet_.register_worker({"c", w, 0, 1, 0}).is_ok());
    }
  }
  void enqueue(const std::string& name, const std::string& serial = "", bool sticky = false,
               const std::string& worker = "") {
    tasks_.enqueue({TaskKey{"Job", name}, "c", serial, 0, sticky, worker});
  }
  // The leased task's name and attempt, or "" when nothing was leased.
  std::string lease(const std::string& worker) {
    auto a = tasks_.lease(worker, {"c", 0});
    EXPECT_TRUE(a.is_ok()) << a.status().message();
    if (!a.is_ok() || !a->task) return "";
    return a->task->ref.name + " #" + std::to_string(a->task->ref.attempt);
  }
  Status done(const std::string& worker, const std::string& name, int64_t attempt, int exit) {
    protocol::DoneReport r;
    r.task = {"Job", name, attempt};
    r.exit_code = exit;
    return tasks_.done(worker, r);
  }

  ControlPlaneOptions options_;
  ManualClock clock_{1'000'000};
  WorkerFleet fleet_;
  TaskScheduler tasks_;
  RecordingOwner owner_;
};

TEST_F(TaskSchedulerTest, TasksOfOneSerialKeyRunOneAtATimeInOrder) {
  enqueue("a", "s");
  enqueue("b", "s");
  enqueue("x");
  EXPECT_EQ(lease("c-w0"), "a #1");
  EXPECT_EQ(lease("c-w1"), "x #1");  // b waits for a; x does not
  ASSERT_TRUE(done("c-w1", "x", 1, 0).is_ok());
  EXPECT_EQ(lease("c-w1"), "");
  ASSERT_TRUE(done("c-w0", "a", 1, 0).is_ok());
  EXPECT_EQ(lease("c-w1"), "b #1");
  EXPECT_EQ(tasks_.load("c").running, 1);
}

// A pyspark session's statements: the worker that took the first keeps the interpreter.
TEST_F(TaskSchedulerTest, StickySerialKeysRunOnTheWorkerOfTheirFirstTask) {
  enqueue("a", "sess", true);
  enqueue("b", "sess", true);  // queued before a started: pinned when a is leased
  EXPECT_EQ(lease("c-w1"), "a #1");
  ASSERT_TRUE(done("c-w1", "a", 1, 0).is_ok());
  EXPECT_EQ(lease("c-w0"), "");  // not c-w0's, though it is free
  EXPECT_EQ(lease("c-w1"), "b #1");
  ASSERT_TRUE(done("c-w1", "b", 1, 0).is_ok());
  enqueue("c", "sess", true);
  EXPECT_EQ(lease("c-w0"), "");
  EXPECT_EQ(lease("c-w1"), "c #1");
}

TEST_F(TaskSchedulerTest, StickyTasksAreLostWithoutRetryWhenTheirWorkerDies) {
  enqueue("a", "sess", true);
  enqueue("b", "sess", true);
  EXPECT_EQ(lease("c-w0"), "a #1");
  tasks_.worker_died("c-w0", "worker c-w0 exited");
  EXPECT_EQ(lease("c-w1"), "");  // neither a (no retry: its state is gone) nor b
  EXPECT_EQ(owner_.events,
            (std::vector<std::string>{
                "started a #1 on c-w0", "log a: eddy: attempt 1: worker c-w0 exited",
                "finished a lost exit 0",
                "log b: eddy: attempt 0: worker c-w0, which held the state of sess, died: "
                "worker c-w0 exited",
                "finished b lost exit 0"}));
  // After a restart the session names its worker; a gone worker fails the task at once.
  enqueue("c", "sess2", true, "c-w9");
  EXPECT_EQ(owner_.events.back(), "finished c lost exit 0");
  EXPECT_EQ(lease("c-w1"), "");
}

TEST_F(TaskSchedulerTest, ADeadWorkersTaskIsRetriedThenLost) {
  enqueue("a");
  EXPECT_EQ(lease("c-w0"), "a #1");
  tasks_.worker_died("c-w0", "worker c-w0 exited");
  EXPECT_EQ(lease("c-w1"), "a #2");
  // The dead worker's late report is stale: ignored.
  ASSERT_TRUE(done("c-w0", "a", 1, 0).is_ok());
  tasks_.worker_died("c-w1", "worker c-w1 exited");
  EXPECT_EQ(owner_.events,
            (std::vector<std::string>{"started a #1 on c-w0",
                                      "log a: eddy: attempt 1: worker c-w0 exited",
                                      "requeued a: worker c-w0 exited", "started a #2 on c-w1",
                                      "log a: eddy: attempt 2: worker c-w1 exited",
                                      "finished a lost exit 0"}));
}

TEST_F(TaskSchedulerTest, CancelDequeuesAWaitingTaskAndKillsARunningOne) {
  enqueue("a");
  enqueue("b");
  EXPECT_EQ(tasks_.cancel({"Job", "b"}), CancelOutcome::kDequeued);
  EXPECT_EQ(lease("c-w0"), "a #1");
  EXPECT_EQ(tasks_.cancel({"Job", "a"}), CancelOutcome::kKilling);
  EXPECT_EQ(tasks_.task_action("c-w0", {"Job", "a", 1}), protocol::HeartbeatAction::kCancel);
  ASSERT_TRUE(done("c-w0", "a", 1, protocol::kExitCancelled).is_ok());
  EXPECT_EQ(owner_.events.back(), "finished a reported cancelled exit -1");
  EXPECT_EQ(tasks_.cancel({"Job", "a"}), CancelOutcome::kNotQueued);
  EXPECT_EQ(lease("c-w1"), "");  // b never runs
}

TEST_F(TaskSchedulerTest, HeartbeatsNameTheCurrentAttemptOnly) {
  enqueue("a");
  EXPECT_EQ(lease("c-w0"), "a #1");
  EXPECT_EQ(tasks_.task_action("c-w0", {"Job", "a", 1}), protocol::HeartbeatAction::kContinue);
  EXPECT_EQ(tasks_.task_action("c-w0", {"Job", "a", 0}), protocol::HeartbeatAction::kCancel);
  EXPECT_EQ(tasks_.task_action("c-w1", {"Job", "a", 1}), protocol::HeartbeatAction::kCancel);
}

TEST_F(TaskSchedulerTest, UnbuildableTasksFailAloneAndDeletedOnesAreDropped) {
  owner_.refuse = "bad";
  owner_.gone = "deleted";
  enqueue("bad");
  enqueue("deleted");
  enqueue("good");
  EXPECT_EQ(lease("c-w0"), "good #1");
  EXPECT_EQ(owner_.events[0], "log bad: eddy: bad spec");
  EXPECT_EQ(owner_.events[1], "finished bad refused exit 3");
  EXPECT_EQ(owner_.events[2], "started good #1 on c-w0");
  EXPECT_EQ(owner_.events.size(), 3u);
}

TEST_F(TaskSchedulerTest, ATerminatedClusterFailsItsWorkWithoutRetry) {
  enqueue("a");
  enqueue("b");
  EXPECT_EQ(lease("c-w0"), "a #1");
  tasks_.fail_cluster("c", "cluster c terminated");
  EXPECT_EQ(tasks_.load("c").pending, 0);
  EXPECT_EQ(tasks_.load("c").running, 0);
  EXPECT_EQ(owner_.events.back(), "finished b lost exit 0");
  EXPECT_NE(std::find(owner_.events.begin(), owner_.events.end(), "finished a lost exit 0"),
            owner_.events.end());
}

TEST_F(TaskSchedulerTest, WorkersThatAreNotReadyCannotLease) {
  auto a = tasks_.lease("nobody", {"c", 0});
  EXPECT_EQ(a.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace eddy::controlplane
