// `eddy apply -f FILE|DIR|- [-f ...]`: makes `eddy serve`'s resources look like the manifests.
//   - FILE: YAML (several documents separated by `---`) or, for *.json, one JSON value;
//     DIR: every *.yaml, *.yml and *.json directly in it, in name order; `-`: YAML on stdin.
//     A document of kind `List` (what `eddy get -o yaml` prints for several) applies its items.
//   - each document is created (POST); if it exists (409) its spec and labels are compared
//     with the server's — the manifest's spec also with the kind's defaults filled in, as the
//     server stores it — and replaced (PUT) when they differ, or when a terminated cluster is
//     applied again (which starts it afresh). Prints "cluster/x created|configured|unchanged".
//   - only metadata.name and metadata.labels, and spec, are sent: status and server-assigned
//     metadata in the manifest (e.g. from `eddy get -o yaml`) are ignored.
//   - only apiVersion eddy.dev/v1 is accepted (the SageMaker kinds come later).
//   - a BatchJob or StreamJob applied to a server on this machine (a loopback URL) has its
//     relative `input`/`output` parameters made absolute against the current directory, so
//     that `eddy apply -f examples/transform.yaml` reads what `eddy run` would.
// Errors name the file and the document ("app.yaml: document 2 (cluster/web): spec.workers:
// ..."; YAML syntax errors also the line: "app.yaml:7:3: document 2: not valid YAML: ...");
// apply continues with the other documents and exits with the last failure's code
// (cli/exit_codes.h), except that an unreachable server stops it at once.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "resources/states.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/resource_printer.h"
#include "common/yaml_json.h"

namespace eddy::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct ApplyArgs {
  ClientOptions client;
  std::vector<std::string> files;
};

// One manifest document, or why it could not be read.
struct Document {
  std::string label;  // "app.yaml: document 2" — the prefix of its messages
  json body;
  Status error;
};

bool has_manifest_extension(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// The files the -f arguments name, directories expanded.
Result<std::vector<std::string>> expand(const std::string& arg) {
  if (arg == "-") return std::vector<std::string>{"-"};
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    std::vector<std::string> files;
    for (const fs::directory_entry& e : fs::directory_iterator(arg, ec))
      if (e.is_regular_file(ec) && has_manifest_extension(e.path()))
        files.push_back(e.path().string());
    if (ec) return io_error(arg + ": cannot list directory: " + ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty())
      return not_found(arg + ": no *.yaml, *.yml or *.json files in the directory");
    return files;
  }
  if (!fs::exists(arg, ec)) return not_found(arg + ": no such file or directory");
  return std::vector<std::string>{arg};
}

Result<std::string> read_all(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(path + ": cannot read the file");
  ss << in.rdbuf();
  if (in.bad()) return io_error(path + ": read failed");
  return ss.str();
}

// A line that starts a YAML document ("---", "--- ...") or ends one ("...").
bool is_document_marker(std::string_view l) {
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  for (std::string_view m : {"---", "..."}) {
    if (l.substr(0, 3) == m && (l.size() == 3 || l[3] == ' ' || l[3] == '\t')) return true;
  }
  return false;
}

// Splits YAML text into documents at marker lines, so that one broken document does not
// hide the others; each keeps the number of its first line for messages.
std::vector<std::pair<int, std::string>> split_documents(const std::string& text) {
  std::vector<std::pair<int, std::string>> chunks = {{1, ""}};
  size_t start = 0;
  int line_no = 1;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    const size_t end = nl == std::string::npos ? text.size() : nl + 1;
    const std::string_view l(text.data() + start, end - start);
    start = end;
    ++line_no;
    if (!is_document_marker(l.substr(0, l.find('\n')))) {
      chunks.back().second.append(l);
    } else if (l.substr(0, 3) == "---") {
      chunks.emplace_back(line_no - 1, std::string(l));  // "--- {a: 1}" holds content
    } else {
      chunks.emplace_back(line_no, "");  // "...": the next document starts below it
    }
  }
  return chunks;
}

std::vector<Document> parse_json_file(const std::string& name, const std::string& text) {
  Document d;
  d.label = name;
  try {
    d.body = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (const size_t p = what.find("] ");
        what.rfind("[json.exception", 0) == 0 && p != std::string::npos)
      what = what.substr(p + 2);
    d.error = invalid_argument(name + ": not valid JSON: " + what);
  }
  return {std::move(d)};
}

