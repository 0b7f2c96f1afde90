#include "cluster/sandbox.h"
#include "cluster/task_invocation.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cluster/child_process.h"

namespace eddy::cluster {
namespace {

namespace fs = std::filesystem;

Confinement data_and_bucket() {
  Confinement c;
  c.paths = {"/data/in", "/srv/out/"};
  c.buckets = {"emr"};
  return c;
}

TEST(ConfinementTest, AllowsPathsUnderTheRootsComponentWise) {
  Confinement c = data_and_bucket();
  EXPECT_TRUE(c.allows("/data/in").is_ok());
  EXPECT_TRUE(c.allows("/data/in/a/b.txt").is_ok());
  EXPECT_TRUE(c.allows("file:///data/in/x").is_ok());
  EXPECT_TRUE(c.allows("/srv/out/part-0").is_ok());  // a root written with a trailing slash
  EXPECT_TRUE(c.allows("relative/job.yaml").is_ok());  // resolves in the task's directory
  EXPECT_TRUE(c.allows("builtin:pi").is_ok());
}

TEST(ConfinementTest, RefusesNeighboursAndDotDotEscapes) {
  Confinement c = data_and_bucket();
  for (const char* bad : {"/data/input.txt", "/data/in2/x", "/data/in/../secret", "/etc/passwd",
                          "file:///data/other", "/srv"}) {
    Status s = c.allows(bad);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << bad;
    EXPECT_NE(s.message().find("--allow-path"), std::string::npos) << s.message();
  }
}

TEST(ConfinementTest, BucketsMustBeAllowedForBothSchemes) {
  Confinement c = data_and_bucket();
  EXPECT_TRUE(c.allows("s3://emr/x/y").is_ok());
  EXPECT_TRUE(c.allows("s3a://emr").is_ok());
  Status s = c.allows("s3://emrx/y");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("'emrx'"), std::string::npos) << s.message();
  EXPECT_EQ(c.allows("hdfs://nn/x").code(), StatusCode::kInvalidArgument);
}

TEST(ConfinementTest, JsonRoundTripAndBadFieldsAreNamed) {
  Confinement c = data_and_bucket();
  auto back = Confinement::from_json(c.to_json());
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->paths, c.paths);
  EXPECT_EQ(back->buckets, c.buckets);
  struct Bad {
    nlohmann::json j;
    const char* field;
  };
  for (const Bad& b : {Bad{nlohmann::json::array(), "confine"},
                       Bad{{{"paths", "/x"}}, "confine.paths"},
                       Bad{{{"paths", {"/ok", "rel"}}}, "confine.paths[1]"},
                       Bad{{{"paths", {1}}}, "confine.paths[0]"},
                       Bad{{{"buckets", {"Not_A_Bucket"}}}, "confine.buckets[0]"}}) {
    auto r = Confinement::from_json(b.j);
    ASSERT_FALSE(r.is_ok()) << b.j.dump();
    EXPECT_EQ(r.status().message().rfind(b.field, 0), 0u) << r.status().message();
  }
}

// The kernel enforces: a child under the task rules reads and writes its roots and nothing
// else. /bin/sh is the child here, so /usr (where Debian's sh lives) must be readable.
class LandlockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (landlock_abi() < 1) GTEST_SKIP() << "this kernel has no Landlock";
    root_ = fs::path(::testing::TempDir()) / ("sandbox-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "allowed");
    fs::create_directories(root_ / "secret");
    fs::create_directories(root_ / "task");
    std::ofstream(root_ / "allowed" / "in.txt") << "fine\n";
    std::ofstream(root_ / "secret" / "key.txt") << "hidden\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  // Runs `sh -c script` confined; returns its exit status.
  int run_confined(const std::string& script) {
    Confinement c;
    c.paths = {(root_ / "allowed").string()};
    auto rs = LandlockRuleset::build(task_rules(c, (root_ / "task").string(), "/bin/sh"));
    EXPECT_TRUE(rs.is_ok()) << rs.status().to_string();
    if (!rs.is_ok()) return -1;
    SpawnOptions so;
    so.argv = {"/bin/sh", "-c", script};
    cluster::TaskInvocation inv;
    inv.confine = c;
    so.env = environment_with(
        cluster::TaskEnvironment::for_task(inv, 1, 0, (root_ / "task").string()).to_env());
    so.cwd = (root_ / "task").string();
    so.landlock_ruleset_fd = rs->fd();
    auto pid = spawn_process(so);
    EXPECT_TRUE(pid.is_ok()) << pid.status().to_string();
    if (!pid.is_ok()) return -1;
    int status = 0;
    waitpid(*pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path root_;
};

TEST_F(LandlockTest, ReadsAndWritesInsideTheRootsAndTheTaskDirectory) {
  std::string a = (root_ / "allowed").string();
  EXPECT_EQ(run_confined("cat " + a + "/in.txt > " + a + "/copy.txt && echo x > \"$TMPDIR/t\""),
            0);
  EXPECT_TRUE(fs::exists(root_ / "allowed" / "copy.txt"));
  EXPECT_TRUE(fs::exists(root_ / "task" / "t"));
}

TEST_F(LandlockTest, CannotReadWriteOrListOutside) {
  std::string s = (root_ / "secret").string();
  EXPECT_NE(run_confined("cat " + s + "/key.txt"), 0);
  EXPECT_NE(run_confined("cat " + (root_ / "allowed").string() + "/../secret/key.txt"), 0);
  EXPECT_NE(run_confined("echo stolen > " + s + "/out.txt"), 0);
  EXPECT_NE(run_confined("ls " + s), 0);
  EXPECT_NE(run_confined("cat /etc/shadow || cat /etc/passwd"), 0);
  EXPECT_FALSE(fs::exists(root_ / "secret" / "out.txt"));
}

TEST_F(LandlockTest, AMissingRequiredRootIsAnErrorNamingIt) {
  Confinement c;
  c.paths = {(root_ / "nope").string()};
  auto rs = LandlockRuleset::build(task_rules(c, (root_ / "task").string(), "/bin/sh"));
  ASSERT_FALSE(rs.is_ok());
  EXPECT_NE(rs.status().message().find("nope"), std::string::npos) << rs.status().message();
}

}  // namespace
}  // namespace eddy::cluster
