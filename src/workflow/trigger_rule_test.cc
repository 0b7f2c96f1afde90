#include "workflow/trigger_rule.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace eddy::workflow {
namespace {

constexpr TriggerRule kAllRules[] = {
    TriggerRule::kAllSuccess, TriggerRule::kAllFailed,  TriggerRule::kAllDone,
    TriggerRule::kOneSuccess, TriggerRule::kOneFailed,  TriggerRule::kNoneFailed,
    TriggerRule::kNoneFailedMinOneSuccess, TriggerRule::kNoneSkipped, TriggerRule::kAlways,
};

// total upstream tasks, then how many are success / skipped / failed / upstream_failed; the
// rest are unfinished (none, scheduled, running, up_for_retry, ...).
UpstreamCounts counts(int total, int success, int skipped, int failed, int upstream_failed) {
  UpstreamCounts c;
  c.total = total;
  c.success = success;
  c.skipped = skipped;
  c.failed = failed;
  c.upstream_failed = upstream_failed;
  return c;
}

std::string describe(TriggerRule r, const UpstreamCounts& c) {
  return std::string(trigger_rule_name(r)) + " total=" + std::to_string(c.total) +
         " success=" + std::to_string(c.success) + " skipped=" + std::to_string(c.skipped) +
         " failed=" + std::to_string(c.failed) + " upstream_failed=" +
         std::to_string(c.upstream_failed);
}

struct Case {
  TriggerRule rule;
  UpstreamCounts c;
  Readiness want;
};

using R = Readiness;
using T = TriggerRule;

// Airflow 2.x trigger_rule_dep.py with flag_upstream_failed (what the scheduler passes).
const std::vector<Case> kAirflowTable = {
    // all_success: any failure seals upstream_failed at once, else any skip seals skipped.
    {T::kAllSuccess, counts(2, 0, 0, 0, 0), R::kWait},
    {T::kAllSuccess, counts(2, 1, 0, 0, 0), R::kWait},
    {T::kAllSuccess, counts(2, 2, 0, 0, 0), R::kReady},
    {T::kAllSuccess, counts(2, 0, 0, 1, 0), R::kUpstreamFailed},  // the other still runs
    {T::kAllSuccess, counts(2, 0, 0, 0, 1), R::kUpstreamFailed},
    {T::kAllSuccess, counts(3, 0, 1, 0, 0), R::kSkipped},         // others still run
    {T::kAllSuccess, counts(2, 1, 1, 0, 0), R::kSkipped},
    {T::kAllSuccess, counts(2, 0, 1, 1, 0), R::kUpstreamFailed},  // failure before skip
    // all_failed: a success or a skip seals skipped.
    {T::kAllFailed, counts(2, 0, 0, 0, 0), R::kWait},
    {T::kAllFailed, counts(2, 0, 0, 1, 0), R::kWait},
    {T::kAllFailed, counts(2, 0, 0, 2, 0), R::kReady},
    {T::kAllFailed, counts(2, 0, 0, 1, 1), R::kReady},
    {T::kAllFailed, counts(3, 1, 0, 0, 0), R::kSkipped},
    {T::kAllFailed, counts(2, 0, 1, 1, 0), R::kSkipped},
    // all_done: waits for every upstream, whatever they ended as.
    {T::kAllDone, counts(2, 0, 0, 0, 0), R::kWait},
    {T::kAllDone, counts(2, 0, 0, 1, 0), R::kWait},
    {T::kAllDone, counts(2, 1, 1, 0, 0), R::kReady},
    {T::kAllDone, counts(3, 1, 0, 1, 1), R::kReady},
    {T::kAllDone, counts(2, 0, 2, 0, 0), R::kReady},
    // one_success: ready on the first success; when all are done without one, skipped if all
    // skipped, else upstream_failed.
    {T::kOneSuccess, counts(3, 1, 0, 0, 0), R::kReady},
    {T::kOneSuccess, counts(3, 0, 0, 1, 0), R::kWait},
    {T::kOneSuccess, counts(2, 0, 1, 0, 0), R::kWait},
    {T::kOneSuccess, counts(2, 1, 0, 1, 0), R::kReady},
    {T::kOneSuccess, counts(2, 0, 0, 1, 1), R::kUpstreamFailed},
    {T::kOneSuccess, counts(2, 0, 1, 1, 0), R::kUpstreamFailed},
    {T::kOneSuccess, counts(2, 0, 2, 0, 0), R::kSkipped},
    // one_failed: ready on the first failure (upstream_failed counts); all done without: skipped.
    {T::kOneFailed, counts(3, 0, 0, 1, 0), R::kReady},
    {T::kOneFailed, counts(3, 0, 0, 0, 1), R::kReady},
    {T::kOneFailed, counts(2, 1, 0, 0, 0), R::kWait},
    {T::kOneFailed, counts(2, 2, 0, 0, 0), R::kSkipped},
    {T::kOneFailed, counts(2, 1, 1, 0, 0), R::kSkipped},
    {T::kOneFailed, counts(2, 0, 2, 0, 0), R::kSkipped},
    // none_failed: a failure seals upstream_failed; skips are fine.
    {T::kNoneFailed, counts(2, 1, 0, 0, 0), R::kWait},
    {T::kNoneFailed, counts(2, 1, 1, 0, 0), R::kReady},
    {T::kNoneFailed, counts(2, 0, 2, 0, 0), R::kReady},
    {T::kNoneFailed, counts(3, 0, 0, 1, 0), R::kUpstreamFailed},
    {T::kNoneFailed, counts(2, 1, 0, 0, 1), R::kUpstreamFailed},
    // none_failed_min_one_success: as none_failed, but all skipped seals skipped.
    {T::kNoneFailedMinOneSuccess, counts(2, 1, 1, 0, 0), R::kReady},
    {T::kNoneFailedMinOneSuccess, counts(2, 2, 0, 0, 0), R::kReady},
    {T::kNoneFailedMinOneSuccess, counts(3, 0, 1, 0, 0), R::kWait},
    {T::kNoneFailedMinOneSuccess, counts(2, 0, 2, 0, 0), R::kSkipped},
    {T::kNoneFailedMinOneSuccess, counts(3, 0, 0, 1, 0), R::kUpstreamFailed},
    {T::kNoneFailedMinOneSuccess, counts(2, 0, 1, 0, 1), R::kUpstreamFailed},
    // none_skipped: a skip seals skipped; failures are fine once all are done.
    {T::kNoneSkipped, counts(2, 1, 0, 0, 0), R::kWait},
    {T::kNoneSkipped, counts(2, 1, 0, 1, 0), R::kReady},
    {T::kNoneSkipped, counts(2, 0, 0, 0, 2), R::kReady},
    {T::kNoneSkipped, counts(3, 0, 1, 0, 0), R::kSkipped},
    {T::kNoneSkipped, counts(2, 1, 1, 0, 0), R::kSkipped},
    // always: never waits.
    {T::kAlways, counts(2, 0, 0, 0, 0), R::kReady},
    {T::kAlways, counts(2, 0, 1, 1, 0), R::kReady},
    {T::kAlways, counts(1, 0, 0, 0, 1), R::kReady},
};

TEST(TriggerRule, EveryRuleMatchesAirflowsTable) {
  for (const Case& k : kAirflowTable)
    EXPECT_STREQ(readiness_name(evaluate_trigger_rule(k.rule, k.c)), readiness_name(k.want))
        << describe(k.rule, k.c);
}

TEST(TriggerRule, TaskWithoutUpstreamIsReadyUnderEveryRule) {
  for (TriggerRule r : kAllRules)
    EXPECT_EQ(evaluate_trigger_rule(r, counts(0, 0, 0, 0, 0)), R::kReady) << trigger_rule_name(r);
}

// Every state assignment of up to 4 upstream tasks: (success, skipped, failed, upstream_failed)
// with the rest unfinished.
void for_each_counts(const std::function<void(const UpstreamCounts&)>& f) {
  for (int total = 1; total <= 4; ++total)
    for (int s = 0; s <= total; ++s)
      for (int k = 0; s + k <= total; ++k)
        for (int x = 0; s + k + x <= total; ++x)
          for (int u = 0; s + k + x + u <= total; ++u) f(counts(total, s, k, x, u));
}

// Every way the unfinished upstream tasks of `c` can end.
std::vector<UpstreamCounts> completions(const UpstreamCounts& c) {
  std::vector<UpstreamCounts> out;
  const int open = c.total - c.done();
  for (int s = 0; s <= open; ++s)
    for (int k = 0; s + k <= open; ++k)
      for (int x = 0; s + k + x <= open; ++x) {
        const int u = open - s - k - x;
        out.push_back(counts(c.total, c.success + s, c.skipped + k, c.failed + x,
                             c.upstream_failed + u));
      }
  return out;
}

TEST(TriggerRule, NoRuleWaitsOnceEveryUpstreamIsDone) {
  for (TriggerRule r : kAllRules)
    for_each_counts([&](const UpstreamCounts& c) {
      if (c.done() != c.total) return;
      EXPECT_NE(evaluate_trigger_rule(r, c), R::kWait) << describe(r, c);
    });
}

// A decision taken early is never contradicted by how the remaining upstream tasks end: a
// ready task would still be ready, a sealed one (upstream_failed or skipped, written at once
// and final) would still not run. Which of the two sealed states it gets may differ: Airflow's
// all_success marks a task skipped on the first skip even if a failure comes later.
TEST(TriggerRule, EarlyDecisionIsNeverContradictedByRemainingUpstream) {
  for (TriggerRule r : kAllRules)
    for_each_counts([&](const UpstreamCounts& c) {
      const Readiness now = evaluate_trigger_rule(r, c);
      if (now == R::kWait) return;
      for (const UpstreamCounts& later : completions(c)) {
        const Readiness then = evaluate_trigger_rule(r, later);
        EXPECT_EQ(then == R::kReady, now == R::kReady) << describe(r, c) << " -> " << describe(r, later);
        if (r == TriggerRule::kAllSuccess) continue;
        EXPECT_EQ(then, now) << describe(r, c) << " -> " << describe(r, later);
      }
    });
}

// flag_upstream_failed: a task whose every possible future is upstream_failed (or skipped) is
// marked so at once, not when its last upstream task ends.
TEST(TriggerRule, SealedFateIsDecidedAsSoonAsItCannotChange) {
  for (TriggerRule r : kAllRules)
    for_each_counts([&](const UpstreamCounts& c) {
      if (c.done() == c.total) return;
      const auto futures = completions(c);
      const Readiness first = evaluate_trigger_rule(r, futures.front());
      if (first != R::kUpstreamFailed && first != R::kSkipped) return;
      for (const UpstreamCounts& later : futures)
        if (evaluate_trigger_rule(r, later) != first) return;
      EXPECT_EQ(evaluate_trigger_rule(r, c), first) << describe(r, c);
    });
}

TEST(TriggerRule, ReadinessNames) {
  EXPECT_STREQ(readiness_name(R::kWait), "wait");
  EXPECT_STREQ(readiness_name(R::kReady), "ready");
  EXPECT_STREQ(readiness_name(R::kUpstreamFailed), "upstream_failed");
  EXPECT_STREQ(readiness_name(R::kSkipped), "skipped");
}

}  // namespace
}  // namespace eddy::workflow
