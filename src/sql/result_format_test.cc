// Result formats and the Spark output directory.
#include "sql/result_format.h"

#include <gtest/gtest.h>

#include "sql/sql_test_util.h"
#include "objstore/object_store.h"

namespace eddy::sql {
namespace {

QueryResult sample() {
  QueryResult r;
  r.columns = {"size(9)", "name"};
  r.rows_json = {{"2", "\"a, \\\"b\\\"\""}, {"-1", "null"}, {"10", "\"żółw\""}};
  return r;
}

TEST(ResultFormatTest, TableIsAlignedLikeSparkShow) {
  EXPECT_EQ(format_result(sample(), OutputFormat::kTable),
            "+-------+------+\n"
            "|size(9)|  name|\n"
            "+-------+------+\n"
            "|      2|a, \"b\"|\n"
            "|     -1|  NULL|\n"
            "|     10|  żółw|\n"
            "+-------+------+\n");
}

TEST(ResultFormatTest, JsonLinesCsvAndText) {
  EXPECT_EQ(format_result(sample(), OutputFormat::kJsonLines),
            "{\"size(9)\":2,\"name\":\"a, \\\"b\\\"\"}\n{\"size(9)\":-1,\"name\":null}\n"
            "{\"size(9)\":10,\"name\":\"żółw\"}\n");
  EXPECT_EQ(format_result(sample(), OutputFormat::kCsv),
            "size(9),name\n2,\"a, \"\"b\"\"\"\n-1,\n10,żółw\n");
  EXPECT_EQ(format_result(sample(), OutputFormat::kText), "2\ta, \"b\"\n-1\tnull\n10\tżółw\n");
}

TEST(ResultFormatTest, ParseOutputFormat) {
  EXPECT_EQ(*parse_output_format("json"), OutputFormat::kJsonLines);
  EXPECT_FALSE(parse_output_format("xml").is_ok());
}

using WriteResultDirTest = SqlTempDirTest;

TEST_F(WriteResultDirTest, WritesPartAndSuccessAndRefusesExisting) {
  const std::string out = dir_ + "/result";
  ASSERT_TRUE(write_result_dir(sample(), out, OutputFormat::kText).is_ok());
  EXPECT_EQ(*objstore::read_all(out + "/part-00000"), "2\ta, \"b\"\n-1\tnull\n10\tżółw\n");
  EXPECT_EQ(*objstore::read_all(out + "/_SUCCESS"), "");
  EXPECT_EQ(write_result_dir(sample(), out, OutputFormat::kText).code(),
            StatusCode::kAlreadyExists);
  ASSERT_TRUE(write_result_dir(sample(), out, OutputFormat::kCsv, /*overwrite=*/true).is_ok());
  EXPECT_EQ(objstore::read_all(out + "/part-00000")->substr(0, 13), "size(9),name\n");
}

}  // namespace
}  // namespace eddy::sql
