// YAML → JSON: YAML 1.2's core schema as Kubernetes reads manifests — hex, octal, integers
// beyond int64, dates, floats (with .inf and .nan), anchors and aliases, quoted and tagged
// scalars — and the errors a user sees.
#include "common/yaml_json.h"

#include <gtest/gtest.h>

namespace eddy {
namespace {

using nlohmann::json;

json convert(const std::string& text) {
  auto r = yaml_document_to_json(text);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? *r : json();
}

TEST(YamlJsonTest, IntegersDecimalHexOctalAndBeyondInt64) {
  const json j = convert(
      "dec: 42\nneg: -7\nplus: +5\nhex: 0x1F\noctal: 0o17\nmax: 9223372036854775807\n"
      "min: -9223372036854775808\nbig: 99999999999999999999999\nbighex: 0xFFFFFFFFFFFFFFFFFF\n"
      "leading: 007\n");
  EXPECT_EQ(j["dec"], 42);
  EXPECT_EQ(j["neg"], -7);
  EXPECT_EQ(j["plus"], 5);
  EXPECT_EQ(j["hex"], 31);
  EXPECT_EQ(j["octal"], 15);
  EXPECT_EQ(j["max"], INT64_MAX);
  EXPECT_EQ(j["min"], INT64_MIN);
  // Past int64 the digits stay as written rather than lose precision as a double.
  EXPECT_EQ(j["big"], "99999999999999999999999");
  EXPECT_EQ(j["bighex"], "0xFFFFFFFFFFFFFFFFFF");
  EXPECT_EQ(j["leading"], 7);
}

TEST(YamlJsonTest, FloatsAndTheValuesJsonCannotHold) {
  const json j = convert(
      "a: 1.5\nb: 1e3\nc: -.5\nd: 2.\ne: .inf\nf: -.Inf\ng: .nan\nh: 1e400\n");
  EXPECT_EQ(j["a"], 1.5);
  EXPECT_EQ(j["b"], 1000.0);
  EXPECT_EQ(j["c"], -0.5);
  EXPECT_EQ(j["d"], 2.0);
  EXPECT_EQ(j["e"], ".inf");  // JSON has no infinity or NaN: the text is kept
  EXPECT_EQ(j["f"], "-.Inf");
  EXPECT_EQ(j["g"], ".nan");
  EXPECT_EQ(j["h"], "1e400");  // beyond double
}

TEST(YamlJsonTest, DatesAndOtherTextStayStrings) {
  const json j = convert(
      "date: 2026-01-01\nstamp: 2026-01-01T10:00:00Z\nyes: yes\noff: off\nsize: 2GiB\n"
      "dur: 10m\nversion: 1.2.3\n");
  EXPECT_EQ(j["date"], "2026-01-01");
  EXPECT_EQ(j["stamp"], "2026-01-01T10:00:00Z");
  EXPECT_EQ(j["yes"], "yes");  // YAML 1.2: only true/false are booleans
  EXPECT_EQ(j["off"], "off");
  EXPECT_EQ(j["size"], "2GiB");
  EXPECT_EQ(j["dur"], "10m");
  EXPECT_EQ(j["version"], "1.2.3");
  EXPECT_EQ(yaml_plain_scalar("-"), "-");
}

TEST(YamlJsonTest, NullsBooleansQuotedAndTaggedScalars) {
  const json j = convert(
      "a: ~\nb: null\nc:\nd: true\ne: False\nf: '42'\ng: \"0x1F\"\nh: !!str true\n"
      "i: !!int 0x10\nj: !custom 12\n");
  EXPECT_TRUE(j["a"].is_null());
  EXPECT_TRUE(j["b"].is_null());
  EXPECT_TRUE(j["c"].is_null());
  EXPECT_EQ(j["d"], true);
  EXPECT_EQ(j["e"], false);
  EXPECT_EQ(j["f"], "42");
  EXPECT_EQ(j["g"], "0x1F");
  EXPECT_EQ(j["h"], "true");
  EXPECT_EQ(j["i"], 16);
  EXPECT_EQ(j["j"], "12");
  auto bad = yaml_document_to_json("n: !!int ten\n");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("n: 'ten' is not a valid int"), std::string::npos)
      << bad.status().message();
}

TEST(YamlJsonTest, AnchorsAndAliasesAreExpanded) {
  const json j = convert(
      "defaults: &d {cores: 2, memory: 4g, tags: [a, b]}\nfirst: *d\nsecond:\n  base: *d\n"
      "port: &p 0x50\nports: [*p, *p]\n");
  EXPECT_EQ(j["first"], j["defaults"]);
  EXPECT_EQ(j["second"]["base"]["cores"], 2);
  EXPECT_EQ(j["second"]["base"]["tags"], json::array({"a", "b"}));
  EXPECT_EQ(j["ports"], json::array({80, 80}));
}

TEST(YamlJsonTest, ErrorsNameThePlace) {
  auto syntax = yaml_document_to_json("a: [1, 2\nb: 3\n");
  ASSERT_FALSE(syntax.is_ok());
  EXPECT_NE(syntax.status().message().find("invalid YAML at line"), std::string::npos);
  EXPECT_FALSE(yaml_document_to_json("a: 1\n---\nb: 2\n").is_ok());
  EXPECT_FALSE(yaml_document_to_json("").is_ok());
  auto dup = yaml_document_to_json("spec:\n  workers: 2\n  workers: 3\n");
  ASSERT_FALSE(dup.is_ok());
  EXPECT_NE(dup.status().message().find("spec.workers: duplicate key (line 3)"),
            std::string::npos)
      << dup.status().message();
  std::string deep;
  for (int i = 0; i <= kMaxYamlDepth + 1; ++i) deep += "[";
  EXPECT_FALSE(yaml_document_to_json(deep + std::string(kMaxYamlDepth + 2, ']')).is_ok());
}

// Issue 19: 416 bytes of aliases of aliases once expanded past 15 GB of RSS; 5,000 levels of
// flow sequences and a 50,000-digit scalar must be refused or kept, never crash.
TEST(YamlJsonTest, HostileDocumentsAreRefusedNamingTheLimit) {
  std::string bomb = "metadata:\n  labels:\n    a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int i = 0; i < 9; ++i) {
    const std::string name = "b" + std::to_string(i);
    bomb += "    " + name + ": &" + name + " [";
    for (int k = 0; k < 9; ++k) bomb += (k ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = name;
  }
  auto r = yaml_document_to_json(bomb);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("aliases"), std::string::npos) << r.status().message();

