#include "workflow/schedule.h"

#include <absl/time/civil_time.h>

#include <cctype>
#include <charconv>
#include <limits>

#include "common/time_format.h"

namespace eddy::workflow {
namespace {

struct CronField {
  int number;  // 1-based, as error messages name it
  const char* name;
  int lo, hi;
  const std::string_view* names;  // nullptr, or the names of values names_base, names_base+1, ...
  int names_base, names_count;
  const char* names_hint;
};

constexpr std::string_view kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::string_view kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
constexpr CronField kFields[] = {
    {1, "minute", 0, 59, nullptr, 0, 0, ""},
    {2, "hour", 0, 23, nullptr, 0, 0, ""},
    {3, "day-of-month", 1, 31, nullptr, 0, 0, ""},
    {4, "month", 1, 12, kMonthNames, 1, 12, " or a month name (JAN-DEC)"},
    {5, "day-of-week", 0, 7, kDayNames, 0, 7, " or a day name (SUN-SAT)"},
};
constexpr int kMaxDaysInMonth[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

struct Preset {
  std::string_view name, cron;
};
constexpr Preset kPresets[] = {
    {"@hourly", "0 * * * *"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"}, {"@monthly", "0 0 1 * *"},  {"@quarterly", "0 0 1 */3 *"},
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
};

bool has(uint64_t mask, int v) { return (mask >> v) & 1; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string field_error(const CronField& f, const std::string& what) {
  return "schedule: cron field " + std::to_string(f.number) + " (" + f.name + "): " + what;
}

// A number or (month, day-of-week) a name.
Result<int> parse_value(const CronField& f, std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) {
    if (v < f.lo || v > f.hi)
      return invalid_argument(field_error(f, std::string(s) + " is out of range " +
                                                 std::to_string(f.lo) + "-" +
                                                 std::to_string(f.hi)));
    return v;
  }
  if (f.names != nullptr && s.size() == 3) {
    std::string up(s);
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (int i = 0; i < f.names_count; ++i)
      if (f.names[i] == up) return f.names_base + i;
  }
  return invalid_argument(
      field_error(f, "'" + std::string(s) + "' is not a number" + f.names_hint));
}

// One field: a comma-separated list of `*`, `v`, `a-b`, each optionally `/step`.
Result<uint64_t> parse_field(const CronField& f, std::string_view text) {
  uint64_t mask = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    start = comma + 1;
    if (item.empty())
      return invalid_argument(field_error(f, "empty list item in '" + std::string(text) + "'"));
    std::string_view base = item, step_text;
    bool has_step = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      base = item.substr(0, slash);
      step_text = item.substr(slash + 1);
      has_step = true;
    }
    int lo = f.lo, hi = f.hi;
    if (base == "*") {
      if (f.number == 5) hi = 6;  // 7 is Sunday again
    } else if (size_t dash = base.find('-'); dash != std::string_view::npos && dash > 0) {
      EDDY_ASSIGN_OR_RETURN(lo, parse_value(f, base.substr(0, dash)));
      EDDY_ASSIGN_OR_RETURN(hi, parse_value(f, base.substr(dash + 1)));
      if (lo > hi)
        return invalid_argument(
            field_error(f, "range '" + std::string(base) + "' starts after it ends"));
    } else {
      EDDY_ASSIGN_OR_RETURN(lo, parse_value(f, base));
      hi = has_step ? f.hi : lo;  // "5/15" is 5-max/15, as Vixie cron reads it
    }
    int step = 1;
    if (has_step) {
      auto [p, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      int max_step = f.hi - f.lo + 1;
      if (step_text.empty() || ec != std::errc() || p != step_text.data() + step_text.size() ||
          step < 1 || step > max_step)
        return invalid_argument(
            field_error(f, "step '" + std::string(step_text) + "' in '" + std::string(item) +
                               "' must be a number from 1 to " + std::to_string(max_step)));
    }
    for (int v = lo; v <= hi; v += step) mask |= uint64_t{1} << v;
  }
  return mask;
}

absl::CivilMinute to_civil_minute(const absl::TimeZone& tz, Micros t) {
  return absl::CivilMinute(tz.At(absl::FromUnixMicros(t)).cs);
}

}  // namespace

Result<Schedule::Cron> Schedule::parse_cron(std::string_view expr) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < expr.size()) {
    while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
    size_t j = i;
    while (j < expr.size() && !std::isspace(static_cast<unsigned char>(expr[j]))) ++j;
    if (j > i) parts.push_back(expr.substr(i, j - i));
    i = j;
  }
  if (parts.size() != 5)
    return invalid_argument("schedule: cron expression '" + std::string(expr) + "' has " +
                            std::to_string(parts.size()) +
                            " fields; expected 5 (minute hour day-of-month month day-of-week)");
  Cron c;
  uint64_t* masks[] = {&c.minute, &c.hour, &c.dom, &c.month, &c.dow};
  for (int f = 0; f < 5; ++f) {
    EDDY_ASSIGN_OR_RETURN(*masks[f], parse_field(kFields[f], parts[f]));
  }
  if (has(c.dow, 7)) c.dow = (c.dow | 1) & 0x7F;
  // croniter's rule: a field that covers every value ("*", "*/1", "0-6", "1-31") is unrestricted.
  c.dom_restricted = c.dom != (((uint64_t{1} << 32) - 1) & ~uint64_t{1});
  c.dow_restricted = c.dow != 0x7F;
  if (c.dom_restricted && !c.dow_restricted) {
    bool possible = false;
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= kMaxDaysInMonth[m] && has(c.month, m); ++d) possible |= has(c.dom, d);
    if (!possible)
      return invalid_argument("schedule: cron expression '" + std::string(expr) +
                              "' never fires: no month it selects has the days of the month "
                              "it selects");
  }
  return c;
}

