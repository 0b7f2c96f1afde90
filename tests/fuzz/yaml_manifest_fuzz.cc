// libFuzzer target: arbitrary bytes as a YAML manifest through yaml_document_to_json, the one
// conversion `eddy apply -f` and the server's application/yaml bodies use. Asserts: no crash,
// hang or exception; an accepted document is never deeper than kMaxYamlDepth; its JSON dumps
// and parses back to the same value (no NaN/inf or invalid UTF-8 slips into a stored spec); the
// whole input as one plain scalar is a number only when yaml_number_syntax says it has a
// number's syntax, and never NaN or infinite.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/yaml_json.h"

namespace {

using nlohmann::json;

// Depth of containers: a scalar is 0, [] and {} are 1.
int depth_of(const json& j) {
  if (!j.is_structured()) return 0;
  int deepest = 0;
  for (const auto& v : j) deepest = std::max(deepest, depth_of(v));
  return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = eddy::yaml_document_to_json(text);
  if (doc.is_ok()) {
    const json& j = doc.value();
    // kMaxYamlDepth counts the nodes above a value: the root is at depth 0, so the deepest
    // container holds values at depth kMaxYamlDepth at most.
    if (depth_of(j) > eddy::kMaxYamlDepth + 1) __builtin_trap();
    // Invalid UTF-8 in a string makes dump() throw: the store and every client would choke
    // (this target found it; yaml_json.cc now refuses such documents).
    std::string dumped;
    try {
      dumped = j.dump();
    } catch (const json::exception&) {
      __builtin_trap();
    }
    if (json::parse(dumped) != j) __builtin_trap();
  } else if (doc.status().message().empty()) {
    __builtin_trap();  // errors name the position or path
  }

  // The scalar rules alone, on the whole input as one scalar.
  const json scalar = eddy::yaml_plain_scalar(text);
  if (scalar.is_number_float() && !std::isfinite(scalar.get<double>())) __builtin_trap();
  if (scalar.is_number() && !eddy::yaml_number_syntax(text)) __builtin_trap();
  return 0;
}
