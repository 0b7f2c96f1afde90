#include "cli/resource_printer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>

#include "common/time_format.h"

namespace eddy::cli {
namespace {

using nlohmann::json;
using resources::Resource;

constexpr const char* kColumnGap = "   ";
constexpr size_t kDescribeLabelWidth = 14;  // "Accounting:" and its peers, then the value

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Keys in the order people read manifests in: a resource (or list) object's
// apiVersion, kind, metadata, spec, status, items; in any object `name` first; then the rest
// alphabetically.
int key_rank(const std::string& k, bool resource) {
  static const char* kOrder[] = {"apiVersion", "kind", "metadata", "spec", "status", "items"};
  if (k == "name") return 0;
  if (!resource) return 1;
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i)
    if (k == kOrder[i]) return i;
  return static_cast<int>(std::size(kOrder));
}

std::vector<std::string> ordered_keys(const json& obj) {
  const bool resource = obj.contains("apiVersion");
  std::vector<std::string> keys;
  for (const auto& [k, v] : obj.items()) keys.push_back(k);
  std::stable_sort(keys.begin(), keys.end(),
                   [resource](const std::string& a, const std::string& b) {
                     const int ra = key_rank(a, resource), rb = key_rank(b, resource);
                     return ra != rb ? ra < rb : a < b;
                   });
  return keys;
}

// Strings that plain YAML would read as something else (or that YAML 1.1 tools read as
// booleans) are quoted.
bool needs_quotes(const std::string& s) {
  if (!yaml_plain_scalar(s).is_string() || yaml_number_syntax(s)) return true;
  static const char* kYaml11Bools[] = {"yes", "no", "on", "off", "y", "n"};
  const std::string l = lower(s);
  for (const char* b : kYaml11Bools)
    if (l == b) return true;
  return false;
}

void emit_string(YAML::Emitter& e, const std::string& s) {
  if (s.find('\n') != std::string::npos && !s.empty() && s.front() != ' ')
    e << YAML::Literal << s;
  else if (needs_quotes(s) || s.find('\n') != std::string::npos)
    e << YAML::DoubleQuoted << s;
  else
    e << s;
}

void emit(YAML::Emitter& e, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      if (v.empty()) {
        e << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      e << YAML::BeginMap;
      for (const std::string& k : ordered_keys(v)) {
        e << YAML::Key;
        emit_string(e, k);
        e << YAML::Value;
        emit(e, v[k]);
      }
      e << YAML::EndMap;
      return;
    case json::value_t::array:
      if (v.empty()) {
        e << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      e << YAML::BeginSeq;
      for (const json& x : v) emit(e, x);
      e << YAML::EndSeq;
      return;
    case json::value_t::string:
      emit_string(e, v.get_ref<const std::string&>());
      return;
    case json::value_t::null:
      e << YAML::Null;
      return;
    default:
      e << v.dump();
      return;  // numbers and booleans: JSON's spelling is YAML's
  }
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "<none>";
  return v.dump();
}

bool is_time_key(const std::string& key) {
  return ends_with(key, "DateTime") || ends_with(key, "Ms") || key == "started" ||
         key == "completed";
}

std::string format_time_ms(int64_t ms, int64_t now_ms) {
  return format_rfc3339(ms * 1000) + " (" + format_age(now_ms - ms) + " ago)";
}

// A value in the describe view: times and byte counts humanised, the rest as written.
std::string describe_scalar(const std::string& key, const json& v, int64_t now_ms) {
  if (v.is_number() && !v.is_boolean()) {
    if (is_time_key(key) && v.is_number_integer() && v.get<int64_t>() > 0)
      return format_time_ms(v.get<int64_t>(), now_ms);
    if (ends_with(key, "Bytes")) return format_bytes(v.get<double>()) + " (" + v.dump() + ")";
  }
  if (v.is_string() && v.get_ref<const std::string&>().empty()) return "\"\"";
  return scalar_text(v);
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// Rows aligned on columns of `kColumnGap`, each line indented by `indent`.
std::string align_rows(const std::vector<std::vector<std::string>>& rows, size_t indent) {
  std::vector<size_t> widths;
  for (const auto& r : rows) {
    if (widths.size() < r.size()) widths.resize(r.size(), 0);
    for (size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    out += std::string(indent, ' ');
    for (size_t i = 0; i < r.size(); ++i)
      out += i + 1 < r.size() ? pad(r[i], widths[i]) + kColumnGap : r[i];
    out += '\n';
  }
  return out;
}

// An object as indented "key: value" lines; nested objects and lists of objects one level
// deeper, lists of objects as "- " items.
void describe_block(const json& obj, size_t indent, int64_t now_ms, std::string& out) {
  size_t width = 0;
  for (const auto& [k, v] : obj.items()) width = std::max(width, k.size() + 1);
  const std::string in(indent, ' ');
  for (const std::string& k : ordered_keys(obj)) {
    const json& v = obj[k];
    const std::string head = in + pad(k + ":", width) + " ";
    if (v.is_object() && !v.empty()) {
      out += in + k + ":\n";
      describe_block(v, indent + 2, now_ms, out);
    } else if (v.is_array() && !v.empty()) {
      const bool scalars = std::none_of(v.begin(), v.end(), [](const json& x) {
        return x.is_structured() ||
               (x.is_string() && x.get_ref<const std::string&>().find('\n') != std::string::npos);
      });
      if (scalars) {
        std::string joined;
        for (const json& x : v) joined += (joined.empty() ? "" : ", ") + scalar_text(x);
        out += head + joined + "\n";
        continue;
      }
      out += in + k + ":\n";
      for (const json& x : v) {
        if (x.is_object() && !x.empty()) {
          std::string item;
          describe_block(x, indent + 4, now_ms, item);
          item.replace(indent + 2, 2, "- ");
          out += item;
        } else {
          out += in + "  - " + scalar_text(x) + "\n";
        }
      }
    } else if (v.is_structured()) {
      out += head + "<none>\n";
    } else if (v.is_string() && v.get_ref<const std::string&>().find('\n') != std::string::npos) {
      out += in + k + ": |\n";
      std::string s = v.get<std::string>();
      if (!s.empty() && s.back() == '\n') s.pop_back();
      size_t start = 0;
      for (;;) {
        const size_t nl = s.find('\n', start);
        out += in + "  " + s.substr(start, nl - start) + "\n";
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    } else {
      out += head + describe_scalar(k, v, now_ms) + "\n";
    }
  }
}

std::string top_field(const std::string& label, const std::string& value) {
  return pad(label + ":", kDescribeLabelWidth) + value + "\n";
}

std::string workers_table(const json& workers, int64_t now_ms) {
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "PID", "STATE", "HEARTBEAT", "RSS", "CPU", "TASK"}};
  auto field = [](const json& w, const char* k) -> const json* {
    return w.is_object() && w.contains(k) && !w[k].is_null() ? &w[k] : nullptr;
  };
  for (const json& w : workers) {
    std::vector<std::string> r;
    const json* name = field(w, "name");
    r.push_back(name ? scalar_text(*name) : "-");
    const json* pid = field(w, "pid");
    r.push_back(pid ? scalar_text(*pid) : "-");
    const json* state = field(w, "state");
    r.push_back(state ? scalar_text(*state) : "-");
    const json* hb = field(w, "lastHeartbeatMs");
    r.push_back(hb && hb->is_number() && hb->get<int64_t>() > 0
                    ? format_age(now_ms - hb->get<int64_t>()) + " ago"
                    : "-");
    const json* rss = field(w, "rssBytes");
    r.push_back(rss && rss->is_number() ? format_bytes(rss->get<double>()) : "-");
    const json* cpu = field(w, "cpuSeconds");
    if (cpu && cpu->is_number()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1fs", cpu->get<double>());
      r.push_back(buf);
    } else {
      r.push_back("-");
    }
    const json* task = field(w, "task");
    r.push_back(!task ? "-"
                : task->is_string()
                    ? (task->get<std::string>().empty() ? "-" : task->get<std::string>())
                    : task->dump());
    rows.push_back(std::move(r));
  }
  return align_rows(rows, 2);
}

std::string accounting_block(const json& acct) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"workerSeconds", "Worker-seconds"},
      {"cpuSeconds", "CPU-seconds"},
      {"peakMemoryBytes", "Peak memory"},
      {"tasks", "Tasks"},
  };
  std::vector<std::vector<std::string>> rows;
  auto value = [](const std::string& key, const json& v) {
    if (!v.is_number()) return scalar_text(v);
    if (ends_with(key, "Bytes")) return format_bytes(v.get<double>());
    if (ends_with(key, "Seconds")) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", v.get<double>());
      return std::string(buf);
    }
    return v.dump();
  };
  for (const auto& [key, label] : kLabels)
    if (acct.contains(key)) rows.push_back({std::string(label) + ":", value(key, acct[key])});
  for (const std::string& k : ordered_keys(acct)) {
    bool known = false;
    for (const auto& [key, label] : kLabels) known = known || k == key;
    if (!known) rows.push_back({k + ":", value(k, acct[k])});
  }
  std::string out;
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r[0].size());
  for (const auto& r : rows) out += "  " + pad(r[0], width) + " " + r[1] + "\n";
  return out;
}

}  // namespace

