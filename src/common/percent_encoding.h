// Percent-encoding (RFC 3986), the one implementation Eddy uses: URL paths and query values the
// CLI sends, S3 object paths, and the canonical request of AWS SigV4 (which prescribes exactly
// this form: unreserved characters kept, everything else %XX in upper case).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace eddy {

// Unreserved characters (A-Z a-z 0-9 - _ . ~) stay, every other byte becomes %XX (upper-case
// hex); '/' stays too when `keep_slash` (a path of several segments).
std::string percent_encode(std::string_view s, bool keep_slash = false);

// Decodes %XX escapes (either case); a '%' not followed by two hex digits stays as it is.
// `plus_as_space`: '+' is a space, as in form-encoded text (S3's EncodingType=url listings).
std::string percent_decode(std::string_view s, bool plus_as_space = false);

}  // namespace eddy