std::vector<Document> parse_yaml_file(const std::string& name, const std::string& text) {
  std::vector<Document> docs;
  int index = 0;
  for (const auto& [first_line, chunk] : split_documents(text)) {
    Document d;
    try {
      yaml_preflight(chunk);
      YAML::Node node = YAML::Load(chunk);
      if (node.IsNull() || !node.IsDefined()) continue;  // only comments or markers
      d.label = name + ": document " + std::to_string(++index);
      auto j = yaml_to_json(node);
      if (j.is_ok())
        d.body = std::move(*j);
      else
        d.error = j.status().with_context(d.label);
    } catch (const YAML::Exception& e) {
      d.label = name + ": document " + std::to_string(++index);
      std::string where = name;
      if (!e.mark.is_null())
        where += ":" + std::to_string(first_line + e.mark.line) + ":" +
                 std::to_string(e.mark.column + 1);
      d.error = invalid_argument(where + ": document " + std::to_string(index) +
                                 ": not valid YAML: " + e.msg);
    }
    docs.push_back(std::move(d));
  }
  if (docs.empty()) {
    Document d;
    d.label = name;
    d.error = invalid_argument(name + ": no documents in the file");
    docs.push_back(std::move(d));
  }
  return docs;
}

// A `List` document becomes its items.
std::vector<Document> expand_lists(std::vector<Document> docs) {
  std::vector<Document> out;
  for (Document& d : docs) {
    const bool is_list = d.error.is_ok() && d.body.is_object() && d.body.contains("items") &&
                         d.body["items"].is_array() && d.body.contains("kind") &&
                         d.body["kind"].is_string() &&
                         d.body["kind"].get_ref<const std::string&>().size() >= 4 &&
                         d.body["kind"].get<std::string>().ends_with("List");
    if (!is_list) {
      out.push_back(std::move(d));
      continue;
    }
    const json& items = d.body["items"];
    for (size_t i = 0; i < items.size(); ++i)
      out.push_back(
          Document{d.label + ", items[" + std::to_string(i) + "]", items[i], Status::ok()});
  }
  return out;
}

std::string state_of(const json& resource) {
  if (!resource.contains("status") || !resource["status"].is_object()) return "";
  const json& s = resource["status"];
  return s.contains("state") && s["state"].is_string() ? s["state"].get<std::string>() : "";
}

json labels_of(const json& resource) {
  if (resource.contains("metadata") && resource["metadata"].is_object() &&
      resource["metadata"].contains("labels") && resource["metadata"]["labels"].is_object())
    return resource["metadata"]["labels"];
  return json::object();
}

// What the server is sent for `doc`: apiVersion, kind, metadata{name, labels}, spec.
Result<json> manifest_body(const json& doc, const resources::KindInfo** kind_out) {
  if (!doc.is_object())
    return invalid_argument("expected a mapping with apiVersion, kind, metadata and spec");
  if (!doc.contains("apiVersion") || !doc["apiVersion"].is_string())
    return invalid_argument(std::string("apiVersion: missing (expected ") + resources::kApiVersion +
                            ")");
  const std::string api_version = doc["apiVersion"];
  if (api_version != resources::kApiVersion)
    return invalid_argument("apiVersion '" + api_version + "' is not supported: eddy apply takes " +
                            resources::kApiVersion +
                            " resources (SageMaker kinds are not available yet)");
  if (!doc.contains("kind") || !doc["kind"].is_string())
    return invalid_argument("kind: missing (expected Cluster, Session or Batch)");
  EDDY_ASSIGN_OR_RETURN(const resources::KindInfo* kind,
                        kind_named(doc["kind"].get<std::string>()));
  if (!kind->user_creatable)
    return invalid_argument("kind " + kind->kind + ": created by the server, not by eddy apply");
  if (!doc.contains("metadata") || !doc["metadata"].is_object() ||
      !doc["metadata"].contains("name"))
    return invalid_argument("metadata.name: missing");
  json body = {{"apiVersion", resources::kApiVersion},
               {"kind", kind->kind},
               {"metadata", {{"name", doc["metadata"]["name"]}}},
               {"spec", json::object()}};
  if (doc["metadata"].contains("labels")) body["metadata"]["labels"] = doc["metadata"]["labels"];
  if (doc.contains("spec") && !doc["spec"].is_null()) body["spec"] = doc["spec"];
  // Names, labels and the shape are checked here so that such mistakes need no server.
  EDDY_RETURN_IF_ERROR(resources::from_json(body, /*trusted=*/false).status());
  *kind_out = kind;
  return body;
}

