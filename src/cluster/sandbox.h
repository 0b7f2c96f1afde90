// Confinement of a task's child process to the file-system roots and S3 buckets that the server
// allows (`eddy serve --allow-path/--allow-bucket`, docs/security.md).
//
// Paths are enforced by the kernel, with Landlock (Linux >= 5.13, unprivileged): the worker
// builds a ruleset before fork and the child restricts itself with it right before exec, so
// every file the job opens — inputs, outputs, spill runs, stream sinks — is checked, whatever
// code path opens it. The child may read and write under the allowed roots and its own task
// directory, read and execute the system's libraries and the eddy binary, and read the few
// files that name resolution and TLS need; nothing else. Buckets are enforced in the child's
// storage layer (objstore::confine_to_buckets, from EDDY_ALLOW_BUCKETS), because S3 access is
// network traffic that Landlock does not see.
//
// Why Landlock and not a path check in the control plane: a manifest names files in many
// places (read, write, sinks, SQL tables, `--set` parameters); a check that parses them would
// be one more parser to keep in step, and one missed field is an escape. A kernel rule has no
// such gap. Where Landlock is missing, confinement is refused, never silently dropped.
//
// Thread-safety: functions are thread-safe; a LandlockRuleset is used by one thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace eddy::cluster {

// What a task may touch: the task JSON's "confine" object (docs/worker-protocol.md).
struct Confinement {
  std::vector<std::string> paths;    // absolute directories or files, read-write
  std::vector<std::string> buckets;  // S3 bucket names; empty = no S3 access at all

  // Early, lexical check of one URI a request names (a batch's file, a view's path), for a
  // clear 403 at submission; the sandbox is what enforces. OK for builtin: jobs, relative
  // paths (they resolve inside the task's directory) and paths under an allowed root
  // (component-wise, after normalising "." and ".."); s3:// and s3a:// need an allowed bucket.
  Status allows(const std::string& uri) const;

  nlohmann::json to_json() const;
  // Errors name the field ("confine.paths[1]: must be an absolute path").
  static Result<Confinement> from_json(const nlohmann::json& j);
};

// S3's rule for bucket names: 3 to 63 characters, lowercase letters, digits, '-' and '.'.
bool is_bucket_name(const std::string& b);

// The Landlock ABI version this kernel offers; 0 when it has none (or it is disabled).
int landlock_abi();

// A Landlock ruleset, built in the parent; spawn_process() applies it in the child.
class LandlockRuleset {
 public:
  // read_write: full access below each path; read_exec: read and execute below each path.
  // Paths that do not exist are skipped if optional, an error otherwise.
  struct Rule {
    std::string path;
    bool writable = false;
    bool optional = false;
  };
  static Result<LandlockRuleset> build(const std::vector<Rule>& rules);

  LandlockRuleset(LandlockRuleset&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  LandlockRuleset& operator=(LandlockRuleset&& o) noexcept;
  ~LandlockRuleset();
  int fd() const { return fd_; }

 private:
  explicit LandlockRuleset(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The rules for a confined task: its directory and the allowed paths read-write; the eddy
// binary, system libraries and the files DNS, TLS and AWS configuration need, read-only.
std::vector<LandlockRuleset::Rule> task_rules(const Confinement& c, const std::string& task_dir,
                                              const std::string& eddy_binary);

// In the forked child, before exec (async-signal-safe): no_new_privs + landlock_restrict_self.
// Returns false with errno set on failure.
bool apply_landlock_in_child(int ruleset_fd);

}  // namespace eddy::cluster
