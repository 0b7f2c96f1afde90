#include "workflow/schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <ctime>

#include "common/time_format.h"

namespace eddy::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr Micros kMinute = 60'000'000;
constexpr Micros kDay = 1440 * kMinute;

Micros at(const char* rfc3339) {
  Micros t = 0;
  EXPECT_TRUE(parse_rfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

Schedule parse_ok(std::string_view text, std::string_view tz = "UTC") {
  auto s = Schedule::parse(text, tz);
  EXPECT_TRUE(s.is_ok()) << text << ": " << s.status().to_string();
  return s.is_ok() ? *s : *Schedule::parse("none", "UTC");
}

// The ticks in [from, to] as RFC 3339 strings, for readable expectations.
std::vector<std::string> ticks(const Schedule& s, const char* from, const char* to) {
  auto r = s.dates_between(at(from), at(to));
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  std::vector<std::string> out;
  if (r.is_ok())
    for (Micros t : *r) out.push_back(format_rfc3339(t));
  return out;
}

std::string next_of(const Schedule& s, const char* t) {
  auto n = s.next_date(at(t));
  return n ? format_rfc3339(*n) : "none";
}

std::string prev_of(const Schedule& s, const char* t) {
  auto p = s.prev_date(at(t));
  return p ? format_rfc3339(*p) : "none";
}

TEST(ScheduleParse, NoneAndEmptyAreManualOnly) {
  for (const char* text : {"", "none", "None", "  NONE "}) {
    Schedule s = parse_ok(text);
    EXPECT_EQ(s.kind(), Schedule::Kind::kNone) << text;
    EXPECT_EQ(s.text(), "none");
    EXPECT_FALSE(s.first_date(at("2019-12-01T00:00:00Z")));
    EXPECT_FALSE(s.next_date(at("2019-12-01T00:00:00Z")));
    EXPECT_FALSE(s.prev_date(at("2019-12-01T00:00:00Z")));
    EXPECT_EQ(s.interval_end(7), 7);
    EXPECT_THAT(ticks(s, "2019-12-01T00:00:00Z", "2019-12-09T00:00:00Z"),
                ElementsAre("2019-12-01T00:00:00Z"));
  }
}

TEST(ScheduleParse, OnceRunsAtTheStartDate) {
  Schedule s = parse_ok("@once");
  EXPECT_EQ(s.kind(), Schedule::Kind::kOnce);
  EXPECT_EQ(s.text(), "@once");
  EXPECT_EQ(s.first_date(at("2019-12-01T05:00:00Z")), at("2019-12-01T05:00:00Z"));
  EXPECT_FALSE(s.next_date(at("2019-12-01T05:00:00Z")));
  EXPECT_FALSE(s.prev_date(at("2019-12-01T05:00:00Z")));
  EXPECT_EQ(s.interval_end(at("2019-12-01T05:00:00Z")), at("2019-12-01T05:00:00Z"));
  EXPECT_THAT(ticks(s, "2019-12-01T05:00:00Z", "2020-12-01T00:00:00Z"),
              ElementsAre("2019-12-01T05:00:00Z"));
  EXPECT_TRUE(s.dates_between(at("2019-12-02T00:00:00Z"), at("2019-12-01T00:00:00Z"))->empty());
}

TEST(ScheduleInterval, DurationsAreAlignedToTheRangeStart) {
  Schedule day = parse_ok("1d");
  EXPECT_EQ(day.kind(), Schedule::Kind::kInterval);
  EXPECT_EQ(day.text(), "1d");
  EXPECT_EQ(day.interval(), kDay);
  EXPECT_EQ(day.first_date(at("2019-12-01T07:13:00Z")), at("2019-12-01T07:13:00Z"));
  EXPECT_EQ(next_of(day, "2019-12-01T07:13:00Z"), "2019-12-02T07:13:00Z");
  EXPECT_EQ(prev_of(day, "2019-12-01T07:13:00Z"), "2019-11-30T07:13:00Z");
  EXPECT_EQ(day.interval_end(at("2019-12-01T00:00:00Z")), at("2019-12-02T00:00:00Z"));
  EXPECT_THAT(ticks(day, "2019-12-01T00:00:00Z", "2019-12-03T00:00:00Z"),
              ElementsAre("2019-12-01T00:00:00Z", "2019-12-02T00:00:00Z", "2019-12-03T00:00:00Z"));
  EXPECT_THAT(ticks(parse_ok("6h"), "2019-12-01T01:00:00Z", "2019-12-01T18:59:00Z"),
              ElementsAre("2019-12-01T01:00:00Z", "2019-12-01T07:00:00Z", "2019-12-01T13:00:00Z"));
  EXPECT_EQ(parse_ok("300s").interval(), 5 * kMinute);
  // Intervals are absolute: a DST change in the zone does not bend them.
  Schedule ams = parse_ok("1d", "Europe/Amsterdam");
  EXPECT_EQ(next_of(ams, "2024-03-30T12:00:00Z"), "2024-03-31T12:00:00Z");
}

TEST(ScheduleInterval, LimitIsChecked) {
  auto r =
      parse_ok("1m").dates_between(at("2019-12-01T00:00:00Z"), at("2019-12-02T00:00:00Z"), 1000);
  ASSERT_FALSE(r.is_ok());
  EXPECT_THAT(r.status().message(), HasSubstr("more than 1000 runs"));
  EXPECT_EQ(parse_ok("1m")
                .dates_between(at("2019-12-01T00:00:00Z"), at("2019-12-01T16:39:00Z"), 1000)
                ->size(),
            1000u);
}

TEST(SchedulePresets, EachPresetIsItsCronExpression) {
  struct Case {
    const char* preset;
    const char* next;  // after 2019-12-02T10:17:00Z, a Monday
  };
  for (const Case& c :
       {Case{"@hourly", "2019-12-02T11:00:00Z"}, Case{"@daily", "2019-12-03T00:00:00Z"},
        Case{"@midnight", "2019-12-03T00:00:00Z"}, Case{"@weekly", "2019-12-08T00:00:00Z"},
        Case{"@monthly", "2020-01-01T00:00:00Z"}, Case{"@quarterly", "2020-01-01T00:00:00Z"},
        Case{"@yearly", "2020-01-01T00:00:00Z"}, Case{"@annually", "2020-01-01T00:00:00Z"}}) {
    Schedule s = parse_ok(c.preset);
    EXPECT_EQ(s.kind(), Schedule::Kind::kCron) << c.preset;
    EXPECT_EQ(s.text(), c.preset);
    EXPECT_EQ(next_of(s, "2019-12-02T10:17:00Z"), c.next) << c.preset;
  }
  EXPECT_EQ(next_of(parse_ok("@quarterly"), "2020-01-01T00:00:00Z"), "2020-04-01T00:00:00Z");
  EXPECT_EQ(next_of(parse_ok("@yearly"), "2020-01-01T00:00:00Z"), "2021-01-01T00:00:00Z");
  EXPECT_EQ(parse_ok("@DAILY").text(), "@daily");
}

TEST(ScheduleCron, ListsRangesAndSteps) {
  const char* from = "2019-12-02T10:00:00Z";
  const char* to = "2019-12-02T10:59:00Z";
  EXPECT_THAT(ticks(parse_ok("0,15,45 * * * *"), from, to),
              ElementsAre("2019-12-02T10:00:00Z", "2019-12-02T10:15:00Z", "2019-12-02T10:45:00Z"));
  EXPECT_THAT(ticks(parse_ok("10-12 * * * *"), from, to),
              ElementsAre("2019-12-02T10:10:00Z", "2019-12-02T10:11:00Z", "2019-12-02T10:12:00Z"));
  EXPECT_THAT(ticks(parse_ok("*/20 * * * *"), from, to),
              ElementsAre("2019-12-02T10:00:00Z", "2019-12-02T10:20:00Z", "2019-12-02T10:40:00Z"));
  EXPECT_THAT(ticks(parse_ok("1-30/10 * * * *"), from, to),
              ElementsAre("2019-12-02T10:01:00Z", "2019-12-02T10:11:00Z", "2019-12-02T10:21:00Z"));
  EXPECT_THAT(ticks(parse_ok("5/25 * * * *"), from, to),
              ElementsAre("2019-12-02T10:05:00Z", "2019-12-02T10:30:00Z", "2019-12-02T10:55:00Z"));
  EXPECT_THAT(ticks(parse_ok("0 */8,23 * * *"), "2019-12-02T00:00:00Z", "2019-12-02T23:59:00Z"),
              ElementsAre("2019-12-02T00:00:00Z", "2019-12-02T08:00:00Z", "2019-12-02T16:00:00Z",
                          "2019-12-02T23:00:00Z"));
  EXPECT_THAT(ticks(parse_ok("0 0 1,15 * *"), "2019-12-01T00:00:00Z", "2020-01-01T00:00:00Z"),
              ElementsAre("2019-12-01T00:00:00Z", "2019-12-15T00:00:00Z", "2020-01-01T00:00:00Z"));
  // Tabs and repeated spaces separate fields too.
  EXPECT_EQ(next_of(parse_ok(" 0\t3  * * * "), "2019-12-02T10:00:00Z"), "2019-12-03T03:00:00Z");
}

TEST(ScheduleCron, MonthAndDayNamesAreCaseInsensitive) {
  EXPECT_THAT(ticks(parse_ok("0 0 1 jan,Jul *"), "2019-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
              ElementsAre("2019-01-01T00:00:00Z", "2019-07-01T00:00:00Z", "2020-01-01T00:00:00Z"));
  EXPECT_THAT(ticks(parse_ok("0 0 1 NOV-dec *"), "2019-01-01T00:00:00Z", "2019-12-31T00:00:00Z"),
              ElementsAre("2019-11-01T00:00:00Z", "2019-12-01T00:00:00Z"));
  // 2019-12-02 is a Monday.
  EXPECT_THAT(ticks(parse_ok("0 9 * * MON-fri"), "2019-12-01T00:00:00Z", "2019-12-08T23:59:00Z"),
              ElementsAre("2019-12-02T09:00:00Z", "2019-12-03T09:00:00Z", "2019-12-04T09:00:00Z",
                          "2019-12-05T09:00:00Z", "2019-12-06T09:00:00Z"));
  EXPECT_THAT(ticks(parse_ok("0 9 * * sat,Sun"), "2019-12-01T00:00:00Z", "2019-12-08T23:59:00Z"),
              ElementsAre("2019-12-01T09:00:00Z", "2019-12-07T09:00:00Z", "2019-12-08T09:00:00Z"));
}

TEST(ScheduleCron, SevenAndZeroAreBothSunday) {
  for (const char* e : {"0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "0 0 * * 6-7"}) {
    EXPECT_EQ(next_of(parse_ok(e), "2019-12-02T10:00:00Z"),
              std::string(e) == "0 0 * * 6-7" ? "2019-12-07T00:00:00Z" : "2019-12-08T00:00:00Z")
        << e;
  }
  EXPECT_EQ(next_of(parse_ok("0 0 * * 1-7"), "2019-12-02T10:00:00Z"), "2019-12-03T00:00:00Z");
}

TEST(ScheduleCron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // The 13th or any Friday (2019-12-06, 13, 20, 27 are Fridays; 2020-01-13 a Monday).
  EXPECT_THAT(ticks(parse_ok("0 0 13 * FRI"), "2019-12-01T00:00:00Z", "2020-01-14T00:00:00Z"),
              ElementsAre("2019-12-06T00:00:00Z", "2019-12-13T00:00:00Z", "2019-12-20T00:00:00Z",
                          "2019-12-27T00:00:00Z", "2020-01-03T00:00:00Z", "2020-01-10T00:00:00Z",
                          "2020-01-13T00:00:00Z"));
  // Day-of-month unrestricted ("*" or every day spelled out): only the weekday counts.
  for (const char* e : {"0 0 * * 1", "0 0 1-31 * 1", "0 0 */1 * 1"})
    EXPECT_THAT(ticks(parse_ok(e), "2019-12-01T00:00:00Z", "2019-12-15T00:00:00Z"),
                ElementsAre("2019-12-02T00:00:00Z", "2019-12-09T00:00:00Z"))
        << e;
  // Day-of-week unrestricted: only the day of the month counts.
  EXPECT_THAT(ticks(parse_ok("0 0 10 * 0-6"), "2019-12-01T00:00:00Z", "2020-01-15T00:00:00Z"),
              ElementsAre("2019-12-10T00:00:00Z", "2020-01-10T00:00:00Z"));
}

TEST(ScheduleCron, FirstNextPrev) {
  Schedule s = parse_ok("0 3 * * 1-5");  // 03:00 on weekdays
  EXPECT_EQ(s.first_date(at("2019-12-02T03:00:00Z")), at("2019-12-02T03:00:00Z"));
  EXPECT_EQ(s.first_date(at("2019-12-02T03:00:00.000001Z")), at("2019-12-03T03:00:00Z"));
  EXPECT_EQ(s.first_date(at("2019-11-30T12:00:00Z")), at("2019-12-02T03:00:00Z"));
  EXPECT_EQ(next_of(s, "2019-12-02T03:00:00Z"), "2019-12-03T03:00:00Z");
  EXPECT_EQ(next_of(s, "2019-12-06T03:00:00Z"), "2019-12-09T03:00:00Z");
  EXPECT_EQ(prev_of(s, "2019-12-09T03:00:00Z"), "2019-12-06T03:00:00Z");
  EXPECT_EQ(prev_of(s, "2019-12-09T03:00:00.000001Z"), "2019-12-09T03:00:00Z");
  EXPECT_EQ(s.interval_end(at("2019-12-06T03:00:00Z")), at("2019-12-09T03:00:00Z"));
  EXPECT_THAT(ticks(parse_ok("@hourly"), "2019-12-02T00:00:00Z", "2019-12-03T00:00:00Z").size(),
              25u);
}

TEST(ScheduleCron, RareExpressionsAreFoundAcrossCenturies) {
  Schedule leap = parse_ok("0 0 29 2 *");  // 2100 is not a leap year
  EXPECT_EQ(next_of(leap, "2096-03-01T00:00:00Z"), "2104-02-29T00:00:00Z");
  EXPECT_EQ(prev_of(leap, "2104-02-01T00:00:00Z"), "2096-02-29T00:00:00Z");
}

TEST(ScheduleCron, DatesBetweenLimit) {
  auto r = parse_ok("* * * * *")
               .dates_between(at("2019-12-01T00:00:00Z"), at("2019-12-02T00:00:00Z"), 100);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("more than 100 runs from 2019-12-01T00:00:00Z"));
  EXPECT_EQ(parse_ok("* * * * *")
                .dates_between(at("2019-12-01T00:00:00Z"), at("2019-12-01T01:39:00Z"), 100)
                ->size(),
            100u);
}

TEST(ScheduleTimeZone, AmsterdamDailyAcrossSpringForwardSkipsTheMissingTime) {
  // 2024-03-31 02:00 CET jumps to 03:00 CEST: 02:30 does not exist that day.
  Schedule s = parse_ok("30 2 * * *", "Europe/Amsterdam");
  EXPECT_THAT(ticks(s, "2024-03-29T00:00:00Z", "2024-04-02T12:00:00Z"),
              ElementsAre("2024-03-29T01:30:00Z", "2024-03-30T01:30:00Z", "2024-04-01T00:30:00Z",
                          "2024-04-02T00:30:00Z"));
  EXPECT_EQ(next_of(s, "2024-03-30T01:30:00Z"), "2024-04-01T00:30:00Z");
  EXPECT_EQ(prev_of(s, "2024-04-01T00:30:00Z"), "2024-03-30T01:30:00Z");
  // Hourly ticks stay an hour apart in UTC: 02:00 local is missing.
  EXPECT_THAT(ticks(parse_ok("0 * * * *", "Europe/Amsterdam"), "2024-03-30T23:00:00Z",
                    "2024-03-31T02:00:00Z"),
              ElementsAre("2024-03-30T23:00:00Z", "2024-03-31T00:00:00Z", "2024-03-31T01:00:00Z",
                          "2024-03-31T02:00:00Z"));
}

TEST(ScheduleTimeZone, AmsterdamDailyAcrossFallBackFiresOnceAtTheFirstInstant) {
  // 2024-10-27 03:00 CEST falls back to 02:00 CET: 02:30 happens at 00:30Z and at 01:30Z.
  Schedule s = parse_ok("30 2 * * *", "Europe/Amsterdam");
  EXPECT_THAT(ticks(s, "2024-10-26T00:00:00Z", "2024-10-28T12:00:00Z"),
              ElementsAre("2024-10-26T00:30:00Z", "2024-10-27T00:30:00Z", "2024-10-28T01:30:00Z"));
  EXPECT_EQ(next_of(s, "2024-10-27T00:30:00Z"), "2024-10-28T01:30:00Z");
  EXPECT_EQ(prev_of(s, "2024-10-28T01:30:00Z"), "2024-10-27T00:30:00Z");
  // From inside the second pass of the repeated hour (02:45 CET), the 02:30 tick is behind.
  EXPECT_EQ(prev_of(s, "2024-10-27T01:45:00Z"), "2024-10-27T00:30:00Z");
  EXPECT_EQ(next_of(s, "2024-10-27T01:15:00Z"), "2024-10-28T01:30:00Z");
  Schedule quarter = parse_ok("*/15 * * * *", "Europe/Amsterdam");
  EXPECT_EQ(prev_of(quarter, "2024-10-27T01:10:00Z"), "2024-10-27T00:45:00Z");
  EXPECT_EQ(next_of(quarter, "2024-10-27T00:50:00Z"), "2024-10-27T02:00:00Z");
  EXPECT_EQ(s.first_date(at("2024-10-27T01:00:00Z")), at("2024-10-28T01:30:00Z"));
}

TEST(ScheduleTimeZone, NewYorkDailyFollowsTheLocalClock) {
  Schedule nine = parse_ok("0 9 * * *", "America/New_York");
  EXPECT_THAT(ticks(nine, "2024-03-09T00:00:00Z", "2024-03-11T23:00:00Z"),
              ElementsAre("2024-03-09T14:00:00Z", "2024-03-10T13:00:00Z", "2024-03-11T13:00:00Z"));
  EXPECT_THAT(ticks(nine, "2024-11-02T00:00:00Z", "2024-11-04T23:00:00Z"),
              ElementsAre("2024-11-02T13:00:00Z", "2024-11-03T14:00:00Z", "2024-11-04T14:00:00Z"));
  Schedule midnight = parse_ok("@daily", "America/New_York");
  EXPECT_EQ(next_of(midnight, "2019-12-02T04:00:00Z"), "2019-12-02T05:00:00Z");  // 23:00 EST
  EXPECT_EQ(next_of(midnight, "2019-12-02T05:00:00Z"), "2019-12-03T05:00:00Z");
  EXPECT_EQ(parse_ok("@daily", "America/New_York").time_zone().name(), "America/New_York");
}

struct ErrorCase {
  const char* text;
  const char* zone;
  const char* message;
};

TEST(ScheduleParse, ErrorsSayWhatAndWhere) {
  const ErrorCase cases[] = {
      {"0 3 * *", "UTC", "has 4 fields; expected 5 (minute hour day-of-month month day-of-week)"},
      {"0 3 * * * *", "UTC", "has 6 fields"},
      {"0 24 * * *", "UTC", "schedule: cron field 2 (hour): 24 is out of range 0-23"},
      {"60 * * * *", "UTC", "schedule: cron field 1 (minute): 60 is out of range 0-59"},
      {"0 0 0 * *", "UTC", "cron field 3 (day-of-month): 0 is out of range 1-31"},
      {"0 0 * 13 *", "UTC", "cron field 4 (month): 13 is out of range 1-12"},
      {"0 0 * * 8", "UTC", "cron field 5 (day-of-week): 8 is out of range 0-7"},
      {"*/0 * * * *", "UTC", "cron field 1 (minute): step '0' in '*/0' must be a number from 1"},
      {"0 */x * * *", "UTC", "cron field 2 (hour): step 'x'"},
      {"0 1-/2 * * *", "UTC", "cron field 2 (hour): '' is not a number"},
      {"0 0 * FOO *", "UTC", "cron field 4 (month): 'FOO' is not a number or a month name"},
      {"0 0 * * MONDAY", "UTC", "'MONDAY' is not a number or a day name (SUN-SAT)"},
      {"5-1 * * * *", "UTC", "cron field 1 (minute): range '5-1' starts after it ends"},
      {"1,,2 * * * *", "UTC", "empty list item in '1,,2'"},
      {"0 0 30 2 *", "UTC", "'0 0 30 2 *' never fires"},
      {"@fortnightly", "UTC", "unknown preset '@fortnightly'"},
      {"0s", "UTC", "interval '0s' must be > 0"},
      {"0", "UTC", "must be > 0"},
      {"1x", "UTC", "schedule: '1x': unknown duration unit 'x'"},
      {"daily", "UTC", "'daily' is not a duration"},
      {"@daily", "Mars/Olympus_Mons", "schedule: unknown time zone 'Mars/Olympus_Mons'"},
  };
  for (const ErrorCase& c : cases) {
    auto s = Schedule::parse(c.text, c.zone);
    ASSERT_FALSE(s.is_ok()) << c.text;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(s.status().message(), HasSubstr(c.message)) << c.text;
  }
}

// ---- Properties ----------------------------------------------------------------------------

// A random cron field over [lo, hi] and the set of values it selects.
std::string gen_field(int lo, int hi, uint64_t* mask) {
  auto add = [&](int a, int b, int step) {
    for (int v = a; v <= b; v += step) *mask |= uint64_t{1} << v;
  };
  int items = *rc::gen::inRange(1, 4);
  std::string text;
  for (int i = 0; i < items; ++i) {
    if (i > 0) text += ",";
    int a = *rc::gen::inRange(lo, hi + 1), b = *rc::gen::inRange(a, hi + 1);
    int step = *rc::gen::inRange(1, std::min(hi - lo + 1, 13) + 1);
    switch (*rc::gen::inRange(0, 5)) {
      case 0:
        text += "*";
        add(lo, hi, 1);
        break;
      case 1:
        text += std::to_string(a);
        add(a, a, 1);
        break;
      case 2:
        text += std::to_string(a) + "-" + std::to_string(b);
        add(a, b, 1);
        break;
      case 3:
        text += "*/" + std::to_string(step);
        add(lo, hi, step);
        break;
      default:
        text += std::to_string(a) + "-" + std::to_string(b) + "/" + std::to_string(step);
        add(a, b, step);
    }
  }
  return text;
}

bool has_bit(uint64_t mask, int v) { return (mask >> v) & 1; }

RC_GTEST_PROP(ScheduleProperty, NextAgreesWithABruteForceMinuteScanInUtc, ()) {
  uint64_t m[5] = {0, 0, 0, 0, 0};
  const int lo[] = {0, 0, 1, 1, 0}, hi[] = {59, 23, 31, 12, 7};
  std::string expr;
  for (int f = 0; f < 5; ++f) expr += (f ? " " : "") + gen_field(lo[f], hi[f], &m[f]);
  if (has_bit(m[4], 7)) m[4] = (m[4] | 1) & 0x7F;
  bool dom_restricted = m[2] != 0xFFFFFFFEull, dow_restricted = m[4] != 0x7F;
  auto parsed = Schedule::parse(expr, "UTC");
  if (!parsed.is_ok()) {  // only an expression that can never fire is refused
    RC_ASSERT(parsed.status().message().find("never fires") != std::string::npos);
    RC_SUCCEED("never fires");
  }
  const Schedule& s = *parsed;
  Micros t = *rc::gen::inRange<int64_t>(946684800, 2208988800) * 1'000'000 +
             *rc::gen::element<int64_t>(0, 0, 1, 999'999);
  std::optional<Micros> expected;
  for (Micros c = (t / kMinute + 1) * kMinute; c <= t + 2 * kDay && !expected; c += kMinute) {
    time_t secs = c / 1'000'000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    bool dom_ok = has_bit(m[2], tm.tm_mday), dow_ok = has_bit(m[4], tm.tm_wday);
    bool day_ok = dom_restricted && dow_restricted ? dom_ok || dow_ok : dom_ok && dow_ok;
    if (has_bit(m[0], tm.tm_min) && has_bit(m[1], tm.tm_hour) && day_ok &&
        has_bit(m[3], tm.tm_mon + 1))
      expected = c;
  }
  std::optional<Micros> next = s.next_date(t);
  RC_ASSERT(next.has_value());  // valid expressions fire within the search horizon
  RC_ASSERT(*next > t);
  if (expected)
    RC_ASSERT(*next == *expected);
  else
    RC_ASSERT(*next > t + 2 * kDay);
  std::optional<Micros> prev = s.prev_date(*next);
  RC_ASSERT(prev.has_value());
  RC_ASSERT(*prev <= t);
  RC_ASSERT(s.next_date(*prev) == next);
  RC_ASSERT(s.first_date(*next) == next);
}

RC_GTEST_PROP(ScheduleProperty, NextAndPrevAreInversesAcrossDstChanges, ()) {
  const char* zone =
      *rc::gen::element("Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe");
  const char* expr = *rc::gen::element("30 2 * * *", "*/15 * * * *", "0 * * * *", "45 1,2,3 * * *",
                                       "0 0 * * SUN", "0 2 1-7 * 0");
  Schedule s = *Schedule::parse(expr, zone);
  // Random instants around the spring and autumn changes of 2020-2030.
  int year = *rc::gen::inRange(2020, 2031);
  int month = *rc::gen::element(3, 4, 10, 11);
  Micros t = at((std::to_string(year) + "-" + (month < 10 ? "0" : "") + std::to_string(month) +
                 "-01T00:00:00Z")
                    .c_str()) +
             *rc::gen::inRange<int64_t>(0, 40 * 1440) * kMinute +
             *rc::gen::element<int64_t>(0, 1, 30'000'000);
  std::optional<Micros> next = s.next_date(t);
  RC_ASSERT(next.has_value());
  RC_ASSERT(*next > t);
  std::optional<Micros> prev = s.prev_date(*next);
  RC_ASSERT(prev.has_value());
  RC_ASSERT(*prev <= t);
  RC_ASSERT(s.next_date(*prev) == next);
  RC_ASSERT(s.prev_date(*next) == prev);
}

}  // namespace
}  // namespace eddy::workflow
