// The Spark rewrites as text, and column naming.
#include "sql/spark_dialect.h"

#include <gtest/gtest.h>

namespace eddy::sql {
namespace {

std::string rw(const std::string& sql) {
  auto r = rewrite_spark_sql(sql);
  return r.is_ok() ? *r : "error: " + r.status().message();
}

TEST(SparkDialectTest, PlainQueriesAreUntouched) {
  const std::string q = "SELECT size(`9`) FROM tbn WHERE x = 'explode(a)' -- explode(b)\n";
  EXPECT_EQ(rw(q), q);
}

TEST(SparkDialectTest, SelectExplodeBecomesAJoin) {
  EXPECT_EQ(rw("SELECT id, explode(xs) FROM t WHERE id > 1"),
            "SELECT id, __eddy_explode0.__eddy_elem AS \"col\" FROM t  JOIN eddy_explode(xs) "
            "AS __eddy_explode0 WHERE id > 1");
  EXPECT_EQ(rw("SELECT explode(xs) AS x FROM t"),
            "SELECT __eddy_explode0.__eddy_elem AS \"x\" FROM t JOIN eddy_explode(xs) AS "
            "__eddy_explode0 ");
}

TEST(SparkDialectTest, LateralViewBecomesJoinAndAliasesResolve) {
  EXPECT_EQ(rw("SELECT tag FROM t LATERAL VIEW explode(tags) v AS tag"),
            "SELECT \"v\".__eddy_elem AS \"tag\" FROM t JOIN eddy_explode(tags) AS \"v\"");
  EXPECT_EQ(rw("SELECT v.tag FROM t LATERAL VIEW OUTER explode(tags) v tag"),
            "SELECT \"v\".__eddy_elem AS \"v.tag\" FROM t LEFT JOIN eddy_explode(tags) AS \"v\" "
            "ON 1");
}

TEST(SparkDialectTest, GeneratorErrors) {
  EXPECT_NE(rw("SELECT explode(a), explode(b) FROM t").find("only one generator"),
            std::string::npos);
  EXPECT_NE(rw("SELECT x FROM t LATERAL VIEW inline(a) v AS x").find("supports explode"),
            std::string::npos);
  EXPECT_NE(rw("SELECT x FROM t LATERAL VIEW posexplode(a) v AS x").find("2 column alias"),
            std::string::npos);
}

TEST(SparkDialectTest, ColumnNamesDropBackticks) {
  EXPECT_EQ(spark_column_name("size(`9`)"), "size(9)");
  EXPECT_EQ(spark_column_name("concat(`a`, '`')"), "concat(a, '`')");
}

TEST(SparkDialectTest, ReferencedIdentifiers) {
  EXPECT_EQ(referenced_identifiers("SELECT size(`9`), \"a b\" FROM t WHERE 'x' = y"),
            (std::vector<std::string>{"SELECT", "size", "9", "a b", "FROM", "t", "WHERE", "y"}));
}

TEST(SelectsStarTest, SelectItemsNotCountOrProducts) {
  EXPECT_TRUE(selects_star("SELECT * FROM t"));
  EXPECT_TRUE(selects_star("select t.* from t"));
  EXPECT_TRUE(selects_star("SELECT a, * FROM t"));
  EXPECT_TRUE(selects_star("SELECT DISTINCT * FROM t"));
  EXPECT_FALSE(selects_star("SELECT count(*) FROM t"));
  EXPECT_FALSE(selects_star("SELECT a * b FROM t"));
  EXPECT_FALSE(selects_star("SELECT `9` FROM t -- SELECT *"));
  EXPECT_FALSE(selects_star("SELECT '*' FROM t"));
}

}  // namespace
}  // namespace eddy::sql
