// Percent-encoding: the RFC 3986 form SigV4 prescribes, paths with and without '/', decoding.
#include "common/percent_encoding.h"

#include <gtest/gtest.h>

namespace eddy {
namespace {

TEST(PercentEncodingTest, KeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(percent_encode("a b/c~d_e-f.g", true), "a%20b/c~d_e-f.g");
  EXPECT_EQ(percent_encode("a b/c"), "a%20b%2Fc");
  EXPECT_EQ(percent_encode("x+y=z&\xc3\xa9"), "x%2By%3Dz%26%C3%A9");
  EXPECT_EQ(percent_encode("team=data,env in (a)"), "team%3Ddata%2Cenv%20in%20%28a%29");
}

TEST(PercentEncodingTest, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(percent_decode("a%20b%2Fc%c3%A9"), "a b/c\xc3\xa9");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode(percent_encode("any \x01 bytes/\xff")), "any \x01 bytes/\xff");
}

}  // namespace
}  // namespace eddy