Result<OutputFormat> parse_output_format(const std::string& text) {
  if (text.empty()) return OutputFormat::kTable;
  if (text == "wide") return OutputFormat::kWide;
  if (text == "yaml") return OutputFormat::kYaml;
  if (text == "json") return OutputFormat::kJson;
  if (text == "name") return OutputFormat::kName;
  return invalid_argument("-o: unknown output format '" + text +
                          "' (expected one of: wide, yaml, json, name)");
}

std::string format_age(int64_t age_ms) {
  const int64_t s = std::max<int64_t>(age_ms, 0) / 1000;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string format_bytes(double bytes) {
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  char buf[48];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    return buf;
  }
  int unit = -1;
  while (bytes >= 1024 && unit + 1 < static_cast<int>(std::size(kUnits))) {
    bytes /= 1024;
    ++unit;
  }
  std::snprintf(buf, sizeof buf, "%.1f %s", bytes, kUnits[unit]);
  return buf;
}

Result<const resources::KindInfo*> kind_named(const std::string& name) {
  if (const resources::KindInfo* k = resources::find_kind(name)) return k;
  std::string known;
  for (const resources::KindInfo* k : resources::all_kinds()) {
    known += known.empty() ? "" : ", ";
    known += k->plural;
    std::string aliases;
    for (const std::string& s : k->short_names) aliases += (aliases.empty() ? "" : ", ") + s;
    if (!aliases.empty()) known += " (" + aliases + ")";
  }
  return invalid_argument("unknown resource kind '" + name +
                          "' (known: " + (known.empty() ? "none" : known) + ")");
}

