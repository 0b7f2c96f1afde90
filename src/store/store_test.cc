// The resource store contract (resource_store.h), run against every implementation: SQLite in a
// temp dir and a real PostgreSQL the test starts (TestPostgresServer; or the server named by
// EDDY_TEST_POSTGRES_URI). A PostgreSQL that cannot be started fails the test, never skips it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include "store/postgres_store.h"
#include "store/resource_store.h"
#include "store/test_postgres_server.h"

namespace eddy::store {
namespace {

namespace fs = std::filesystem;
using resources::LabelSelector;
using resources::Resource;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

enum class Backend { kSqlite, kPostgres };

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

std::string make_temp_dir(const char* prefix) {
  std::string tmpl = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  EDDY_CHECK(::mkdtemp(tmpl.data()) != nullptr) << "mkdtemp " << tmpl;
  return tmpl;
}

Resource cluster(const std::string& name, std::map<std::string, std::string> labels = {}) {
  Resource r;
  r.kind = "Cluster";
  r.name = name;
  r.labels = std::move(labels);
  r.spec = {{"workers", 2}, {"backend", "local"}};
  return r;
}

// "8f14e45f-ceea-467f-a0e6-7b0b5e6c1e2a": lower-case hex, version 4, RFC 4122 variant.
// (Not std::regex: g++ 12 reports false -Wmaybe-uninitialized in it under the sanitizers.)
bool is_uuid_v4(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return s[14] == '4' && std::string("89ab").find(s[19]) != std::string::npos;
}

LabelSelector selector(const std::string& text) {
  auto s = resources::parse_label_selector(text);
  EDDY_CHECK(s.is_ok()) << s.status().to_string();
  return *s;
}

std::vector<std::string> names(const std::vector<Resource>& rs) {
  std::vector<std::string> out;
  for (const Resource& r : rs) out.push_back(r.name);
  return out;
}

// A fresh, empty store of the backend under test, which the test may close and reopen.
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("eddy-store-test");
    if (GetParam() == Backend::kSqlite) {
      uri_ = "sqlite:" + dir_ + "/eddy.db";
    } else {
      auto server = TestPostgresServer::shared();
      ASSERT_TRUE(server.is_ok()) << "cannot start PostgreSQL for the test: "
                                  << server.status().to_string();
      static bool reported = false;
      if (!reported) {
        reported = true;
        std::cout << "[ postgres ] "
                  << ((*server)->external() ? "using EDDY_TEST_POSTGRES_URI"
                                            : "started in " +
                                                  std::to_string((*server)->start_seconds()) +
                                                  " s at " + (*server)->dir())
                  << std::endl;
      }
      auto db = (*server)->create_database();
      ASSERT_TRUE(db.is_ok()) << db.status().to_string();
      uri_ = *db;
    }
    reopen();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void reopen() {
    store_.reset();
    auto s = open_store(uri_, dir_);
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    store_ = std::move(s).value();
  }

  // Runs SQL on the backing database behind the store's back (to corrupt or age it).
  void exec_raw(const std::string& sql) {
    if (GetParam() == Backend::kSqlite) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((dir_ + "/eddy.db").c_str(), &db), SQLITE_OK);
      char* err = nullptr;
      int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
      std::string msg = err ? err : "";
      sqlite3_free(err);
      sqlite3_close(db);
      ASSERT_EQ(rc, SQLITE_OK) << msg;
    } else {
      PGconn* c = PQconnectdb(uri_.c_str());
      PGresult* r = PQexec(c, sql.c_str());
      std::string msg = PQresultErrorMessage(r);
      ExecStatusType st = PQresultStatus(r);
      PQclear(r);
      PQfinish(c);
      ASSERT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << msg;
    }
  }

  Resource create(Resource r) {
    auto out = store_->create(std::move(r));
    EDDY_CHECK(out.is_ok()) << out.status().to_string();
    return *out;
  }

  std::string dir_;
  std::string uri_;
  std::unique_ptr<ResourceStore> store_;
};

