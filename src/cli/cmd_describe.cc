// `eddy describe KIND NAME...` (or KIND/NAME): a resource of `eddy serve` in a form for people —
// name, kind, labels, creation time, the spec and status fields (nested objects indented,
// times and byte counts humanised), and for clusters the workers and their accounting
// (cli/resource_printer.h). Several names print one block each, separated by a blank line;
// a name that does not exist is reported and the others are still described (exit 4).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/resource_printer.h"
#include "common/clock.h"

namespace eddy::cli {
namespace {

struct DescribeArgs {
  ClientOptions client;
  std::string kind;
  std::vector<std::string> names;
};

void run_describe(const DescribeArgs& a, CommandContext& ctx) {
  auto fail = [&ctx](const Status& st) { ctx.fail(st); };
  auto target = kind_and_names(a.kind, a.names);
  if (!target.is_ok()) return fail(target.status());
  const resources::KindInfo* const kind = target->kind;
  std::vector<std::string> names = std::move(target->names);
  if (names.empty())
    return fail(invalid_argument("describe: expected a NAME (eddy describe KIND NAME)"));
  auto client = connect(a.client);
  if (!client.is_ok()) return fail(client.status());
  bool first = true;
  for (const std::string& n : names) {
    auto j = (*client)->get(kind->plural, n);
    if (!j.is_ok()) {
      fail(j.status());
      continue;
    }
    auto r = resource_from_wire(*j);
    if (!r.is_ok()) {
      fail(r.status());
      continue;
    }
    std::string text =
        (first ? "" : "\n") + describe(kind, *r, SystemClock::instance()->now() / 1000);
    first = false;
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  std::fflush(stdout);
}

}  // namespace

void add_describe_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<DescribeArgs>();
  CLI::App* cmd = app.add_subcommand("describe", "Show a resource of eddy serve in detail");
  cmd->add_option("kind", args->kind,
                  "Kind: clusters, sessions, statements, batches (or KIND/NAME)")
      ->required();
  cmd->add_option("names", args->names, "Names of the resources");
  add_client_options(*cmd, args->client);
  cmd->callback([args, &ctx] { run_describe(*args, ctx); });
}

}  // namespace eddy::cli
