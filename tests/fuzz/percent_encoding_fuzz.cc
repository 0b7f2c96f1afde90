// libFuzzer target: arbitrary bytes through percent_encode and percent_decode (URL paths and
// query values, S3 keys of EncodingType=url listings, SigV4's canonical request). Asserts the
// round trip (decode(encode(s)) == s, with and without keep_slash and plus_as_space: the encoder
// never writes '+'), that the encoder writes only unreserved characters, '%XX' and (when asked)
// '/', and that decoding never grows its input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/percent_encoding.h"

namespace {

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '~';
}
bool upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

void check_encoded(std::string_view enc, bool keep_slash) {
  for (size_t i = 0; i < enc.size(); ++i) {
    if (unreserved(enc[i]) || (keep_slash && enc[i] == '/')) continue;
    if (enc[i] != '%' || i + 2 >= enc.size() || !upper_hex(enc[i + 1]) || !upper_hex(enc[i + 2]))
      __builtin_trap();
    i += 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s(reinterpret_cast<const char*>(data), size);
  for (bool keep_slash : {false, true}) {
    const std::string enc = eddy::percent_encode(s, keep_slash);
    check_encoded(enc, keep_slash);
    if (eddy::percent_decode(enc) != s) __builtin_trap();
    if (eddy::percent_decode(enc, /*plus_as_space=*/true) != s) __builtin_trap();
  }
  // Decoding text that was never encoded: bounded, and '+' handling touches only '+'.
  const std::string dec = eddy::percent_decode(s);
  const std::string dec_plus = eddy::percent_decode(s, /*plus_as_space=*/true);
  if (dec.size() > s.size() || dec_plus.size() != dec.size()) __builtin_trap();
  return 0;
}