INSTANTIATE_TEST_SUITE_P(AllStores, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

TEST_P(StoreTest, CreateAssignsIdUidVersionAndTimestamp) {
  int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  Resource in = cluster("alpha", {{"app", "web"}});
  in.id = 99;  // ignored: the store assigns these
  in.uid = "mine";
  in.version = 1234;
  in.created_ms = 5;
  Resource a = create(in);
  EXPECT_EQ(a.name, "alpha");
  EXPECT_EQ(a.id, 0);
  EXPECT_TRUE(is_uuid_v4(a.uid)) << a.uid;
  EXPECT_GT(a.version, 0);
  EXPECT_GE(a.created_ms, before);
  EXPECT_LE(a.created_ms, before + 60000);
  EXPECT_EQ(a.spec, in.spec);
  EXPECT_EQ(a.labels, in.labels);

  Resource b = create(cluster("beta"));
  EXPECT_EQ(b.id, 1);
  EXPECT_GT(b.version, a.version);
  EXPECT_NE(b.uid, a.uid);

  Resource s;
  s.kind = "Session";
  s.name = "alpha";  // names are per kind
  EXPECT_EQ(create(s).id, 0);
}

TEST_P(StoreTest, GetAndGetByIdReturnWhatWasCreated) {
  Resource in = cluster("alpha", {{"app", "web"}});
  in.spec = {{"nested", {{"list", {1, 2, 3}}, {"text", "naïve ✓"}}}};
  in.status = {{"phase", "Pending"}};
  Resource a = create(in);

  auto got = store_->get("Cluster", "alpha");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(resources::to_json(*got), resources::to_json(a));
  EXPECT_EQ(got->spec, in.spec);
  EXPECT_EQ(got->status, in.status);

  auto by_id = store_->get_by_id("Cluster", a.id);
  ASSERT_TRUE(by_id.is_ok()) << by_id.status().to_string();
  EXPECT_EQ(by_id->name, "alpha");
  EXPECT_EQ(by_id->uid, a.uid);
}

TEST_P(StoreTest, MissingResourceIsNotFoundNamingIt) {
  auto got = store_->get("Cluster", "nope");
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(got.status().message(), "Cluster 'nope' not found");

  auto by_id = store_->get_by_id("Cluster", 7);
  ASSERT_FALSE(by_id.is_ok());
  EXPECT_EQ(by_id.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(by_id.status().message(), HasSubstr("Cluster with id 7"));

  create(cluster("alpha"));
  EXPECT_EQ(store_->get("Session", "alpha").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, DuplicateNameIsAlreadyExists) {
  Resource a = create(cluster("alpha"));
  auto again = store_->create(cluster("alpha"));
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "Cluster 'alpha' already exists");
  // The failed create consumed nothing: the next id follows on.
  EXPECT_EQ(create(cluster("beta")).id, a.id + 1);
}

TEST_P(StoreTest, InvalidNameIsRejected) {
  auto bad = store_->create(cluster("Foo_1"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("metadata.name: 'Foo_1' is not a valid name"));
  Resource no_kind = cluster("a");
  no_kind.kind = "";
  EXPECT_EQ(store_->create(no_kind).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, EmptyNameIsAssignedFromKindAndId) {
  create(cluster("first"));
  Resource a = create(cluster(""));
  EXPECT_EQ(a.name, "cluster-1");
  EXPECT_TRUE(store_->get("Cluster", "cluster-1").is_ok());
  Resource job;
  job.kind = "StreamJob";
  EXPECT_EQ(create(job).name, "streamjob-0");

  // A user who took the name the store would generate gets kAlreadyExists, not a clobber.
  create(cluster("cluster-3"));
  auto clash = store_->create(cluster(""));
  EXPECT_EQ(clash.status().code(), StatusCode::kAlreadyExists);
}

TEST_P(StoreTest, ListIsOrderedByIdAndFilteredBySelector) {
  create(cluster("c", {{"app", "web"}, {"tier", "front"}}));
  create(cluster("a", {{"app", "web"}, {"tier", "db"}}));
  create(cluster("b", {{"app", "batch"}}));
  create(cluster("d"));
  Resource other;
  other.kind = "Session";
  other.name = "a";
  other.labels = {{"app", "web"}};
  create(other);

  auto all = store_->list("Cluster");
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  EXPECT_THAT(names(*all), ::testing::ElementsAre("c", "a", "b", "d"));
  EXPECT_THAT(names(*store_->list("Cluster", selector("app=web"))),
              ::testing::ElementsAre("c", "a"));
  EXPECT_THAT(names(*store_->list("Cluster", selector("app==web,tier!=db"))),
              ::testing::ElementsAre("c"));
  EXPECT_THAT(names(*store_->list("Cluster", selector("tier!=db"))),
              ::testing::ElementsAre("c", "b", "d"));
  EXPECT_THAT(names(*store_->list("Cluster", selector("app"))),
              ::testing::ElementsAre("c", "a", "b"));
  EXPECT_TRUE(store_->list("Cluster", selector("app=none"))->empty());
  EXPECT_TRUE(store_->list("Workflow")->empty());
}

TEST_P(StoreTest, UpdateReplacesLabelsSpecStatusAndBumpsVersion) {
  Resource a = create(cluster("alpha", {{"app", "web"}}));
  Resource change = a;
  change.labels = {{"app", "api"}};
  change.spec = {{"workers", 5}};
  change.status = {{"phase", "Running"}};
  change.id = 42;  // not the client's to change
  change.uid = "forged";
  change.created_ms = 1;
  auto u = store_->update(change);
  ASSERT_TRUE(u.is_ok()) << u.status().to_string();
  EXPECT_GT(u->version, a.version);
  EXPECT_EQ(u->id, a.id);
  EXPECT_EQ(u->uid, a.uid);
  EXPECT_EQ(u->created_ms, a.created_ms);

  auto got = store_->get("Cluster", "alpha");
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(resources::to_json(*got), resources::to_json(*u));
  EXPECT_EQ(got->labels, change.labels);
  EXPECT_EQ(got->spec, change.spec);
  EXPECT_EQ(got->status, change.status);

  // version 0: an unconditional write.
  Resource blind = *got;
  blind.version = 0;
  blind.status = {{"phase", "Done"}};
  auto u2 = store_->update(blind);
  ASSERT_TRUE(u2.is_ok()) << u2.status().to_string();
  EXPECT_GT(u2->version, u->version);

  // Versions are store-wide: a write to another resource is newer still.
  EXPECT_GT(create(cluster("beta")).version, u2->version);
}

TEST_P(StoreTest, StaleVersionIsAConflictAndChangesNothing) {
  Resource a = create(cluster("alpha"));
  Resource first = a;
  first.status = {{"phase", "Running"}};
  ASSERT_TRUE(store_->update(first).is_ok());

  Resource stale = a;  // still carries the version read before the first update
  stale.status = {{"phase", "Failed"}};
  auto u = store_->update(stale);
  ASSERT_FALSE(u.is_ok());
  EXPECT_EQ(u.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(u.status().message(), StartsWith("conflict:"));
  EXPECT_THAT(u.status().message(), HasSubstr("Cluster 'alpha'"));
  EXPECT_EQ(store_->get("Cluster", "alpha")->status, first.status);
}

TEST_P(StoreTest, UpdateOfMissingResourceIsNotFound) {
  auto u = store_->update(cluster("ghost"));
  EXPECT_EQ(u.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(u.status().message(), "Cluster 'ghost' not found");
}

TEST_P(StoreTest, RemoveDeletesResourceAndLog) {
  Resource a = create(cluster("alpha"));
  ASSERT_TRUE(store_->append_log("Cluster", "alpha", {"one", "two"}).is_ok());
  ASSERT_TRUE(store_->remove("Cluster", "alpha").is_ok());
  EXPECT_EQ(store_->get("Cluster", "alpha").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->read_log("Cluster", "alpha", 0, -1).status().code(), StatusCode::kNotFound);
  Status again = store_->remove("Cluster", "alpha");
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "Cluster 'alpha' not found");

  // The name is free again; ids are never reused, and the old log does not come back.
  Resource b = create(cluster("alpha"));
  EXPECT_EQ(b.id, a.id + 1);
  auto log = store_->read_log("Cluster", "alpha", 0, -1);
  ASSERT_TRUE(log.is_ok());
  EXPECT_EQ(log->total, 0);
  EXPECT_TRUE(log->lines.empty());
}

TEST_P(StoreTest, LogAppendsAndPages) {
  create(cluster("alpha"));
  create(cluster("beta"));
  ASSERT_TRUE(store_->append_log("Cluster", "alpha", {"l0", "l1", "l2"}).is_ok());
  ASSERT_TRUE(store_->append_log("Cluster", "beta", {"other"}).is_ok());
  ASSERT_TRUE(store_->append_log("Cluster", "alpha", {"", "l4 naïve ✓ \"quoted\" \\"}).is_ok());
  ASSERT_TRUE(store_->append_log("Cluster", "alpha", {}).is_ok());

  auto all = store_->read_log("Cluster", "alpha", 0, -1);
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  EXPECT_EQ(all->total, 5);
  EXPECT_THAT(all->lines,
              ::testing::ElementsAre("l0", "l1", "l2", "", "l4 naïve ✓ \"quoted\" \\"));

  auto mid = store_->read_log("Cluster", "alpha", 1, 2);
  ASSERT_TRUE(mid.is_ok());
  EXPECT_EQ(mid->total, 5);
  EXPECT_THAT(mid->lines, ::testing::ElementsAre("l1", "l2"));

  EXPECT_THAT(store_->read_log("Cluster", "alpha", 3, -1)->lines,
              ::testing::ElementsAre("", "l4 naïve ✓ \"quoted\" \\"));
  EXPECT_THAT(store_->read_log("Cluster", "alpha", 4, 100)->lines, ::testing::SizeIs(1));
  EXPECT_TRUE(store_->read_log("Cluster", "alpha", 2, 0)->lines.empty());
  auto past = store_->read_log("Cluster", "alpha", 10, 5);
  ASSERT_TRUE(past.is_ok());
  EXPECT_EQ(past->total, 5);
  EXPECT_TRUE(past->lines.empty());
  EXPECT_EQ(store_->read_log("Cluster", "alpha", 0, INT64_MAX)->lines.size(), 5u);
  EXPECT_THAT(store_->read_log("Cluster", "beta", 0, -1)->lines, ::testing::ElementsAre("other"));

  auto neg = store_->read_log("Cluster", "alpha", -1, 2);
  EXPECT_EQ(neg.status().code(), StatusCode::kInvalidArgument);
  Status missing = store_->append_log("Cluster", "ghost", {"x"});
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "Cluster 'ghost' not found");
}

TEST_P(StoreTest, LargeLogAppendKeepsOrder) {
  create(cluster("alpha"));
  std::vector<std::string> lines;
  for (int i = 0; i < 5000; ++i) lines.push_back("line " + std::to_string(i));
  ASSERT_TRUE(store_->append_log("Cluster", "alpha", lines).is_ok());
  auto page = store_->read_log("Cluster", "alpha", 4990, 20);
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->total, 5000);
  ASSERT_EQ(page->lines.size(), 10u);
  EXPECT_EQ(page->lines.front(), "line 4990");
  EXPECT_EQ(page->lines.back(), "line 4999");
}

TEST_P(StoreTest, ConcurrentCreatesGetDistinctIdsFromZero) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::vector<Resource>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Resource r;
        r.kind = "Session";  // auto-named: the store's sequence alone must keep them apart
        auto out = store_->create(r);
        EDDY_CHECK(out.is_ok()) << out.status().to_string();
        made[t].push_back(*out);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> ids, versions;
  std::set<std::string> uids;
  for (const auto& v : made) {
    for (const Resource& r : v) {
      ids.insert(r.id);
      versions.insert(r.version);
      uids.insert(r.uid);
    }
  }
  EXPECT_EQ(ids.size(), 400u);
  EXPECT_EQ(*ids.begin(), 0);
  EXPECT_EQ(*ids.rbegin(), 399);
  EXPECT_EQ(versions.size(), 400u);
  EXPECT_EQ(uids.size(), 400u);
  EXPECT_EQ(store_->list("Session")->size(), 400u);
}

TEST_P(StoreTest, ReopenPersistsEverything) {
  Resource a = create(cluster("alpha", {{"app", "web"}}));
  create(cluster("beta"));
  Resource s;
  s.kind = "Session";
  create(s);
  Resource change = a;
  change.status = {{"phase", "Running"}};
  Resource updated = *store_->update(change);
  ASSERT_TRUE(store_->remove("Cluster", "beta").is_ok());
  ASSERT_TRUE(store_->append_log("Cluster", "alpha", {"x", "y"}).is_ok());

  reopen();

  auto got = store_->get("Cluster", "alpha");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(resources::to_json(*got), resources::to_json(updated));
  EXPECT_EQ(store_->get("Cluster", "beta").status().code(), StatusCode::kNotFound);
  EXPECT_THAT(names(*store_->list("Cluster", selector("app=web"))),
              ::testing::ElementsAre("alpha"));
  EXPECT_THAT(store_->read_log("Cluster", "alpha", 0, -1)->lines, ::testing::ElementsAre("x", "y"));
  // Sequences continue where they were: no id or version is handed out twice.
  Resource c = create(cluster("gamma"));
  EXPECT_EQ(c.id, 2);
  EXPECT_GT(c.version, updated.version);
  EXPECT_EQ(create(s).id, 1);
}

TEST_P(StoreTest, NewerSchemaVersionIsRefused) {
  store_.reset();
  exec_raw("UPDATE schema_version SET version = 99");
  auto s = open_store(uri_, dir_);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(), HasSubstr("schema version 99"));
}

TEST_P(StoreTest, CorruptStoredDocumentIsDataLoss) {
  create(cluster("alpha"));
  exec_raw("UPDATE resources SET doc = '{not json' WHERE name = 'alpha'");
  auto got = store_->get("Cluster", "alpha");
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
}

// --- open_store: choosing and reaching a store ------------------------------------------------

TEST(OpenStore, UnknownSchemeIsInvalidArgument) {
  auto s = open_store("mysql://x", "/tmp");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("'mysql://x'"));
  EXPECT_THAT(s.status().message(), HasSubstr("postgresql://"));
}

