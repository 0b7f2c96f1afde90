// Usage errors of the eddy command in Eddy's own form. CLI11 reports a bad command line in its
// words ("A subcommand is required", "The following argument was not expected: --bogus") and
// without the word at fault; main() catches CLI11's parse errors and prints the message built
// here instead, as `eddy: error: usage: MESSAGE` with exit code 2 (cli/exit_codes.h):
//
//   unknown command 'gett' (did you mean 'get'?)
//   unknown flag '--sett' for 'eddy run' (did you mean '--set'?)
//   'eddy fs' needs a command: ls, cp, cat, rm
//   'eddy run': file is required (see 'eddy help run')
//
// "Did you mean" picks the nearest name by edit distance (adjacent transpositions count one, so
// 'rnu' is one edit from 'run'). Stateless functions; they only read the parsed CLI::App.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eddy::cli {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// adjacent characters each cost one.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` if it is close enough to be what the user meant (at most two
// edits, and fewer than half of the word's characters); ties go to the earlier candidate.
std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string>& candidates);

// The message (without "eddy: error: usage: ") for a parse error of `app`, the root command,
// after a failed app.parse(). `program` is how the command is named in hints ("eddy").
std::string usage_error_message(const CLI::App& app, const CLI::ParseError& error,
                                const std::string& program = "eddy");

// The subcommand named by `words` under `app` (e.g. {"fs", "ls"}), for `eddy help WORDS`; an
// unknown word yields the same message as on the command line, in `*message`.
const CLI::App* find_command(const CLI::App& app, const std::vector<std::string>& words,
                             std::string* message, const std::string& program = "eddy");

}  // namespace eddy::cli
