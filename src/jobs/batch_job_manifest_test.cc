#include "jobs/batch_job_manifest.h"

#include <gtest/gtest.h>

namespace eddy::jobs {
namespace {

const char* kTransform = R"(
apiVersion: eddy.dev/v1
kind: BatchJob
metadata: {name: t}
spec:
  parameters: {input: in.txt, output: out, partitions: "1", badLines: fail}
  steps:
    - read: {uri: "${input}"}
    - split: {delimiter: "::"}
    - key_by: {field: 0, type: int, badLines: "${badLines}"}
    - group_by_key: {}
    - sort_by_key: {}
    - to_json: {}
    - write: {uri: "${output}", partitions: "${partitions}"}
  runtime: {threads: 2, memory: 1GiB}
)";

TEST(BatchJobSpecTest, ParsesTheArticleTransformWithOverrides) {
  auto spec = parse_batch_job(kTransform, "t.yaml", {{"partitions", "4"}, {"badLines", "skip"}});
  ASSERT_TRUE(spec.is_ok()) << spec.status().to_string();
  ASSERT_EQ(spec->stages.size(), 1u);
  const auto& t = std::get<BatchTransformStage>(spec->stages[0]);
  EXPECT_EQ(t.options.inputs, std::vector<std::string>{"in.txt"});
  EXPECT_EQ(t.options.output, "out");
  EXPECT_EQ(t.options.partitions, 4u);
  EXPECT_EQ(t.options.format.bad_lines, batch::BadLinePolicy::kSkip);
  EXPECT_EQ(spec->threads, 2);
  EXPECT_EQ(spec->memory, 1ULL << 30);
}

TEST(BatchJobSpecTest, ErrorsNameTheField) {
  auto bad = parse_batch_job(kTransform, "t.yaml", {{"badLines", "ignore"}});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("spec.steps[2].key_by.badLines: expected fail or skip"),
            std::string::npos)
      << bad.status().message();
  auto unknown = parse_batch_job(kTransform, "t.yaml", {{"nope", "1"}});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("--set nope: unknown parameter"), std::string::npos);
}

TEST(BatchJobSpecTest, StepsOutOfOrderAreRejected) {
  std::string text = kTransform;
  text.replace(text.find("    - group_by_key: {}\n"), 23, "");
  auto spec = parse_batch_job(text, "t.yaml", {});
  ASSERT_FALSE(spec.is_ok());
  EXPECT_NE(spec.status().message().find("'sort_by_key' must come right after 'group_by_key'"),
            std::string::npos)
      << spec.status().message();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

bool write_overwrites(const Result<BatchJobSpec>& spec) {
  return std::get<BatchTransformStage>(spec->stages.at(0)).options.overwrite;
}

TEST(BatchJobSpecTest, OverwriteIsAParameterOfEveryBatchJob) {
  auto plain = parse_batch_job(kTransform, "t.yaml", {});
  ASSERT_TRUE(plain.is_ok()) << plain.status().to_string();
  EXPECT_FALSE(write_overwrites(plain));
  auto set = parse_batch_job(kTransform, "t.yaml", {{"overwrite", "true"}});
  ASSERT_TRUE(set.is_ok()) << set.status().to_string();
  EXPECT_TRUE(write_overwrites(set));
  auto bad = parse_batch_job(kTransform, "t.yaml", {{"overwrite", "maybe"}});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("--set overwrite: expected true or false, got 'maybe'"),
            std::string::npos)
      << bad.status().message();
  // Listed among the parameters an unknown --set names.
  auto unknown = parse_batch_job(kTransform, "t.yaml", {{"nope", "1"}});
  EXPECT_NE(unknown.status().message().find("output, overwrite, partitions"), std::string::npos)
      << unknown.status().message();
}

TEST(BatchJobSpecTest, OverwriteOfAStepWinsOverTheParameter) {
  std::string text = replaced(kTransform, "partitions: \"${partitions}\"}",
                              "partitions: \"${partitions}\", overwrite: false}");
  auto spec = parse_batch_job(text, "t.yaml", {{"overwrite", "true"}});
  ASSERT_TRUE(spec.is_ok()) << spec.status().to_string();
  EXPECT_FALSE(write_overwrites(spec));
}

TEST(BatchJobSpecTest, OverwriteDeclaredByTheManifestSetsItsDefault) {
  std::string text = replaced(kTransform, "badLines: fail}", "badLines: fail, overwrite: \"yes\"}");
  auto spec = parse_batch_job(text, "t.yaml", {});
  ASSERT_TRUE(spec.is_ok()) << spec.status().to_string();
  EXPECT_TRUE(write_overwrites(spec));
  EXPECT_FALSE(write_overwrites(parse_batch_job(text, "t.yaml", {{"overwrite", "false"}})));
}

TEST(BatchJobSpecTest, OverwriteWithoutAnyParametersDeclared) {
  std::string text = kTransform;
  text.erase(text.find("  parameters:"), text.find("  steps:") - text.find("  parameters:"));
  for (auto [from, to] : {std::pair{"${input}", "in.txt"}, {"${output}", "out"},
                          {"${partitions}", "1"}, {"${badLines}", "fail"}})
    text = replaced(text, from, to);
  auto spec = parse_batch_job(text, "t.yaml", {{"overwrite", "on"}});
  ASSERT_TRUE(spec.is_ok()) << spec.status().to_string();
  EXPECT_TRUE(write_overwrites(spec));
}

}  // namespace
}  // namespace eddy::jobs
