// StreamJob manifests: the shipped examples parse; --set overrides; and the bad manifests
// tried — unknown fields, unknown parameters, bad durations, slide not dividing size, steps
// out of order, wrong kind, invalid YAML — fail with a message naming the field.
#include "jobs/stream_job_manifest.h"

#include <gtest/gtest.h>

namespace eddy::jobs {
namespace {

const std::string kExample = std::string(EDDY_SOURCE_DIR) + "/examples/trending-hashtags.yaml";

TEST(StreamJobSpec, ExampleHasTheArticlesDefaults) {
  auto s = load_stream_job(kExample, {});
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(s->window.size, 1800LL * 1000000);
  EXPECT_EQ(s->window.slide, 10LL * 1000000);
  EXPECT_EQ(s->window.top, 5u);
  EXPECT_EQ(s->decoder.lang, "en");
  EXPECT_EQ(s->decoder.keys, tweets::TweetKeys::kHashtagsTwitter);
  EXPECT_EQ(s->source_uri, "-");
  EXPECT_EQ(s->sink_uri, "-");
  EXPECT_EQ(s->runtime.threads, 1);
}

TEST(StreamJobSpec, SetOverridesParameters) {
  auto s = load_stream_job(kExample, {{"input", "/tmp/t.jsonl"}, {"hashtags", "naive"},
                                      {"window", "60s"}, {"slide", "5s"}, {"top", "3"},
                                      {"threads", "2"}, {"replay", "x60"}, {"wrap", "true"}});
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(s->source_uri, "/tmp/t.jsonl");
  EXPECT_EQ(s->decoder.keys, tweets::TweetKeys::kHashtagsNaive);
  EXPECT_EQ(s->window.size, 60LL * 1000000);
  EXPECT_EQ(s->window.top, 3u);
  EXPECT_EQ(s->runtime.threads, 2);
  EXPECT_DOUBLE_EQ(s->runtime.replay_speed, 60);
  EXPECT_TRUE(s->wrap);
}

void expect_error(const std::map<std::string, std::string>& sets, const std::string& fragment) {
  auto s = load_stream_job(kExample, sets);
  ASSERT_FALSE(s.is_ok()) << "expected an error containing: " << fragment;
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find(fragment), std::string::npos) << s.status().message();
}

TEST(StreamJobSpec, BadParameterValuesNameTheField) {
  expect_error({{"nope", "1"}}, "--set nope: unknown parameter");
  expect_error({{"slide", "7s"}}, "spec.window.slide: must divide size (30m), got 7s");
  expect_error({{"window", "half an hour"}}, "spec.pipeline[2].window.size");
  expect_error({{"top", "-1"}}, "spec.pipeline[3].top.k");
  expect_error({{"hashtags", "smart"}}, "spec.pipeline[1].hashtags.mode: expected twitter or naive");
  expect_error({{"replay", "fast"}}, "spec.runtime.replay");
  expect_error({{"threads", "many"}}, "spec.runtime.threads: expected an integer");
  expect_error({{"wrap", "maybe"}}, "spec.sink.wrap: expected true or false");
  expect_error({{"time", "wall"}}, "spec.eventTime.mode");
}

TEST(StreamJobSpec, StructuralErrors) {
  auto parse = [](const std::string& y) { return parse_stream_job(y, "job.yaml", {}); };
  std::string head = "apiVersion: eddy.dev/v1\nkind: StreamJob\n";
  EXPECT_NE(parse("kind: BatchJob\n").status().message().find("kind: expected StreamJob"), std::string::npos);
  EXPECT_NE(parse(head + "spec: {source: {uri: x}, pipeline: [{window: {}}]}\n").status().message().find(
                "'window' must come once, after the key step"),
            std::string::npos);
  EXPECT_NE(parse(head + "spec: {source: {uri: x}, pipeline: [{hashtags: {}}, {window: {}}], colour: red}\n")
                .status().message().find("spec.colour: unknown field"),
            std::string::npos);
  EXPECT_NE(parse(head + "spec: {source: {uri: x, size: 3}, pipeline: [{hashtags: {}}, {window: {}}]}\n")
                .status().message().find("spec.source.size: unknown field"),
            std::string::npos);
  EXPECT_NE(parse(head + "spec: {source: {uri: '${nope}'}, pipeline: [{hashtags: {}}, {window: {}}]}\n")
                .status().message().find("'${nope}' is not declared"),
            std::string::npos);
  // FILE:LINE:COLUMN: not valid YAML: MESSAGE, as `eddy apply` says it.
  EXPECT_EQ(parse("{unclosed: [").status().message().rfind("job.yaml:1:", 0), 0u)
      << parse("{unclosed: [").status().message();
  EXPECT_NE(parse("{unclosed: [").status().message().find(": not valid YAML: "), std::string::npos);
  EXPECT_EQ(load_stream_job("/nonexistent/job.yaml", {}).status().code(), StatusCode::kNotFound);
  auto ok = parse(head + "spec: {source: {uri: x}, pipeline: [{hashtags: {}}, {window: {}}]}\n");
  EXPECT_TRUE(ok.is_ok()) << ok.status().to_string();
}

}  // namespace
}  // namespace eddy::jobs
