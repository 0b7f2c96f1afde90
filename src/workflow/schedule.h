// Schedule: when a Workflow runs, as Airflow's `schedule` says it: manual only ("none"), once
// ("@once"), a fixed interval ("1d", "6h", "300s") or a cron expression / preset evaluated in an
// IANA time zone. It answers in logical dates (the starts of data intervals), Micros since the
// epoch.
//
// Cron semantics (Vixie cron / croniter, which Airflow uses):
// - 5 fields: minute hour day-of-month month day-of-week; `*`, lists, ranges, steps ("*/15",
//   "1-30/5", "5/10" = 5-max/10), month names JAN-DEC, day names SUN-SAT (case-insensitive),
//   0 and 7 both Sunday.
// - When day-of-month and day-of-week are both restricted (neither covers every value, as
//   croniter decides it), a day matches if EITHER matches; otherwise both must.
// - Ticks are local wall-clock minutes in the time zone. A local time that does not exist
//   (spring-forward gap) is skipped; an ambiguous one (fall-back) fires once, at its earlier
//   instant. Expressions that can never fire ("0 0 30 2 *") are rejected by parse(); searches
//   give up after kCronSearchYears (the sparsest valid expression, Feb 29, fires every <= 8 years).
// - Interval schedules are absolute durations, aligned to the start of the range asked for.
//
// Ownership: a value type; copies share nothing mutable (absl::TimeZone is a handle to an
// immutable, process-wide cached zone).
// Thread-safety: immutable after parse(); all methods are const and safe to call concurrently.
#pragma once

#include <absl/time/time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace eddy::workflow {

inline constexpr int kCronSearchYears = 10;

class Schedule {
 public:
  enum class Kind { kNone, kOnce, kInterval, kCron };

  // text: "none"/"" (manual only), "@once", a preset (@hourly @daily @midnight @weekly @monthly
  // @quarterly @yearly @annually), a duration as common/time_format.h parses it (> 0), or a
  // 5-field cron expression. timezone: an IANA name ("" means UTC). Errors are kInvalidArgument
  // and say where: "schedule: cron field 2 (hour): 24 is out of range 0-23".
  static Result<Schedule> parse(std::string_view text, std::string_view timezone);

  Kind kind() const { return kind_; }
  // As given, trimmed; presets lower-cased, "" shown as "none".
  std::string text() const { return text_; }
  const absl::TimeZone& time_zone() const { return tz_; }
  Micros interval() const { return interval_; }  // kInterval only, else 0

  // Logical dates in [from, to] (both inclusive), at most `limit` (an error if there are more):
  // cron: every tick in the range; interval: from, from+d, ... <= to; once/none: {from}.
  // Empty when from > to.
  Result<std::vector<Micros>> dates_between(Micros from, Micros to, size_t limit = 100000) const;
  // The first logical date at or after start_date (cron: first tick >= start_date;
  // interval/once: start_date; none: nullopt).
  std::optional<Micros> first_date(Micros start_date) const;
  // The logical date after d (cron: first tick > d; interval: d + delta; once/none: nullopt).
  std::optional<Micros> next_date(Micros d) const;
  // The logical date before d (cron: latest tick < d; interval: d - delta; once/none: nullopt).
  std::optional<Micros> prev_date(Micros d) const;
  // The end of the data interval that starts at d: next_date(d) for cron/interval; d otherwise.
  Micros interval_end(Micros d) const;

 private:
  // The parsed cron fields, bit i set when value i matches. Invariant: every mask is non-empty;
  // dom uses bits 1..31, month bits 1..12, dow bits 0..6 (0 = Sunday; 7 is folded into 0).
  struct Cron {
    uint64_t minute = 0, hour = 0, dom = 0, month = 0, dow = 0;
    bool dom_restricted = false, dow_restricted = false;  // the field leaves out some value
  };
  static Result<Cron> parse_cron(std::string_view expr);
  bool day_matches(const absl::CivilDay& d) const;
  // The first (last) civil minute >= (<=) c whose fields all match, within the search horizon.
  std::optional<absl::CivilMinute> next_match(absl::CivilMinute c, absl::CivilMinute limit) const;
  std::optional<absl::CivilMinute> prev_match(absl::CivilMinute c, absl::CivilMinute limit) const;
  // The instant a matching civil minute fires at: nullopt in a DST gap, the earlier instant
  // when it is ambiguous.
  std::optional<Micros> fire_instant(const absl::CivilMinute& c) const;
  std::optional<Micros> cron_next(Micros t) const;  // first tick > t
  std::optional<Micros> cron_prev(Micros t) const;  // last tick < t

  Kind kind_ = Kind::kNone;
  std::string text_;
  absl::TimeZone tz_ = absl::UTCTimeZone();
  Micros interval_ = 0;
  Cron cron_;
};

}  // namespace eddy::workflow