TEST(OpenStore, UnreachablePostgresIsUnavailableNamingTheAddress) {
  // Port 1 on loopback: refused at once, no waiting on a timeout.
  auto s = open_store("postgresql://eddy:s3cret@127.0.0.1:1/eddy", "");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.status().message(), HasSubstr("127.0.0.1"));
  EXPECT_THAT(s.status().message(), HasSubstr("port 1"));
  EXPECT_THAT(s.status().message(), Not(HasSubstr("s3cret")));
}

TEST(OpenStore, MalformedPostgresUriIsInvalidArgument) {
  auto s = open_store("postgresql://host:notaport/db?bogus_option=1", "");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenStore, DefaultCreatesPrivateDataDir) {
  std::string root = make_temp_dir("eddy-open-test");
  std::string data = root + "/nested/data";
  auto s = open_store("", data);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_TRUE(fs::exists(data + "/eddy.db"));
  struct stat st;
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  s = open_store("sqlite", data);  // the same store, reopened
  EXPECT_TRUE(s.is_ok()) << s.status().to_string();
  fs::remove_all(root);
}

TEST(OpenStore, SqliteInMissingDirectoryIsIoErrorNamingThePath) {
  auto s = open_store("sqlite:/nonexistent-eddy-dir/x/eddy.db", "");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), StatusCode::kIoError);
  EXPECT_THAT(s.status().message(), HasSubstr("/nonexistent-eddy-dir/x/eddy.db"));
}

