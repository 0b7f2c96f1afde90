// Constant-time equality of secrets (bearer tokens, signatures): the comparison must not leak
// through its timing how many leading bytes matched. Lengths are not secret (tokens and
// signatures have a fixed length).
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string_view>

namespace eddy {

inline bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace eddy