std::pair<std::string, std::string> split_kind_ref(const std::string& ref) {
  const size_t slash = ref.find('/');
  if (slash == std::string::npos) return {ref, ""};
  return {ref.substr(0, slash), ref.substr(slash + 1)};
}

Result<KindAndNames> kind_and_names(const std::string& kind_arg,
                                    const std::vector<std::string>& names) {
  auto [kind_name, ref_name] = split_kind_ref(kind_arg);
  KindAndNames out;
  EDDY_ASSIGN_OR_RETURN(out.kind, kind_named(kind_name));
  if (!ref_name.empty()) out.names.push_back(ref_name);
  out.names.insert(out.names.end(), names.begin(), names.end());
  return out;
}

Result<Resource> resource_from_wire(const json& j) {
  auto r = resources::from_json(j, /*trusted=*/true);
  if (!r.is_ok())
    return internal_error("the server sent a resource the CLI cannot read: " +
                          r.status().message());
  return r;
}

std::string resource_ref(const std::string& kind, const std::string& name) {
  return lower(kind) + "/" + name;
}

TablePrinter::TablePrinter(const resources::KindInfo& kind, bool wide, int64_t now_ms)
    : kind_(kind), wide_(wide), now_ms_(now_ms) {}

std::vector<std::string> TablePrinter::headers() const {
  std::vector<std::string> h = {"NAME"};
  for (const resources::Column& c : kind_.columns)
    if (wide_ || !c.wide_only) h.push_back(c.header);
  h.push_back("AGE");
  return h;
}

