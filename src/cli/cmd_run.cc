// Placeholder until `eddy run` lands.
#include "cli/commands.h"
namespace eddy::cli {
void add_run_command(CLI::App&, CommandContext&) {}
}  // namespace eddy::cli
