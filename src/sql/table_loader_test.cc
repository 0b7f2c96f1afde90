// Loading tables: JSON lines schema union, nested values, CSV quoting and typing, text,
// Spark's directory layout, empty input and bad input errors.
#include "sql/table_loader.h"

#include <gtest/gtest.h>


#include "sql/sql_test_util.h"

namespace eddy::sql {
namespace {

using TableLoaderTest = SqlTempDirTest;

TEST_F(TableLoaderTest, JsonLinesWithDifferingKeysUnionTheColumns) {
  write("t.json", "{\"a\": 1, \"b\": \"x\"}\n\n{\"c\": 2.5, \"a\": 2}\n{\"b\": null}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  const TableSchema* s = engine_->table("t");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->columns, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(s->rows, 3u);
  EXPECT_EQ(run("SELECT * FROM t"),
            "{\"a\":1,\"b\":\"x\",\"c\":null}\n{\"a\":2,\"b\":null,\"c\":2.5}\n"
            "{\"a\":null,\"b\":null,\"c\":null}\n");
}

TEST_F(TableLoaderTest, NestedArraysAreCompactJson) {
  write("t.json",
        "{\"9\": [[\"a\", \"b\"], [\"c\", \"d\"]], \"m\": {\"k\": [1, {\"z\": null}]}}\n");
  ASSERT_TRUE(load("t", dir_ + "/t.json").is_ok());
  EXPECT_EQ(engine_->table("t")->kinds[0], ColumnKind::kJson);
  EXPECT_EQ(run("SELECT `9`, m FROM t"),
            "{\"9\":[[\"a\",\"b\"],[\"c\",\"d\"]],\"m\":{\"k\":[1,{\"z\":null}]}}\n");
  // A column mixing scalars and arrays is a string column, as Spark infers it.
  write("mixed.json", "{\"v\": [1]}\n{\"v\": 2}\n");
  ASSERT_TRUE(load("mixed", dir_ + "/mixed.json").is_ok());
  EXPECT_EQ(run("SELECT v FROM mixed"), "{\"v\":\"[1]\"}\n{\"v\":2}\n");
}

TEST_F(TableLoaderTest, KeysDifferingOnlyInCaseAreAnError) {
  write("t.json", "{\"a\": 1}\n{\"A\": 2}\n");
  const Status s = load("t", dir_ + "/t.json");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("differ only in case"), std::string::npos) << s.message();
}

TEST_F(TableLoaderTest, BadJsonLineNamesFileAndLine) {
  const std::string path = write("d/part-00001", "{\"a\": 1}\n{\"a\": 2\n");
  write("d/_SUCCESS", "");
  const Status s = load("t", dir_ + "/d");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find(path + ":2: invalid JSON"), std::string::npos) << s.message();
  write("e/x.json", "{\"a\": 1}\n[1, 2]\n");
  const Status s2 = load("t", dir_ + "/e/x.json");
  EXPECT_NE(s2.message().find(":2: expected a JSON object per line"), std::string::npos)
      << s2.message();
}

TEST_F(TableLoaderTest, DirectoryOfPartFilesSkipsSuccessAndHiddenFiles) {
  write("out/part-00000", "{\"k\": 1}\n");
  write("out/part-00001", "{\"k\": 2}\n");
  write("out/_SUCCESS", "");
  write("out/.part-00000.crc", "garbage");
  write("out/_temporary/0/part-00002", "garbage");
  write("out_old/part-00000", "{\"k\": 99}\n");
  ASSERT_TRUE(load("t", dir_ + "/out").is_ok());
  EXPECT_EQ(run("SELECT k FROM t ORDER BY k"), "{\"k\":1}\n{\"k\":2}\n");
  ASSERT_TRUE(load("t2", dir_ + "/out/").is_ok());
  EXPECT_EQ(run("SELECT count(*) AS n FROM t2"), "{\"n\":2}\n");
}

// Issue 19: a job killed while writing leaves part files and no _SUCCESS; reading them as the
// table silently gave 150,011 of 200,001 rows.
TEST_F(TableLoaderTest, PartFilesWithoutSuccessAreRefusedUnlessAllowed) {
  write("out/part-00000", "{\"k\": 1}\n");
  write("out/part-00001", "{\"k\": 2}\n");
  const Status s = load("t", dir_ + "/out");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(dir_ + "/out: a partial output"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("no _SUCCESS"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("--allow-partial"), std::string::npos) << s.message();
  EXPECT_EQ(load("t", dir_ + "/out/").code(), StatusCode::kFailedPrecondition);
  // The override reads what is there.
  ASSERT_TRUE(engine_->register_table({"t", dir_ + "/out", "auto", std::nullopt, true}).is_ok());
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), "{\"n\":2}\n");
  // Once the job finishes, no override is needed.
  write("out/_SUCCESS", "");
  ASSERT_TRUE(load("t2", dir_ + "/out").is_ok());
  // A single part file named directly is a file, not a directory: read as asked.
  ASSERT_TRUE(load("t3", dir_ + "/out/part-00000").is_ok());
}

