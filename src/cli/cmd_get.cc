// `eddy get KIND [NAME]... [-o wide|yaml|json|name] [-l SELECTOR] [-w]`: resources of one kind
// from `eddy serve`, as kubectl prints them (cli/resource_printer.h). KIND is any of the kind's
// names ("clusters", "cluster", "cl") or KIND/NAME. With no NAME, every resource of the kind
// (those matching -l); "No resources found." goes to stderr and the exit code is 0.
// -w then follows the changes (GET ...?watch=1): one table row per event, or with -o json one
// JSON event per line, until the server ends the stream or the user interrupts. Events the
// initial listing already showed (same or older resourceVersion) are not printed twice, nor
// table rows that would repeat the previous row of the same resource (AGE aside).
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/resource_printer.h"
#include "common/clock.h"

namespace eddy::cli {
namespace {

using nlohmann::json;
using resources::KindInfo;
using resources::Resource;

struct GetArgs {
  ClientOptions client;
  std::string kind;
  std::vector<std::string> names;
  std::string output;
  std::string selector;
  bool watch = false;
};

int64_t now_ms() { return SystemClock::instance()->now() / 1000; }

void out(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

json list_of(const KindInfo& kind, const std::vector<json>& items) {
  return json{
      {"apiVersion", resources::kApiVersion}, {"kind", kind.kind + "List"}, {"items", items}};
}

// Prints what was fetched (not in watch mode for json/yaml: there each item is an event).
Status print_items(const KindInfo& kind, const std::vector<json>& items, OutputFormat fmt,
                   bool single, bool watch, TablePrinter& table) {
  std::vector<Resource> rs;
  for (const json& j : items) {
    EDDY_ASSIGN_OR_RETURN(Resource r, resource_from_wire(j));
    rs.push_back(std::move(r));
  }
  const bool none = items.empty() && !single;
  switch (fmt) {
    case OutputFormat::kTable:
    case OutputFormat::kWide:
      if (!rs.empty()) out(table.table(rs));
      break;
    case OutputFormat::kName:
      for (const Resource& r : rs) out(resource_ref(r.kind, r.name) + "\n");
      break;
    case OutputFormat::kJson:
      if (watch) {
        for (const json& j : items) out(json{{"type", "ADDED"}, {"object", j}}.dump() + "\n");
      } else {
        out((single && items.size() == 1 ? items[0] : list_of(kind, items)).dump(2) + "\n");
      }
      return Status::ok();  // an empty List is an answer in itself
    case OutputFormat::kYaml:
      if (watch) {
        for (const json& j : items) out("---\n" + to_yaml(j));
      } else {
        out(to_yaml(single && items.size() == 1 ? items[0] : list_of(kind, items)));
      }
      return Status::ok();
  }
  if (none) {
    std::fflush(stdout);
    std::fputs("No resources found.\n", stderr);
  }
  return Status::ok();
}

Status follow(ApiClient& client, const KindInfo& kind, const GetArgs& a, const std::string& name,
              OutputFormat fmt, std::map<std::string, int64_t> seen, TablePrinter& table) {
  Status bad_event;
  Status st = client.watch(kind.plural, name, a.selector, [&](const json& ev) {
    if (!ev.is_object() || !ev.contains("object") || !ev["object"].is_object()) return true;
    const std::string type = ev.value("type", "");
    auto r = resource_from_wire(ev["object"]);
    if (!r.is_ok()) {
      bad_event = r.status();
      return false;
    }
    auto it = seen.find(r->name);
    if (type != "DELETED" && it != seen.end() && r->version != 0 && r->version <= it->second)
      return true;  // the initial listing showed this state already
    seen[r->name] = r->version;
    switch (fmt) {
      case OutputFormat::kTable:
      case OutputFormat::kWide:
        table.set_now(now_ms());
        out(table.row(*r, /*skip_unchanged=*/type != "DELETED"));
        break;
      case OutputFormat::kName:
        out(resource_ref(r->kind, r->name) + "\n");
        break;
      case OutputFormat::kJson:
        out(ev.dump() + "\n");
        break;
      case OutputFormat::kYaml:
        out("---\n" + to_yaml(ev["object"]));
        break;
    }
    return true;
  });
  EDDY_RETURN_IF_ERROR(bad_event);
  return st;
}

void run_get(const GetArgs& a, CommandContext& ctx) {
  auto fail = [&ctx](const Status& st) { ctx.fail(st); };
  auto target = kind_and_names(a.kind, a.names);
  if (!target.is_ok()) return fail(target.status());
  const resources::KindInfo* const kind = target->kind;
  std::vector<std::string> names = std::move(target->names);
  auto fmt = parse_output_format(a.output);
  if (!fmt.is_ok()) return fail(fmt.status());
  if (!a.selector.empty()) {
    if (auto sel = resources::parse_label_selector(a.selector); !sel.is_ok())
      return fail(sel.status().with_context("-l"));
    if (!names.empty()) return fail(invalid_argument("-l: cannot be combined with NAME"));
  }
  if (a.watch && names.size() > 1)
    return fail(invalid_argument("-w: watches one NAME or every resource of the kind"));
  auto client = connect(a.client);
  if (!client.is_ok()) return fail(client.status());

  std::vector<json> items;
  if (names.empty()) {
    auto list = (*client)->list(kind->plural, a.selector);
    if (!list.is_ok()) return fail(list.status());
    for (json& j : *list) items.push_back(std::move(j));
  } else {
    for (const std::string& n : names) {
      auto r = (*client)->get(kind->plural, n);
      if (r.is_ok())
        items.push_back(std::move(*r));
      else
        fail(r.status());  // kubectl's habit: print what exists, name what does not
    }
    if (items.empty()) return;
  }
  TablePrinter table(*kind, *fmt == OutputFormat::kWide, now_ms());
  if (Status st = print_items(*kind, items, *fmt, names.size() == 1, a.watch, table); !st.is_ok())
    return fail(st);
  if (!a.watch) return;

  std::map<std::string, int64_t> seen;
  for (const json& j : items) {
    if (auto r = resource_from_wire(j); r.is_ok()) seen[r->name] = r->version;
  }
  Status st = follow(**client, *kind, a, names.empty() ? "" : names[0], *fmt, seen, table);
  if (!st.is_ok()) fail(st);
}

}  // namespace

void add_get_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<GetArgs>();
  CLI::App* cmd =
      app.add_subcommand("get", "List resources of eddy serve (clusters, batches, ...)");
  cmd->add_option("kind", args->kind,
                  "Kind: clusters, sessions, statements, batches (or KIND/NAME)")
      ->required();
  cmd->add_option("names", args->names, "Names (default: every resource of the kind)");
  cmd->add_option("-o,--output", args->output, "Output format: wide, yaml, json or name");
  cmd->add_option("-l,--selector", args->selector, "Label selector, e.g. app=web,tier!=db");
  cmd->add_flag("-w,--watch", args->watch, "After listing, print changes as they happen");
  add_client_options(*cmd, args->client);
  cmd->callback([args, &ctx] { run_get(*args, ctx); });
}

}  // namespace eddy::cli
