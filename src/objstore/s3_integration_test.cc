// S3Store and `eddy fs` against a real S3-compatible server: s3rver (npm), started by the
// fixture on a free loopback port through tests/storage/start-s3rver. If node_modules is
// missing the tests fail (never skip) and say to run scripts/install-deps.
//
// s3rver checks that the access key exists (wrong key -> 403 InvalidAccessKeyId) but does not
// verify SigV4 signatures (its authentication middleware says so); the signer itself is
// checked against AWS's example vectors in sigv4_signer_test.cc.
// Also here, without s3rver: a port nobody listens on (kUnavailable after bounded retries)
// and a server that accepts and never answers (kDeadlineExceeded).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/random.h"
#include "objstore/local_store.h"
#include "objstore/s3_store.h"

namespace eddy::objstore {
namespace {

namespace fs = std::filesystem;

constexpr char kBucket[] = "eddy-test";

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

CommandResult run(const std::string& cmd) {
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Fixture: one s3rver for the whole suite, with bucket kBucket; a fresh S3Store per test.
class S3ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("eddy_s3rver_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    const std::string script = std::string(EDDY_SOURCE_DIR) + "/tests/storage/start-s3rver";
    CommandResult r = run(script + " " + dir_->string() + " --watch " + std::to_string(::getpid()) +
                          " " + kBucket + " 2>&1");
    if (r.exit_code != 0 || std::sscanf(r.out.c_str(), "%d %d", &port_, &pid_) != 2) {
      setup_error_ = new std::string(
          "could not start s3rver (run scripts/install-deps to install node_modules): " + r.out);
      port_ = 0;
    }
  }
  static void TearDownTestSuite() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    if (dir_ != nullptr) fs::remove_all(*dir_);
  }
  void SetUp() override {
    ASSERT_EQ(setup_error_, nullptr) << *setup_error_;
    store_ = std::make_unique<S3Store>(config());
  }
  static S3Config config() {
    S3Config c;
    c.endpoint = parse_endpoint_url("http://127.0.0.1:" + std::to_string(port_)).value();
    c.path_style = true;
    c.access_key_id = "S3RVER";
    c.secret_access_key = "S3RVER";
    c.part_size = 5 << 20;
    c.multipart_threshold = 8 << 20;
    return c;
  }
  static std::string uri(const std::string& key) {
    return std::string("s3://") + kBucket + "/" + key;
  }
  std::string get(const std::string& u, uint64_t offset = 0, uint64_t length = UINT64_MAX) {
    auto r = store_->open(u, offset, length);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    if (!r.is_ok()) return "";
    std::string out;
    std::string buf(1 << 20, '\0');
    for (;;) {
      auto n = (*r)->read(buf.data(), buf.size());
      EXPECT_TRUE(n.is_ok()) << n.status().to_string();
      if (!n.is_ok() || *n == 0) break;
      out.append(buf.data(), *n);
    }
    return out;
  }
  Status put(const std::string& u, std::string_view data) {
    EDDY_ASSIGN_OR_RETURN(auto w, store_->create(u));
    EDDY_RETURN_IF_ERROR(w->write(data));
    return w->commit();
  }
  std::string env_prefix() const {
    return "AWS_ENDPOINT_URL=http://127.0.0.1:" + std::to_string(port_) +
           " AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 ";
  }

  static fs::path* dir_;
  static int port_;
  static int pid_;
  static std::string* setup_error_;
  std::unique_ptr<S3Store> store_;
};

fs::path* S3ServerTest::dir_ = nullptr;
int S3ServerTest::port_ = 0;
int S3ServerTest::pid_ = 0;
std::string* S3ServerTest::setup_error_ = nullptr;

TEST_F(S3ServerTest, PutGetRangeHeadDelete) {
  const std::string u = uri("basic/a b&c+d.txt");
  ASSERT_TRUE(put(u, "hello, object store").is_ok());
  EXPECT_EQ(get(u), "hello, object store");
  EXPECT_EQ(get(u, 7, 6), "object");
  EXPECT_EQ(get(u, 13), " store");
  auto info = store_->head(u);
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->size, 19u);
  EXPECT_GT(info->modified, 0);
  ASSERT_TRUE(put(uri("basic/empty"), "").is_ok());
  EXPECT_EQ(get(uri("basic/empty")), "");
  ASSERT_TRUE(store_->remove(u).is_ok());
  auto gone = store_->head(u);
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_NE(gone.status().message().find(u), std::string::npos);
}

