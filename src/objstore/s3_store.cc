#include "objstore/s3_store.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>

#include "aws/sigv4_signer.h"
#include "common/log.h"
#include "common/percent_encoding.h"
#include "objstore/s3_xml.h"

namespace eddy::objstore {

Result<S3Location> parse_s3_uri(std::string_view uri) {
  S3Location loc;
  std::string_view rest;
  if (uri.rfind("s3://", 0) == 0) {
    loc.scheme = "s3";
    rest = uri.substr(5);
  } else if (uri.rfind("s3a://", 0) == 0) {
    loc.scheme = "s3a";
    rest = uri.substr(6);
  } else {
    return invalid_argument(std::string(uri) + ": not an s3:// or s3a:// URI");
  }
  const size_t slash = rest.find('/');
  loc.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) loc.key = std::string(rest.substr(slash + 1));
  if (loc.bucket.empty()) return invalid_argument(std::string(uri) + ": no bucket name");
  return loc;
}

// The request engine: addressing, signing, retries and error mapping.
class S3Client {
 public:
  S3Client(S3Config config, std::shared_ptr<HttpTransport> transport, Clock* clock)
      : config(std::move(config)),
        transport_(std::move(transport)),
        clock_(clock),
        retry_(this->config.retry, clock),
        signer_(this->config.region, "s3") {}

  struct Call {
    std::string method;
    std::string bucket;
    std::string key;  // empty: the bucket itself
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view body;
    // CompleteMultipartUpload may answer 200 with an <Error> body.
    bool error_in_ok_body = false;
  };

  // Sends `call`, retrying what is retryable; any non-2xx final answer becomes a Status whose
  // message starts with `what` (the object's URI).
  Result<HttpResponse> execute(const Call& call, const std::string& what);

  const S3Config config;

 private:
  HttpRequest build(const Call& call, const std::string& payload_sha256) const;

  const std::shared_ptr<HttpTransport> transport_;
  Clock* const clock_;
  const RetryPolicy retry_;
  const aws::SigV4Signer signer_;
};

namespace {

const char* reason_phrase(long status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "HTTP error";
  }
}

