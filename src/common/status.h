// Status and Result<T>: how expected failures travel in Eddy.
//
// Expected failures (bad spec, bad input, I/O, remote errors) are values, never exceptions:
// a function that can fail returns Status or Result<T>. The message is written for the user
// who must act on it, and names what failed ("spec.window.slide: must divide size (1800s),
// got 7s"). Exceptions thrown by libraries are caught at the boundary that called them and
// turned into a Status there. Programmer errors are EDDY_CHECK, which stays on in release.
//
// Thread-safety: values; safe to copy and move between threads.
#pragma once

#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

namespace eddy {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the user's spec, flag or request is wrong
  kNotFound,            // a named file, object or resource does not exist
  kAlreadyExists,
  kFailedPrecondition,  // the system is not in a state where this can run
  kDataLoss,            // input that cannot be read as promised (corrupt gzip, ...)
  kIoError,             // the OS or a remote store failed
  kUnavailable,         // a remote peer cannot be reached now; retrying may help
  kDeadlineExceeded,
  kPermissionDenied,
  kUnimplemented,
  kInternal,            // a bug: should not happen
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: spec.window.slide: ..." — for logs and the CLI.
  std::string to_string() const;
  // Returns a copy whose message is prefixed with `context: `.
  Status with_context(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status data_loss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status failed_precondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status permission_denied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status internal_error(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Result<T>: a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).is_ok()) v_ = Status(StatusCode::kInternal, "Result from ok Status");
  }
  bool is_ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return is_ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  // The value, or `fallback` on error (for callers to whom a failure means "nothing").
  T value_or(T fallback) const& { return is_ok() ? value() : std::move(fallback); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

namespace detail {
// Streams a failure message and aborts when destroyed: the body of EDDY_CHECK.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* cond) {
    os_ << file << ":" << line << ": check failed: " << cond << ": ";
  }
  [[noreturn]] ~CheckFailure() {
    std::cerr << os_.str() << std::endl;
    std::abort();
  }
  template <typename V>
  CheckFailure& operator<<(const V& v) {
    os_ << v;
    return *this;
  }

 private:
  std::ostringstream os_;
};
}  // namespace detail

}  // namespace eddy

// Programmer errors: on in release builds. Usage: EDDY_CHECK(n > 0) << "n=" << n;
#define EDDY_CHECK(cond) \
  if (cond) {            \
  } else                 \
    ::eddy::detail::CheckFailure(__FILE__, __LINE__, #cond)

#define EDDY_CONCAT_INNER(a, b) a##b
#define EDDY_CONCAT(a, b) EDDY_CONCAT_INNER(a, b)

#define EDDY_RETURN_IF_ERROR(expr)                \
  do {                                            \
    ::eddy::Status eddy_status_ = (expr);         \
    if (!eddy_status_.is_ok()) return eddy_status_; \
  } while (0)

#define EDDY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.is_ok()) return tmp.status();           \
  lhs = std::move(tmp).value()

// EDDY_ASSIGN_OR_RETURN(auto x, make_x());
#define EDDY_ASSIGN_OR_RETURN(lhs, expr) \
  EDDY_ASSIGN_OR_RETURN_IMPL(EDDY_CONCAT(eddy_result_, __LINE__), lhs, expr)
