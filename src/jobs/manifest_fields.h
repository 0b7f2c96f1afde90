// Manifest machinery shared by every job kind (StreamJob, BatchJob): reading the YAML,
// resolving `spec.parameters` (declared defaults, then --set overrides), substituting `${name}`
// in every string value, and reading the fields of one mapping with errors that name the field
// ("spec.steps[2].key_by.field: expected an integer, got 'x'") and reject unknown fields.
//
// Ownership: Fields holds a YAML::Node handle (yaml-cpp nodes share their tree). Thread-safety:
// plain values and pure functions; a Fields is used by one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/byte_size.h"
#include "common/status.h"
#include "common/yaml_json.h"

namespace eddy::jobs {

// Substitutes ${name} in every scalar of `node` from `params`; `path` names `node` in messages.
Status substitute_parameters(YAML::Node node, const std::map<std::string, std::string>& params,
                             const std::string& path);

// The `spec` mapping of a manifest with `spec.parameters` resolved (defaults, then `sets`) and
// substituted everywhere else; the `parameters` field itself is removed from the returned copy.
// Unknown --set names are errors listing the declared parameters.
Result<YAML::Node> resolve_parameters(YAML::Node spec,
                                      const std::map<std::string, std::string>& sets);

// A boolean value as manifests write it: true/yes/on/1 or false/no/off/0; `what` names the value
// in the error ("--set overwrite: expected true or false, got 'maybe'").
Result<bool> parse_boolean(const std::string& value, const std::string& what);

// The whole text of a manifest file (kNotFound naming the path if it cannot be read). `path`
// may be an s3:// or s3a:// URI, read through the object store; such a manifest may hold at
// most kMaxManifestBytes (kInvalidArgument beyond).
inline constexpr uint64_t kMaxManifestBytes = 1 << 20;
Result<std::string> read_manifest_file(const std::string& path);

// "FILE:LINE:COLUMN: not valid YAML: MESSAGE" (the form `eddy apply` and compilers use).
Status yaml_syntax_error(const std::string& origin, const YAML::Exception& e);

// Parses manifest text with `parse(root, sets, &spec)` (a Status-returning function of the
// kind's own), prefixing every error with `origin` and turning YAML exceptions into errors.
template <typename Spec, typename ParseFn>
Result<Spec> parse_manifest(const std::string& yaml_text, const std::string& origin,
                            const std::map<std::string, std::string>& sets, ParseFn parse) {
  Spec spec;
  try {
    yaml_preflight(yaml_text);
    YAML::Node root = YAML::Load(yaml_text);
    Status s = parse(root, sets, &spec);
    if (!s.is_ok()) return s.with_context(origin);
  } catch (const YAML::Exception& e) {
    return yaml_syntax_error(origin, e);
  }
  return spec;
}

// The `kind` of a manifest ("StreamJob", "BatchJob", ...), for dispatch before full parsing.
Result<std::string> manifest_kind(const std::string& yaml_text, const std::string& origin);

// Reads the fields of one mapping, and at the end (done()) rejects any field it was not asked
// for, listing the expected ones.
class Fields {
 public:
  Fields(YAML::Node node, std::string path) : node_(node), path_(std::move(path)) {}
  Status check_map() const;
  bool has(const std::string& key);
  YAML::Node node(const std::string& key);
  std::string path(const std::string& key) const { return path_ + "." + key; }
  Result<std::string> str(const std::string& key, const std::string& def);
  Result<bool> boolean(const std::string& key, bool def);
  Result<int64_t> integer(const std::string& key, int64_t def, int64_t lo, int64_t hi);
  Result<Micros> duration(const std::string& key, Micros def);
  // "512MiB", "1GB", "2g", "1048576": bytes (K/M/G/T as powers of 1024 or 1000 for KB/MB/GB).
  Result<uint64_t> bytes(const std::string& key, uint64_t def);
  Status done() const;

 private:
  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
};

using eddy::parse_byte_size;  // common/byte_size.h (manifests and flags share one parser)

}  // namespace eddy::jobs