TEST_F(TableLoaderTest, HadoopTemporaryDirectoryWithoutSuccessIsPartial) {
  write("out/data.json", "{\"k\": 1}\n");
  write("out/_temporary/0/task/part-00000", "{\"k\": 2}\n");
  EXPECT_EQ(load("t", dir_ + "/out").code(), StatusCode::kFailedPrecondition);
}

// Directories other tools wrote never have a _SUCCESS: without part files they are read.
TEST_F(TableLoaderTest, DirectoriesWithoutPartFilesNeedNoSuccess) {
  write("logs/2026-01-01.json", "{\"k\": 1}\n");
  write("logs/sub/2026-01-02.json", "{\"k\": 2}\n");
  ASSERT_TRUE(load("t", dir_ + "/logs").is_ok());
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), "{\"n\":2}\n");
}

TEST_F(TableLoaderTest, MissingInputIsNotFound) {
  EXPECT_EQ(load("t", dir_ + "/nope").code(), StatusCode::kNotFound);
  write("only/_SUCCESS", "");
  EXPECT_EQ(load("t", dir_ + "/only").code(), StatusCode::kNotFound);
}

TEST_F(TableLoaderTest, EmptyFileGivesAnEmptyTable) {
  write("empty.json", "");
  const Status s = load("t", dir_ + "/empty.json");
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), "{\"n\":0}\n");
  write("empty.csv", "");
  ASSERT_TRUE(load("c", dir_ + "/empty.csv").is_ok());
  EXPECT_EQ(run("SELECT count(*) AS n FROM c"), "{\"n\":0}\n");
  write("objs.json", "{}\n{}\n");
  ASSERT_TRUE(load("o", dir_ + "/objs.json").is_ok());
  EXPECT_EQ(run("SELECT count(*) AS n FROM o"), "{\"n\":2}\n");
}

TEST_F(TableLoaderTest, CsvWithQuotesAndTypes) {
  write("t.csv",
        "name,qty,note\r\n\"Smith, J\",3,\"said \"\"hi\"\"\"\r\nLee,2.5,\"two\nlines\"\r\n"
        "Kim,,\"007\"\r\n");
  ASSERT_TRUE(load("t", dir_ + "/t.csv").is_ok());
  EXPECT_EQ(run("SELECT * FROM t"),
            "{\"name\":\"Smith, J\",\"qty\":3,\"note\":\"said \\\"hi\\\"\"}\n"
            "{\"name\":\"Lee\",\"qty\":2.5,\"note\":\"two\\nlines\"}\n"
            "{\"name\":\"Kim\",\"qty\":null,\"note\":\"007\"}\n");
}

TEST_F(TableLoaderTest, CsvRowWithWrongFieldCountNamesLine) {
  write("t.csv", "a,b\n1,2\n3\n");
  const Status s = load("t", dir_ + "/t.csv");
  EXPECT_NE(s.message().find("t.csv:3: 1 fields, the header has 2"), std::string::npos)
      << s.message();
}

TEST_F(TableLoaderTest, TextIsOneValueColumn) {
  write("t.txt", "1::a::b\r\n2::c::d\nlast");
  ASSERT_TRUE(load("t", dir_ + "/t.txt").is_ok());
  EXPECT_EQ(run("SELECT value FROM t"),
            "{\"value\":\"1::a::b\"}\n{\"value\":\"2::c::d\"}\n{\"value\":\"last\"}\n");
  // Explicit format wins over the sniffed one.
  write("j", "{\"a\": 1}\n");
  ASSERT_TRUE(load("j", dir_ + "/j", "text").is_ok());
  EXPECT_EQ(run("SELECT value FROM j"), "{\"value\":\"{\\\"a\\\": 1}\"}\n");
  EXPECT_EQ(load("j", dir_ + "/j", "xml").code(), StatusCode::kInvalidArgument);
}

// A million rows load whole and right. Speed is not asserted here (the brief: benchmarks, not
// timed unit tests; this one failed under ASan on a busy machine at 10.2 s against a 10 s bound).
TEST_F(TableLoaderTest, MillionJsonRowsLoad) {
  std::string data;
  for (int i = 0; i < 1000000; ++i) {
    data += "{\"id\": " + std::to_string(i) + ", \"w\": \"word" + std::to_string(i % 100) +
            "\", \"xs\": [" + std::to_string(i % 7) + ", 1]}\n";
  }
  write("big.json", data);
  ASSERT_TRUE(load("big", dir_ + "/big.json").is_ok());
  EXPECT_EQ(run("SELECT count(*) AS n, sum(size(xs)) AS s FROM big"),
            "{\"n\":1000000,\"s\":2000000}\n");
}

}  // namespace
}  // namespace eddy::sql
