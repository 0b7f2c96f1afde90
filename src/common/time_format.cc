#include "common/time_format.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace eddy {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr Micros kSecond = 1000000;

bool parse_int(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

int64_t epoch_days(int64_t y, int m, int d) {
  return sys_days(year_month_day(year(static_cast<int>(y)), month(m), day(d)))
      .time_since_epoch()
      .count();
}

bool valid_date(int64_t y, int m, int d) {
  return y >= 1 && y <= 9999 &&
         year_month_day(year(static_cast<int>(y)), month(m), day(d)).ok();
}

int month_from_abbrev(std::string_view s) {
  static constexpr std::string_view kNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (s == kNames[i]) return i + 1;
  return 0;
}

// "hh:mm:ss" -> seconds of day.
bool parse_hms(std::string_view s, int64_t* out) {
  int64_t h, m, sec;
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  if (!parse_int(s.substr(0, 2), &h) || !parse_int(s.substr(3, 2), &m) ||
      !parse_int(s.substr(6, 2), &sec))
    return false;
  if (h > 23 || m > 59 || sec > 60) return false;
  *out = h * 3600 + m * 60 + sec;
  return true;
}

}  // namespace

Result<Micros> parse_duration(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  size_t n = 0;
  while (n < t.size() && (std::isdigit(static_cast<unsigned char>(t[n])) || t[n] == '.')) ++n;
  std::string_view num = t.substr(0, n), unit = t.substr(n);
  double value = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
  if (num.empty() || ec != std::errc() || p != num.data() + num.size())
    return invalid_argument("'" + std::string(text) +
                            "' is not a duration (expected e.g. 10s, 500ms, 30m, 1h, 2d)");
  double scale;
  if (unit.empty() || unit == "s") scale = 1e6;
  else if (unit == "ms") scale = 1e3;
  else if (unit == "us") scale = 1;
  else if (unit == "m" || unit == "min") scale = 60e6;
  else if (unit == "h") scale = 3600e6;
  else if (unit == "d") scale = 86400e6;
  else
    return invalid_argument("'" + std::string(text) + "': unknown duration unit '" +
                            std::string(unit) + "' (use ms, s, m, h or d)");
  double us = value * scale;
  if (us > 9.2e18) return invalid_argument("'" + std::string(text) + "': duration too large");
  return static_cast<Micros>(us + 0.5);
}

std::string format_duration(Micros d) {
  struct Unit { Micros us; const char* name; };
  static constexpr Unit kUnits[] = {{86400 * kSecond, "d"}, {3600 * kSecond, "h"},
                                    {60 * kSecond, "m"},    {kSecond, "s"},
                                    {1000, "ms"},           {1, "us"}};
  if (d == 0) return "0s";
  for (const Unit& u : kUnits)
    if (d % u.us == 0) return std::to_string(d / u.us) + u.name;
  return std::to_string(d) + "us";
}

bool parse_twitter_time(std::string_view s, Micros* out) {
  // "Wed Oct 10 20:19:24 +0000 2018"
  if (s.size() != 30 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ' ||
      s[25] != ' ')
    return false;
  int mon = month_from_abbrev(s.substr(4, 3));
  int64_t d, secs, y, zone;
  if (!mon || !parse_int(s.substr(8, 2), &d) || !parse_hms(s.substr(11, 8), &secs) ||
      !parse_int(s.substr(26, 4), &y) || (s[20] != '+' && s[20] != '-') ||
      !parse_int(s.substr(21, 4), &zone))
    return false;
  if (!valid_date(y, mon, static_cast<int>(d))) return false;
  int64_t zone_secs = (zone / 100) * 3600 + (zone % 100) * 60;
  if (s[20] == '-') zone_secs = -zone_secs;
  *out = (epoch_days(y, mon, static_cast<int>(d)) * 86400 + secs - zone_secs) * kSecond;
  return true;
}

bool parse_rfc3339(std::string_view s, Micros* out) {
  // YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
    return false;
  int64_t y, mon, d, secs;
  if (!parse_int(s.substr(0, 4), &y) || !parse_int(s.substr(5, 2), &mon) ||
      !parse_int(s.substr(8, 2), &d) || mon < 1 || mon > 12 || d < 1 || d > 31 ||
      !parse_hms(s.substr(11, 8), &secs))
    return false;
  if (!valid_date(y, static_cast<int>(mon), static_cast<int>(d))) return false;
  size_t i = 19;
  Micros frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    Micros scale = 100000;
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      frac += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  int64_t zone_secs = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    if (i + 1 != s.size()) return false;
  } else if (s[i] == '+' || s[i] == '-') {
    int64_t zh, zm;
    if (s.size() != i + 6 || s[i + 3] != ':' || !parse_int(s.substr(i + 1, 2), &zh) ||
        !parse_int(s.substr(i + 4, 2), &zm))
      return false;
    zone_secs = zh * 3600 + zm * 60;
    if (s[i] == '-') zone_secs = -zone_secs;
  } else {
    return false;
  }
  *out = (epoch_days(y, static_cast<int>(mon), static_cast<int>(d)) * 86400 + secs - zone_secs) *
             kSecond + frac;
  return true;
}

Result<Micros> parse_instant(std::string_view text) {
  Micros t;
  if (parse_rfc3339(text, &t) || parse_twitter_time(text, &t)) return t;
  int64_t ms;
  if (parse_int(text, &ms) && ms > -9200000000000000LL / 1000 && ms < 9200000000000000LL / 1000)
    return ms * 1000;
  return invalid_argument("'" + std::string(text) +
                          "' is not a time (expected RFC 3339 like 2026-01-01T00:00:00Z, "
                          "Twitter's 'Wed Oct 10 20:19:24 +0000 2018', or epoch milliseconds)");
}

std::string format_rfc3339(Micros t) {
  int64_t secs = t >= 0 ? t / kSecond : -((-t + kSecond - 1) / kSecond);
  Micros sub = t - secs * kSecond;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t sod = secs - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                        static_cast<unsigned>(ymd.day()), static_cast<int>(sod / 3600),
                        static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  std::string out(buf, n);
  if (sub != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(sub / 1000));
    out += buf;
  }
  return out + "Z";
}

std::string format_twitter_time(Micros t) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = t >= 0 ? t / kSecond : -((-t + kSecond - 1) / kSecond);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t sod = secs - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%s %s %02u %02d:%02d:%02d +0000 %04d",
                        kDays[((days % 7) + 7) % 7],
                        kMonths[static_cast<unsigned>(ymd.month()) - 1],
                        static_cast<unsigned>(ymd.day()), static_cast<int>(sod / 3600),
                        static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60),
                        static_cast<int>(ymd.year()));
  return std::string(buf, n);
}

}  // namespace eddy
