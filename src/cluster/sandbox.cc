// Landlock rulesets for confined tasks (sandbox.h). The syscalls have no glibc wrappers on
// Debian 12, hence syscall(2); the rights newer than the installed header are defined here
// with their kernel values.
#include "cluster/sandbox.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>

namespace eddy::cluster {
namespace {

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

constexpr uint64_t kReadExec =
    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
// Rights that Landlock accepts on a rule for a file (not a directory).
constexpr uint64_t kFileRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
                                 LANDLOCK_ACCESS_FS_IOCTL_DEV;

// Every file-system right this ABI knows: all of them are handled (denied unless a rule
// grants them), so a right the kernel adds later cannot be an unguarded way out.
uint64_t handled_rights(int abi) {
  uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: bits 0..12
  if (abi >= 2) r |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) r |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return r;
}

}  // namespace

bool is_bucket_name(const std::string& b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) || std::isdigit(u) || c == '-' || c == '.'))
      return false;
  }
  return true;
}

Status Confinement::allows(const std::string& uri) const {
  if (uri.rfind("builtin:", 0) == 0) return Status::ok();
  for (const char* scheme : {"s3://", "s3a://"}) {
    if (uri.rfind(scheme, 0) != 0) continue;
    std::string rest = uri.substr(std::strlen(scheme));
    std::string bucket = rest.substr(0, rest.find('/'));
    for (const auto& b : buckets)
      if (b == bucket) return Status::ok();
    return permission_denied(uri + ": bucket '" + bucket +
                             "' is not among the server's allowed buckets (--allow-bucket)");
  }
  std::string path = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
  if (path.find("://") != std::string::npos)
    return invalid_argument(uri + ": unsupported scheme (expected a path, file://, s3:// or s3a://)");
  if (path.empty() || path[0] != '/') return Status::ok();
  const std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  for (const auto& root : paths) {
    const std::filesystem::path r = std::filesystem::path(root).lexically_normal();
    auto [ri, pi] = std::mismatch(r.begin(), r.end(), p.begin(), p.end());
    // "/data/" normalises to a trailing empty component: it matches like "/data".
    if (ri == r.end() || (std::next(ri) == r.end() && ri->empty())) return Status::ok();
  }
  return permission_denied(uri + ": outside the server's allowed paths (--allow-path)");
}

nlohmann::json Confinement::to_json() const {
  return {{"paths", paths}, {"buckets", buckets}};
}

Result<Confinement> Confinement::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return invalid_argument("confine: expected an object with paths and buckets");
  Confinement c;
  for (const char* field : {"paths", "buckets"}) {
    auto it = j.find(field);
    if (it == j.end()) continue;
    if (!it->is_array()) return invalid_argument(std::string("confine.") + field + ": expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const auto& v = (*it)[i];
      std::string where = std::string("confine.") + field + "[" + std::to_string(i) + "]";
      if (!v.is_string()) return invalid_argument(where + ": expected a string");
      std::string s = v.get<std::string>();
      if (std::string(field) == "paths") {
        if (s.empty() || s[0] != '/') return invalid_argument(where + ": must be an absolute path");
        c.paths.push_back(s);
      } else {
        if (!is_bucket_name(s))
          return invalid_argument(where + ": '" + s + "' is not an S3 bucket name");
        c.buckets.push_back(s);
      }
    }
  }
  return c;
}

int landlock_abi() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

LandlockRuleset& LandlockRuleset::operator=(LandlockRuleset&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

LandlockRuleset::~LandlockRuleset() {
  if (fd_ >= 0) close(fd_);
}

Result<LandlockRuleset> LandlockRuleset::build(const std::vector<Rule>& rules) {
  const int abi = landlock_abi();
  if (abi < 1)
    return failed_precondition(
        "file-system confinement needs Landlock (Linux 5.13 or later, with landlock among the "
        "active LSMs); this kernel does not offer it");
  const uint64_t handled = handled_rights(abi);
  struct landlock_ruleset_attr attr {};
  attr.handled_access_fs = handled;
  int fd = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (fd < 0) return io_error(std::string("landlock_create_ruleset: ") + std::strerror(errno));
  LandlockRuleset ruleset(fd);
  for (const Rule& rule : rules) {
    int path_fd = open(rule.path.c_str(), O_PATH | O_CLOEXEC);
    if (path_fd < 0) {
      if (rule.optional && (errno == ENOENT || errno == ENOTDIR)) continue;
      return io_error(rule.path + ": cannot open for the sandbox: " + std::strerror(errno));
    }
    struct stat st {};
    fstat(path_fd, &st);
    uint64_t rights = rule.writable ? handled : kReadExec;
    if (!S_ISDIR(st.st_mode)) rights &= kFileRights;
    struct landlock_path_beneath_attr beneath {};
    beneath.allowed_access = rights & handled;
    beneath.parent_fd = path_fd;
    long rc = syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0);
    int err = errno;
    close(path_fd);
    if (rc < 0) return io_error(rule.path + ": landlock_add_rule: " + std::strerror(err));
  }
  return ruleset;
}

std::vector<LandlockRuleset::Rule> task_rules(const Confinement& c, const std::string& task_dir,
                                              const std::string& eddy_binary) {
  std::vector<LandlockRuleset::Rule> rules;
  rules.push_back({task_dir, true, false});
  for (const auto& p : c.paths) rules.push_back({p, true, false});
  rules.push_back({eddy_binary, false, false});
  // The dynamic loader and shared libraries; DNS, TLS roots and time zones; CPU count
  // (/sys) and the process's own /proc entries.
  for (const char* p : {"/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/ssl",
                        "/etc/ca-certificates", "/etc/pki", "/etc/resolv.conf", "/etc/hosts",
                        "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf", "/etc/services",
                        "/etc/protocols", "/etc/localtime", "/proc", "/sys/devices/system/cpu",
                        "/sys/fs/cgroup"})
    rules.push_back({p, false, true});
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"})
    rules.push_back({dev, true, true});
  // S3 credentials and configuration (objstore/s3_config.h reads them).
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    rules.push_back({std::string(home) + "/.aws", false, true});
  for (const char* var : {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') rules.push_back({v, false, true});
  }
  return rules;
}

bool apply_landlock_in_child(int ruleset_fd) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return false;
  return syscall(SYS_landlock_restrict_self, ruleset_fd, 0) == 0;
}

}  // namespace eddy::cluster
