// `eddy delete KIND NAME... [--wait [--timeout 5m]]` (or KIND/NAME): deletes resources of
// `eddy serve`, printing "cluster/x deleted" for each. The server begins the deletion (a
// running cluster terminates first, then disappears); --wait polls until each resource is
// gone. A name that fails is reported and the others are still deleted; the exit code is
// that of the last failure (cli/exit_codes.h).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/resource_printer.h"
#include "common/time_format.h"

namespace eddy::cli {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(250);

struct DeleteArgs {
  ClientOptions client;
  std::string kind;
  std::vector<std::string> names;
  bool wait = false;
  std::string timeout = "5m";
};

// Polls until GET answers 404.
Status wait_gone(ApiClient& client, const std::string& plural, const std::string& ref,
                 const std::string& name, Micros timeout) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(timeout);
  for (;;) {
    auto r = client.get(plural, name);
    if (!r.is_ok() && r.status().code() == StatusCode::kNotFound) return Status::ok();
    if (!r.is_ok()) return r.status();
    if (std::chrono::steady_clock::now() >= deadline)
      return Status(StatusCode::kDeadlineExceeded,
                    ref + ": still present after " + format_duration(timeout) + " (state: " +
                        r->value("status", nlohmann::json::object()).value("state", "?") + ")");
    std::this_thread::sleep_for(kPollInterval);
  }
}

void run_delete(const DeleteArgs& a, CommandContext& ctx) {
  auto fail = [&ctx](const Status& st) { ctx.fail(st); };
  auto target = kind_and_names(a.kind, a.names);
  if (!target.is_ok()) return fail(target.status());
  const resources::KindInfo* const kind = target->kind;
  std::vector<std::string> names = std::move(target->names);
  if (names.empty())
    return fail(invalid_argument("delete: expected a NAME (eddy delete KIND NAME...)"));
  auto timeout = parse_duration(a.timeout);
  if (!timeout.is_ok()) return fail(timeout.status().with_context("--timeout"));
  auto client = connect(a.client);
  if (!client.is_ok()) return fail(client.status());
  for (const std::string& n : names) {
    const std::string ref = resource_ref(kind->kind, n);
    auto r = (*client)->remove(kind->plural, n);
    if (!r.is_ok()) {
      fail(r.status());
      continue;
    }
    if (a.wait) {
      if (Status st = wait_gone(**client, kind->plural, ref, n, *timeout); !st.is_ok()) {
        fail(st);
        continue;
      }
    }
    std::printf("%s deleted\n", ref.c_str());
    std::fflush(stdout);
  }
}

}  // namespace

void add_delete_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<DeleteArgs>();
  CLI::App* cmd = app.add_subcommand("delete", "Delete resources of eddy serve");
  cmd->add_option("kind", args->kind,
                  "Kind: clusters, sessions, statements, batches (or KIND/NAME)")
      ->required();
  cmd->add_option("names", args->names, "Names of the resources");
  cmd->add_flag("--wait", args->wait,
                "Wait until each resource is gone (clusters terminate first)");
  cmd->add_option("--timeout", args->timeout, "With --wait: give up after DURATION (default 5m)");
  add_client_options(*cmd, args->client);
  cmd->callback([args, &ctx] { run_delete(*args, ctx); });
}

}  // namespace eddy::cli
