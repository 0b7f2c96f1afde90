#include "jobs/manifest_fields.h"

#include <gtest/gtest.h>

#include <memory>

#include "objstore/memory_store.h"

namespace eddy::jobs {
namespace {

// s3:// and s3a:// routed to one MemoryStore for the test's lifetime.
class S3ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    objstore::set_store_for_scheme("s3", store_);
    objstore::set_store_for_scheme("s3a", store_);
  }
  void TearDown() override {
    objstore::set_store_for_scheme("s3", nullptr);
    objstore::set_store_for_scheme("s3a", nullptr);
  }
  std::shared_ptr<objstore::MemoryStore> store_ = std::make_shared<objstore::MemoryStore>();
};

TEST_F(S3ManifestTest, ReadsAManifestFromS3AndS3a) {
  store_->put("s3://jobs/pi.yaml", "kind: BatchJob\n");
  store_->put("s3a://jobs/pi.yaml", "kind: StreamJob\n");
  auto text = read_manifest_file("s3://jobs/pi.yaml");
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  EXPECT_EQ(*text, "kind: BatchJob\n");
  auto text_a = read_manifest_file("s3a://jobs/pi.yaml");
  ASSERT_TRUE(text_a.is_ok()) << text_a.status().to_string();
  EXPECT_EQ(*text_a, "kind: StreamJob\n");
}

TEST_F(S3ManifestTest, MissingObjectIsNotFoundNamingTheUri) {
  auto text = read_manifest_file("s3://jobs/missing.yaml");
  ASSERT_FALSE(text.is_ok());
  EXPECT_EQ(text.status().code(), StatusCode::kNotFound);
  EXPECT_NE(text.status().message().find("s3://jobs/missing.yaml"), std::string::npos)
      << text.status().message();
}

TEST_F(S3ManifestTest, RefusesAnObjectLargerThanAManifest) {
  store_->put("s3://jobs/big.yaml", std::string(kMaxManifestBytes + 1, 'x'));
  auto text = read_manifest_file("s3://jobs/big.yaml");
  ASSERT_FALSE(text.is_ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(text.status().message().find("more than a manifest may hold"), std::string::npos)
      << text.status().message();
}

TEST(ManifestFileTest, MissingLocalFileIsNotFound) {
  auto text = read_manifest_file("/nonexistent/job.yaml");
  ASSERT_FALSE(text.is_ok());
  EXPECT_EQ(text.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace eddy::jobs
