#include "batch/python_json.h"

#include <gtest/gtest.h>

namespace eddy::batch {
namespace {

std::string dumps(std::string_view s) {
  std::string out;
  append_python_json_string(s, &out);
  return out;
}

TEST(PythonJsonTest, PlainAsciiIsCopied) { EXPECT_EQ(dumps("river stone"), "\"river stone\""); }

TEST(PythonJsonTest, EscapesLikeJsonDumps) {
  EXPECT_EQ(dumps("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(dumps("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(dumps(std::string("\x01\x1f\x7f", 3)), R"("\u0001\u001f\u007f")");
}

TEST(PythonJsonTest, NonAsciiAsLowerCaseUnicodeEscapes) {
  EXPECT_EQ(dumps("caf\xc3\xa9"), R"("caf\u00e9")");
  EXPECT_EQ(dumps("\xe4\xb8\xad"), R"("\u4e2d")");
  EXPECT_EQ(dumps("\xf0\x9f\x98\x80"), R"("\ud83d\ude00")");  // astral: surrogate pair
}

TEST(PythonJsonTest, InvalidUtf8BecomesOneReplacementPerMaximalSubpart) {
  // As b'...'.decode('utf-8', errors='replace') then json.dumps.
  EXPECT_EQ(dumps("\xff"), R"("\ufffd")");
  EXPECT_EQ(dumps("\xe2\x82"), R"("\ufffd")");                  // truncated 3-byte sequence
  EXPECT_EQ(dumps("\xe0\x80x"), R"("\ufffd\ufffdx")");          // overlong: E0 then 80 alone
  EXPECT_EQ(dumps("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate code point
  EXPECT_EQ(dumps("\xf0\x90\x80"
                  "A"),
            R"("\ufffdA")");
}

}  // namespace
}  // namespace eddy::batch
