#include "cluster/worker_client.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

namespace eddy::cluster {
namespace {

constexpr Micros kFirstBackoff = 50'000;

void set_timeout(httplib::Client& c, void (httplib::Client::*setter)(time_t, time_t), Micros d) {
  (c.*setter)(static_cast<time_t>(d / 1'000'000), static_cast<time_t>(d % 1'000'000));
}

// The status for an HTTP answer that is not 2xx: the protocol's codes (worker-protocol.md).
Status status_for_answer(int http, const std::string& body, const std::string& what) {
  std::string message;
  try {
    auto j = nlohmann::json::parse(body);
    if (j.contains("error") && j["error"].is_object()) {
      const auto& e = j["error"];
      message = e.value("code", "") + ": " + e.value("message", "");
    }
  } catch (const nlohmann::json::exception&) {
  }
  if (message.empty()) message = body.substr(0, 200);
  std::string text =
      what + ": HTTP " + std::to_string(http) + (message.empty() ? "" : " " + message);
  if (http == 404) return not_found(text);
  if (http == 409) return failed_precondition(text);
  if (http == 401 || http == 403) return Status(StatusCode::kPermissionDenied, text);
  if (http == 429 || http >= 500) return unavailable(text);
  return invalid_argument(text);
}

// httplib names its errors in one word ("Connection"); say what happened.
std::string describe(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "cannot connect (refused or unreachable)";
    case httplib::Error::ConnectionTimeout:
      return "connect timed out";
    case httplib::Error::Read:
      return "no answer (read failed or timed out)";
    case httplib::Error::Write:
      return "sending the request failed";
    case httplib::Error::Canceled:
      return "cancelled";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
      return "TLS connection failed";
    default:
      return httplib::to_string(e);
  }
}

}  // namespace

Result<std::unique_ptr<WorkerClient>> WorkerClient::create(WorkerClientOptions options,
                                                           Clock* clock) {
  // scheme://host[:port][/prefix] (no std::regex: g++ 12 warns inside it under sanitizers).
  const std::string& url = options.server_url;
  const size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  const size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t path_start = std::min(url.find('/', host_start), url.size());
  if ((scheme != "http" && scheme != "https") || path_start == host_start)
    return invalid_argument("--server: expected http://HOST:PORT or https://HOST:PORT, got '" +
                            url + "'");
  std::string base = url.substr(0, path_start);
  std::string prefix = url.substr(path_start);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return std::unique_ptr<WorkerClient>(
      new WorkerClient(std::move(options), std::move(base), std::move(prefix), clock));
}

WorkerClient::WorkerClient(WorkerClientOptions options, std::string base, std::string prefix,
                           Clock* clock)
    : options_(std::move(options)),
      base_(std::move(base)),
      prefix_(std::move(prefix)),
      clock_(clock),
      last_contact_(clock->now()) {}

WorkerClient::~WorkerClient() = default;

Result<nlohmann::json> WorkerClient::call(const std::string& path, const nlohmann::json& body,
                                          Micros extra_wait) {
  const std::string full_path = prefix_ + "/v1/workers/" + path;
  const std::string what = "server " + base_ + ": POST " + full_path;
  httplib::Client client(base_);
  set_timeout(client, &httplib::Client::set_connection_timeout, options_.connect_timeout);
  set_timeout(client, &httplib::Client::set_read_timeout, options_.request_timeout + extra_wait);
  set_timeout(client, &httplib::Client::set_write_timeout, options_.request_timeout);
  client.set_keep_alive(false);
  if (!options_.token.empty()) client.set_bearer_token_auth(options_.token);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (shut_down_) return unavailable(what + ": the worker is stopping");
    in_flight_.insert(&client);
  }
  httplib::Result res =
      client.Post(full_path, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
  {
    std::lock_guard<std::mutex> l(mu_);
    in_flight_.erase(&client);
    if (res) last_contact_ = clock_->now();
    if (shut_down_) return unavailable(what + ": the worker is stopping");
  }
  if (!res) return unavailable(what + ": " + describe(res.error()));
  if (res->status < 200 || res->status > 299)
    return status_for_answer(res->status, res->body, what);
  if (res->body.empty()) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(res->body);
  } catch (const nlohmann::json::exception& e) {
    return unavailable(what + ": answer is not JSON: " + e.what());
  }
}

Result<nlohmann::json> WorkerClient::call_with_retry(const std::string& path,
                                                     const nlohmann::json& body,
                                                     const KeepTrying& keep_trying,
                                                     Micros extra_wait) {
  Micros backoff = kFirstBackoff;
  for (;;) {
    Result<nlohmann::json> r = call(path, body, extra_wait);
    if (r.is_ok() || r.status().code() != StatusCode::kUnavailable || is_shut_down()) return r;
    if (!keep_trying(r.status()) || !sleep_for(backoff)) return r;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

Result<nlohmann::json> WorkerClient::register_worker(const nlohmann::json& body) {
  return call("register", body);
}
Result<nlohmann::json> WorkerClient::heartbeat(const std::string& worker,
                                               const nlohmann::json& body) {
  return call(worker + "/heartbeat", body);
}
Result<nlohmann::json> WorkerClient::lease(const std::string& worker, const nlohmann::json& body,
                                           Micros wait) {
  return call(worker + "/lease", body, wait);
}
Result<nlohmann::json> WorkerClient::log(const std::string& worker, const nlohmann::json& body) {
  return call(worker + "/log", body);
}
Result<nlohmann::json> WorkerClient::done(const std::string& worker, const nlohmann::json& body) {
  return call(worker + "/done", body);
}

Micros WorkerClient::last_contact() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_contact_;
}

void WorkerClient::shutdown() {
  std::lock_guard<std::mutex> l(mu_);
  shut_down_ = true;
  for (httplib::Client* c : in_flight_) c->stop();
  shutdown_cv_.notify_all();
}

bool WorkerClient::is_shut_down() const {
  std::lock_guard<std::mutex> l(mu_);
  return shut_down_;
}

bool WorkerClient::sleep_for(Micros d) {
  std::unique_lock<std::mutex> l(mu_);
  return !shutdown_cv_.wait_for(l, std::chrono::microseconds(d), [this] { return shut_down_; });
}

}  // namespace eddy::cluster
