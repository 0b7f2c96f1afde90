#include "sql/spark_statement.h"

#include <string>

#include <gtest/gtest.h>

namespace eddy::sql {
namespace {

TEST(ViewDefinition, ReadsTheFormsSparkAccepts) {
  auto v = parse_view_definition(
      "CREATE TEMPORARY VIEW tbn USING json OPTIONS (path 's3a://b/middle_result')");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->name, "tbn");
  EXPECT_EQ(v->path, "s3a://b/middle_result");
  EXPECT_EQ(v->format, "json");
  v = parse_view_definition(
      "  create or replace global temp view `t_1` using CSV options(path = \"/d/x.csv\") ; ");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->name, "t_1");
  EXPECT_EQ(v->path, "/d/x.csv");
  EXPECT_EQ(v->format, "csv");
  v = parse_view_definition("CREATE TEMP VIEW p USING parquet OPTIONS (path '/d/p')");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->format, "auto");  // a format eddy sql guesses from the files
}

TEST(ViewDefinition, RefusesWhatIsNotOne) {
  for (const char* code : {
           "SELECT 1",
           "CREATE VIEW v USING json OPTIONS (path '/x')",            // not temporary
           "CREATE TEMPORARY VIEW v USING json OPTIONS (path '')",    // empty path
           "CREATE TEMPORARY VIEW v USING json OPTIONS (path '/x') extra",
           "CREATE TEMPORARY VIEW `v USING json OPTIONS (path '/x')",  // unclosed quote
           "CREATE TEMPORARYVIEW v USING json OPTIONS (path '/x')",
           "CREATE OR TEMPORARY VIEW v USING json OPTIONS (path '/x')",
           "",
       })
    EXPECT_FALSE(parse_view_definition(code).has_value()) << code;
}

TEST(InsertDirectory, SplitsThePathAndTheQuery) {
  auto i = parse_insert_directory(
      "INSERT OVERWRITE DIRECTORY 's3a://b/result' USING json SELECT size(`9`) FROM tbn");
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(i->path, "s3a://b/result");
  EXPECT_EQ(i->query, "SELECT size(`9`) FROM tbn");
  i = parse_insert_directory("insert overwrite directory \"/out\"\n  SELECT 1");
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(i->path, "/out");
  EXPECT_EQ(i->query, "SELECT 1");
  EXPECT_FALSE(parse_insert_directory("INSERT INTO t SELECT 1").has_value());
  EXPECT_FALSE(parse_insert_directory("INSERT OVERWRITE DIRECTORY '/out'").has_value());
}

// Regression (issue 19): a backtracking regex overflowed the stack on these, and the statement,
// stored as waiting, crashed the server again at every restart. The scanners are linear.
TEST(SparkStatement, LongHostileStatementsAreScannedNotRecursed) {
  std::string spaces(100'000, ' ');
  EXPECT_FALSE(parse_view_definition(spaces + "SELECT 1").has_value());
  EXPECT_FALSE(parse_insert_directory(spaces + "SELECT 1").has_value());
  std::string in_list = "INSERT OVERWRITE DIRECTORY '/out' SELECT 1 WHERE 1 IN (0";
  for (int i = 1; i < 20000; ++i) in_list += "," + std::to_string(i);
  in_list += ")";
  auto i = parse_insert_directory(in_list);
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(i->path, "/out");
  std::string long_path(200'000, 'a');
  EXPECT_FALSE(parse_view_definition("CREATE TEMPORARY VIEW v USING json OPTIONS (path '" +
                                     long_path)
                   .has_value());
}

}  // namespace
}  // namespace eddy::sql
