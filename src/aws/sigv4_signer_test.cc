// The signer against AWS's published Signature Version 4 examples: the S3 API reference's
// "Examples: Signature Calculations" (GET Object with a Range, PUT Object, GET Bucket
// Lifecycle, GET Bucket (list objects)) and the generic SigV4 test suite's
// get-vanilla-query-order-key-case.
#include "aws/sigv4_signer.h"

#include <gtest/gtest.h>

#include "common/percent_encoding.h"

namespace eddy::aws {
namespace {

const SigningCredentials kExampleCreds{"AKIAIOSFODNN7EXAMPLE",
                                       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
constexpr char kDate[] = "20130524T000000Z";

SigningRequest s3_get(std::string path, std::vector<std::pair<std::string, std::string>> query) {
  SigningRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-date", kDate},
               {"x-amz-content-sha256", std::string(kEmptyPayloadSha256)}};
  r.payload_sha256 = std::string(kEmptyPayloadSha256);
  return r;
}

TEST(SigV4SignerTest, S3GetObjectWithRangeMatchesAwsExample) {
  SigningRequest r = s3_get("/test.txt", {});
  r.headers.emplace_back("Range", "bytes=0-9");
  EXPECT_EQ(
      SigV4Signer::canonical_request(r),
      "GET\n/test.txt\n\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  SigV4Signer signer("us-east-1", "s3");
  EXPECT_EQ(signer.string_to_sign(r, kDate),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(signer.authorization(r, kDate, kExampleCreds),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4SignerTest, S3PutObjectMatchesAwsExample) {
  SigningRequest r;
  r.method = "PUT";
  r.path = "/" + percent_encode("test$file.text", true);
  EXPECT_EQ(r.path, "/test%24file.text");
  r.payload_sha256 = sha256_hex("Welcome to Amazon S3.");
  EXPECT_EQ(r.payload_sha256, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-date", kDate},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"x-amz-content-sha256", r.payload_sha256}};
  SigV4Signer signer("us-east-1", "s3");
  EXPECT_EQ(signer.signature(r, kDate, kExampleCreds),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4SignerTest, S3GetBucketLifecycleSignsAnEmptyQueryValue) {
  SigningRequest r = s3_get("/", {{"lifecycle", ""}});
  EXPECT_EQ(SigV4Signer::canonical_query(r.query), "lifecycle=");
  SigV4Signer signer("us-east-1", "s3");
  EXPECT_EQ(signer.signature(r, kDate, kExampleCreds),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4SignerTest, S3ListObjectsSortsQueryParameters) {
  SigningRequest r = s3_get("/", {{"prefix", "J"}, {"max-keys", "2"}});
  EXPECT_EQ(SigV4Signer::canonical_query(r.query), "max-keys=2&prefix=J");
  SigV4Signer signer("us-east-1", "s3");
  EXPECT_EQ(signer.signature(r, kDate, kExampleCreds),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4SignerTest, GenericSuiteGetVanillaQueryOrderKeyCase) {
  SigningRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"Param2", "value2"}, {"Param1", "value1"}};
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  r.payload_sha256 = std::string(kEmptyPayloadSha256);
  SigV4Signer signer("us-east-1", "service");
  EXPECT_EQ(signer.authorization(r, "20150830T123600Z",
                                 {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
            "SignedHeaders=host;x-amz-date,"
            "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4SignerTest, CanonicalHeaderValuesAreTrimmedAndCollapsed) {
  SigningRequest r;
  r.method = "GET";
  r.path = "/";
  r.headers = {{"My-Header", "  a   b  "}, {"host", "h"}};
  r.payload_sha256 = "UNSIGNED-PAYLOAD";
  EXPECT_EQ(SigV4Signer::canonical_request(r),
            "GET\n/\n\nhost:h\nmy-header:a b\n\nhost;my-header\nUNSIGNED-PAYLOAD");
}

TEST(SigV4SignerTest, AmzDateFormatsUtc) {
  EXPECT_EQ(amz_date(1369353600LL * 1000000), "20130524T000000Z");
}

}  // namespace
}  // namespace eddy::aws
