// scan_json_tail: directed cases (shapes it reads, shapes that stop it, whitespace, the first
// member) and a property test: on random one-line objects (valid, as simdjson's DOM parser
// confirms), what it reads are exactly the object's last members of the simple shape. Bad input
// tried: not an object, escapes, nested values, literals, a lone brace, truncated members, a quote
// at the start.
#include "tweets/json_tail.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace eddy::tweets {
namespace {

std::vector<std::string> scan(std::string_view o, size_t max = 8) {
  TailMember m[8];
  size_t n = scan_json_tail(o, m, max);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(std::string(m[i].key) + "=" + (m[i].is_string ? "s:" : "n:") +
                  std::string(m[i].value));
  return out;
}
using V = std::vector<std::string>;

TEST(JsonTail, ReadsTheLastSimpleMembersLastFirst) {
  EXPECT_EQ(scan(R"({"user":{"id":1},"lang":"en","timestamp_ms":"1767225600001"})"),
            (V{"timestamp_ms=s:1767225600001", "lang=s:en"}));
  EXPECT_EQ(scan(R"({"a":1,"b":-2.5e3,"c":""})"), (V{"c=s:", "b=n:-2.5e3", "a=n:1"}));
  EXPECT_EQ(scan("{ \"a\" :\t\"x\" ,\r\n \"b\" : 7 }"), (V{"b=n:7", "a=s:x"}));
  EXPECT_EQ(scan(R"({"a":"x","b":"y"})", 1), (V{"b=s:y"}));
}

TEST(JsonTail, StopsAtTheFirstMemberOfAnotherShape) {
  EXPECT_EQ(scan(R"({"t":"say \"hi\"","lang":"en"})"), (V{"lang=s:en"}));  // escape in value
  EXPECT_EQ(scan(R"({"a":1,"l\u0061ng":"en"})"), (V{}));                   // escape in key
  EXPECT_EQ(scan(R"({"a":{"lang":"en"}})"), (V{}));                        // nested object last
  EXPECT_EQ(scan(R"({"a":[1,2],"b":1})"), (V{"b=n:1"}));                   // array before
  EXPECT_EQ(scan(R"({"a":true,"b":null})"), (V{}));                        // literals
  EXPECT_EQ(scan(R"({"a":1 "b":2})"), (V{}));                              // missing comma
  EXPECT_EQ(scan(R"({"a" 1})"), (V{}));                                    // missing colon
}

TEST(JsonTail, BadInputReadsNothingAndNeverLeavesTheObject) {
  for (std::string_view bad :
       {"", "{", "}", "{}", "[]", "\"a\":1}", "{\"a\":1", "{:1}", "{\"\":1}", "{\"a\":}",
        "{\"a:\"b\"}", "{\"}", "{\"a\":\"}", "x{\"a\":1}", "{1}", "{\"a\"}"}) {
    TailMember m[4];
    size_t n = scan_json_tail(bad, m, 4);
    for (size_t i = 0; i < n; ++i) {  // whatever it reads lies inside the input
      EXPECT_GE(m[i].key.data(), bad.data()) << bad;
      EXPECT_LE(m[i].value.data() + m[i].value.size(), bad.data() + bad.size()) << bad;
    }
    if (bad != "{\"\":1}") {
      EXPECT_EQ(n, 0u) << bad;
    }
  }
  EXPECT_EQ(scan("{\"\":1}"), (V{"=n:1"}));  // an empty key is a key
}

// Random valid objects: members of every shape, whitespace anywhere JSON allows it.
RC_GTEST_PROP(JsonTailProperty, FindsExactlyTheLastSimpleMembers, ()) {
  const auto nmembers = *rc::gen::inRange(0, 7);
  auto ws = [] {
    static const std::vector<std::string> kWs = {"", "", "", " ", "\t", "\r\n  "};
    return *rc::gen::elementOf(kWs);
  };
  auto word = [] {
    static const std::vector<std::string> kPieces = {"a", "b", "_", "#", "é", "1", " ",
                                                     ":", ",", "{", "}", "[", "]"};
    std::string w;
    for (const std::string& p :
         *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(kPieces)))
      w += p;
    return w;
  };
  std::string o = "{" + ws();
  std::vector<std::string> simple;  // "key=s:value" of each member, or "" if not simple
  for (int i = 0; i < nmembers; ++i) {
    if (i) o += ws() + "," + ws();
    std::string key = word();
    bool escaped_key = *rc::gen::inRange(0, 8) == 0;
    o += "\"" + key + (escaped_key ? "\\n" : "") + "\"" + ws() + ":" + ws();
    std::string want;
    switch (*rc::gen::inRange(0, 6)) {
      case 0: {
        std::string v = word();
        o += "\"" + v + "\"";
        want = key + "=s:" + v;
        break;
      }
      case 1: {
        std::string v = std::to_string(*rc::gen::arbitrary<int>());
        o += v;
        want = key + "=n:" + v;
        break;
      }
      case 2:
        o += "\"with \\\"escape\\\"\"";
        break;
      case 3:
        o += "{\"k\":\"v\",\"n\":[1,{\"z\":2}]}";
        break;
      case 4:
        o += *rc::gen::element<std::string>("true", "false", "null");
        break;
      default:
        o += "[\"a\",1]";
    }
    simple.push_back(escaped_key ? "" : want);
  }
  o += ws() + "}";
  simdjson::dom::parser p;
  RC_ASSERT(!p.parse(o).error());  // the generator writes valid JSON
  V want;
  for (auto it = simple.rbegin(); it != simple.rend() && !it->empty(); ++it) want.push_back(*it);
  RC_ASSERT(scan(o) == want);
}

}  // namespace
}  // namespace eddy::tweets
