// SigV4Signer: AWS Signature Version 4 for S3 requests (the Authorization header), and the
// hashing and URI-encoding rules it rests on, kept apart from HTTP so that they are tested
// against AWS's published example vectors.
//
// S3's rules differ from the generic SigV4 ones in two ways that matter here: the path is
// URI-encoded once (not twice), and every request carries x-amz-content-sha256 (the payload's
// hex SHA-256, or "UNSIGNED-PAYLOAD"), which is itself a signed header.
// Thread-safety: pure functions and an immutable signer; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace eddy::aws {

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Raw HMAC-SHA256 (32 bytes).
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hex_encode(std::string_view bytes);
// "20130524T000000Z" for a time in microseconds since the epoch.
std::string amz_date(Micros t);

// The SHA-256 of an empty payload (GET, HEAD, DELETE).
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigningRequest {
  std::string method;  // "GET"
  std::string path;    // already URI-encoded absolute path, e.g. "/bucket/a%20b"
  // Query parameters, not encoded (the signer encodes and sorts them); values may be empty.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers to sign (any case; values are trimmed). Must include host and x-amz-date;
  // for S3 also x-amz-content-sha256.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // hex, or "UNSIGNED-PAYLOAD"
};

struct SigningCredentials {
  std::string access_key_id;
  std::string secret_access_key;
};

class SigV4Signer {
 public:
  SigV4Signer(std::string region, std::string service)
      : region_(std::move(region)), service_(std::move(service)) {}

  // The steps, exposed for tests against AWS's examples.
  static std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& q);
  static std::string canonical_request(const SigningRequest& req);
  std::string string_to_sign(const SigningRequest& req, const std::string& amz_date) const;
  std::string signature(const SigningRequest& req, const std::string& amz_date,
                        const SigningCredentials& creds) const;
  // The value of the Authorization header. `amz_date` must equal the x-amz-date header.
  std::string authorization(const SigningRequest& req, const std::string& amz_date,
                            const SigningCredentials& creds) const;

 private:
  std::string scope(const std::string& amz_date) const;

  const std::string region_;
  const std::string service_;
};

}  // namespace eddy::aws