  auto deep = yaml_document_to_json("spec: " + std::string(5000, '[') + std::string(5000, ']'));
  ASSERT_FALSE(deep.is_ok());
  EXPECT_NE(deep.status().message().find("nested deeper than"), std::string::npos)
      << deep.status().message();
  std::string dashes;
  for (int i = 0; i < 5000; ++i) dashes += "- ";
  auto block = yaml_document_to_json(dashes + "x\n");
  ASSERT_FALSE(block.is_ok());
  EXPECT_NE(block.status().message().find("nested deeper than"), std::string::npos)
      << block.status().message();

  auto big = yaml_document_to_json(std::string(kMaxYamlBytes + 1, '#'));
  ASSERT_FALSE(big.is_ok());
  EXPECT_NE(big.status().message().find("bytes, more than the limit"), std::string::npos);

  // Found by tests/fuzz/yaml_manifest_fuzz: bytes that are not UTF-8 made JSON dump() throw.
  for (const char* bad : {"a: \xff\n", "a: \xc0\xaf\n", "a: \xed\xa0\x80\n", "\xe2\x82: 1\n",
                          "a: [\"x\", \"\xf4\x90\x80\x80\"]\n"}) {
    auto r = yaml_document_to_json(bad);
    ASSERT_FALSE(r.is_ok()) << bad;
    EXPECT_NE(r.status().message().find("UTF-8"), std::string::npos) << r.status().message();
  }
  auto utf8 = yaml_document_to_json("name: \"caf\xc3\xa9 \xf0\x9f\x98\x80\"\n");
  ASSERT_TRUE(utf8.is_ok()) << utf8.status().message();
  EXPECT_EQ((*utf8)["name"].dump(), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");

  // Found by tests/fuzz/yaml_manifest_fuzz: yaml-cpp 0.7 loops forever, allocating, on these.
  for (const char* hang : {",", "- a\n,", "--- ,", "#c\n,", ",api\n"}) {
    auto r = yaml_document_to_json(hang);
    ASSERT_FALSE(r.is_ok()) << hang;
    EXPECT_NE(r.status().message().find("no progress"), std::string::npos) << r.status().message();
  }

  auto digits = yaml_document_to_json("n: " + std::string(50000, '7'));
  ASSERT_TRUE(digits.is_ok());
  EXPECT_EQ((*digits)["n"], std::string(50000, '7'));  // past int64: kept as written
}

TEST(YamlJsonTest, NumberSyntaxIsWhatAWriterMustQuote) {
  for (const char* s : {"42", "-7", "0x1F", "0o17", "1.5", "1e3", ".inf", "-.inf", ".nan",
                        "99999999999999999999999"})
    EXPECT_TRUE(yaml_number_syntax(s)) << s;
  for (const char* s : {"", "x", "2026-01-01", "10m", "1.2.3", "-", "0x", "inf"})
    EXPECT_FALSE(yaml_number_syntax(s)) << s;
}

}  // namespace
}  // namespace eddy
