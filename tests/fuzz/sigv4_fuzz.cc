// libFuzzer target: the SigV4 Authorization header and the request it signs, as the server
// verifies EMR API calls (aws/sigv4_verify.h). Two modes, chosen by the first byte:
// - arbitrary: a fuzzed Authorization header, X-Amz-Date, path, query, headers and body. The
//   verifier must not crash and must never accept: the fuzzer does not know the secret (a
//   signature that verifies by chance would be a forgery).
// - signed: a request built from fuzzed parts, signed with the signer under a fuzzed region and
//   service, must verify; changing its body or one signature digit must make it fail.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/sigv4_signer.h"
#include "aws/sigv4_verify.h"
#include "common/percent_encoding.h"

namespace {

using eddy::aws::SigV4Request;
using eddy::aws::SigV4Signer;
using eddy::aws::SigningRequest;

constexpr eddy::Micros kNow = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z
constexpr const char* kSecret = "the-server-token";

std::string token(FuzzedDataProvider& in, size_t max) {
  std::string s = in.ConsumeRandomLengthString(max);
  // Region and service are path segments of the credential scope: no '/' ',' or spaces there.
  for (char& c : s)
    if (c == '/' || c == ',' || c == ' ' || c == '=' || static_cast<unsigned char>(c) < 0x21)
      c = 'x';
  return s.empty() ? "r" : s;
}

void arbitrary(FuzzedDataProvider& in) {
  SigV4Request req;
  req.method = in.ConsumeRandomLengthString(8);
  req.path = in.ConsumeRandomLengthString(64);
  const bool good_date = in.ConsumeBool();
  const std::string date =
      good_date ? eddy::aws::amz_date(kNow + in.ConsumeIntegralInRange<int64_t>(
                                                 -3'600'000'000, 3'600'000'000))
                : in.ConsumeRandomLengthString(20);
  req.headers = {{"Host", in.ConsumeRandomLengthString(32)}, {"X-Amz-Date", date}};
  const int extra = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < extra; ++i)
    req.headers.emplace_back(in.ConsumeRandomLengthString(16), in.ConsumeRandomLengthString(32));
  const int params = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < params; ++i)
    req.query.emplace_back(in.ConsumeRandomLengthString(16), in.ConsumeRandomLengthString(16));
  const std::string authorization = in.ConsumeRandomLengthString(512);
  req.body = in.ConsumeRemainingBytesAsString();
  (void)eddy::aws::is_sigv4_authorization(authorization);
  if (eddy::aws::verify_sigv4(req, authorization, kSecret, kNow).is_ok()) __builtin_trap();
}

void signed_request(FuzzedDataProvider& in) {
  const std::string region = token(in, 16), service = token(in, 16);
  const eddy::Micros at = kNow + in.ConsumeIntegralInRange<int64_t>(-600'000'000, 600'000'000);
  const std::string date = eddy::aws::amz_date(at);
  SigV4Request req;
  req.method = in.ConsumeBool() ? "POST" : "GET";
  req.path = "/" + eddy::percent_encode(in.ConsumeRandomLengthString(48), /*keep_slash=*/true);
  const int params = in.ConsumeIntegralInRange(0, 3);
  for (int i = 0; i < params; ++i)
    req.query.emplace_back(in.ConsumeRandomLengthString(16), in.ConsumeRandomLengthString(16));
  req.headers = {{"Host", "127.0.0.1:8998"},
                 {"X-Amz-Date", date},
                 {"X-Amz-Target", in.ConsumeRandomLengthString(48)}};
  req.body = in.ConsumeRemainingBytesAsString();

  SigningRequest s;
  s.method = req.method;
  s.path = req.path;
  s.query = req.query;
  for (const auto& [k, v] : req.headers) s.headers.emplace_back(k, v);
  s.payload_sha256 = eddy::aws::sha256_hex(req.body);
  const std::string authorization =
      SigV4Signer(region, service).authorization(s, date, {"AKIDEXAMPLE", kSecret});
  if (!eddy::aws::is_sigv4_authorization(authorization)) __builtin_trap();
  if (!eddy::aws::verify_sigv4(req, authorization, kSecret, kNow).is_ok()) __builtin_trap();
  if (eddy::aws::verify_sigv4(req, authorization, "another-token", kNow).is_ok())
    __builtin_trap();
  SigV4Request tampered = req;
  tampered.body.push_back('x');
  if (eddy::aws::verify_sigv4(tampered, authorization, kSecret, kNow).is_ok()) __builtin_trap();
  std::string flipped = authorization;
  char& last = flipped.back();  // the signature's last hex digit
  last = last == '0' ? '1' : '0';
  if (eddy::aws::verify_sigv4(req, flipped, kSecret, kNow).is_ok()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    signed_request(in);
  } else {
    arbitrary(in);
  }
  return 0;
}