TEST_F(S3ServerTest, MissingObjectsAndBucketsAreNotFoundNamingThem) {
  auto r = store_->open(uri("no/such/key"));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message().rfind(uri("no/such/key") + ": 404", 0), 0u)
      << r.status().message();
  auto b = store_->list("s3://no-such-bucket/x");
  EXPECT_EQ(b.status().code(), StatusCode::kNotFound);
  EXPECT_NE(b.status().message().find("NoSuchBucket"), std::string::npos);
  EXPECT_TRUE(store_->list(uri("no/such/prefix/"))->empty());
}

TEST_F(S3ServerTest, ListPaginatesPastAThousandKeys) {
  constexpr int kKeys = 1050;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += 4) {
        char key[64];
        std::snprintf(key, sizeof(key), "many/k&<%04d>.txt", i);
        if (!put(uri(key), std::to_string(i)).is_ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  auto l = store_->list(uri("many/"));
  ASSERT_TRUE(l.is_ok()) << l.status().to_string();
  ASSERT_EQ(l->size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(l->front().uri, uri("many/k&<0000>.txt"));
  EXPECT_EQ(l->back().uri, uri("many/k&<1049>.txt"));
  EXPECT_EQ(l->back().size, 4u);
  for (size_t i = 1; i < l->size(); ++i) ASSERT_LT((*l)[i - 1].uri, (*l)[i].uri);
}

TEST_F(S3ServerTest, MultipartUploadIsInvisibleUntilCommit) {
  std::string data(20 << 20, '\0');
  Xoshiro256 rng(7);
  for (size_t i = 0; i + 8 <= data.size(); i += 8) {
    const uint64_t v = rng();
    std::memcpy(&data[i], &v, 8);
  }
  const std::string u = uri("big/20mib.bin");
  auto w = store_->create(u);
  ASSERT_TRUE(w.is_ok());
  for (size_t off = 0; off < data.size(); off += 1 << 20) {
    ASSERT_TRUE((*w)->write(std::string_view(data).substr(off, 1 << 20)).is_ok());
  }
  // Parts are uploaded by now, but the object does not exist until commit().
  EXPECT_EQ(store_->head(u).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE((*w)->commit().is_ok());
  auto info = store_->head(u);
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->size, data.size());
  EXPECT_TRUE(get(u) == data);
  EXPECT_TRUE(get(u, 7 << 20, 1000) == data.substr(7 << 20, 1000));
}

TEST_F(S3ServerTest, AbortedMultipartUploadLeavesNothing) {
  const std::string u = uri("big/aborted.bin");
  {
    auto w = store_->create(u);
    ASSERT_TRUE(w.is_ok());
    ASSERT_TRUE((*w)->write(std::string(12 << 20, 'x')).is_ok());
  }  // destroyed without commit
  EXPECT_EQ(store_->head(u).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->list(u)->empty());
}

TEST_F(S3ServerTest, WrongAccessKeyIsPermissionDenied) {
  S3Config c = config();
  c.access_key_id = "NOT-A-KEY";
  S3Store bad(c);
  auto r = bad.list(uri(""));
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("403 InvalidAccessKeyId"), std::string::npos)
      << r.status().message();
  auto w = bad.create(uri("denied.txt"));
  ASSERT_TRUE((*w)->write("x").is_ok());
  EXPECT_EQ((*w)->commit().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->head(uri("denied.txt")).status().code(), StatusCode::kNotFound);
}

TEST_F(S3ServerTest, EddyFsCopiesListsCatsAndRemoves) {
  const fs::path local = *dir_ / "fs-local";
  fs::create_directories(local / "in" / "sub");
  std::ofstream(local / "in" / "a.txt") << "alpha\n";
  std::ofstream(local / "in" / "sub" / "b.txt") << "beta\n";
  const std::string eddy = env_prefix() + EDDY_BINARY + " fs ";

  CommandResult up = run(eddy + "cp -r " + (local / "in").string() + " " + uri("fs/in"));
  ASSERT_EQ(up.exit_code, 0) << up.out;
  EXPECT_NE(up.out.find("upload: "), std::string::npos);
  CommandResult ls = run(eddy + "ls " + uri("fs/in/"));
  ASSERT_EQ(ls.exit_code, 0);
  EXPECT_NE(ls.out.find("PRE sub/"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("6 a.txt"), std::string::npos) << ls.out;
  CommandResult lsr = run(eddy + "ls -r " + uri("fs/"));
  EXPECT_NE(lsr.out.find("fs/in/sub/b.txt"), std::string::npos) << lsr.out;
  CommandResult cat = run(eddy + "cat " + uri("fs/in/sub/b.txt"));
  EXPECT_EQ(cat.exit_code, 0);
  EXPECT_EQ(cat.out, "beta\n");

  CommandResult s2s = run(eddy + "cp " + uri("fs/in/a.txt") + " " + uri("fs/copy/"));
  ASSERT_EQ(s2s.exit_code, 0) << s2s.out;
  EXPECT_EQ(run(eddy + "cat " + uri("fs/copy/a.txt")).out, "alpha\n");
  CommandResult down = run(eddy + "cp -r " + uri("fs/in") + " " + (local / "out").string());
  ASSERT_EQ(down.exit_code, 0) << down.out;
  EXPECT_EQ(read_file(local / "out" / "sub" / "b.txt"), "beta\n");
  EXPECT_EQ(read_file(local / "out" / "a.txt"), "alpha\n");

  CommandResult missing = run(eddy + "cat " + uri("fs/nope") + " 2>&1");
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.out.find(uri("fs/nope")), std::string::npos) << missing.out;
  CommandResult rm = run(eddy + "rm -r " + uri("fs/in"));
  ASSERT_EQ(rm.exit_code, 0) << rm.out;
  EXPECT_TRUE(store_->list(uri("fs/in/"))->empty());
  EXPECT_EQ(run(eddy + "rm " + uri("fs/in/a.txt") + " 2>/dev/null").exit_code, 4);
  CommandResult denied = run("AWS_ENDPOINT_URL=http://127.0.0.1:" + std::to_string(port_) +
                             " AWS_ACCESS_KEY_ID=WRONG AWS_SECRET_ACCESS_KEY=x " + EDDY_BINARY +
                             " fs ls " + uri("") + " 2>&1");
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.out.find("permission denied"), std::string::npos) << denied.out;
}

