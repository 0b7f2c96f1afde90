// libFuzzer target: Livy statement shaping (server/livy_statement_output.h), which turns a
// statement's stored raw result into Livy's StatementOutput each time a client reads it. A
// statement's stdout is whatever its query or job printed, so it is input the user controls;
// the rest of the result comes from the store, which an older (or damaged) server may have
// written differently. The first byte picks the mode:
// - as the Statement controller writes it: {exitCode, stdout, stderrTail} from fuzzed values,
//   for a `sql` or an `eddy` statement;
// - any JSON value as status.result (and a fuzzed spec): what a store could hold.
// Asserts: no crash or exception; the output is null or an object with status "ok" or "error"
// and the statement's execution_count; an error has ename, evalue and a traceback array; a sql
// output's data rows each have one cell per schema field; the output serializes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "resources/resource.h"
#include "server/livy_statement_output.h"

namespace {

using nlohmann::json;

void check(const eddy::resources::Resource& stmt, bool typed) {
  json out;
  try {
    out = eddy::server::livy_statement_output(stmt);
    (void)out.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception& e) {
    std::fprintf(stderr, "livy_statement_output threw: %s\n", e.what());
    __builtin_trap();
  }
  if (!typed) return;  // an output stored by an older server is returned as it is
  if (out.is_null()) return;
  if (!out.is_object() || !out.contains("status") || !out.contains("execution_count"))
    __builtin_trap();
  if (out["execution_count"] != stmt.spec.value("id", int64_t{0})) __builtin_trap();
  if (out["status"] == "error") {
    if (!out["ename"].is_string() || !out["evalue"].is_string() || !out["traceback"].is_array())
      __builtin_trap();
    return;
  }
  if (out["status"] != "ok") __builtin_trap();
  if (stmt.spec.value("kind", "") == "sql") {
    // Livy's SQL interpreter: {"schema": {"type": "struct", "fields": [...]}, "data": [[...]]}.
    const json& app = out["data"]["application/json"];
    if (!app["schema"]["fields"].is_array() || !app["data"].is_array()) __builtin_trap();
    for (const json& row : app["data"])
      if (!row.is_array()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  FuzzedDataProvider in(data, size);
  eddy::resources::Resource stmt;
  stmt.kind = "Statement";
  stmt.name = "session-0-s0";
  const uint8_t mode = in.ConsumeIntegral<uint8_t>();
  if (mode & 1) {
    stmt.spec = {{"id", in.ConsumeIntegral<int64_t>()}, {"kind", (mode & 2) ? "sql" : "eddy"}};
    std::vector<std::string> tail(in.ConsumeIntegralInRange(0, 4));
    for (auto& l : tail) l = in.ConsumeRandomLengthString(80);
    const int exit_code = (mode & 4) ? 0 : in.ConsumeIntegralInRange(-1000, 1000);
    const std::string stdout_text = in.ConsumeRemainingBytesAsString();
    // The store holds valid UTF-8 only (json::dump refuses anything else).
    json result = {{"exitCode", exit_code}, {"stdout", stdout_text}, {"stderrTail", tail}};
    try {
      (void)result.dump();
    } catch (const json::exception&) {
      return 0;
    }
    if (mode & 8) result = {{"lost", stdout_text}};
    stmt.status["result"] = result;
    check(stmt, /*typed=*/true);
  } else {
    const json doc = json::parse(in.ConsumeRemainingBytesAsString(), nullptr, false);
    if (doc.is_discarded()) return 0;
    if (doc.is_object() && doc.contains("spec") && doc["spec"].is_object())
      stmt.spec = doc["spec"];
    if (doc.is_object() && doc.contains("status") && doc["status"].is_object())
      stmt.status = doc["status"];
    else
      stmt.status["result"] = doc;
    check(stmt, /*typed=*/false);
  }
  return 0;
}
