// `eddy logs KIND NAME [-f] [--tail N]` (or KIND/NAME): the log lines of a batch, statement,
// session or cluster of `eddy serve` (GET /v1/{plural}/{name}/log?from=&size=, read in pages).
// --tail N prints only the last N lines logged so far. -f keeps polling for new lines until
// the resource reaches a terminal state, prints what it logged last, and exits 0:
//   Batch: success|dead|killed   Statement: available|cancelled|error
//   Session: dead|killed|error|success   Cluster: TERMINATED, TERMINATED_WITH_ERRORS
// A resource deleted while followed ends the command too (exit 0).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "resources/states.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/resource_printer.h"

namespace eddy::cli {
namespace {

constexpr int64_t kPageLines = 1000;
constexpr auto kPollInterval = std::chrono::milliseconds(500);

struct LogsArgs {
  ClientOptions client;
  std::string kind;
  std::string name;
  bool follow = false;
  int64_t tail = -1;
};

bool is_terminal(const std::string& kind, const std::string& state) {
  using namespace resources;
  if (kind == "Batch") {
    auto s = parse_state<BatchState>(state);
    return s && is_finished(*s);
  }
  if (kind == "Statement") {
    auto s = parse_state<StatementState>(state);
    return s && is_finished(*s);
  }
  if (kind == "Session") {
    auto s = parse_state<SessionState>(state);
    return s && *s != SessionState::kShuttingDown && is_ended(*s);
  }
  if (kind == "Cluster") {
    auto s = parse_state<ClusterState>(state);
    return s && resources::is_terminal(*s);
  }
  return false;
}

void print_lines(const std::vector<std::string>& lines, size_t skip = 0) {
  std::string out;
  for (size_t i = skip; i < lines.size(); ++i) out += lines[i] + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

// Prints the lines from `*next` to the end of what is logged now; advances `*next`.
Status drain(ApiClient& client, const std::string& plural, const std::string& name, int64_t* next) {
  for (;;) {
    EDDY_ASSIGN_OR_RETURN(LogPage page, client.log(plural, name, *next, kPageLines));
    // A server that answers from an earlier line than asked: skip what was printed.
    const int64_t skip = std::max<int64_t>(0, *next - page.from);
    if (static_cast<int64_t>(page.lines.size()) <= skip) return Status::ok();
    print_lines(page.lines, static_cast<size_t>(skip));
    *next = page.from + static_cast<int64_t>(page.lines.size());
    if (*next >= page.total) return Status::ok();
  }
}

Status run_logs(const LogsArgs& a) {
  auto [kind_name, ref_name] = split_kind_ref(a.kind);
  EDDY_ASSIGN_OR_RETURN(const resources::KindInfo* kind, kind_named(kind_name));
  std::string name = a.name;
  if (!ref_name.empty()) {
    if (!name.empty()) return invalid_argument("logs: give KIND NAME or KIND/NAME, not both");
    name = ref_name;
  }
  if (name.empty()) return invalid_argument("logs: expected a NAME (eddy logs KIND NAME)");
  EDDY_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client, connect(a.client));

  int64_t next = 0;
  if (a.tail >= 0) {
    EDDY_ASSIGN_OR_RETURN(LogPage first, client->log(kind->plural, name, 0, kPageLines));
    const int64_t end = first.from + static_cast<int64_t>(first.lines.size());
    if (end >= first.total) {  // the whole log fitted in one page
      const size_t keep = static_cast<size_t>(std::min<int64_t>(a.tail, first.lines.size()));
      print_lines(first.lines, first.lines.size() - keep);
      next = end;
    } else {
      next = std::max<int64_t>(0, first.total - a.tail);
    }
  }
  EDDY_RETURN_IF_ERROR(drain(*client, kind->plural, name, &next));
  if (!a.follow) return Status::ok();
  for (;;) {
    // The state is read before the lines, so the lines read after a terminal state are the last.
    auto r = client->get(kind->plural, name);
    if (!r.is_ok() && r.status().code() == StatusCode::kNotFound) return Status::ok();
    if (!r.is_ok()) return r.status();
    const nlohmann::json status = r->value("status", nlohmann::json::object());
    const std::string state =
        status.is_object() && status.contains("state") && status["state"].is_string()
            ? status["state"].get<std::string>()
            : "";
    Status st = drain(*client, kind->plural, name, &next);
    if (!st.is_ok() && st.code() == StatusCode::kNotFound) return Status::ok();
    EDDY_RETURN_IF_ERROR(st);
    if (is_terminal(kind->kind, state)) return Status::ok();
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

void add_logs_command(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<LogsArgs>();
  CLI::App* cmd =
      app.add_subcommand("logs", "Print the log of a batch, statement, session or cluster");
  cmd->add_option("kind", args->kind,
                  "Kind: batches, statements, sessions, clusters (or KIND/NAME)")
      ->required();
  cmd->add_option("name", args->name, "Name of the resource");
  cmd->add_flag("-f,--follow", args->follow,
                "Keep printing new lines until the resource reaches a terminal state");
  cmd->add_option("--tail", args->tail, "Only the last N lines logged so far")
      ->check(CLI::NonNegativeNumber);
  add_client_options(*cmd, args->client);
  cmd->callback([args, &ctx] {
    Status st = run_logs(*args);
    std::fflush(stdout);
    if (!st.is_ok()) ctx.fail(st);
  });
}

}  // namespace eddy::cli
