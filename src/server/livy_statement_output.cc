#include "server/livy_statement_output.h"

#include <sstream>
#include <string>
#include <vector>

namespace eddy::server {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

std::string spark_type(const nlohmann::ordered_json& v) {
  if (v.is_number_integer()) return "long";
  if (v.is_number()) return "double";
  if (v.is_boolean()) return "boolean";
  if (v.is_array()) return "array";
  if (v.is_object()) return "map";
  return "string";
}

nlohmann::json output_of_result(const resources::Resource& stmt, const nlohmann::json& done) {
  int64_t count = stmt.spec.value("id", int64_t{0});
  int exit_code = done.value("exitCode", -1);
  std::string out = done.value("stdout", "");
  if (exit_code != 0) {
    nlohmann::json tb = nlohmann::json::array();
    std::string evalue;
    if (done.contains("stderrTail") && done["stderrTail"].is_array())
      for (const auto& l : done["stderrTail"])
        if (l.is_string()) {
          tb.push_back(l.get<std::string>());
          if (l.get<std::string>().find("error") != std::string::npos) evalue = l.get<std::string>();
        }
    if (evalue.empty() && !tb.empty()) evalue = tb.back().get<std::string>();
    std::string ename = exit_code == 125 ? "InterpreterDied"
                        : exit_code == 3 ? "InvalidInput"
                        : exit_code == 4 ? "NotFound"
                        : exit_code < 0 ? "Cancelled"
                                        : "JobFailed";
    return {{"status", "error"}, {"execution_count", count}, {"ename", ename},
            {"evalue", evalue.empty() ? "exit code " + std::to_string(exit_code) : evalue},
            {"traceback", tb}};
  }
  std::vector<std::string> lines = lines_of(out);
  if (stmt.spec.value("kind", "") == "sql") {
    // Livy's SQL interpreter answers {"schema": {struct}, "data": [[row], ...]}.
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const auto& l : lines) {
      auto row = nlohmann::ordered_json::parse(l, nullptr, false);
      if (!row.is_object()) continue;
      if (fields.empty())
        for (const auto& [k, v] : row.items())
          fields.push_back({{"name", k}, {"type", spark_type(v)}, {"nullable", true},
                            {"metadata", nlohmann::ordered_json::object()}});
      nlohmann::ordered_json cells = nlohmann::ordered_json::array();
      for (const auto& [k, v] : row.items()) cells.push_back(v);
      data.push_back(cells);
    }
    nlohmann::ordered_json result = {
        {"schema", {{"type", "struct"}, {"fields", fields}}}, {"data", data}};
    return {{"status", "ok"},
            {"execution_count", count},
            {"data", {{"application/json", nlohmann::json::parse(result.dump())}}}};
  }
  nlohmann::json records = nlohmann::json::array();
  bool all_json = !lines.empty();
  for (const auto& l : lines) {
    auto v = nlohmann::json::parse(l, nullptr, false);
    if (v.is_discarded()) {
      all_json = false;
      break;
    }
    records.push_back(v);
  }
  nlohmann::json app = {{"exitCode", 0}, {"stdout", lines}};
  if (all_json) app["records"] = records;
  std::string summary;
  if (done.contains("stderrTail") && done["stderrTail"].is_array())
    for (const auto& l : done["stderrTail"])
      if (l.is_string() && l.get<std::string>().find("done:") != std::string::npos)
        summary = l.get<std::string>();
  app["summary"] = summary;
  return {{"status", "ok"},
          {"execution_count", count},
          {"data", {{"text/plain", out.empty() ? summary : out}, {"application/json", app}}}};
}

}  // namespace

nlohmann::json livy_statement_output(const resources::Resource& stmt) {
  if (stmt.status.contains("output")) return stmt.status["output"];
  auto it = stmt.status.find("result");
  if (it == stmt.status.end() || !it->is_object()) return nullptr;
  const nlohmann::json& result = *it;
  const int64_t count = stmt.spec.value("id", int64_t{0});
  if (result.contains("lost")) {
    const std::string why = result.value("lost", "");
    return {{"status", "error"},
            {"execution_count", count},
            {"ename", "WorkerLost"},
            {"evalue", why},
            {"traceback", nlohmann::json::array({why})}};
  }
  if (auto reply = result.find("reply"); reply != result.end() && reply->is_object()) {
    nlohmann::json out = *reply;  // a pyspark interpreter's: status, data or ename/evalue/traceback
    out["execution_count"] = count;
    return out;
  }
  if (result.contains("viewDefined"))
    return {{"status", "ok"}, {"execution_count", count}, {"data", {{"text/plain", ""}}}};
  return output_of_result(stmt, result);
}

}  // namespace eddy::server
