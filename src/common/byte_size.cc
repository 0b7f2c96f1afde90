#include "common/byte_size.h"

#include <charconv>

namespace eddy {

Result<uint64_t> parse_byte_size(const std::string& text) {
  uint64_t v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  auto [p, ec] = std::from_chars(b, e, v);
  std::string unit(p, e);
  if (ec == std::errc()) {
    uint64_t mult = 0;
    if (unit.empty() || unit == "B")
      mult = 1;
    else if (unit == "K" || unit == "KiB" || unit == "k")
      mult = 1ULL << 10;
    else if (unit == "M" || unit == "MiB" || unit == "m")
      mult = 1ULL << 20;
    else if (unit == "G" || unit == "GiB" || unit == "g")
      mult = 1ULL << 30;
    else if (unit == "T" || unit == "TiB" || unit == "t")
      mult = 1ULL << 40;
    else if (unit == "KB")
      mult = 1000ULL;
    else if (unit == "MB")
      mult = 1000ULL * 1000;
    else if (unit == "GB")
      mult = 1000ULL * 1000 * 1000;
    else if (unit == "TB")
      mult = 1000ULL * 1000 * 1000 * 1000;
    if (mult != 0 && v <= UINT64_MAX / mult) return v * mult;
  }
  return invalid_argument("expected a size such as 512MiB, 1GiB, 300MB or 4096, got '" + text +
                          "'");
}

}  // namespace eddy
