// JSON string literals as Python's json.dumps(ensure_ascii=False) writes them: quotes,
// backslashes and control characters escaped (\n \r \t \b \f, others as \u00xx), every other
// byte copied as is. Shared by every writer of JSON text. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace eddy {

// Appends `s` as a JSON string literal, with its quotes, to *out.
void append_json_string(std::string_view s, std::string* out);

}  // namespace eddy
