// S3Store against a scripted transport: addressing, signing headers, error mapping, retries on
// a ManualClock (no sleeping), pagination and the multipart protocol. The same paths against a
// real server are in s3_integration_test.cc.
#include "objstore/s3_store.h"

#include <gtest/gtest.h>

#include <functional>

#include "objstore/retry_policy.h"

namespace eddy::objstore {
namespace {

using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

class ScriptedTransport final : public HttpTransport {
 public:
  explicit ScriptedTransport(Handler h) : handler_(std::move(h)) {}
  Result<HttpResponse> send(const HttpRequest& r) override {
    HttpRequest copy = r;
    bodies.emplace_back(r.body);
    copy.body = {};
    requests.push_back(copy);
    return handler_(r);
  }
  std::vector<HttpRequest> requests;
  std::vector<std::string> bodies;

 private:
  Handler handler_;
};

HttpResponse response(long status, std::string body = "",
                      std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

constexpr Micros kStart = 1700000000LL * 1000000;

// Fixture: an S3Store on a scripted transport, path-style at http://127.0.0.1:9000.
class ScriptedS3StoreTest : public ::testing::Test {
 protected:
  void make(Handler h) {
    transport_ = std::make_shared<ScriptedTransport>(std::move(h));
    S3Config c;
    c.endpoint = parse_endpoint_url("http://127.0.0.1:9000").value();
    c.path_style = true;
    c.region = "eu-west-1";
    c.access_key_id = "AKID";
    c.secret_access_key = "SECRET";
    c.part_size = 5;
    c.multipart_threshold = 5;
    c.retry.max_attempts = 4;
    store_ = std::make_unique<S3Store>(c, transport_, &clock_);
  }
  ManualClock clock_{kStart};
  std::shared_ptr<ScriptedTransport> transport_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(ScriptedS3StoreTest, SignsPathStyleRequests) {
  make([](const HttpRequest&) {
    return response(200, "",
                    {{"content-length", "3"}, {"last-modified", "Wed, 12 Oct 2009 17:50:00 GMT"}});
  });
  auto info = store_->head("s3a://bkt/dir/a b+c.txt");
  ASSERT_TRUE(info.is_ok()) << info.status().to_string();
  EXPECT_EQ(info->size, 3u);
  EXPECT_EQ(info->modified, 1255369800LL * 1000000);
  EXPECT_EQ(info->uri, "s3a://bkt/dir/a b+c.txt");
  const HttpRequest& r = transport_->requests.at(0);
  EXPECT_EQ(r.method, "HEAD");
  EXPECT_EQ(r.url, "http://127.0.0.1:9000/bkt/dir/a%20b%2Bc.txt");
  EXPECT_EQ(header(r, "host"), "127.0.0.1:9000");
  EXPECT_EQ(header(r, "x-amz-date"), "20231114T221320Z");
  EXPECT_EQ(header(r, "x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(header(r, "Authorization")
                .rfind("AWS4-HMAC-SHA256 Credential=AKID/20231114/eu-west-1/s3/aws4_request,"
                       "SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=",
                       0),
            0u)
      << header(r, "Authorization");
}

TEST(S3StoreAddressingTest, VirtualHostedWithoutEndpointAndSessionTokenSigned) {
  auto t = std::make_shared<ScriptedTransport>([](const HttpRequest&) { return response(204); });
  S3Config c;
  c.region = "us-west-2";
  c.access_key_id = "AKID";
  c.secret_access_key = "SECRET";
  c.session_token = "TOKEN";
  S3Store store(c, t);
  ASSERT_TRUE(store.remove("s3://my-bucket/k").is_ok());
  const HttpRequest& r = t->requests.at(0);
  EXPECT_EQ(r.method, "DELETE");
  EXPECT_EQ(r.url, "https://my-bucket.s3.us-west-2.amazonaws.com/k");
  EXPECT_EQ(header(r, "x-amz-security-token"), "TOKEN");
  EXPECT_NE(header(r, "Authorization").find("x-amz-security-token"), std::string::npos);
}

TEST(S3StoreAddressingTest, AnonymousRequestsAreUnsigned) {
  auto t = std::make_shared<ScriptedTransport>([](const HttpRequest&) {
    return response(200, "", {{"content-length", "0"}});
  });
  S3Store store(S3Config{}, t);
  ASSERT_TRUE(store.head("s3://b/k").is_ok());
  EXPECT_EQ(header(t->requests.at(0), "Authorization"), "");
}

TEST_F(ScriptedS3StoreTest, NotFoundNamesTheObjectAndCarriesS3Code) {
  make([](const HttpRequest& r) {
    if (r.method == "HEAD") return response(404);
    return response(404,
                    "<Error><Code>NoSuchKey</Code><Message>The specified key does not "
                    "exist.</Message></Error>");
  });
  auto h = store_->head("s3://bkt/missing.txt");
  EXPECT_EQ(h.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(h.status().message(),
            "s3://bkt/missing.txt: 404 Not Found: no such object (or bucket)");
  auto b = store_->list("s3://bkt/x");
  EXPECT_EQ(b.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(b.status().message(), "s3://bkt/x: 404 NoSuchKey: The specified key does not exist.");
  EXPECT_EQ(transport_->requests.size(), 2u);  // 404s are not retried
}

TEST_F(ScriptedS3StoreTest, ForbiddenIsPermissionDenied) {
  make([](const HttpRequest&) {
    return response(403,
                    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                    "</Error>");
  });
  auto r = store_->list("s3://bkt/");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message(), "s3://bkt/: 403 AccessDenied: Access Denied");
}

TEST_F(ScriptedS3StoreTest, RetriesSlowDownThenSucceedsWithoutSleeping) {
  int calls = 0;
  make([&](const HttpRequest&) {
    if (++calls < 3) {
      return response(503,
                      "<Error><Code>SlowDown</Code><Message>Reduce your request rate."
                      "</Message></Error>");
    }
    return response(204);
  });
  ASSERT_TRUE(store_->remove("s3://bkt/k").is_ok());
  EXPECT_EQ(calls, 3);
  // Two waits: in [100ms, 200ms] and [200ms, 400ms] with the default 200ms initial backoff.
  const Micros waited = clock_.now() - kStart;
  EXPECT_GE(waited, 300'000);
  EXPECT_LE(waited, 600'000);
}

TEST_F(ScriptedS3StoreTest, GivesUpAfterMaxAttemptsAsUnavailable) {
  make([](const HttpRequest&) { return Result<HttpResponse>(unavailable("Connection refused")); });
  auto r = store_->head("s3://bkt/k");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(transport_->requests.size(), 4u);
  EXPECT_NE(r.status().message().find("s3://bkt/k: HEAD failed: Connection refused"),
            std::string::npos);
  EXPECT_NE(r.status().message().find("after 4 attempts"), std::string::npos);
}

TEST_F(ScriptedS3StoreTest, TimeoutsEndAsDeadlineExceeded) {
  make([](const HttpRequest&) {
    return Result<HttpResponse>(Status(StatusCode::kDeadlineExceeded, "Operation timed out"));
  });
  auto r = store_->open("s3://bkt/k");
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(r.status().message().find("s3://bkt/k"), std::string::npos);
}

TEST_F(ScriptedS3StoreTest, ListFollowsContinuationTokens) {
  make([](const HttpRequest& r) {
    if (r.url.find("continuation-token=t%2F2") != std::string::npos) {
      return response(200,
                      "<ListBucketResult><IsTruncated>false</IsTruncated>"
                      "<Contents><Key>p/c</Key><Size>3</Size></Contents>"
                      "</ListBucketResult>");
    }
    return response(200,
                    "<ListBucketResult><IsTruncated>true</IsTruncated>"
                    "<NextContinuationToken>t/2</NextContinuationToken>"
                    "<Contents><Key>p/a</Key><Size>1</Size></Contents>"
                    "<Contents><Key>p/b</Key><Size>2</Size></Contents>"
                    "</ListBucketResult>");
  });
  auto r = store_->list("s3://bkt/p/");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].uri, "s3://bkt/p/a");
  EXPECT_EQ((*r)[2].uri, "s3://bkt/p/c");
  EXPECT_EQ((*r)[2].size, 3u);
  ASSERT_EQ(transport_->requests.size(), 2u);
  EXPECT_EQ(transport_->requests[0].url,
            "http://127.0.0.1:9000/bkt?encoding-type=url&list-type=2&prefix=p%2F");
}

TEST_F(ScriptedS3StoreTest, ReaderFetchesRangesOfPartSize) {
  const std::string data = "0123456789abc";
  make([&](const HttpRequest& r) {
    if (r.method == "HEAD") return response(200, "", {{"content-length", "13"}});
    const std::string range = header(r, "range");  // bytes=A-B
    const size_t a = std::stoul(range.substr(6));
    const size_t b = std::stoul(range.substr(range.find('-') + 1));
    return response(206, data.substr(a, b - a + 1));
  });
  auto reader = store_->open("s3://bkt/k", 2, 9);
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->size(), 9u);
  std::string got;
  char buf[4];
  for (;;) {
    auto n = (*reader)->read(buf, sizeof(buf));
    ASSERT_TRUE(n.is_ok());
    if (*n == 0) break;
    got.append(buf, *n);
  }
  EXPECT_EQ(got, "23456789a");
  // HEAD, then ranges of part_size (5) bytes: 2-6, 7-10.
  ASSERT_EQ(transport_->requests.size(), 3u);
  EXPECT_EQ(header(transport_->requests[1], "range"), "bytes=2-6");
  EXPECT_EQ(header(transport_->requests[2], "range"), "bytes=7-10");
}

TEST_F(ScriptedS3StoreTest, SmallObjectsArePutWithTheirHash) {
  make([](const HttpRequest&) { return response(200); });
  auto w = store_->create("s3://bkt/small");
  ASSERT_TRUE(w.is_ok());
  ASSERT_TRUE((*w)->write("abc").is_ok());
  EXPECT_TRUE(transport_->requests.empty());  // nothing is sent before commit
  ASSERT_TRUE((*w)->commit().is_ok());
  ASSERT_EQ(transport_->requests.size(), 1u);
  EXPECT_EQ(transport_->requests[0].method, "PUT");
  EXPECT_EQ(transport_->bodies[0], "abc");
  EXPECT_EQ(header(transport_->requests[0], "x-amz-content-sha256"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ScriptedS3StoreTest, LargeObjectsGoMultipartAndCompleteOnCommit) {
  make([](const HttpRequest& r) {
    if (r.method == "POST" && r.url.find("uploads") != std::string::npos) {
      return response(200,
                      "<InitiateMultipartUploadResult><UploadId>U1</UploadId>"
                      "</InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT") {
      const size_t p = r.url.find("partNumber=");
      return response(200, "", {{"etag", "\"e" + r.url.substr(p + 11, 1) + "\""}});
    }
    return response(200, "<CompleteMultipartUploadResult/>");
  });
  auto w = store_->create("s3://bkt/big");
  ASSERT_TRUE(w.is_ok());
  ASSERT_TRUE((*w)->write("0123456").is_ok());  // part 1 (5 bytes) goes out
  ASSERT_TRUE((*w)->write("789abc").is_ok());   // part 2
  ASSERT_TRUE((*w)->commit().is_ok());          // part 3 ("abc"), then complete
  std::vector<std::string> seen;
  for (const auto& r : transport_->requests) seen.push_back(r.method + " " + r.url);
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0], "POST http://127.0.0.1:9000/bkt/big?uploads=");
  EXPECT_EQ(seen[1], "PUT http://127.0.0.1:9000/bkt/big?partNumber=1&uploadId=U1");
  EXPECT_EQ(seen[3], "PUT http://127.0.0.1:9000/bkt/big?partNumber=3&uploadId=U1");
  EXPECT_EQ(seen[4], "POST http://127.0.0.1:9000/bkt/big?uploadId=U1");
  EXPECT_EQ(transport_->bodies[1], "01234");
  EXPECT_EQ(transport_->bodies[3], "abc");
  EXPECT_EQ(transport_->bodies[4],
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag></Part>"
            "<Part><PartNumber>3</PartNumber><ETag>\"e3\"</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST_F(ScriptedS3StoreTest, AFailedPartAbortsTheUploadAndNothingIsCompleted) {
  make([](const HttpRequest& r) {
    if (r.method == "POST") {
      return response(200,
                      "<InitiateMultipartUploadResult><UploadId>U1</UploadId>"
                      "</InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT") {
      return response(403, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>");
    }
    return response(204);
  });
  {
    auto w = store_->create("s3://bkt/big");
    ASSERT_TRUE(w.is_ok());
    Status st = (*w)->write("0123456789");
    EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
    EXPECT_EQ((*w)->commit().code(), StatusCode::kPermissionDenied);
  }
  const HttpRequest& last = transport_->requests.back();
  EXPECT_EQ(last.method + " " + last.url, "DELETE http://127.0.0.1:9000/bkt/big?uploadId=U1");
  for (const auto& r : transport_->requests) {
    EXPECT_FALSE(r.method == "POST" && r.url.find("uploadId=") != std::string::npos);
  }
}

TEST_F(ScriptedS3StoreTest, CompleteAnsweringAnErrorIn200IsAFailure) {
  make([](const HttpRequest& r) {
    if (r.method == "POST" && r.url.find("uploads") != std::string::npos) {
      return response(200,
                      "<InitiateMultipartUploadResult><UploadId>U1</UploadId>"
                      "</InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT") return response(200, "", {{"etag", "\"e\""}});
    if (r.method == "POST") {
      return response(200, "<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>");
    }
    return response(204);
  });
  auto w = store_->create("s3://bkt/big");
  ASSERT_TRUE((*w)->write("0123456789").is_ok());
  Status st = (*w)->commit();
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("InvalidPart: bad part"), std::string::npos) << st.message();
  EXPECT_EQ(transport_->requests.back().method, "DELETE");
}

TEST(RetryPolicyTest, BackoffGrowsExponentiallyWithJitterAndIsCapped) {
  ManualClock clock(0);
  RetryPolicy p(RetryOptions{6, 100'000, 1'000'000}, &clock);
  for (int attempt = 1; attempt <= 6; ++attempt) {
    const Micros full = std::min<Micros>(100'000LL << (attempt - 1), 1'000'000);
    for (int i = 0; i < 20; ++i) {
      const Micros b = p.backoff(attempt);
      EXPECT_GE(b, full / 2);
      EXPECT_LE(b, full);
    }
  }
  EXPECT_TRUE(p.should_retry(5));
  EXPECT_FALSE(p.should_retry(6));
  p.wait(1);
  EXPECT_GE(clock.now(), 50'000);
  EXPECT_LE(clock.now(), 100'000);
}

TEST(RetryPolicyTest, ClassifiesRetryableResponses) {
  EXPECT_TRUE(RetryPolicy::is_retryable_http(503, "SlowDown"));
  EXPECT_TRUE(RetryPolicy::is_retryable_http(500, ""));
  EXPECT_TRUE(RetryPolicy::is_retryable_http(429, ""));
  EXPECT_TRUE(RetryPolicy::is_retryable_http(400, "RequestTimeout"));
  EXPECT_FALSE(RetryPolicy::is_retryable_http(404, "NoSuchKey"));
  EXPECT_FALSE(RetryPolicy::is_retryable_http(403, "AccessDenied"));
}

TEST(S3UriTest, ParsesBucketAndKey) {
  auto l = parse_s3_uri("s3a://b/x/y");
  ASSERT_TRUE(l.is_ok());
  EXPECT_EQ(l->scheme, "s3a");
  EXPECT_EQ(l->bucket, "b");
  EXPECT_EQ(l->key, "x/y");
  EXPECT_EQ(parse_s3_uri("s3://b")->key, "");
  EXPECT_FALSE(parse_s3_uri("s3:///k").is_ok());
  EXPECT_FALSE(parse_s3_uri("gs://b/k").is_ok());
}

}  // namespace
}  // namespace eddy::objstore
