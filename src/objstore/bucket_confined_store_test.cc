#include "objstore/bucket_confined_store.h"

#include <gtest/gtest.h>

#include "objstore/memory_store.h"

namespace eddy::objstore {
namespace {

// Every call is checked: a store handed out for an allowed bucket cannot reach another one.
TEST(BucketConfinedStoreTest, EveryCallOnAnotherBucketIsDeniedAndNamesIt) {
  ManualClock clock(1);
  auto base = std::make_shared<MemoryStore>(&clock);
  ASSERT_TRUE(base->create("s3://other/secret").value()->commit().is_ok());
  BucketConfinedStore store(base, {"emr"});

  auto w = store.create("s3://emr/out");
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  ASSERT_TRUE((*w)->write("x").is_ok());
  ASSERT_TRUE((*w)->commit().is_ok());
  EXPECT_TRUE(store.head("s3://emr/out").is_ok());
  EXPECT_TRUE(store.list("s3://emr/").is_ok());

  const std::string other = "s3://other/secret";
  for (Status s : {store.list("s3://other/").status(), store.head(other).status(),
                   store.open(other, 0, UINT64_MAX).status(), store.create(other).status(),
                   store.remove(other)}) {
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
    EXPECT_NE(s.message().find("bucket 'other' is not allowed"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("allowed: emr"), std::string::npos) << s.message();
  }
  EXPECT_TRUE(base->head(other).is_ok());  // the denied remove removed nothing
  EXPECT_EQ(store.head("/etc/passwd").status().code(), StatusCode::kInvalidArgument);
}

TEST(BucketConfinedStoreTest, AnEmptyListAllowsNoBucket) {
  ManualClock clock(1);
  BucketConfinedStore store(std::make_shared<MemoryStore>(&clock), {});
  Status s = store.head("s3://emr/x").status();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("allowed: none"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace eddy::objstore