// A loopback port with no listener: bind, read the port, close.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(S3UnreachableTest, ServerDownIsUnavailableAfterBoundedRetries) {
  ManualClock clock(1700000000LL * 1000000);
  S3Config c;
  c.endpoint = parse_endpoint_url("http://127.0.0.1:" + std::to_string(closed_port())).value();
  c.path_style = true;
  c.access_key_id = "K";
  c.secret_access_key = "S";
  c.retry.max_attempts = 3;
  S3Store store(c, nullptr, &clock);
  auto r = store.head("s3://b/some/key");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("s3://b/some/key"), std::string::npos);
  EXPECT_NE(r.status().message().find("after 3 attempts"), std::string::npos)
      << r.status().message();
  EXPECT_GT(clock.now(), 1700000000LL * 1000000);  // it backed off (on the manual clock)
  auto w = store.create("s3://b/out");
  ASSERT_TRUE((*w)->write("x").is_ok());
  EXPECT_EQ((*w)->commit().code(), StatusCode::kUnavailable);
}

TEST(S3UnreachableTest, ServerThatNeverAnswersTimesOut) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(::listen(fd, 16), 0);  // connections complete in the backlog; nobody answers
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ManualClock clock(1700000000LL * 1000000);
  S3Config c;
  c.endpoint = parse_endpoint_url("http://127.0.0.1:" + std::to_string(ntohs(a.sin_port))).value();
  c.path_style = true;
  c.request_timeout = 300'000;
  c.retry.max_attempts = 2;
  S3Store store(c, nullptr, &clock);
  auto r = store.open("s3://b/slow");
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().to_string();
  EXPECT_NE(r.status().message().find("s3://b/slow"), std::string::npos);
  ::close(fd);
}

}  // namespace
}  // namespace eddy::objstore
