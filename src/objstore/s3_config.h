// S3Config: where and as whom the S3 client talks — endpoint, region, credentials, addressing
// style, part sizes, timeouts and retries — read the way the AWS CLI reads them.
//
// Sources, first found wins: environment variables (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
// AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
// AWS_MAX_ATTEMPTS), then the profile named by AWS_PROFILE (else "default") in
// ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE) and ~/.aws/config (AWS_CONFIG_FILE, where
// the section is "[profile NAME]"; keys region, endpoint_url, max_attempts, and
// "s3 =" sub-keys addressing_style). An endpoint means an S3-compatible server: path-style
// addressing unless addressing_style = virtual. Without credentials requests go unsigned.
// Thread-safety: a plain value; load_s3_config only reads the environment and files.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "objstore/retry_policy.h"

namespace eddy::objstore {

struct S3Endpoint {
  std::string scheme = "https";  // "http" or "https"
  std::string host;              // "127.0.0.1"
  int port = 0;                  // 0: the scheme's default
  // "host" or "host:port" as it goes in the Host header.
  std::string authority() const;
};

Result<S3Endpoint> parse_endpoint_url(const std::string& url);

struct S3Config {
  std::optional<S3Endpoint> endpoint;  // unset: AWS itself, virtual-hosted addressing
  bool path_style = false;
  std::string region = "us-east-1";
  std::string access_key_id;  // empty: anonymous (unsigned) requests
  std::string secret_access_key;
  std::string session_token;
  uint64_t part_size = 8ull << 20;            // multipart part size (S3's minimum is 5 MiB)
  uint64_t multipart_threshold = 8ull << 20;  // objects at least this big go multipart
  Micros connect_timeout = 10'000'000;
  Micros request_timeout = 300'000'000;  // one whole request, body included
  // A transfer slower than 1 KiB/s for this long is a timeout (stalled connections).
  Micros stall_timeout = 30'000'000;
  RetryOptions retry;
};

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
// The process environment.
std::optional<std::string> process_env(const std::string& name);

// Reads the sources above. Errors: a malformed endpoint URL or number (kInvalidArgument).
Result<S3Config> load_s3_config(const GetEnv& env = process_env);

}  // namespace eddy::objstore
