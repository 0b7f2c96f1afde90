#include "workflow/run_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/time_format.h"

namespace eddy::workflow {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr Micros kDay = 86'400'000'000;
const Micros kDec2 = [] {
  Micros t = 0;
  parse_rfc3339("2019-12-02T00:00:00Z", &t);
  return t;
}();

json shell(const std::string& name, const std::string& command, json deps = json::array(),
           json extra = json::object()) {
  json t = {{"name", name}, {"shell", command}};
  if (!deps.empty()) t["dependsOn"] = deps;
  for (auto& [k, v] : extra.items()) t[k] = v;
  return t;
}
json sensor(const std::string& name, json what, json deps = json::array()) {
  json t = {{"name", name}, {"sensor", what}};
  if (!deps.empty()) t["dependsOn"] = deps;
  return t;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
double cpu_seconds() {  // of this process, every thread
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}
// Gone and reaped: kill(pid, 0) finds no such process.
bool process_gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }
std::string host() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}
// RunStore's owner string for another local process: host:pid:start-ticks (/proc/PID/stat 22).
std::string owner_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i) rest >> field;
  return host() + ":" + std::to_string(pid) + ":" + field;
}

// A temp dir holding a RunStore file; workflows parsed there run their shell tasks in it; the
// engine's event lines are collected.
class RunStoreInTempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "run_engine_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = RunStore::open(dir_ + "/state.db");
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::shared_ptr<const WorkflowSpec> workflow(const std::string& name, json tasks,
                                               json spec = json::object()) {
    json m = {{"apiVersion", "eddy.dev/v1"}, {"kind", "Workflow"}, {"metadata", {{"name", name}}},
              {"spec", {{"schedule", "1d"}, {"tasks", tasks}}}};
    for (auto& [k, v] : spec.items()) m["spec"][k] = v;
    auto w = parse_workflow(m, dir_);
    EXPECT_TRUE(w.is_ok()) << w.status().to_string();
    return std::make_shared<const WorkflowSpec>(w.is_ok() ? *w : WorkflowSpec{});
  }
  EngineOptions options() {
    EngineOptions o;
    o.log_dir = dir_ + "/logs";
    o.on_event = [this](const std::string& line) {
      std::lock_guard<std::mutex> l(mu_);
      events_.push_back(line);
    };
    return o;
  }
  // Runs every workflow once, for 2019-12-02, in one engine: workflow name -> run state.
  std::map<std::string, std::string> run(const std::vector<std::shared_ptr<const WorkflowSpec>>& ws) {
    RunEngine engine(store_.get(), options());
    std::vector<RunRequest> requests;
    for (const auto& w : ws) {
      engine.add_workflow(w);
      requests.push_back({w->name, kDec2});
    }
    auto r = engine.run(requests);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    std::map<std::string, std::string> states;
    if (r.is_ok())
      for (const auto& run : *r) states[run.workflow] = run.state;
    return states;
  }
  // Runs `w` and cancels the engine from another thread 300 ms in.
  Status run_and_cancel(const std::shared_ptr<const WorkflowSpec>& w) {
    RunEngine engine(store_.get(), options());
    engine.add_workflow(w);
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      engine.cancel();
    });
    auto r = engine.run({{w->name, kDec2}});
    canceller.join();
    return r.status();
  }
  TaskRecord task(const std::string& wf, const std::string& name) {
    auto tis = store_->task_instances(wf, kDec2);
    EXPECT_TRUE(tis.is_ok()) << tis.status().to_string();
    if (tis.is_ok())
      for (const auto& t : *tis)
        if (t.task == name) return t;
    ADD_FAILURE() << "no task instance " << wf << "." << name;
    return {};
  }
  std::string read(const std::string& file) {
    std::ifstream in(dir_ + "/" + file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  bool exists(const std::string& file) { return fs::exists(dir_ + "/" + file); }
  std::vector<std::string> events_with(const std::string& text) {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> out;
    for (const auto& e : events_)
      if (e.find(text) != std::string::npos) out.push_back(e);
    return out;
  }
  // Seeds a run of `wf` for 2019-12-02 owned by `owner`, as a process that stopped left it.
  void seed_run(const std::string& wf, const std::string& owner) {
    RunRecord r;
    r.workflow = wf;
    r.logical_date = r.interval_start = kDec2;
    r.interval_end = r.start_time = kDec2 + kDay;
    r.run_id = make_run_id(r.run_type = "backfill", kDec2);
    r.state = "running";
    bool claimed = false;
    ASSERT_TRUE(store_->claim_run(r, owner, &claimed).is_ok());
    ASSERT_TRUE(claimed);
  }
  void seed_task(const std::string& wf, const std::string& name, const std::string& state) {
    TaskRecord t;
    t.workflow = wf;
    t.logical_date = kDec2;
    t.task = name;
    t.state = state;
    t.try_number = t.max_tries = 1;
    ASSERT_TRUE(store_->put_task(t).is_ok());
  }

  std::string dir_;
  std::unique_ptr<RunStore> store_;
  std::mutex mu_;
  std::vector<std::string> events_;  // GUARDED_BY(mu_)
};

TEST_F(RunStoreInTempDir, ChainRunsInDependencyOrder) {
  auto w = workflow("chain", {shell("c", "echo c >> order", {"b"}), shell("b", "echo b >> order", {"a"}),
                              shell("a", "echo a >> order")});
  EXPECT_EQ(run({w})["chain"], "success");
  EXPECT_EQ(read("order"), "a\nb\nc\n");
  for (const char* n : {"a", "b", "c"}) {
    TaskRecord t = task("chain", n);
    EXPECT_EQ(t.state, "success") << n;
    EXPECT_EQ(t.try_number, 1) << n;
    EXPECT_EQ(t.exit_code, 0) << n;
  }
  auto rec = store_->get_run("chain", kDec2);
  ASSERT_TRUE(rec.is_ok() && *rec);
  EXPECT_EQ((*rec)->state, "success");
  EXPECT_EQ((*rec)->owner, "");
  EXPECT_TRUE(fs::exists(attempt_log_path(dir_ + "/logs", "chain", (*rec)->run_id, "a", 1)));
}

TEST_F(RunStoreInTempDir, FailedTaskDecidesDownstreamByTriggerRule) {
  auto w = workflow("fail", {
      shell("a", "exit 1"),
      shell("b", "touch ran.b", {"a"}),
      shell("e", "touch ran.e", {"b"}),
      shell("c", "touch ran.c", {"a"}, {{"triggerRule", "all_done"}}),
      shell("d", "touch ran.d", {"a"}, {{"triggerRule", "one_failed"}}),
      shell("f", "touch ran.f", {"a"}, {{"triggerRule", "one_success"}}),
  });
  EXPECT_EQ(run({w})["fail"], "failed");  // leaves e and f did not succeed
  EXPECT_EQ(task("fail", "a").state, "failed");
  EXPECT_EQ(task("fail", "a").exit_code, 1);
  EXPECT_THAT(task("fail", "a").message, HasSubstr("exit status 1"));
  for (const char* n : {"b", "e", "f"}) {
    EXPECT_EQ(task("fail", n).state, "upstream_failed") << n;
    EXPECT_FALSE(exists(std::string("ran.") + n)) << n;
  }
  for (const char* n : {"c", "d"}) {
    EXPECT_EQ(task("fail", n).state, "success") << n;
    EXPECT_TRUE(exists(std::string("ran.") + n)) << n;
  }
}

// Airflow's leaf rule: a run succeeds iff its leaves do, even if an inner task failed.
TEST_F(RunStoreInTempDir, RunStateFollowsLeafTasksOnly) {
  auto w = workflow("leaf", {shell("a", "exit 1"),
                             shell("cleanup", "true", {"a"}, {{"triggerRule", "all_done"}})});
  EXPECT_EQ(run({w})["leaf"], "success");
  EXPECT_EQ(task("leaf", "a").state, "failed");
}

TEST_F(RunStoreInTempDir, RetriesUntilSuccessOrOutOfTries) {
  // Fails on its first two tries, succeeds on the third.
  auto flaky = [](const std::string& counter) {
    return "n=$(( $(cat " + counter + " 2>/dev/null || echo 0) + 1 )); echo $n > " + counter +
           "; [ $n -ge 3 ]";
  };
  auto enough = workflow("enough", {shell("t", flaky("n1"), {}, {{"retries", 2}, {"retryDelay", "0s"}})});
  auto short_ = workflow("short", {shell("t", flaky("n2"), {}, {{"retries", 1}, {"retryDelay", 0}})});
  auto states = run({enough, short_});
  EXPECT_EQ(states["enough"], "success");
  EXPECT_EQ(task("enough", "t").state, "success");
  EXPECT_EQ(task("enough", "t").try_number, 3);
  EXPECT_EQ(events_with("enough.t up_for_retry").size(), 2u);
  EXPECT_EQ(states["short"], "failed");
  EXPECT_EQ(task("short", "t").state, "failed");
  EXPECT_EQ(task("short", "t").try_number, 2);
}

TEST_F(RunStoreInTempDir, ExponentialBackoffFirstRetryWaitsOneToTwoDelays) {
  auto backoff = [&](const std::string& name, const std::string& delay) {
    return workflow(name, {shell("t", "exit 1", {},
                                 {{"retries", 1}, {"retryDelay", delay}, {"retryExponentialBackoff", true}})});
  };
  // The delay the up_for_retry event of `name` announces.
  auto announced = [&](const std::string& name) -> Micros {
    auto retry = events_with(name + ".t up_for_retry");
    EXPECT_EQ(retry.size(), 1u);
    if (retry.empty()) return -1;
    EXPECT_THAT(retry[0], HasSubstr("try 2 of 2"));
    const size_t in = retry[0].rfind(" in ");
    auto delay = parse_duration(retry[0].substr(in + 4, retry[0].rfind(')') - in - 4));
    EXPECT_TRUE(delay.is_ok()) << retry[0];
    return delay.is_ok() ? *delay : -1;
  };
  auto states = run({backoff("one", "1s"), backoff("zero", "0s")});
  EXPECT_EQ(states["one"], "failed");
  EXPECT_GE(announced("one"), 1'000'000);
  EXPECT_LE(announced("one"), 2'000'000);
  EXPECT_EQ(task("one", "t").try_number, 2);
  EXPECT_EQ(announced("zero"), 1'000'000);  // Airflow's lower bound: at least 1 s
}

TEST_F(RunStoreInTempDir, ExitCode99SkipsTaskAndItsAllSuccessDownstream) {
  auto w = workflow("skip", {shell("a", "exit 99"), shell("b", "touch ran.b", {"a"})});
  EXPECT_EQ(run({w})["skip"], "success");  // the leaf is skipped: a success state
  EXPECT_EQ(task("skip", "a").state, "skipped");
  EXPECT_THAT(task("skip", "a").message, HasSubstr("99"));
  EXPECT_EQ(task("skip", "b").state, "skipped");
  EXPECT_FALSE(exists("ran.b"));
}

TEST_F(RunStoreInTempDir, ExecutionTimeoutKillsTheTasksProcess) {
  auto w = workflow("slow", {shell("t", "echo $$ > pid; exec sleep 30", {}, {{"executionTimeout", "1s"}})});
  const auto t0 = Clock::now();
  EXPECT_EQ(run({w})["slow"], "failed");
  EXPECT_LT(seconds_since(t0), 8.0);
  EXPECT_EQ(task("slow", "t").state, "failed");
  EXPECT_THAT(task("slow", "t").message, HasSubstr("execution timeout"));
  const pid_t pid = std::stoi(read("pid"));
  EXPECT_TRUE(process_gone(pid)) << "sleep 30 (pid " << pid << ") still runs";
}

TEST_F(RunStoreInTempDir, CommandsAreRenderedWithRunContextAndParams) {
  auto w = workflow("tmpl", {shell("t", "echo {{ ds }} {{ params.x }} > out"),
                             shell("own", "echo {{ params.x }} > out2", {}, {{"params", {{"x", "mine"}}}})},
                    {{"params", {{"x", "y"}}}});
  EXPECT_EQ(run({w})["tmpl"], "success");
  EXPECT_EQ(read("out"), "2019-12-02 y\n");
  EXPECT_EQ(read("out2"), "mine\n");
}

TEST_F(RunStoreInTempDir, ExternalTaskSensorWaitsForOtherWorkflowsTask) {
  auto a = workflow("A", {shell("t", "sleep 0.3; touch a_done")});
  auto b = workflow("B", {sensor("wait", {{"workflow", "A"}, {"task", "t"}}),
                          shell("after", "test -e a_done", {"wait"})});
  const auto t0 = Clock::now();
  auto states = run({a, b});
  EXPECT_LT(seconds_since(t0), 5.0);  // woken by A.t's end, not by the 60 s poke interval
  EXPECT_EQ(states["A"], "success");
  EXPECT_EQ(states["B"], "success");
  EXPECT_EQ(task("B", "wait").state, "success");
  EXPECT_GE(task("B", "wait").end_time, task("A", "t").end_time);
  EXPECT_EQ(task("B", "after").state, "success");
  EXPECT_FALSE(events_with("B.wait up_for_reschedule").empty());
}

TEST_F(RunStoreInTempDir, ExternalTaskSensorFailsWhenTaskEndsInFailedStates) {
  auto a = workflow("A", {shell("t", "sleep 0.2; exit 1")});
  auto b = workflow("B", {sensor("wait", {{"workflow", "A"}, {"task", "t"}, {"failedStates", {"failed"}}}),
                          shell("after", "true", {"wait"})});
  auto states = run({a, b});
  EXPECT_EQ(states["B"], "failed");
  EXPECT_EQ(task("B", "wait").state, "failed");
  EXPECT_THAT(task("B", "wait").message, HasSubstr("failedStates"));
  EXPECT_EQ(task("B", "after").state, "upstream_failed");
}

TEST_F(RunStoreInTempDir, SensorTimeoutFailsOrWithSoftFailSkips) {
  json never = {{"workflow", "ghost"}, {"task", "never"}, {"timeout", "1s"}};
  auto hard = workflow("hard", {sensor("wait", never)});
  never["softFail"] = true;
  auto soft = workflow("soft", {sensor("wait", never)});
  const auto t0 = Clock::now();
  auto states = run({hard, soft});
  EXPECT_GE(seconds_since(t0), 0.9);
  EXPECT_LT(seconds_since(t0), 5.0);
  EXPECT_EQ(task("hard", "wait").state, "failed");
  EXPECT_THAT(task("hard", "wait").message, HasSubstr("timed out"));
  EXPECT_EQ(states["hard"], "failed");
  EXPECT_EQ(task("soft", "wait").state, "skipped");
  EXPECT_EQ(states["soft"], "success");
}

TEST_F(RunStoreInTempDir, PathSensorWaitsForFileAnotherTaskCreates) {
  auto w = workflow("path", {shell("make", "sleep 0.3; echo hi > ready.flag"),
                             sensor("wait", {{"path", "ready.flag"}, {"pokeInterval", "100ms"}}),
                             shell("after", "cat ready.flag > seen", {"wait"})});
  EXPECT_EQ(run({w})["path"], "success");
  EXPECT_GE(task("path", "wait").end_time, task("path", "make").end_time);
  EXPECT_EQ(read("seen"), "hi\n");
}

TEST_F(RunStoreInTempDir, ResumesDeadOwnersRunWithoutRerunningFinishedTasks) {
  auto w = workflow("resume", {shell("a", "echo a >> ran"), shell("b", "echo b >> ran", {"a"})});
  const std::string dead = host() + ":999999:1";
  ASSERT_FALSE(RunStore::owner_alive(dead));
  seed_run("resume", dead);
  seed_task("resume", "a", "success");
  seed_task("resume", "b", "running");  // its process died with the owner
  EXPECT_EQ(run({w})["resume"], "success");
  EXPECT_EQ(read("ran"), "b\n");
  EXPECT_EQ(task("resume", "a").try_number, 1);
  EXPECT_EQ(task("resume", "b").state, "success");
  EXPECT_EQ(task("resume", "b").try_number, 2);
}

TEST_F(RunStoreInTempDir, LeavesRunOfLiveOwnerAloneUntilItDies) {
  auto w = workflow("owned", {shell("a", "echo a >> ran")});
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string owner = owner_of(child);
  ASSERT_TRUE(RunStore::owner_alive(owner)) << owner;
  seed_run("owned", owner);
  std::map<std::string, std::string> states;
  std::thread engine([&] { states = run({w}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_FALSE(exists("ran"));
  auto rec = store_->get_run("owned", kDec2);
  ASSERT_TRUE(rec.is_ok() && *rec);
  EXPECT_EQ((*rec)->owner, owner);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);  // a zombie would still count as alive
  engine.join();               // the claim is tried again each second
  EXPECT_EQ(states["owned"], "success");
  EXPECT_EQ(read("ran"), "a\n");
}

TEST_F(RunStoreInTempDir, CancelStopsAttemptsAndLeavesThemResumable) {
  auto w = workflow("cancel", {shell("t", "echo $$ > pid; exec sleep 30")});
  const auto t0 = Clock::now();
  EXPECT_EQ(run_and_cancel(w).code(), StatusCode::kFailedPrecondition);
  EXPECT_LT(seconds_since(t0), 5.0);
  EXPECT_EQ(task("cancel", "t").state, "none");
  const pid_t pid = std::stoi(read("pid"));
  EXPECT_TRUE(process_gone(pid)) << "sleep 30 (pid " << pid << ") still runs";
}

// Broke: after cancel() the engine looped without waiting until every attempt had ended,
// burning a core for as long as a task took to die (up to the 5 s SIGTERM->SIGKILL grace).
TEST_F(RunStoreInTempDir, CancelDoesNotBusyWaitForTaskIgnoringSigterm) {
  auto w = workflow("stubborn", {shell("t", "trap '' TERM; echo $$ > pid; exec sleep 30")});
  const auto t0 = Clock::now();
  const double cpu0 = cpu_seconds();
  EXPECT_EQ(run_and_cancel(w).code(), StatusCode::kFailedPrecondition);
  const double wall = seconds_since(t0), cpu = cpu_seconds() - cpu0;
  EXPECT_GE(wall, 4.0);  // TERM ignored: killed after the grace
  EXPECT_LT(wall, 10.0);
  EXPECT_LT(cpu, 1.0) << "over " << wall << " s";
  EXPECT_TRUE(process_gone(std::stoi(read("pid"))));
}

TEST_F(RunStoreInTempDir, ChainOfFiftyTasksStartsEachTaskPromptly) {
  json tasks = json::array({shell("t0", "true")});
  for (int i = 1; i < 50; ++i)
    tasks.push_back(shell("t" + std::to_string(i), "true", {"t" + std::to_string(i - 1)}));
  auto w = workflow("long", tasks);
  const auto t0 = Clock::now();
  EXPECT_EQ(run({w})["long"], "success");
  EXPECT_LT(seconds_since(t0), 5.0);  // a sanity bound, not a benchmark
  EXPECT_EQ(task("long", "t49").state, "success");
}

TEST_F(RunStoreInTempDir, MaxActiveTasksOneNeverOverlapsTasks) {
  auto timed = [](const std::string& n) {
    return shell(n, "date +%s%N > " + n + ".start; sleep 0.2; date +%s%N > " + n + ".end");
  };
  auto w = workflow("serial", {timed("x"), timed("y")}, {{"maxActiveTasks", 1}});
  EXPECT_EQ(run({w})["serial"], "success");
  const long long xs = std::stoll(read("x.start")), xe = std::stoll(read("x.end"));
  const long long ys = std::stoll(read("y.start")), ye = std::stoll(read("y.end"));
  EXPECT_TRUE(xe <= ys || ye <= xs) << "x [" << xs << ", " << xe << "] y [" << ys << ", " << ye << "]";
  TaskRecord x = task("serial", "x"), y = task("serial", "y");
  EXPECT_TRUE(x.end_time <= y.start_time || y.end_time <= x.start_time);
}

}  // namespace
}  // namespace eddy::workflow
