// The one table of exit codes of the eddy command (documented in docs/cli.md).
//
//   0  success
//   1  the job or command failed at run time (I/O, remote error, internal error)
//   2  usage error: unknown command or flag, missing argument (cli/usage_error.h)
//   3  invalid input: a manifest, --set value or input file the user must fix
//   4  not found: a named file, resource or object does not exist
//   5  unavailable: a server or remote store could not be reached
#pragma once

#include "common/status.h"

namespace eddy::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInvalid = 3;
inline constexpr int kExitNotFound = 4;
inline constexpr int kExitUnavailable = 5;

inline int exit_code_for(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kDataLoss:
    case StatusCode::kUnimplemented: return kExitInvalid;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded: return kExitUnavailable;
    default: return kExitFailure;
  }
}

}  // namespace eddy::cli
