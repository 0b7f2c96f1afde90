// Placeholder until the text commands land (owned by the sentiment work).
#include "cli/commands.h"
namespace eddy::cli {
void add_text_command(CLI::App&, CommandContext&) {}
}  // namespace eddy::cli
