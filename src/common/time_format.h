// Parsing and printing of durations and instants as users write them.
//
// Durations: "1800s", "30m", "1h", "500ms", "2d", or a bare number of seconds ("10").
// Instants: RFC 3339 ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.123+02:00"),
// Twitter's created_at ("Wed Oct 10 20:19:24 +0000 2018"), or milliseconds since the epoch.
// All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace eddy {

Result<Micros> parse_duration(std::string_view text);
// "1800s" style, the shortest exact unit: 1800000000 -> "30m", 10000000 -> "10s".
std::string format_duration(Micros d);

// Twitter v1.1 created_at, e.g. "Wed Oct 10 20:19:24 +0000 2018". Returns false if malformed.
bool parse_twitter_time(std::string_view text, Micros* out);
// RFC 3339 / ISO 8601 with a zone ("Z" or +hh:mm) and optional fraction.
bool parse_rfc3339(std::string_view text, Micros* out);
// Any of: RFC 3339, Twitter created_at, integer milliseconds since the epoch.
Result<Micros> parse_instant(std::string_view text);

std::string format_rfc3339(Micros t);        // "2026-01-01T00:00:00Z" (ms shown when non-zero)
std::string format_twitter_time(Micros t);   // "Thu Jan 01 00:00:00 +0000 2026"

}  // namespace eddy
