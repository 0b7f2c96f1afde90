#include "resources/resource.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>


namespace eddy::resources {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

Resource sample() {
  Resource r;
  r.kind = "Cluster";
  r.name = "prod-1";
  r.uid = "8f14e45f-ceea-467f-a0e6-7b0b5e6c1e2a";
  r.id = 7;
  r.version = 42;
  r.created_ms = 1796028312345;  // 2026-11-30T08:45:12.345Z
  r.labels = {{"app", "web"}, {"tier", "front"}};
  r.spec = {{"workers", 3}};
  r.status = {{"phase", "Running"}};
  return r;
}

TEST(ResourceJson, WritesKubernetesShape) {
  json j = to_json(sample());
  EXPECT_EQ(j["apiVersion"], "eddy.dev/v1");
  EXPECT_EQ(j["kind"], "Cluster");
  EXPECT_EQ(j["metadata"]["name"], "prod-1");
  EXPECT_EQ(j["metadata"]["uid"], "8f14e45f-ceea-467f-a0e6-7b0b5e6c1e2a");
  EXPECT_EQ(j["metadata"]["id"], 7);
  EXPECT_EQ(j["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(j["metadata"]["creationTimestamp"], "2026-11-30T08:45:12.345Z");
  EXPECT_EQ(j["metadata"]["labels"], json({{"app", "web"}, {"tier", "front"}}));
  EXPECT_EQ(j["spec"], json({{"workers", 3}}));
  EXPECT_EQ(j["status"], json({{"phase", "Running"}}));
}

TEST(ResourceJson, TimestampAlwaysHasMilliseconds) {
  Resource r = sample();
  r.created_ms = 1796028312000;
  EXPECT_EQ(to_json(r)["metadata"]["creationTimestamp"], "2026-11-30T08:45:12.000Z");
}

TEST(ResourceJson, OmitsUnassignedStoreFields) {
  Resource r;
  r.kind = "Cluster";
  r.name = "a";
  json m = to_json(r)["metadata"];
  EXPECT_FALSE(m.contains("uid"));
  EXPECT_FALSE(m.contains("id"));
  EXPECT_FALSE(m.contains("resourceVersion"));
  EXPECT_FALSE(m.contains("creationTimestamp"));
  EXPECT_EQ(m["labels"], json::object());
}

TEST(ResourceJson, TrustedRoundTrip) {
  Resource in = sample();
  auto out = from_json(to_json(in), /*trusted=*/true);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(out->kind, in.kind);
  EXPECT_EQ(out->name, in.name);
  EXPECT_EQ(out->uid, in.uid);
  EXPECT_EQ(out->id, in.id);
  EXPECT_EQ(out->version, in.version);
  EXPECT_EQ(out->created_ms, in.created_ms);
  EXPECT_EQ(out->labels, in.labels);
  EXPECT_EQ(out->spec, in.spec);
  EXPECT_EQ(out->status, in.status);
}

TEST(ResourceJson, UntrustedIgnoresStoreAssignedFields) {
  auto out = from_json(to_json(sample()), /*trusted=*/false);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(out->name, "prod-1");
  EXPECT_EQ(out->labels.at("app"), "web");
  EXPECT_EQ(out->uid, "");
  EXPECT_EQ(out->id, -1);
  EXPECT_EQ(out->version, 0);
  EXPECT_EQ(out->created_ms, 0);
}

TEST(ResourceJson, MinimalManifestDefaults) {
  auto out = from_json(json{{"kind", "Session"}}, false);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(out->api_version, kApiVersion);
  EXPECT_EQ(out->kind, "Session");
  EXPECT_EQ(out->name, "");
  EXPECT_EQ(out->spec, json::object());
  EXPECT_EQ(out->status, json::object());
}

TEST(ResourceJson, AnnotationsAreAcceptedAndIgnored) {
  json j = {{"kind", "Cluster"},
            {"metadata", {{"name", "a"}, {"annotations", {{"note", "anything goes"}}}}}};
  EXPECT_TRUE(from_json(j, false).is_ok());
}

// Every bad input must say which field is wrong.
struct BadInput {
  json doc;
  std::string message;
};

class ResourceJsonBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(ResourceJsonBadInput, NamesTheField) {
  auto out = from_json(GetParam().doc, /*trusted=*/false);
  ASSERT_FALSE(out.is_ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status().message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    All, ResourceJsonBadInput,
    ::testing::Values(
        BadInput{json::array(), "resource: expected an object"},
        BadInput{json{{"metadata", {{"name", "a"}}}}, "kind: missing"},
        BadInput{json{{"kind", 3}}, "kind: expected a string"},
        BadInput{json{{"kind", ""}}, "kind: must not be empty"},
        BadInput{json{{"kind", "Cluster"}, {"apiVersion", "x"}},
                 "apiVersion: expected eddy.dev/v1, got 'x'"},
        BadInput{json{{"kind", "Cluster"}, {"apiVersion", 1}}, "apiVersion: expected a string"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", {{"name", 5}}}},
                 "metadata.name: expected a string"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", {{"name", "Foo_1"}}}},
                 "metadata.name: 'Foo_1' is not a valid name"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", "x"}}, "metadata: expected an object"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", {{"namespace", "x"}}}},
                 "metadata.namespace: unknown field"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", {{"labels", {{"app", 1}}}}}},
                 "metadata.labels.app: expected a string"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", {{"labels", json::array()}}}},
                 "metadata.labels: expected an object"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", {{"labels", {{"a b", "x"}}}}}},
                 "metadata.labels: 'a b' is not a valid label key"},
        BadInput{json{{"kind", "Cluster"}, {"metadata", {{"labels", {{"app", "x,y"}}}}}},
                 "metadata.labels.app: 'x,y' is not a valid label value"},
        BadInput{json{{"kind", "Cluster"}, {"spec", json::array()}},
                 "spec: expected an object"},
        BadInput{json{{"kind", "Cluster"}, {"status", "x"}}, "status: expected an object"},
        BadInput{json{{"kind", "Cluster"}, {"spce", json::object()}}, "spce: unknown field"}));

TEST(ResourceJson, TrustedRejectsMalformedStoreFields) {
  json j = to_json(sample());
  j["metadata"]["resourceVersion"] = "12x";
  auto out = from_json(j, true);
  ASSERT_FALSE(out.is_ok());
  EXPECT_THAT(out.status().message(), HasSubstr("metadata.resourceVersion"));

  j = to_json(sample());
  j["metadata"]["creationTimestamp"] = "yesterday";
  out = from_json(j, true);
  ASSERT_FALSE(out.is_ok());
  EXPECT_THAT(out.status().message(), HasSubstr("metadata.creationTimestamp"));
}

// Generators for valid names and label parts: [a-z0-9] ends, '-' (and for labels '.', '_')
// inside.
rc::Gen<std::string> gen_token(const std::string& inner, size_t max_len) {
  return rc::gen::exec([inner, max_len] {
    const std::string ends = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t len = *rc::gen::inRange<size_t>(1, max_len + 1);
    std::string s;
    for (size_t i = 0; i < len; ++i) {
      bool end = i == 0 || i + 1 == len;
      const std::string& alphabet = end ? ends : inner;
      s += alphabet[*rc::gen::inRange<size_t>(0, alphabet.size())];
    }
    return s;
  });
}

RC_GTEST_PROP(ResourceJsonProperty, TrustedRoundTripKeepsEveryField, ()) {
  const std::string name_inner = "abcdefghijklmnopqrstuvwxyz0123456789-";
  const std::string label_inner = name_inner + "._ABCXYZ";
  Resource r;
  r.kind = *rc::gen::element<std::string>("Cluster", "Session", "BatchJob");
  r.name = *gen_token(name_inner, 63);
  r.uid = *rc::gen::arbitrary<std::string>();
  r.id = *rc::gen::inRange<int64_t>(0, int64_t{1} << 40);
  r.version = *rc::gen::inRange<int64_t>(1, int64_t{1} << 50);
  r.created_ms = *rc::gen::inRange<int64_t>(1, 253402300799999);  // up to year 9999
  size_t n = *rc::gen::inRange<size_t>(0, 4);
  for (size_t i = 0; i < n; ++i) r.labels[*gen_token(label_inner, 20)] = *gen_token(label_inner, 20);
  r.spec = {{"text", *rc::gen::arbitrary<std::string>()}, {"n", *rc::gen::arbitrary<int>()}};
  // Through text, as the store keeps it (invalid UTF-8 is not a concern of this property).
  auto text = to_json(r).dump(-1, ' ', false, json::error_handler_t::replace);
  auto back = from_json(json::parse(text), /*trusted=*/true);
  RC_ASSERT(back.is_ok());
  RC_ASSERT(back->name == r.name);
  RC_ASSERT(back->id == r.id);
  RC_ASSERT(back->version == r.version);
  RC_ASSERT(back->created_ms == r.created_ms);
  RC_ASSERT(back->labels == r.labels);
  RC_ASSERT(to_json(*back) == json::parse(text));

  // Every stored label is expressible in a selector that then matches it.
  for (const auto& [k, v] : r.labels) {
    auto sel = parse_label_selector(k + "=" + v);
    RC_ASSERT(sel.is_ok());
    RC_ASSERT(sel->matches(r.labels));
  }
}

TEST(ValidateName, AcceptsDns1123Labels) {
  for (std::string n : {std::string("a"), std::string("a1"), std::string("my-cluster"),
                        std::string("0abc"), std::string(63, 'x')}) {
    EXPECT_TRUE(validate_name(n, "metadata.name").is_ok()) << n;
  }
}

TEST(ValidateName, RejectsOthersWithFullMessage) {
  Status s = validate_name("Foo_1", "metadata.name");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "metadata.name: 'Foo_1' is not a valid name: lower-case letters, digits and '-', "
            "1-63 characters, starting and ending with a letter or digit");
  for (std::string n : {std::string(""), std::string("-a"), std::string("a-"),
                        std::string(64, 'x'), std::string("a.b"), std::string("a b")}) {
    EXPECT_FALSE(validate_name(n, "x").is_ok()) << "'" << n << "'";
  }
}

TEST(LabelSelector, ParsesAllOperators) {
  auto sel = parse_label_selector(" app = web , tier!=db,env,x==y ");
  ASSERT_TRUE(sel.is_ok()) << sel.status().to_string();
  ASSERT_EQ(sel->terms.size(), 4u);
  using Op = LabelSelector::Term::Op;
  EXPECT_EQ(sel->terms[0].key, "app");
  EXPECT_EQ(sel->terms[0].op, Op::kEquals);
  EXPECT_EQ(sel->terms[0].value, "web");
  EXPECT_EQ(sel->terms[1].key, "tier");
  EXPECT_EQ(sel->terms[1].op, Op::kNotEquals);
  EXPECT_EQ(sel->terms[1].value, "db");
  EXPECT_EQ(sel->terms[2].key, "env");
  EXPECT_EQ(sel->terms[2].op, Op::kExists);
  EXPECT_EQ(sel->terms[3].key, "x");
  EXPECT_EQ(sel->terms[3].op, Op::kEquals);
  EXPECT_EQ(sel->terms[3].value, "y");
}

TEST(LabelSelector, Matches) {
  auto sel = parse_label_selector("app=web,tier!=db,env");
  ASSERT_TRUE(sel.is_ok());
  EXPECT_TRUE(sel->matches({{"app", "web"}, {"env", "prod"}}));
  EXPECT_TRUE(sel->matches({{"app", "web"}, {"env", "prod"}, {"tier", "front"}}));
  EXPECT_FALSE(sel->matches({{"app", "web"}, {"env", "prod"}, {"tier", "db"}}));
  EXPECT_FALSE(sel->matches({{"app", "api"}, {"env", "prod"}}));
  EXPECT_FALSE(sel->matches({{"app", "web"}}));
  EXPECT_TRUE(LabelSelector{}.matches({}));
}

TEST(LabelSelector, EmptyMatchesEverything) {
  auto sel = parse_label_selector("  ");
  ASSERT_TRUE(sel.is_ok());
  EXPECT_TRUE(sel->terms.empty());
  EXPECT_TRUE(sel->matches({{"a", "b"}}));
}

TEST(LabelSelector, RejectsBadSelectorsNamingThem) {
  for (const char* text : {"a=b,", ",a", "a=b,,c", "=b", "!x", "a b=c", "a=b=c", "a!=x y"}) {
    auto sel = parse_label_selector(text);
    ASSERT_FALSE(sel.is_ok()) << text;
    EXPECT_EQ(sel.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(sel.status().message(), HasSubstr(std::string("label selector '") + text + "'"));
  }
}

}  // namespace
}  // namespace eddy::resources
