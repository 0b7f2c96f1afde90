// The sandbox around user statements (issue 19, item 5): each hostile statement is refused or
// stopped with an error that names what was refused or which limit was reached, files stay
// untouched, and legitimate statements and later table loads still work.
#include "sql/statement_guard.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sql/sql_test_util.h"

namespace eddy::sql {
namespace {

using StatementGuardTest = SqlTempDirTest;
namespace fs = std::filesystem;

// A clock that moves one second forward every time it is read: a statement that keeps running
// reaches any deadline after a known number of progress checks, without sleeping.
class SteppingClock final : public Clock {
 public:
  Micros now() const override { return t_ += 1'000'000; }
  void sleep_until(Micros t) override { t_ = std::max(t_, t); }

 private:
  mutable Micros t_ = 0;
};

std::string run_on(SqlEngine& e, const std::string& sql) {
  auto r = e.query(sql);
  if (!r.is_ok()) return "error: " + r.status().message();
  return format_result(*r, OutputFormat::kJsonLines);
}

TEST_F(StatementGuardTest, AttachIsRefusedAndCreatesNoFile) {
  const std::string db = dir_ + "/store.db";
  const std::string e = run("ATTACH DATABASE '" + db + "' AS x; CREATE TABLE x.t(a)");
  EXPECT_NE(e.find("ATTACH is not allowed in Eddy SQL statements"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(db));
  EXPECT_NE(run("attach '" + db + "' as y").find("ATTACH is not allowed"), std::string::npos);
  EXPECT_EQ(engine_->query("ATTACH ':memory:' AS m").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(StatementGuardTest, DetachIsRefused) {
  const std::string e = run("DETACH DATABASE temp");
  EXPECT_NE(e.find("DETACH is not allowed in Eddy SQL statements"), std::string::npos) << e;
}

TEST_F(StatementGuardTest, VacuumAndVacuumIntoAreRefused) {
  const std::string copy = dir_ + "/copy.db";
  std::string e = run("VACUUM INTO '" + copy + "'");
  EXPECT_NE(e.find("VACUUM is not allowed in Eddy SQL statements"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(copy));
  e = run("SELECT 1; /* hidden */ -- really\n vacuum main INTO '" + copy + "'");
  EXPECT_NE(e.find("VACUUM is not allowed"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(copy));
  EXPECT_NE(run("VACUUM").find("VACUUM is not allowed"), std::string::npos);
}

TEST_F(StatementGuardTest, PragmasThatWriteOrChangeSettingsAreRefused) {
  std::string e = run("PRAGMA writable_schema = 1");
  EXPECT_NE(e.find("PRAGMA writable_schema is not allowed in Eddy SQL statements"),
            std::string::npos)
      << e;
  EXPECT_NE(run("PRAGMA hard_heap_limit = 0").find("PRAGMA hard_heap_limit is not allowed"),
            std::string::npos);
  EXPECT_NE(run("PRAGMA temp_store_directory = '/tmp'").find("is not allowed"),
            std::string::npos);
  EXPECT_NE(run("PRAGMA journal_mode").find("PRAGMA journal_mode is not allowed"),
            std::string::npos);
  // Pragmas that only read the schema stay available, as statements and as functions.
  write("t.json", "{\"a\": 1, \"b\": \"x\"}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("SELECT name FROM pragma_table_info('t') ORDER BY cid"),
            "{\"name\":\"a\"}\n{\"name\":\"b\"}\n");
  EXPECT_EQ(run("PRAGMA table_info(t)").find("error"), std::string::npos);
}

TEST_F(StatementGuardTest, ExtensionLoadingIsRefused) {
  const std::string e = run("SELECT load_extension('/tmp/evil.so')");
  EXPECT_NE(e.find("load_extension() is not allowed in Eddy SQL statements"), std::string::npos)
      << e;
  EXPECT_NE(run("SELECT fts3_tokenizer('simple')").find("fts3_tokenizer() is not allowed"),
            std::string::npos);
}

TEST_F(StatementGuardTest, UnboundedRecursiveCteStopsAtTheTimeBudget) {
  SteppingClock clock;
  SqlLimits limits;
  limits.time_budget = 5'000'000;
  auto e = SqlEngine::create(limits, &clock);
  ASSERT_TRUE(e.is_ok());
  const std::string r =
      run_on(**e, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                  "SELECT count(*) FROM c");
  EXPECT_NE(r.find("ran past its time limit of 5s and was stopped"), std::string::npos) << r;
  EXPECT_NE(r.find("--time-limit"), std::string::npos) << r;
  // The next query gets a budget of its own.
  EXPECT_EQ(run_on(**e, "SELECT 1 AS one"), "{\"one\":1}\n");
}

TEST_F(StatementGuardTest, TimeBudgetOnTheSystemClock) {
  SqlLimits limits;
  limits.time_budget = 200'000;  // 0.2 s
  auto e = SqlEngine::create(limits);
  ASSERT_TRUE(e.is_ok());
  const std::string r = run_on(
      **e, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c");
  EXPECT_NE(r.find("ran past its time limit of 200ms"), std::string::npos) << r;
}

// SQLite's value limit: zeroblob() and concatenation fail with "too big"; printf() past it
// gives NULL (SQLite's own behaviour: it stops growing the string). Either way nothing near the
// asked size is allocated. printf is given 50,000,000 here, not 900,000,000: SQLite still counts
// through the asked width after giving up (7 s for 900,000,000).
TEST_F(StatementGuardTest, HugeValuesHitTheValueLimitBeforeAllocating) {
  std::string r = run("SELECT length(zeroblob(900000000))");
  EXPECT_NE(r.find("string or blob too big"), std::string::npos) << r;
  EXPECT_NE(r.find("100000000 bytes per value"), std::string::npos) << r;
  SqlLimits limits;
  limits.max_value_bytes = 1'000'000;
  auto e = SqlEngine::create(limits);
  ASSERT_TRUE(e.is_ok());
  sqlite3_memory_highwater(1);
  EXPECT_EQ(run_on(**e, "SELECT printf('%.*c', 50000000, 'x') IS NULL AS n"), "{\"n\":1}\n");
  EXPECT_LT(sqlite3_memory_highwater(0) - sqlite3_memory_used(), 8 << 20);
  r = run_on(**e, "WITH RECURSIVE c(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM c) "
                  "SELECT max(length(s)) FROM c");
  EXPECT_NE(r.find("string or blob too big"), std::string::npos) << r;
  EXPECT_EQ(run("SELECT length(printf('%.*c', 1000, 'x')) AS n"), "{\"n\":1000}\n");
}

TEST_F(StatementGuardTest, MemoryLimitStopsAStatementThatAllocatesTooMuch) {
  SqlLimits limits;
  limits.memory_bytes = 16 << 20;
  auto e = SqlEngine::create(limits);
  ASSERT_TRUE(e.is_ok());
  const int64_t before = sqlite3_hard_heap_limit64(-1);
  const std::string r = run_on(**e, "SELECT length(printf('%.*c', 60000000, 'x'))");
  EXPECT_NE(r.find("needed more than its memory limit of 16 MiB"), std::string::npos) << r;
  EXPECT_EQ(sqlite3_hard_heap_limit64(-1), before);  // restored after the query
  EXPECT_EQ(run_on(**e, "SELECT length(printf('%.*c', 1000000, 'x')) AS n"), "{\"n\":1000000}\n");
}

TEST_F(StatementGuardTest, LongSqlAndDeepExpressionsAreRefused) {
  SqlLimits limits;
  limits.max_sql_bytes = 1000;
  auto e = SqlEngine::create(limits);
  ASSERT_TRUE(e.is_ok());
  const std::string r = run_on(**e, "SELECT 1" + std::string(2000, ' '));
  EXPECT_NE(r.find("statement too long"), std::string::npos) << r;
  std::string deep = "SELECT 1";
  for (int i = 0; i < 1500; ++i) deep += " + 1";
  EXPECT_NE(run(deep).find("too large (maximum depth 1000)"), std::string::npos) << run(deep);
}

// The engine's own statements are not the user's: loading after a refused query still works,
// and user statements may still make tables of their own in the in-memory database.
TEST_F(StatementGuardTest, LoadingAndOwnTablesStillWorkAfterARefusal) {
  EXPECT_NE(run("ATTACH 'x.db' AS x").find("not allowed"), std::string::npos);
  write("t.json", "{\"a\": 1}\n{\"a\": 2}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("CREATE TABLE s AS SELECT a * 10 AS b FROM t; SELECT sum(b) AS n FROM s"),
            "{\"n\":30}\n");
  EXPECT_EQ(run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) "
                "SELECT count(*) AS n FROM c"),
            "{\"n\":100}\n");
}

TEST(FirstKeywordTest, SkipsBlanksAndComments) {
  EXPECT_EQ(first_keyword("  vacuum"), "VACUUM");
  EXPECT_EQ(first_keyword("-- x\n/* y */ Select 1"), "SELECT");
  EXPECT_EQ(first_keyword("/* open"), "");
  EXPECT_EQ(first_keyword(""), "");
}

}  // namespace
}  // namespace eddy::sql
