#include "batch/dataset.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

namespace eddy::batch {
namespace {

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// A pool of 3 threads over 4 partitions: operators must not depend on which thread runs what.
class DatasetTest : public ::testing::Test {
 protected:
  WorkerPool pool_{3};
};

TEST_F(DatasetTest, WordCountWithNarrowAndWideOperators) {
  auto lines = Dataset<std::string>::from_vector(&pool_, {"a b a", "c", "", "b a"}, 4);
  auto words = lines.flat_map(split_words).filter([](const std::string& w) { return w != "c"; });
  EXPECT_EQ(words.count(), 5u);
  auto counts = reduce_by_key(words.map([](const std::string& w) { return std::pair(w, 1); }),
                              [](int x, int y) { return x + y; });
  auto sorted = sort_by_key(counts).collect();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0], std::pair(std::string("a"), 3));
  EXPECT_EQ(sorted[1], std::pair(std::string("b"), 2));
}

TEST_F(DatasetTest, GroupByKeyKeepsInputOrderAndSortIsStable) {
  std::vector<std::pair<int, int>> recs;
  for (int i = 0; i < 1000; ++i) recs.push_back({i % 7, i});
  auto d = Dataset<std::pair<int, int>>::from_vector(&pool_, recs, 4);
  std::map<int, std::vector<int>> groups;
  for (auto& [k, vs] : group_by_key(d, 5).collect()) groups[k] = vs;
  ASSERT_EQ(groups.size(), 7u);
  for (auto& [k, vs] : groups) {
    EXPECT_TRUE(std::is_sorted(vs.begin(), vs.end())) << "key " << k;
    EXPECT_EQ(vs.front(), k);
  }
  auto s = sort_by_key(d, true, 3);
  EXPECT_EQ(s.num_partitions(), 3u);
  auto all = s.collect();
  for (size_t i = 1; i < all.size(); ++i) {
    ASSERT_LE(all[i - 1].first, all[i].first);
    if (all[i - 1].first == all[i].first) {
      ASSERT_LT(all[i - 1].second, all[i].second);
    }
  }
  EXPECT_EQ(s.take(2).size(), 2u);
  EXPECT_EQ(d.coalesce(1).num_partitions(), 1u);
  EXPECT_EQ(d.coalesce(1).collect(), recs);
}

TEST_F(DatasetTest, JoinPairsEveryMatchInInputOrder) {
  auto a = Dataset<std::pair<int, std::string>>::from_vector(
      &pool_, {{1, "x"}, {2, "y"}, {1, "z"}, {3, "w"}}, 2);
  auto b = Dataset<std::pair<int, int>>::from_vector(&pool_, {{1, 10}, {1, 11}, {2, 20}}, 3);
  auto j = sort_by_key(join(a, b), true, 1).collect();
  using R = std::pair<int, std::pair<std::string, int>>;
  std::vector<R> want = {
      {1, {"x", 10}}, {1, {"x", 11}}, {1, {"z", 10}}, {1, {"z", 11}}, {2, {"y", 20}}};
  EXPECT_EQ(j, want);
}

}  // namespace
}  // namespace eddy::batch
