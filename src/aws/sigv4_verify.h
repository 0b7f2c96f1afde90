// SigV4 verification: whether a request carries a valid AWS Signature Version 4 made with a
// given secret. The server authenticates EMR API requests with it, so that an unmodified boto3
// `emr` client can talk to a token-protected `eddy serve`: the client's secret access key is the
// server's token (any access key id), and the server recomputes AWS Signature Version 4 over the request as the
// client signed it (aws/sigv4_signer.h, tested against AWS's examples) and compares.
//
// Checked: the algorithm, the credential scope (date = x-amz-date's day, terminator
// aws4_request), that host and x-amz-date are signed, a clock skew of at most 15 minutes, and
// the signature itself in constant time. Region and service are taken from the scope, as a
// mock endpoint must accept whatever region the client is configured with.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace eddy::aws {

// True for an Authorization header value that claims SigV4.
bool is_sigv4_authorization(const std::string& authorization);

struct SigV4Request {
  std::string method;
  std::string path;  // as sent (encoded)
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  // The request's headers, names in any case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// OK when `authorization` is a valid SigV4 signature of `req` with `secret`; otherwise
// kPermissionDenied (wrong signature, skew) or kInvalidArgument (malformed header), the
// message saying which.
Status verify_sigv4(const SigV4Request& req, const std::string& authorization,
                    const std::string& secret, Micros now);

}  // namespace eddy::aws