std::vector<std::string> TablePrinter::cells(const Resource& r) const {
  std::vector<std::string> out = {r.name};
  for (const resources::Column& c : kind_.columns) {
    if (!wide_ && c.wide_only) continue;
    std::string cell;
    try {
      cell = c.cell ? c.cell(r) : "";
    } catch (const std::exception&) {  // a column reading a field of an unexpected type
      cell = "<error>";
    }
    std::replace(cell.begin(), cell.end(), '\n', ' ');
    out.push_back(cell.empty() ? "<none>" : cell);
  }
  out.push_back(r.created_ms > 0 ? format_age(now_ms_ - r.created_ms) : "<unknown>");
  return out;
}

void TablePrinter::fit(const std::vector<std::string>& cells) {
  if (widths_.size() < cells.size()) widths_.resize(cells.size(), 0);
  for (size_t i = 0; i < cells.size(); ++i) widths_[i] = std::max(widths_[i], cells[i].size());
}

std::string TablePrinter::line(const std::vector<std::string>& cells) const {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i)
    out += i + 1 < cells.size() ? pad(cells[i], widths_[i]) + kColumnGap : cells[i];
  return out + "\n";
}

std::string TablePrinter::table(const std::vector<Resource>& items) {
  std::vector<std::vector<std::string>> rows;
  const std::vector<std::string> h = headers();
  fit(h);
  for (const Resource& r : items) {
    rows.push_back(cells(r));
    fit(rows.back());
    last_cells_[r.name] = rows.back();
  }
  std::string out = printed_header_ ? "" : line(h);
  printed_header_ = true;
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string TablePrinter::row(const Resource& r, bool skip_unchanged) {
  const std::vector<std::string> h = headers();
  fit(h);
  const std::vector<std::string> c = cells(r);
  std::vector<std::string>& last = last_cells_[r.name];
  const bool unchanged =
      !last.empty() && std::equal(c.begin(), c.end() - 1, last.begin(), last.end() - 1);
  last = c;
  if (skip_unchanged && unchanged) return "";
  fit(c);
  std::string out = printed_header_ ? "" : line(h);
  printed_header_ = true;
  return out + line(c);
}

std::string to_yaml(const json& j) {
  YAML::Emitter e;
  e.SetIndent(2);
  e.SetNullFormat(YAML::LowerNull);
  emit(e, j);
  if (!e.good()) return j.dump(2) + "\n";  // JSON is YAML too
  std::string out = e.c_str();
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

std::string describe(const resources::KindInfo* kind, const Resource& r, int64_t now_ms) {
  std::string out;
  out += top_field("Name", r.name);
  out += top_field("Kind", r.kind);
  if (r.labels.empty()) {
    out += top_field("Labels", "<none>");
  } else {
    bool first = true;
    for (const auto& [k, v] : r.labels) {
      out += first ? top_field("Labels", k + "=" + v)
                   : std::string(kDescribeLabelWidth, ' ') + k + "=" + v + "\n";
      first = false;
    }
  }
  out +=
      top_field("Created", r.created_ms > 0 ? format_time_ms(r.created_ms, now_ms) : "<unknown>");
  if (r.id >= 0) out += top_field("ID", std::to_string(r.id));
  if (r.version != 0) out += top_field("Version", std::to_string(r.version));

  out += "Spec:\n";
  if (r.spec.is_object() && !r.spec.empty())
    describe_block(r.spec, 2, now_ms, out);
  else
    out += "  <none>\n";

  json status = r.status.is_object() ? r.status : json::object();
  json workers, accounting;
  if (status.contains("workers") && status["workers"].is_array()) {
    workers = status["workers"];
    status.erase("workers");
  }
  if (status.contains("accounting") && status["accounting"].is_object()) {
    accounting = status["accounting"];
    status.erase("accounting");
  }
  out += "Status:\n";
  if (!status.empty())
    describe_block(status, 2, now_ms, out);
  else
    out += "  <none>\n";
  const bool is_cluster = kind != nullptr && kind->kind == "Cluster";
  if (is_cluster || (workers.is_array() && !workers.empty())) {
    out += "Workers:\n";
    out += workers.is_array() && !workers.empty() ? workers_table(workers, now_ms) : "  <none>\n";
  }
  if (accounting.is_object()) {
    out += "Accounting:\n";
    out += accounting.empty() ? "  <none>\n" : accounting_block(accounting);
  }
  return out;
}

}  // namespace eddy::cli
