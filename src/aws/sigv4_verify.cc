// verify_sigv4 (sigv4_verify.h).
#include "aws/sigv4_verify.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "aws/sigv4_signer.h"
#include "common/constant_time.h"

namespace eddy::aws {
namespace {

constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";
constexpr Micros kMaxSkew = 15LL * 60 * 1'000'000;

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t b = 0;
  for (;;) {
    size_t e = s.find(sep, b);
    out.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) return out;
    b = e + 1;
  }
}

std::string header(const SigV4Request& req, const std::string& name) {
  for (const auto& [k, v] : req.headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

// "20260101T000000Z" → microseconds since the epoch; -1 when malformed.
Micros parse_amz_date(const std::string& d) {
  if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return -1;
  for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14})
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return -1;
  struct tm t {};
  t.tm_year = std::atoi(d.substr(0, 4).c_str()) - 1900;
  t.tm_mon = std::atoi(d.substr(4, 2).c_str()) - 1;
  t.tm_mday = std::atoi(d.substr(6, 2).c_str());
  t.tm_hour = std::atoi(d.substr(9, 2).c_str());
  t.tm_min = std::atoi(d.substr(11, 2).c_str());
  t.tm_sec = std::atoi(d.substr(13, 2).c_str());
  return static_cast<Micros>(timegm(&t)) * 1'000'000;
}

}  // namespace

bool is_sigv4_authorization(const std::string& authorization) {
  const std::string prefix = std::string(kAlgorithm) + " ";
  return authorization.size() > prefix.size() &&
         authorization.compare(0, prefix.size(), prefix) == 0;
}

Status verify_sigv4(const SigV4Request& req, const std::string& authorization,
                    const std::string& secret, Micros now) {
  if (!is_sigv4_authorization(authorization))
    return invalid_argument("Authorization: not AWS4-HMAC-SHA256");
  std::string credential, signed_headers, signature;
  for (const std::string& part : split(authorization.substr(std::string(kAlgorithm).size() + 1), ',')) {
    const std::string p = trim(part);
    const size_t eq = p.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = p.substr(0, eq), value = p.substr(eq + 1);
    if (key == "Credential") credential = value;
    if (key == "SignedHeaders") signed_headers = value;
    if (key == "Signature") signature = value;
  }
  if (credential.empty() || signed_headers.empty() || signature.empty())
    return invalid_argument("Authorization: expected Credential=, SignedHeaders= and Signature=");
  const std::vector<std::string> scope = split(credential, '/');
  if (scope.size() != 5 || scope[4] != "aws4_request")
    return invalid_argument("Authorization: Credential must be KEY/DATE/REGION/SERVICE/aws4_request");
  const std::string amz_date = header(req, "x-amz-date");
  const Micros signed_at = parse_amz_date(amz_date);
  if (signed_at < 0) return invalid_argument("X-Amz-Date: expected YYYYMMDDTHHMMSSZ");
  if (amz_date.substr(0, 8) != scope[1])
    return permission_denied("the credential scope's date is not X-Amz-Date's day");
  if (std::llabs(now - signed_at) > kMaxSkew)
    return permission_denied("the request was signed at " + amz_date +
                             ", more than 15 minutes from the server's clock");
  const std::vector<std::string> names = split(signed_headers, ';');
  if (std::find(names.begin(), names.end(), "host") == names.end() ||
      std::find(names.begin(), names.end(), "x-amz-date") == names.end())
    return permission_denied("SignedHeaders must include host and x-amz-date");

  SigningRequest s;
  s.method = req.method;
  s.path = req.path.empty() ? "/" : req.path;
  s.query = req.query;
  for (const auto& n : names) s.headers.emplace_back(n, header(req, n));
  s.payload_sha256 = sha256_hex(req.body);
  const SigV4Signer signer(scope[2], scope[3]);
  const std::string expected = signer.signature(s, amz_date, {scope[0], secret});
  if (!constant_time_equal(expected, signature))
    return permission_denied(
        "the SigV4 signature does not match: sign with the server's token as the secret access "
        "key (any access key id)");
  return Status::ok();
}

}  // namespace eddy::aws
