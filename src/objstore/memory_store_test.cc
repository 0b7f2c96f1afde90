#include "objstore/memory_store.h"

#include <gtest/gtest.h>

#include "objstore/fault_injecting_store.h"

namespace eddy::objstore {
namespace {

std::string read_whole(ObjectReader& r) {
  std::string out;
  char buf[3];
  for (;;) {
    auto n = r.read(buf, sizeof(buf));
    EXPECT_TRUE(n.is_ok());
    if (!n.is_ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

TEST(MemoryStoreTest, WritersPublishOnCommitOnly) {
  ManualClock clock(42);
  MemoryStore store(&clock);
  auto w = store.create("mem://b/k");
  ASSERT_TRUE((*w)->write("abcdef").is_ok());
  EXPECT_EQ(store.head("mem://b/k").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE((*w)->commit().is_ok());
  auto info = store.head("mem://b/k");
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->size, 6u);
  EXPECT_EQ(info->modified, 42);
  auto r = store.open("mem://b/k", 1, 3);
  EXPECT_EQ(read_whole(**r), "bcd");
  auto aborted = store.create("mem://b/other");
  ASSERT_TRUE((*aborted)->write("x").is_ok());
  (*aborted)->abort();
  EXPECT_EQ(store.object_count(), 1u);
}

TEST(MemoryStoreTest, ListsByPrefixSorted) {
  MemoryStore store;
  store.put("mem://b/p/2", "22");
  store.put("mem://b/p/1", "1");
  store.put("mem://b/q", "");
  auto l = store.list("mem://b/p/");
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].uri, "mem://b/p/1");
  EXPECT_EQ((*l)[1].size, 2u);
  EXPECT_TRUE(store.remove("mem://b/p/1").is_ok());
  EXPECT_TRUE(store.remove("mem://b/p/1").is_ok());
  EXPECT_EQ(store.list("mem://b/")->size(), 2u);
}

TEST(FaultInjectingStoreTest, FailsTheNthCallOfAnOperation) {
  auto base = std::make_shared<MemoryStore>();
  FaultInjectingStore store(base);
  store.fail_nth(StoreOp::kCommit, 2, io_error("disk full"));
  auto w1 = store.create("mem://a");
  ASSERT_TRUE((*w1)->write("1").is_ok());
  ASSERT_TRUE((*w1)->commit().is_ok());
  auto w2 = store.create("mem://b");
  ASSERT_TRUE((*w2)->write("2").is_ok());
  Status st = (*w2)->commit();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), "mem://b: disk full");
  EXPECT_EQ(base->head("mem://b").status().code(), StatusCode::kNotFound);  // nothing half-done
  auto w3 = store.create("mem://c");
  ASSERT_TRUE((*w3)->commit().is_ok());
  EXPECT_EQ(store.calls(StoreOp::kCommit), 3);
  EXPECT_EQ(store.calls(StoreOp::kCreate), 3);
}

TEST(FaultInjectingStoreTest, FailsReadsAndAlwaysRulesUntilCleared) {
  auto base = std::make_shared<MemoryStore>();
  base->put("mem://x", "hello");
  FaultInjectingStore store(base);
  store.fail_nth(StoreOp::kRead, 2, data_loss("bad sector"));
  auto r = store.open("mem://x");
  ASSERT_TRUE(r.is_ok());
  char buf[2];
  EXPECT_TRUE((*r)->read(buf, 2).is_ok());
  EXPECT_EQ((*r)->read(buf, 2).status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE((*r)->read(buf, 2).is_ok());
  store.fail_always(StoreOp::kList, unavailable("throttled"));
  EXPECT_EQ(store.list("mem://").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.list("mem://").status().code(), StatusCode::kUnavailable);
  store.clear();
  EXPECT_TRUE(store.list("mem://").is_ok());
  EXPECT_EQ(store.calls(StoreOp::kList), 3);
}

TEST(StoreForTest, RoutesSchemesAndAcceptsOverrides) {
  EXPECT_TRUE(is_object_store_uri("s3://b/k"));
  EXPECT_TRUE(is_object_store_uri("s3a://b/k"));
  EXPECT_FALSE(is_object_store_uri("/tmp/s3://x"));
  EXPECT_FALSE(is_object_store_uri("file:///tmp"));
  EXPECT_TRUE(store_for("/tmp/x").is_ok());
  EXPECT_TRUE(store_for("file:///tmp/x").is_ok());
  EXPECT_EQ(store_for("gs://b/k").status().code(), StatusCode::kInvalidArgument);
  auto mem = std::make_shared<MemoryStore>();
  set_store_for_scheme("s3", mem);
  ASSERT_TRUE(write_all("s3://b/k", "via memory").is_ok());
  EXPECT_EQ(mem->object_count(), 1u);
  EXPECT_EQ(*read_all("s3://b/k"), "via memory");
  set_store_for_scheme("s3", nullptr);
  EXPECT_NE(store_for("s3://b/k")->get(), mem.get());
}

}  // namespace
}  // namespace eddy::objstore
