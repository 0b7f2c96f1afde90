#include "aws/sigv4_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/percent_encoding.h"

namespace eddy::aws {

std::string hex_encode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(md), sizeof(md)));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string amz_date(Micros t) {
  const std::time_t secs = static_cast<std::time_t>(t / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses runs of spaces, as SigV4's canonical header values require.
std::string canonical_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Sorted (name, value) pairs with lowercase names; repeated names joined by ','.
std::vector<std::pair<std::string, std::string>> canonical_headers(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& [k, v] : headers) h.emplace_back(lower(k), canonical_value(v));
  std::stable_sort(h.begin(), h.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& kv : h) {
    if (!out.empty() && out.back().first == kv.first) {
      out.back().second += "," + kv.second;
    } else {
      out.push_back(std::move(kv));
    }
  }
  return out;
}

std::string signed_headers(const std::vector<std::pair<std::string, std::string>>& canon) {
  std::string out;
  for (const auto& kv : canon) {
    if (!out.empty()) out.push_back(';');
    out += kv.first;
  }
  return out;
}

}  // namespace

std::string SigV4Signer::canonical_query(
    const std::vector<std::pair<std::string, std::string>>& q) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(q.size());
  for (const auto& [k, v] : q) enc.emplace_back(percent_encode(k), percent_encode(v));
  std::sort(enc.begin(), enc.end());  // by encoded name, then value
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string SigV4Signer::canonical_request(const SigningRequest& req) {
  const auto canon = canonical_headers(req.headers);
  std::string out = req.method + "\n" + (req.path.empty() ? "/" : req.path) + "\n" +
                    canonical_query(req.query) + "\n";
  for (const auto& [k, v] : canon) out += k + ":" + v + "\n";
  out += "\n" + signed_headers(canon) + "\n" + req.payload_sha256;
  return out;
}

std::string SigV4Signer::scope(const std::string& date) const {
  return date.substr(0, 8) + "/" + region_ + "/" + service_ + "/aws4_request";
}

std::string SigV4Signer::string_to_sign(const SigningRequest& req, const std::string& date) const {
  return "AWS4-HMAC-SHA256\n" + date + "\n" + scope(date) + "\n" +
         sha256_hex(canonical_request(req));
}

std::string SigV4Signer::signature(const SigningRequest& req, const std::string& date,
                                   const SigningCredentials& creds) const {
  std::string key = hmac_sha256("AWS4" + creds.secret_access_key, date.substr(0, 8));
  key = hmac_sha256(key, region_);
  key = hmac_sha256(key, service_);
  key = hmac_sha256(key, "aws4_request");
  return hex_encode(hmac_sha256(key, string_to_sign(req, date)));
}

std::string SigV4Signer::authorization(const SigningRequest& req, const std::string& date,
                                       const SigningCredentials& creds) const {
  return "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + scope(date) +
         ",SignedHeaders=" + signed_headers(canonical_headers(req.headers)) +
         ",Signature=" + signature(req, date, creds);
}

}  // namespace eddy::aws
