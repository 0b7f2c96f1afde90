// One type builds a task's arguments and environment and reads them back: what the server's
// task builders write, the worker and `eddy run` read.
#include "cluster/task_invocation.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace eddy::cluster {
namespace {

TEST(TaskInvocation, BuildsEachTaskShape) {
  auto run = TaskInvocation::run_manifest("job.yaml", {"input=/d/in", "n=3"});
  ASSERT_TRUE(run.is_ok());
  EXPECT_EQ(run->argv, (std::vector<std::string>{"run", "job.yaml", "--set", "input=/d/in",
                                                 "--set", "n=3"}));
  EXPECT_EQ(TaskInvocation::run_manifest("job.yaml", {"=x"}).status().message(),
            "args: '=x': a job manifest takes parameters as name=value");
  EXPECT_EQ(TaskInvocation::run_builtin("builtin:pi", {"4"}).argv,
            (std::vector<std::string>{"run", "builtin:pi", "--", "4"}));
  auto sql = TaskInvocation::sql("SELECT 1", {{"t", "json", "/d/t"}, {"u", "auto", "/d/u"}},
                                 std::string("/out"));
  EXPECT_EQ(sql.argv, (std::vector<std::string>{"sql", "--format", "json", "--table",
                                                 "t:json=/d/t", "--table", "u=/d/u", "--output",
                                                 "/out", "--overwrite", "SELECT 1"}));
}

TEST(TaskInvocation, ChecksWhatAWorkerWillRun) {
  TaskInvocation t;
  EXPECT_FALSE(t.check().is_ok());
  t.argv = {"serve"};
  EXPECT_NE(t.check().message().find("refusing to run 'serve'"), std::string::npos);
  t.argv = {"run", "m.yaml"};
  EXPECT_TRUE(t.check().is_ok());
  for (const char* bad : {"/etc/passwd", "../x", "a/../../x", ""}) {
    t.files = {{bad, "x"}};
    EXPECT_FALSE(t.check().is_ok()) << bad;
  }
  t.files = {{"sub/m.yaml", "x"}};
  EXPECT_TRUE(t.check().is_ok());
}

TEST(TaskInvocation, JsonRoundTrip) {
  TaskInvocation t = TaskInvocation::run_builtin("builtin:pi", {"2"});
  t.files["a.yaml"] = "x: 1";
  Confinement c;
  c.paths = {"/data"};
  c.buckets = {"emr"};
  t.confine = c;
  auto back = TaskInvocation::from_json(t.to_json());
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->argv, t.argv);
  EXPECT_EQ(back->files, t.files);
  ASSERT_TRUE(back->confine.has_value());
  EXPECT_EQ(back->confine->buckets, c.buckets);
  EXPECT_EQ(TaskInvocation::from_json({{"argv", {"run"}}, {"files", {{"a", 1}}}}).status().message(),
            "task.files.a: expected a string");
}

TEST(TaskEnvironment, WorkerWritesWhatTheTaskReads) {
  TaskInvocation inv;
  Confinement c;
  c.buckets = {"b1", "b2"};
  inv.confine = c;
  auto env = TaskEnvironment::for_task(inv, 3, 1 << 20, "/w/task").to_env();
  EXPECT_EQ(env, (std::vector<std::string>{"EDDY_THREADS=3", "EDDY_MEMORY=1048576",
                                           "EDDY_ALLOW_BUCKETS=b1,b2", "TMPDIR=/w/task"}));
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
  }
  auto read = TaskEnvironment::from_process_env();
  ASSERT_TRUE(read.is_ok()) << read.status().message();
  EXPECT_EQ(read->threads, 3);
  EXPECT_EQ(read->memory_bytes, 1 << 20);
  EXPECT_EQ(*read->allow_buckets, c.buckets);
  setenv("EDDY_THREADS", "lots", 1);
  EXPECT_EQ(TaskEnvironment::from_process_env().status().message(),
            "EDDY_THREADS: expected an integer between 0 and 256, got 'lots'");
  setenv("EDDY_THREADS", "2", 1);
  setenv("EDDY_MEMORY", "12 parsecs", 1);
  EXPECT_NE(TaskEnvironment::from_process_env().status().message().find("EDDY_MEMORY"),
            std::string::npos);
  for (const char* v : {"EDDY_THREADS", "EDDY_MEMORY", "EDDY_ALLOW_BUCKETS", "TMPDIR"}) unsetenv(v);
}

}  // namespace
}  // namespace eddy::cluster