Status status_for_http(const std::string& what, long status, const S3ErrorBody& err) {
  std::string msg = what + ": " + std::to_string(status) + " " +
                    (err.code.empty() ? reason_phrase(status) : err.code);
  if (!err.message.empty()) {
    msg += ": " + err.message;
  } else if (status == 404) {
    msg += ": no such object (or bucket)";  // HEAD answers carry no error document
  }
  if (status == 404) return not_found(msg);
  if (status == 403 || status == 401) return Status(StatusCode::kPermissionDenied, msg);
  if (status == 400 || status == 416) return invalid_argument(msg);
  if (status == 409 || status == 412) return failed_precondition(msg);
  if (status == 429 || status >= 500) return unavailable(msg);
  return io_error(msg);
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Micros parse_http_date(const std::string& s) {
  if (s.empty()) return 0;
  const time_t t = curl_getdate(s.c_str(), nullptr);
  return t < 0 ? 0 : static_cast<Micros>(t) * 1000000;
}

bool parse_u64(const std::string& s, uint64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

HttpRequest S3Client::build(const Call& call, const std::string& payload_sha256) const {
  std::string scheme = "https";
  std::string host;
  if (config.endpoint) {
    scheme = config.endpoint->scheme;
    host = config.endpoint->authority();
  } else {
    host = "s3." + config.region + ".amazonaws.com";
  }
  // Buckets with dots break TLS wildcard certificates when virtual-hosted.
  const bool path_style = config.path_style || call.bucket.find('.') != std::string::npos;
  std::string path;
  if (path_style) {
    path = "/" + percent_encode(call.bucket);
    if (!call.key.empty()) path += "/" + percent_encode(call.key, true);
  } else {
    host = call.bucket + "." + host;
    path = "/" + percent_encode(call.key, true);
  }
  aws::SigningRequest sr;
  sr.method = call.method;
  sr.path = path;
  sr.query = call.query;
  sr.payload_sha256 = payload_sha256;
  const std::string date = aws::amz_date(clock_->now());
  sr.headers = call.headers;
  sr.headers.emplace_back("host", host);
  sr.headers.emplace_back("x-amz-date", date);
  sr.headers.emplace_back("x-amz-content-sha256", payload_sha256);
  if (!config.session_token.empty()) {
    sr.headers.emplace_back("x-amz-security-token", config.session_token);
  }
  HttpRequest req;
  req.method = call.method;
  req.url = scheme + "://" + host + path;
  const std::string q = aws::SigV4Signer::canonical_query(call.query);
  if (!q.empty()) req.url += "?" + q;
  req.headers = sr.headers;
  if (!config.access_key_id.empty()) {
    req.headers.emplace_back(
        "Authorization",
        signer_.authorization(sr, date, {config.access_key_id, config.secret_access_key}));
  }
  req.body = call.body;
  return req;
}

Result<HttpResponse> S3Client::execute(const Call& call, const std::string& what) {
  const std::string payload_sha256 =
      call.body.empty() ? std::string(aws::kEmptyPayloadSha256) : aws::sha256_hex(call.body);
  Status last;
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> r = transport_->send(build(call, payload_sha256));
    if (!r.is_ok()) {
      last =
          Status(r.status().code(), what + ": " + call.method + " failed: " + r.status().message());
    } else {
      HttpResponse& resp = r.value();
      S3ErrorBody err;
      if (resp.status < 200 || resp.status >= 300 || call.error_in_ok_body) {
        err = parse_s3_error(resp.body);
      }
      if (resp.status >= 200 && resp.status < 300 && err.code.empty()) return r;
      const long status = resp.status >= 200 && resp.status < 300 ? 500 : resp.status;
      last = status_for_http(what, status, err);
      if (!RetryPolicy::is_retryable_http(status, err.code)) return last;
    }
    if (!retry_.should_retry(attempt)) break;
    if (log_level() <= LogLevel::kDebug)
      log_line(LogLevel::kDebug,
               last.message() + " (attempt " + std::to_string(attempt) + ", retrying)");
    retry_.wait(attempt);
  }
  return Status(last.code(), last.message() + " (after " +
                                 std::to_string(config.retry.max_attempts) + " attempts)");
}

namespace {

class S3Reader final : public ObjectReader {
 public:
  S3Reader(std::shared_ptr<S3Client> client, S3Location loc, std::string what, uint64_t begin,
           uint64_t end)
      : client_(std::move(client)),
        loc_(std::move(loc)),
        what_(std::move(what)),
        pos_(begin),
        end_(end),
        size_(end - begin) {}

  Result<size_t> read(char* out, size_t n) override {
    if (buf_pos_ == buf_.size()) {
      if (pos_ >= end_) return size_t{0};
      EDDY_RETURN_IF_ERROR(fill());
    }
    const size_t k = std::min(n, buf_.size() - buf_pos_);
    std::copy_n(buf_.data() + buf_pos_, k, out);
    buf_pos_ += k;
    return k;
  }
  uint64_t size() const override { return size_; }

 private:
  Status fill() {
    const uint64_t want = std::min<uint64_t>(end_ - pos_, client_->config.part_size);
    S3Client::Call call;
    call.method = "GET";
    call.bucket = loc_.bucket;
    call.key = loc_.key;
    call.headers.emplace_back(
        "range", "bytes=" + std::to_string(pos_) + "-" + std::to_string(pos_ + want - 1));
    EDDY_ASSIGN_OR_RETURN(HttpResponse resp, client_->execute(call, what_));
    if (resp.status == 200) {  // the server ignored Range: take our slice of the whole
      if (resp.body.size() < pos_ + want) {
        return io_error(what_ + ": object shrank while being read");
      }
      buf_ = resp.body.substr(pos_, want);
    } else {
      buf_ = std::move(resp.body);
    }
    if (buf_.size() != want) {
      return io_error(what_ + ": expected " + std::to_string(want) + " bytes at offset " +
                      std::to_string(pos_) + ", got " + std::to_string(buf_.size()) +
                      " (object changed while being read?)");
    }
    buf_pos_ = 0;
    pos_ += want;
    return Status::ok();
  }

  const std::shared_ptr<S3Client> client_;
  const S3Location loc_;
  const std::string what_;
  uint64_t pos_;        // next byte to fetch
  const uint64_t end_;  // one past the last byte to read
  const uint64_t size_;
  std::string buf_;  // fetched bytes; buf_[buf_pos_..] not yet returned
  size_t buf_pos_ = 0;
};

class S3Writer final : public ObjectWriter {
 public:
  S3Writer(std::shared_ptr<S3Client> client, S3Location loc, std::string what)
      : client_(std::move(client)), loc_(std::move(loc)), what_(std::move(what)) {}
  ~S3Writer() override {
    if (!done_) abort();
  }

  Status write(std::string_view bytes) override {
    if (done_) return failed_precondition(what_ + ": write after commit or abort");
    if (!failed_.is_ok()) return failed_;
    buf_.append(bytes);
    const uint64_t part = client_->config.part_size;
    if (upload_id_.empty() && buf_.size() < std::max(part, client_->config.multipart_threshold)) {
      return Status::ok();
    }
    while (buf_.size() >= part) {
      Status st = upload_part(std::string_view(buf_).substr(0, part));
      if (!st.is_ok()) return fail(st);
      buf_.erase(0, part);
    }
    return Status::ok();
  }

  Status commit() override {
    if (done_) return failed_precondition(what_ + ": commit after commit or abort");
    if (!failed_.is_ok()) {
      abort();
      return failed_;
    }
    if (upload_id_.empty()) {
      S3Client::Call call;
      call.method = "PUT";
      call.bucket = loc_.bucket;
      call.key = loc_.key;
      call.body = buf_;
      auto r = client_->execute(call, what_);
      done_ = true;
      buf_.clear();
      return r.status();
    }
    if (!buf_.empty() || parts_.empty()) {
      Status st = upload_part(buf_);
      if (!st.is_ok()) {
        failed_ = st;
        abort();
        return st;
      }
    }
    std::string body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < parts_.size(); ++i) {
      body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
              xml_escape(parts_[i]) + "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    S3Client::Call call;
    call.method = "POST";
    call.bucket = loc_.bucket;
    call.key = loc_.key;
    call.query = {{"uploadId", upload_id_}};
    call.headers = {{"content-type", "application/xml"}};
    call.body = body;
    call.error_in_ok_body = true;
    auto r = client_->execute(call, what_);
    if (!r.is_ok()) {
      abort();
      return r.status();
    }
    done_ = true;
    buf_.clear();
    return Status::ok();
  }

  void abort() override {
    if (done_) return;
    done_ = true;
    buf_.clear();
    if (upload_id_.empty()) return;
    S3Client::Call call;
    call.method = "DELETE";
    call.bucket = loc_.bucket;
    call.key = loc_.key;
    call.query = {{"uploadId", upload_id_}};
    auto r = client_->execute(call, what_);
    if (!r.is_ok()) {
      log_line(LogLevel::kWarn, "abandoned multipart upload " + upload_id_ + " of " + what_ +
                                    " could not be aborted: " + r.status().message());
    }
  }

 private:
  Status fail(const Status& st) {
    failed_ = st;
    return st;
  }

  Status start_upload() {
    S3Client::Call call;
    call.method = "POST";
    call.bucket = loc_.bucket;
    call.key = loc_.key;
    call.query = {{"uploads", ""}};
    EDDY_ASSIGN_OR_RETURN(HttpResponse resp, client_->execute(call, what_));
    upload_id_ = xml_text(resp.body, "UploadId");
    if (upload_id_.empty()) {
      return io_error(what_ + ": CreateMultipartUpload answered without an UploadId");
    }
    return Status::ok();
  }

  Status upload_part(std::string_view data) {
    if (upload_id_.empty()) EDDY_RETURN_IF_ERROR(start_upload());
    S3Client::Call call;
    call.method = "PUT";
    call.bucket = loc_.bucket;
    call.key = loc_.key;
    call.query = {{"partNumber", std::to_string(parts_.size() + 1)}, {"uploadId", upload_id_}};
    call.body = data;
    EDDY_ASSIGN_OR_RETURN(HttpResponse resp, client_->execute(call, what_));
    std::string etag = resp.header("etag");
    if (etag.empty()) return io_error(what_ + ": UploadPart answered without an ETag");
    parts_.push_back(std::move(etag));
    return Status::ok();
  }

  const std::shared_ptr<S3Client> client_;
  const S3Location loc_;
  const std::string what_;
  std::string buf_;                 // bytes not yet uploaded
  std::string upload_id_;           // empty until the object goes multipart
  std::vector<std::string> parts_;  // ETag of part i+1
  Status failed_;                   // sticky: the first failed upload
  bool done_ = false;               // committed or aborted
};

}  // namespace

S3Store::S3Store(S3Config config, std::shared_ptr<HttpTransport> transport, Clock* clock) {
  if (!transport) {
    transport = std::make_shared<CurlTransport>(
        HttpTimeouts{config.connect_timeout, config.request_timeout, config.stall_timeout});
  }
  EDDY_CHECK(config.part_size >= 1) << "part_size must be positive";
  client_ = std::make_shared<S3Client>(std::move(config), std::move(transport), clock);
}

S3Store::~S3Store() = default;

const S3Config& S3Store::config() const { return client_->config; }

Result<std::vector<ObjectInfo>> S3Store::list(const std::string& prefix_uri) {
  EDDY_ASSIGN_OR_RETURN(S3Location loc, parse_s3_uri(prefix_uri));
  std::vector<ObjectInfo> out;
  std::string token;
  for (int page = 0;; ++page) {
    S3Client::Call call;
    call.method = "GET";
    call.bucket = loc.bucket;
    call.query = {{"list-type", "2"}, {"prefix", loc.key}, {"encoding-type", "url"}};
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    EDDY_ASSIGN_OR_RETURN(HttpResponse resp, client_->execute(call, prefix_uri));
    auto parsed = parse_list_objects_v2(resp.body);
    if (!parsed.is_ok()) return parsed.status().with_context(prefix_uri);
    for (ListedObject& o : parsed->objects) {
      if (o.key.rfind(loc.key, 0) != 0) continue;  // defensive: servers that ignore prefix
      out.push_back({loc.scheme + "://" + loc.bucket + "/" + o.key, o.size, o.modified});
    }
    if (!parsed->truncated) break;
    if (parsed->next_continuation_token == token) {
      return io_error(prefix_uri + ": ListObjectsV2 repeated its continuation token");
    }
    token = parsed->next_continuation_token;
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.uri < b.uri; });
  return out;
}