Result<Schedule> Schedule::parse(std::string_view text, std::string_view timezone) {
  Schedule s;
  std::string_view t = trim(text);
  std::string zone(trim(timezone));
  if (!zone.empty() && !absl::LoadTimeZone(zone, &s.tz_))
    return invalid_argument("schedule: unknown time zone '" + zone +
                            "' (expected an IANA name such as UTC or Europe/Amsterdam)");
  std::string low = lower(t);
  if (low.empty() || low == "none") {
    s.kind_ = Kind::kNone;
    s.text_ = "none";
    return s;
  }
  if (low == "@once") {
    s.kind_ = Kind::kOnce;
    s.text_ = low;
    return s;
  }
  std::string_view cron_text = t;
  if (low[0] == '@') {
    const Preset* preset = nullptr;
    for (const Preset& p : kPresets)
      if (p.name == low) preset = &p;
    if (preset == nullptr)
      return invalid_argument("schedule: unknown preset '" + std::string(t) +
                              "' (use @once @hourly @daily @weekly @monthly @quarterly @yearly)");
    cron_text = preset->cron;
    t = preset->name;
  } else if (t.find_first_of(" \t") == std::string_view::npos) {
    if (!std::isdigit(static_cast<unsigned char>(t[0])) && t[0] != '.')
      return invalid_argument("schedule: '" + std::string(t) +
                              "' is not a duration (\"1d\", \"6h\", \"300s\"), a preset "
                              "(@daily, ...), \"none\" or a 5-field cron expression");
    auto d = parse_duration(t);
    if (!d.is_ok()) return invalid_argument("schedule: " + d.status().message());
    if (*d <= 0) return invalid_argument("schedule: interval '" + std::string(t) + "' must be > 0");
    s.kind_ = Kind::kInterval;
    s.interval_ = *d;
    s.text_ = std::string(t);
    return s;
  }
  EDDY_ASSIGN_OR_RETURN(s.cron_, parse_cron(cron_text));
  s.kind_ = Kind::kCron;
  s.text_ = std::string(t);
  return s;
}

bool Schedule::day_matches(const absl::CivilDay& d) const {
  bool dom_ok = has(cron_.dom, d.day());
  int wd = (static_cast<int>(absl::GetWeekday(d)) + 1) % 7;  // absl: Monday = 0
  bool dow_ok = has(cron_.dow, wd);
  if (cron_.dom_restricted && cron_.dow_restricted) return dom_ok || dow_ok;
  return dom_ok && dow_ok;
}

std::optional<absl::CivilMinute> Schedule::next_match(absl::CivilMinute c,
                                                      absl::CivilMinute limit) const {
  while (c <= limit) {
    if (!has(cron_.month, c.month())) {
      c = absl::CivilMinute(absl::CivilMonth(c) + 1);
    } else if (!day_matches(absl::CivilDay(c))) {
      c = absl::CivilMinute(absl::CivilDay(c) + 1);
    } else if (!has(cron_.hour, c.hour())) {
      c = absl::CivilMinute(absl::CivilHour(c) + 1);
    } else if (!has(cron_.minute, c.minute())) {
      c += 1;
    } else {
      return c;
    }
  }
  return std::nullopt;
}

