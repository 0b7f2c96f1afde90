// Byte sizes as users write them in manifests and flags: "512MiB", "1GiB", "300MB", "4096".
// Binary units K/KiB/M/MiB/G/GiB/T/TiB (k/m/g/t too), decimal KB/MB/GB/TB, plain bytes or "B".
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace eddy {

Result<uint64_t> parse_byte_size(const std::string& text);

}  // namespace eddy