Result<ObjectInfo> S3Store::head(const std::string& uri) {
  EDDY_ASSIGN_OR_RETURN(S3Location loc, parse_s3_uri(uri));
  if (loc.key.empty()) return invalid_argument(uri + ": names a bucket, not an object");
  S3Client::Call call;
  call.method = "HEAD";
  call.bucket = loc.bucket;
  call.key = loc.key;
  EDDY_ASSIGN_OR_RETURN(HttpResponse resp, client_->execute(call, uri));
  ObjectInfo info;
  info.uri = uri;
  if (!parse_u64(resp.header("content-length"), &info.size)) {
    return io_error(uri + ": HEAD answered without a Content-Length");
  }
  info.modified = parse_http_date(resp.header("last-modified"));
  return info;
}

Result<std::unique_ptr<ObjectReader>> S3Store::open(const std::string& uri, uint64_t offset,
                                                    uint64_t length) {
  EDDY_ASSIGN_OR_RETURN(ObjectInfo info, head(uri));
  EDDY_ASSIGN_OR_RETURN(S3Location loc, parse_s3_uri(uri));
  if (offset > info.size) {
    return invalid_argument(uri + ": offset " + std::to_string(offset) + " is past the end (" +
                            std::to_string(info.size) + " bytes)");
  }
  const uint64_t end = length >= info.size - offset ? info.size : offset + length;
  return std::unique_ptr<ObjectReader>(
      std::make_unique<S3Reader>(client_, std::move(loc), uri, offset, end));
}

Result<std::unique_ptr<ObjectWriter>> S3Store::create(const std::string& uri) {
  EDDY_ASSIGN_OR_RETURN(S3Location loc, parse_s3_uri(uri));
  if (loc.key.empty() || loc.key.back() == '/') {
    return invalid_argument(uri + ": an object name must not be empty or end in '/'");
  }
  return std::unique_ptr<ObjectWriter>(std::make_unique<S3Writer>(client_, std::move(loc), uri));
}

Status S3Store::remove(const std::string& uri) {
  EDDY_ASSIGN_OR_RETURN(S3Location loc, parse_s3_uri(uri));
  if (loc.key.empty()) return invalid_argument(uri + ": names a bucket, not an object");
  S3Client::Call call;
  call.method = "DELETE";
  call.bucket = loc.bucket;
  call.key = loc.key;
  return client_->execute(call, uri).status();
}

}  // namespace eddy::objstore