TEST(OpenStore, RedactsPasswords) {
  EXPECT_EQ(redact_postgres_uri("postgresql://u:pw@h:5432/db?sslmode=require&password=x"),
            "postgresql://u@h:5432/db?sslmode=require");
  EXPECT_EQ(redact_postgres_uri("postgresql:///db?host=/tmp&port=5"),
            "postgresql:///db?host=/tmp&port=5");
  EXPECT_EQ(postgres_uri_with_database("postgresql:///postgres?host=/tmp&port=5", "t1"),
            "postgresql:///t1?host=/tmp&port=5");
  EXPECT_EQ(postgres_uri_with_database("postgresql://u@h:5432", "t1"), "postgresql://u@h:5432/t1");
}

// A PostgreSQL connection killed under the store (server restart, idle timeout, failover) is
// re-established by the next call instead of failing every call after it.
TEST(PostgresStoreReconnect, KilledConnectionIsReplacedOnNextCall) {
  auto server = TestPostgresServer::shared();
  ASSERT_TRUE(server.is_ok()) << server.status().to_string();
  auto uri = (*server)->create_database();
  ASSERT_TRUE(uri.is_ok()) << uri.status().to_string();
  auto store = open_store(*uri, "");
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  Resource r;
  r.kind = "Cluster";
  r.name = "alpha";
  ASSERT_TRUE((*store)->create(r).is_ok());

  PGconn* admin = PQconnectdb((*server)->uri().c_str());
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  std::string dbname = uri->substr(uri->find(":///") + 4);
  dbname = dbname.substr(0, dbname.find('?'));
  const char* params[] = {dbname.c_str()};
  PGresult* k = PQexecParams(admin,
                             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = $1 AND pid <> pg_backend_pid()",
                             1, nullptr, params, nullptr, nullptr, 0);
  EXPECT_EQ(PQresultStatus(k), PGRES_TUPLES_OK) << PQresultErrorMessage(k);
  EXPECT_EQ(PQntuples(k), 1);
  PQclear(k);
  PQfinish(admin);

  auto got = (*store)->get("Cluster", "alpha");
  EXPECT_TRUE(got.is_ok()) << got.status().to_string();
  r.name = "beta";
  auto again = (*store)->create(r);
  EXPECT_TRUE(again.is_ok()) << again.status().to_string();
}

}  // namespace
}  // namespace eddy::store
