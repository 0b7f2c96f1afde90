// Byte sizes as users write them in manifests and flags: "512MiB", "1GiB", "300MB", "4096".
// Binary units K/KiB/M/MiB/G/GiB/T/TiB (k/m/g/t too), decimal KB/MB/GB/TB, plain bytes or "B".
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace eddy {

Result<uint64_t> parse_byte_size(const std::string& text);
// The largest binary unit that keeps one decimal: 1536 → "1.5KiB", 3221225472 → "3.0GiB".
std::string format_byte_size(uint64_t bytes);

}  // namespace eddy
