// SqlEngine end to end in-process: the Airflow article's query, Spark functions, dialect,
// result typing and errors.
#include "sql/sql_engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sql/sql_test_util.h"

namespace eddy::sql {
namespace {

using SqlEngineTest = SqlTempDirTest;

TEST_F(SqlEngineTest, ArticleQuerySizeOfKeyNineOrMinusOne) {
  write("middle_result/part-00000",
        "{\"3\": [[\"x\", \"y\"]]}\n{\"9\": [[\"a\", \"b\"], [\"c\", \"d\"]]}\n");
  write("middle_result/_SUCCESS", "");
  ASSERT_TRUE(load("tbn", dir_ + "/middle_result").is_ok());
  EXPECT_EQ(run("SELECT size(`9`) from tbn"), "{\"size(9)\":-1}\n{\"size(9)\":2}\n");
}

// The transform's output at scale has one key per line: more keys than SQLite's 2000 columns.
// The query still runs (only the columns it names are loaded); SELECT * says why it cannot.
TEST_F(SqlEngineTest, ArticleQueryOverMoreKeysThanSqliteColumns) {
  std::string text;
  for (int k = 1; k <= 2500; ++k) {
    if (k == 9) continue;  // key 9 comes last, with two values
    text += "{\"" + std::to_string(k) + "\": [[\"w" + std::to_string(k) + "\"]]}\n";
  }
  text += "{\"9\": [[\"a\", \"b\"], [\"c\", \"d\"]]}\n";
  write("middle_result/part-00000", text);
  write("middle_result/_SUCCESS", "");
  ASSERT_TRUE(load("tbn", dir_ + "/middle_result").is_ok());
  const std::string sizes = run("SELECT size(`9`) FROM tbn");
  EXPECT_EQ(std::count(sizes.begin(), sizes.end(), '\n'), 2500) << sizes.substr(0, 200);
  EXPECT_EQ(sizes.find("{\"size(9)\":2}"), sizes.size() - 14) << sizes.substr(sizes.size() - 40);
  EXPECT_EQ(run("SELECT count(*) AS n, count(`9`) AS nine, count(`2500`) AS last FROM tbn"),
            "{\"n\":2500,\"nine\":1,\"last\":1}\n");
  EXPECT_EQ(run("SELECT `1234` FROM tbn WHERE `1234` IS NOT NULL"), "{\"1234\":[[\"w1234\"]]}\n");
  EXPECT_NE(run("SELECT * FROM tbn").find("more distinct keys than SQLite's 2000 columns"),
            std::string::npos);
  EXPECT_NE(run("SELECT `no such key` FROM tbn").find("no such column"), std::string::npos);
  // Another table in the same engine is unaffected.
  write("small.json", "{\"a\": 1}\n");
  ASSERT_TRUE(load("small", dir_ + "/small.json").is_ok());
  EXPECT_EQ(run("SELECT * FROM small"), "{\"a\":1}\n");
}

TEST_F(SqlEngineTest, SizeOfArraysMapsAndNull) {
  write("t.json", "{\"a\": [1, 2, 3], \"m\": {\"x\": 1, \"y\": 2}}\n{\"a\": [], \"m\": null}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("SELECT size(a) AS n, size(m) AS k FROM t"),
            "{\"n\":3,\"k\":2}\n{\"n\":0,\"k\":-1}\n");
  EXPECT_EQ(run("SELECT size(NULL) AS s"), "{\"s\":-1}\n");
  EXPECT_EQ(run("SELECT size(array(1, 'b', NULL)) AS s"), "{\"s\":3}\n");
}

TEST_F(SqlEngineTest, SizeOfAScalarIsAnError) {
  write("t.json", "{\"s\": \"abc\", \"n\": 5}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_NE(run("SELECT size(s) FROM t").find("size(): expects an array or a map"),
            std::string::npos);
  EXPECT_NE(run("SELECT size(n) FROM t").find("got a number"), std::string::npos);
}

TEST_F(SqlEngineTest, BacktickedNumericColumnNames) {
  write("t.json", "{\"9\": 1, \"my col\": \"x\"}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("SELECT `9` + 1 AS n, `my col` FROM t"), "{\"n\":2,\"my col\":\"x\"}\n");
  EXPECT_EQ(run("SELECT `9` FROM t"), "{\"9\":1}\n");
}

TEST_F(SqlEngineTest, NestedValuesAndBooleansKeepTheirJsonShape) {
  write("t.json", "{\"a\": [[\"a\", \"b\"]], \"b\": true, \"f\": 2.0, \"s\": \"q\\\"\"}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("SELECT * FROM t"),
            "{\"a\":[[\"a\",\"b\"]],\"b\":true,\"f\":2.0,\"s\":\"q\\\"\"}\n");
  EXPECT_EQ(run("SELECT json_extract(a, '$[0]') AS x FROM t"), "{\"x\":[\"a\",\"b\"]}\n");
}

TEST_F(SqlEngineTest, ExplodeInTheSelectList) {
  write("t.json", "{\"id\": 1, \"xs\": [\"a\", \"b\"]}\n{\"id\": 2, \"xs\": []}\n{\"id\": 3}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("SELECT id, explode(xs) FROM t ORDER BY id"),
            "{\"id\":1,\"col\":\"a\"}\n{\"id\":1,\"col\":\"b\"}\n");
  EXPECT_EQ(run("SELECT explode(xs) AS x FROM t WHERE id = 1 ORDER BY x DESC"),
            "{\"x\":\"b\"}\n{\"x\":\"a\"}\n");
  EXPECT_EQ(run("SELECT id, explode_outer(xs) AS x FROM t ORDER BY id"),
            "{\"id\":1,\"x\":\"a\"}\n{\"id\":1,\"x\":\"b\"}\n{\"id\":2,\"x\":null}\n"
            "{\"id\":3,\"x\":null}\n");
  EXPECT_EQ(run("SELECT posexplode(xs) FROM t"),
            "{\"pos\":0,\"col\":\"a\"}\n{\"pos\":1,\"col\":\"b\"}\n");
  EXPECT_EQ(run("SELECT explode(array(1, 2)) AS n"), "{\"n\":1}\n{\"n\":2}\n");
}

TEST_F(SqlEngineTest, ExplodeOfNestedListsAndMaps) {
  write("t.json", "{\"9\": [[\"a\", \"b\"], [\"c\", \"d\"]], \"m\": {\"k\": 1}}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("SELECT explode(`9`) FROM t"),
            "{\"col\":[\"a\",\"b\"]}\n{\"col\":[\"c\",\"d\"]}\n");
  EXPECT_EQ(run("SELECT explode(m) AS (k, v) FROM t"), "{\"k\":\"k\",\"v\":1}\n");
}

TEST_F(SqlEngineTest, LateralViewExplodeWithGroupBy) {
  write("t.json",
        "{\"user\": \"ann\", \"tags\": [\"x\", \"y\"]}\n{\"user\": \"bob\", \"tags\": [\"x\"]}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(run("SELECT tag, count(*) AS n FROM t LATERAL VIEW explode(tags) v AS tag "
                "GROUP BY tag ORDER BY n DESC, tag"),
            "{\"tag\":\"x\",\"n\":2}\n{\"tag\":\"y\",\"n\":1}\n");
  EXPECT_EQ(run("SELECT user, upper(v.tag) FROM t LATERAL VIEW explode(tags) v AS tag "
                "WHERE v.tag = 'y'"),
            "{\"user\":\"ann\",\"upper(v.tag)\":\"Y\"}\n");
  EXPECT_EQ(run("SELECT p, x FROM t LATERAL VIEW posexplode(tags) v AS p, x WHERE user = 'ann'"),
            "{\"p\":0,\"x\":\"x\"}\n{\"p\":1,\"x\":\"y\"}\n");
}

TEST_F(SqlEngineTest, UnicodeLowerUpper) {
  EXPECT_EQ(run("SELECT upper('straße éa') AS u, lower('ÀÉÎ Ω') AS l"),
            "{\"u\":\"STRAßE ÉA\",\"l\":\"àéî ω\"}\n");
}

TEST_F(SqlEngineTest, CountGroupByOrderByLimit) {
  write("t.csv", "word,n\nb,1\na,2\nb,3\n");
  ASSERT_TRUE(load("t", dir_ + "/t.csv").is_ok());
  EXPECT_EQ(
      run("SELECT word, count(*), sum(n) AS total FROM t GROUP BY word ORDER BY word LIMIT 1"),
      "{\"word\":\"a\",\"count(*)\":1,\"total\":2}\n");
}

TEST_F(SqlEngineTest, SyntaxErrorsNamePosition) {
  const std::string e = run("SELECT a\nFROM t WHER x");
  EXPECT_NE(e.find("syntax error"), std::string::npos) << e;
  EXPECT_NE(e.find("near \"x\": syntax error at line 2, column 13"), std::string::npos) << e;
}

TEST_F(SqlEngineTest, UnknownTableAndColumn) {
  EXPECT_NE(run("SELECT * FROM nope").find("no such table: nope"), std::string::npos);
  write("t.json", "{\"a\": 1}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_NE(run("SELECT `9` FROM t").find("no such column: 9"), std::string::npos);
}

TEST_F(SqlEngineTest, SeveralStatementsReturnTheLast) {
  EXPECT_EQ(run("CREATE TABLE x(a); INSERT INTO x VALUES (1), (2); SELECT count(*) AS n FROM x;"),
            "{\"n\":2}\n");
}

TEST_F(SqlEngineTest, RegisteringAgainReplacesTheTable) {
  write("a.json", "{\"a\": 1}\n");
  write("b.json", "{\"b\": 2}\n{\"b\": 3}\n");
  ASSERT_TRUE(load("t", dir_ + "/a.json").is_ok());
  ASSERT_TRUE(load("t", dir_ + "/b.json").is_ok());
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), "{\"n\":2}\n");
}

}  // namespace
}  // namespace eddy::sql
