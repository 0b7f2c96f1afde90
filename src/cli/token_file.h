// Bearer-token files, as `eddy serve`, `eddy worker` and the resource commands read them
// (--token-file): one word, surrounding whitespace and the final newline ignored.
#pragma once

#include <string>

#include "common/status.h"

namespace eddy::cli {

// kNotFound when the file cannot be read; kInvalidArgument when it is empty or holds more than
// one word. Messages start with "--token-file PATH: ".
Result<std::string> read_token_file(const std::string& path);

}  // namespace eddy::cli
