// YAML → JSON, the one conversion Eddy uses: `eddy apply -f`, YAML request bodies of the server
// and every other reader of manifests resolve a YAML document to the same JSON value, so a
// manifest stores the same spec whichever way it arrives.
//
// Scalars follow YAML 1.2's core schema, as Kubernetes reads manifests:
// - quoted scalars and `!!str` are strings, always;
// - `null`, `Null`, `NULL`, `~` and the empty scalar are null;
// - `true`/`True`/`TRUE`/`false`/`False`/`FALSE` are booleans (`yes`, `on`, ... are strings);
// - decimal integers ([-+]?[0-9]+), `0x` hexadecimal and `0o` octal integers are integers when
//   they fit int64; larger ones stay strings, digits as written, rather than lose precision
//   as a double;
// - floats ([-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?) are doubles; `.inf`, `-.inf` and
//   `.nan` (and spellings the schema allows) stay strings, as JSON has no such numbers, and so
//   does a float beyond double's range;
// - anything else (dates, "10m", "2GiB", "1.2.3") is a string;
// - `!!int`, `!!float`, `!!bool`, `!!null` must resolve to their type (else an error); other
//   tags keep the text.
// Anchors and aliases are expanded (yaml-cpp resolves an alias to its anchored node). Mapping
// keys must be scalars and unique; documents deeper than kMaxYamlDepth, expanding (through
// aliases) to more than kMaxYamlValues values, or (as text) longer than kMaxYamlBytes are
// refused. Errors are kInvalidArgument naming the path ("spec.conf.workers") or the line.
// Thread-safety: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace eddy {

inline constexpr int kMaxYamlDepth = 64;
inline constexpr size_t kMaxYamlValues = 200'000;  // ~20 MB of JSON at worst
inline constexpr size_t kMaxYamlBytes = 2u << 20;   // Kubernetes objects stay under 1.5 MB

// Runs yaml-cpp's event parser over `text` and throws YAML::ParserException where it stops
// making progress: yaml-cpp 0.7 loops forever, allocating, on some malformed documents (a ','
// outside [ ] or { }, such as "," or "- a\n,"; found by tests/fuzz/yaml_manifest_fuzz). A
// document yields at most a few events per byte, so the budget is 4 per byte. Every reader of
// YAML calls this before YAML::Load/LoadAll (yaml_document_to_json does); it throws what Load
// would for other syntax errors, so callers keep their one catch.
void yaml_preflight(const std::string& text);

// A plain (unquoted, untagged) scalar's value under the rules above.
nlohmann::json yaml_plain_scalar(std::string_view text);
// True when `text` has the syntax of a YAML number (including integers too big for int64 and
// .inf/.nan): a writer quotes such strings so that no YAML reader takes them for numbers.
bool yaml_number_syntax(std::string_view text);

// A parsed YAML node as JSON. Errors name `path` (the node's place in the document).
Result<nlohmann::json> yaml_to_json(const YAML::Node& node, const std::string& path = "");

// The one YAML document in `text` as JSON; errors name the position ("invalid YAML at line 3,
// column 5: ..."). No document or more than one is an error.
Result<nlohmann::json> yaml_document_to_json(const std::string& text);

}  // namespace eddy
