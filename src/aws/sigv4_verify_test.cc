#include "aws/sigv4_verify.h"

#include <gtest/gtest.h>

#include "aws/sigv4_signer.h"

namespace eddy::aws {
namespace {

constexpr Micros kNow = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

// A request signed the way botocore signs an EMR call.
struct Signed {
  SigV4Request req;
  std::string authorization;
};

Signed sign(const std::string& secret, const std::string& body = "{}") {
  Signed s;
  s.req.method = "POST";
  s.req.path = "/";
  s.req.body = body;
  s.req.headers = {{"Host", "127.0.0.1:8998"},
                   {"X-Amz-Date", amz_date(kNow)},
                   {"X-Amz-Target", "ElasticMapReduce.ListClusters"},
                   {"Content-Type", "application/x-amz-json-1.1"}};
  SigningRequest r;
  r.method = "POST";
  r.path = "/";
  for (const auto& [k, v] : s.req.headers) r.headers.emplace_back(k, v);
  r.payload_sha256 = sha256_hex(body);
  SigV4Signer signer("eu-west-1", "elasticmapreduce");
  s.authorization = signer.authorization(r, amz_date(kNow), {"eddy", secret});
  return s;
}

TEST(SigV4AuthTest, AcceptsTheTokenAsSecretAndRefusesEverythingElse) {
  Signed s = sign("tok");
  ASSERT_TRUE(is_sigv4_authorization(s.authorization)) << s.authorization;
  EXPECT_TRUE(verify_sigv4(s.req, s.authorization, "tok", kNow).is_ok());
  EXPECT_TRUE(verify_sigv4(s.req, s.authorization, "tok", kNow + 14 * 60'000'000LL).is_ok());

  EXPECT_EQ(verify_sigv4(s.req, s.authorization, "other", kNow).code(),
            StatusCode::kPermissionDenied);
  Signed tampered = s;
  tampered.req.body = "{\"ClusterStates\":[\"WAITING\"]}";
  EXPECT_EQ(verify_sigv4(tampered.req, s.authorization, "tok", kNow).code(),
            StatusCode::kPermissionDenied);
  tampered = s;
  tampered.req.headers[2].second = "ElasticMapReduce.TerminateJobFlows";
  EXPECT_EQ(verify_sigv4(tampered.req, s.authorization, "tok", kNow).code(),
            StatusCode::kPermissionDenied);
  Status late = verify_sigv4(s.req, s.authorization, "tok", kNow + 16 * 60'000'000LL);
  EXPECT_EQ(late.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(late.message().find("15 minutes"), std::string::npos) << late.message();
}

TEST(SigV4AuthTest, MalformedHeadersAreNamed) {
  Signed s = sign("tok");
  for (const char* bad : {"AWS4-HMAC-SHA256 garbage",
                          "AWS4-HMAC-SHA256 Credential=eddy/20260101/aws4_request, "
                          "SignedHeaders=host;x-amz-date, Signature=00",
                          "Bearer tok"}) {
    Status st = verify_sigv4(s.req, bad, "tok", kNow);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
  }
  // Signed without host: refused even with the right key.
  std::string no_host = s.authorization;
  size_t at = no_host.find("host;");
  ASSERT_NE(at, std::string::npos);
  no_host.erase(at, 5);
  EXPECT_EQ(verify_sigv4(s.req, no_host, "tok", kNow).code(), StatusCode::kPermissionDenied);
  SigV4Request bad_date = s.req;
  bad_date.headers[1].second = "2026-01-01";
  EXPECT_EQ(verify_sigv4(bad_date, s.authorization, "tok", kNow).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace eddy::aws