// Creates or updates one resource; returns "created", "configured" or "unchanged".
bool is_loopback_url(const std::string& url) {
  std::string host = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  host = host.substr(0, host.find('/'));
  if (host.rfind('[', 0) == 0) return host.rfind("[::1]", 0) == 0;
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

// A job manifest applied to a server on this machine: its `input` and `output` parameters,
// when they are relative local paths, are made absolute against the client's directory, as
// `eddy run` would read them (a worker runs in a directory of its own). Remote servers get the
// manifest as written: the client's directory means nothing there.
void resolve_local_paths(const resources::KindInfo& kind, const std::string& server_url,
                         json* body) {
  if ((kind.kind != "BatchJob" && kind.kind != "StreamJob") || !is_loopback_url(server_url))
    return;
  json& spec = (*body)["spec"];
  if (!spec.is_object() || !spec.contains("parameters") || !spec["parameters"].is_object()) return;
  for (const char* name : {"input", "output"}) {
    json& v = spec["parameters"][name];
    if (!v.is_string()) {
      if (v.is_null()) spec["parameters"].erase(name);
      continue;
    }
    const std::string p = v.get<std::string>();
    if (p.empty() || p == "-" || p[0] == '/' || p.find("://") != std::string::npos ||
        p.find("${") != std::string::npos || p.rfind("builtin:", 0) == 0 ||
        p.rfind("gen:", 0) == 0)
      continue;
    v = (fs::current_path() / p).lexically_normal().string();
  }
}

Result<std::string> apply_one(ApiClient& client, const resources::KindInfo& kind,
                              const json& body) {
  const std::string name = body["metadata"]["name"];
  auto created = client.create(kind.plural, body);
  if (created.is_ok()) return std::string("created");
  if (created.status().code() != StatusCode::kAlreadyExists) return created.status();

  EDDY_ASSIGN_OR_RETURN(json existing, client.get(kind.plural, name));
  const json& want_spec = body["spec"];
  json defaulted = want_spec;
  const bool defaults_ok = kind.validate_spec && kind.validate_spec(defaulted).is_ok();
  const json have_spec = existing.value("spec", json::object());
  const bool same_spec = have_spec == want_spec || (defaults_ok && have_spec == defaulted);
  const bool same_labels = labels_of(existing) == labels_of(body);
  const auto cluster_state = resources::parse_state<resources::ClusterState>(state_of(existing));
  const bool restart =
      kind.kind == "Cluster" && cluster_state && resources::is_terminal(*cluster_state);
  if (same_spec && same_labels && !restart) return std::string("unchanged");
  EDDY_RETURN_IF_ERROR(client.put(kind.plural, name, body).status());
  return std::string("configured");
}

void run_apply(const ApplyArgs& a, CommandContext& ctx) {
  auto fail = [&ctx](const Status& st) { ctx.fail(st); };
  std::vector<std::string> files;
  for (const std::string& f : a.files) {
    auto expanded = expand(f);
    if (!expanded.is_ok()) {
      fail(expanded.status());
      continue;
    }
    files.insert(files.end(), expanded->begin(), expanded->end());
  }
  std::unique_ptr<ApiClient> client;  // connected at the first document that needs it
  for (const std::string& file : files) {
    const std::string name = file == "-" ? "stdin" : file;
    auto text = read_all(file);
    if (!text.is_ok()) {
      fail(text.status());
      continue;
    }
    std::vector<Document> docs =
        expand_lists(fs::path(file).extension() == ".json" ? parse_json_file(name, *text)
                                                           : parse_yaml_file(name, *text));
    for (const Document& d : docs) {
      if (!d.error.is_ok()) {
        fail(d.error);
        continue;
      }
      const resources::KindInfo* kind = nullptr;
      auto body = manifest_body(d.body, &kind);
      if (!body.is_ok()) {
        fail(body.status().with_context(d.label));
        continue;
      }
      const std::string ref = resource_ref(kind->kind, (*body)["metadata"]["name"]);
      if (!client) {
        auto c = connect(a.client);
        if (!c.is_ok()) return fail(c.status());
        client = std::move(*c);
      }
      resolve_local_paths(*kind, client->base_url(), &*body);
      auto outcome = apply_one(*client, *kind, *body);
      if (!outcome.is_ok()) {
        fail(outcome.status().with_context(d.label + " (" + ref + ")"));
        if (outcome.status().code() == StatusCode::kUnavailable) return;
        continue;
      }
      std::printf("%s %s\n", ref.c_str(), outcome->c_str());
      std::fflush(stdout);
    }
  }
}

}  // namespace

void add_apply_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ApplyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Create or update resources of eddy serve from YAML/JSON manifests");
  cmd->add_option("-f,--filename", args->files,
                  "Manifest file, directory of *.yaml/*.yml/*.json, or - for stdin (repeatable)")
      ->required();
  add_client_options(*cmd, args->client);
  cmd->callback([args, &ctx] { run_apply(*args, ctx); });
}

}  // namespace eddy::cli
