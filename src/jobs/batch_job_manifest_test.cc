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

}  // namespace
}  // namespace eddy::jobs