std::optional<absl::CivilMinute> Schedule::prev_match(absl::CivilMinute c,
                                                      absl::CivilMinute limit) const {
  while (c >= limit) {
    if (!has(cron_.month, c.month())) {
      c = absl::CivilMinute(absl::CivilMonth(c)) - 1;
    } else if (!day_matches(absl::CivilDay(c))) {
      c = absl::CivilMinute(absl::CivilDay(c)) - 1;
    } else if (!has(cron_.hour, c.hour())) {
      c = absl::CivilMinute(absl::CivilHour(c)) - 1;
    } else if (!has(cron_.minute, c.minute())) {
      c -= 1;
    } else {
      return c;
    }
  }
  return std::nullopt;
}

std::optional<Micros> Schedule::fire_instant(const absl::CivilMinute& c) const {
  absl::TimeZone::TimeInfo info = tz_.At(absl::CivilSecond(c));
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED) return std::nullopt;
  return absl::ToUnixMicros(info.pre);  // REPEATED: pre is the earlier instant
}

// Civil minutes map to instants monotonically (gaps skipped, repeats at their first instant),
// so the first matching minute at or after t's local minute whose instant is > t is the answer.
std::optional<Micros> Schedule::cron_next(Micros t) const {
  absl::CivilMinute c = to_civil_minute(tz_, t);
  absl::CivilMinute limit(absl::CivilYear(c) + kCronSearchYears);
  while (auto m = next_match(c, limit)) {
    if (auto f = fire_instant(*m); f && *f > t) return f;
    c = *m + 1;
  }
  return std::nullopt;
}

std::optional<Micros> Schedule::cron_prev(Micros t) const {
  absl::CivilSecond cs = tz_.At(absl::FromUnixMicros(t)).cs;
  absl::CivilMinute c(cs);
  // In the second pass of a repeated (fall-back) hour, the later local minutes of that hour
  // fired at their first pass, before t: start from the end of the repeated span.
  absl::TimeZone::TimeInfo info = tz_.At(cs);
  if (info.kind == absl::TimeZone::TimeInfo::REPEATED)
    c = absl::CivilMinute(tz_.At(info.trans - absl::Nanoseconds(1)).cs);
  absl::CivilMinute limit(absl::CivilYear(c) - kCronSearchYears);
  while (auto m = prev_match(c, limit)) {
    if (auto f = fire_instant(*m); f && *f < t) return f;
    c = *m - 1;
  }
  return std::nullopt;
}

std::optional<Micros> Schedule::first_date(Micros start_date) const {
  switch (kind_) {
    case Kind::kNone:
      return std::nullopt;
    case Kind::kOnce:
    case Kind::kInterval:
      return start_date;
    case Kind::kCron:
      return cron_next(start_date - 1);
  }
  return std::nullopt;
}

std::optional<Micros> Schedule::next_date(Micros d) const {
  switch (kind_) {
    case Kind::kNone:
    case Kind::kOnce:
      return std::nullopt;
    case Kind::kInterval:
      if (d > std::numeric_limits<Micros>::max() - interval_) return std::nullopt;
      return d + interval_;
    case Kind::kCron:
      return cron_next(d);
  }
  return std::nullopt;
}

std::optional<Micros> Schedule::prev_date(Micros d) const {
  switch (kind_) {
    case Kind::kNone:
    case Kind::kOnce:
      return std::nullopt;
    case Kind::kInterval:
      if (d < std::numeric_limits<Micros>::min() + interval_) return std::nullopt;
      return d - interval_;
    case Kind::kCron:
      return cron_prev(d);
  }
  return std::nullopt;
}

Micros Schedule::interval_end(Micros d) const {
  if (kind_ == Kind::kInterval || kind_ == Kind::kCron) return next_date(d).value_or(d);
  return d;
}

Result<std::vector<Micros>> Schedule::dates_between(Micros from, Micros to, size_t limit) const {
  std::vector<Micros> out;
  if (from > to) return out;
  auto too_many = [&] {
    return invalid_argument("schedule '" + text_ + "': more than " + std::to_string(limit) +
                            " runs from " + format_rfc3339(from) + " to " + format_rfc3339(to));
  };
  switch (kind_) {
    case Kind::kNone:
    case Kind::kOnce:
      if (limit < 1) return too_many();
      out.push_back(from);
      return out;
    case Kind::kInterval: {
      uint64_t span = static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
      uint64_t n = span / static_cast<uint64_t>(interval_) + 1;
      if (n > limit) return too_many();
      out.reserve(n);
      for (uint64_t i = 0; i < n; ++i) out.push_back(from + static_cast<Micros>(i) * interval_);
      return out;
    }
    case Kind::kCron:
      for (auto t = first_date(from); t && *t <= to; t = cron_next(*t)) {
        if (out.size() == limit) return too_many();
        out.push_back(*t);
      }
      return out;
  }
  return out;
}

}  // namespace eddy::workflow
