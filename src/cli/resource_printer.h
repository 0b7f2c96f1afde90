// How `eddy get|describe|apply` show resources, in kubectl's habits:
//   - tables: NAME, the kind's Columns (resources/kind_registry.h), AGE ("5s", "3m", "2h",
//     "4d"); `-o wide` adds the wide_only columns. Cells are separated by three spaces.
//   - `-o yaml` / `-o json`: the wire form (docs/api.md); YAML keys in a stable order
//     (apiVersion, kind, metadata, spec, status, items for resources and lists; `name` first in
//     any object; then alphabetical), strings that would read back as numbers, booleans or null
//     double-quoted.
//   - `-o name`: "cluster/x".
//   - describe: a multi-line view for people (Name, Kind, Labels, Created, Spec, Status with
//     nested objects indented, a Workers table and Accounting for kinds that have them).
// Also the YAML → JSON mapping `eddy apply` reads manifests with (YAML 1.2 core schema), kept
// beside the reverse mapping so that `eddy get -o yaml | eddy apply -f -` round-trips.
//
// Pure functions of their arguments (the current time is a parameter); thread-safe.
// TablePrinter keeps column widths between calls and is used by one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/yaml_json.h"
#include "resources/kind_registry.h"
#include "resources/resource.h"

namespace eddy::cli {

enum class OutputFormat { kTable, kWide, kYaml, kJson, kName };

// "" → table, "wide", "yaml", "json", "name"; anything else is kInvalidArgument listing those.
Result<OutputFormat> parse_output_format(const std::string& text);

// Age as kubectl prints it, in the largest whole unit: "5s", "3m", "2h", "4d" (negative → "0s").
std::string format_age(int64_t age_ms);
// Bytes in binary units with one decimal: "900 B", "1.5 KiB", "512.0 MiB", "2.0 GiB".
std::string format_bytes(double bytes);

// The kind a user named ("cluster", "clusters", "cl", "Cluster"); unknown names are
// kInvalidArgument listing the known kinds with their short names.
Result<const resources::KindInfo*> kind_named(const std::string& name);
// "cluster/x" → {"cluster", "x"}; "cluster" → {"cluster", ""}.
std::pair<std::string, std::string> split_kind_ref(const std::string& ref);
// What `eddy get|describe|delete KIND[/NAME] [NAME...]` name: the kind, and the names with
// the one from KIND/NAME first. kInvalidArgument for an unknown kind.
struct KindAndNames {
  const resources::KindInfo* kind = nullptr;
  std::vector<std::string> names;
};
Result<KindAndNames> kind_and_names(const std::string& kind_arg,
                                    const std::vector<std::string>& names);

// A resource as the server sent it (store-assigned metadata read too).
Result<resources::Resource> resource_from_wire(const nlohmann::json& j);
// "cluster/x": the kind in lower case, '/', the name.
std::string resource_ref(const std::string& kind, const std::string& name);

// Aligned tables of one kind's resources. Widths only grow, so rows printed later (watch)
// line up with earlier ones as long as they fit.
class TablePrinter {
 public:
  TablePrinter(const resources::KindInfo& kind, bool wide, int64_t now_ms);
  // Header and one row per resource.
  std::string table(const std::vector<resources::Resource>& items);
  // One row; the header first if nothing was printed yet. With `skip_unchanged`, "" when the
  // resource's cells other than AGE equal those last printed for its name (a watch reports
  // changes the columns do not show, such as heartbeats).
  std::string row(const resources::Resource& r, bool skip_unchanged = false);
  void set_now(int64_t now_ms) { now_ms_ = now_ms; }

 private:
  std::vector<std::string> headers() const;
  std::vector<std::string> cells(const resources::Resource& r) const;
  std::string line(const std::vector<std::string>& cells) const;
  void fit(const std::vector<std::string>& cells);

  const resources::KindInfo& kind_;
  bool wide_;
  int64_t now_ms_;
  bool printed_header_ = false;
  std::vector<size_t> widths_;
  std::map<std::string, std::vector<std::string>> last_cells_;  // name → cells printed last
};

// YAML text of a JSON value (a block mapping for objects), ending in '\n'.
std::string to_yaml(const nlohmann::json& j);

// YAML → JSON (yaml_plain_scalar, yaml_to_json) is common/yaml_json.h, shared with the server.

// The describe view of one resource. `kind` may be null (an unknown kind prints generically).
std::string describe(const resources::KindInfo* kind, const resources::Resource& r, int64_t now_ms);

}  // namespace eddy::cli
