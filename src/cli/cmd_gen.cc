// Placeholder until the generator lands (owned by the tweet-generator work).
#include "cli/commands.h"
namespace eddy::cli {
void add_gen_command(CLI::App&, CommandContext&) {}
}  // namespace eddy::cli
