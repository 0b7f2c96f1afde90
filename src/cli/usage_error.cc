#include "cli/usage_error.h"

#include <algorithm>
#include <cctype>

namespace eddy::cli {
namespace {

// Named subcommands (option groups have no name). `visible` drops hidden ones (group ""), such
// as `eddy worker`, from the lists shown to users; they are still accepted and suggested.
std::vector<const CLI::App*> subcommands_of(const CLI::App& app, bool visible) {
  return app.get_subcommands([visible](const CLI::App* sub) {
    return !sub->get_name().empty() && (!visible || !sub->get_group().empty());
  });
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : subcommands_of(app, false)) {
    names.push_back(sub->get_name());
    for (const std::string& alias : sub->get_aliases()) names.push_back(alias);
  }
  return names;
}

std::string visible_command_list(const CLI::App& app) {
  std::string list;
  for (const CLI::App* sub : subcommands_of(app, true)) {
    if (!list.empty()) list += ", ";
    list += sub->get_name();
  }
  return list;
}

std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& n : opt->get_lnames()) names.push_back("--" + n);
    for (const std::string& n : opt->get_snames()) names.push_back("-" + n);
  }
  return names;
}

std::string unknown_word(const std::string& what, const std::string& word,
                         const std::vector<std::string>& candidates, const std::string& tail) {
  std::string message = "unknown " + what + " '" + word + "'" + tail;
  if (auto near = closest_name(word, candidates)) message += " (did you mean '" + *near + "'?)";
  return message;
}

// `word` names none of the subcommands of `app` (the command `path`).
std::string unknown_command_message(const CLI::App& app, const std::string& path,
                                    const std::string& word) {
  std::string message = unknown_word("command", word, command_names(app), "");
  if (message.find("did you mean") == std::string::npos)
    message += " ('" + path + "' has: " + visible_command_list(app) + ")";
  return message;
}

// The message for a word of the command line that `app` (the command `path`) did not take.
std::string stray_word_message(const CLI::App& app, const std::string& path,
                               const std::string& word) {
  if (word.size() > 1 && word[0] == '-') {
    std::string flag = word.substr(0, word.find('='));  // --name=value names the flag --name
    return unknown_word("flag", flag, flag_names(app), " for '" + path + "'");
  }
  if (!subcommands_of(app, false).empty() && app.get_subcommands().empty())
    return unknown_command_message(app, path, word);
  return "unexpected argument '" + word + "' for '" + path + "'";
}

std::string lowercase_first(std::string s) {
  // CLI11 capitalizes some of its messages ("Could not convert: ..."); ours are lower case.
  if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) &&
      std::islower(static_cast<unsigned char>(s[1])))
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // d[i][j]: distance between a[0, i) and b[0, j). Names are short: the full table is fine.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  std::string_view stem = word.substr(std::min(word.find_first_not_of('-'), word.size()));
  // One edit in a short word, up to two in a long one: 'x' suggests nothing, 'sq' suggests 'sql'.
  std::size_t allowed = std::min<std::size_t>(2, std::max<std::size_t>(1, stem.size() / 3));
  std::optional<std::string> best;
  std::size_t best_distance = allowed + 1;
  for (const std::string& candidate : candidates) {
    std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string usage_error_message(const CLI::App& app, const CLI::ParseError& error,
                                const std::string& program) {
  // The commands parsed, root first: `eddy fs ls` is {eddy, fs, ls}.
  std::vector<const CLI::App*> chain{&app};
  while (!chain.back()->get_subcommands().empty())
    chain.push_back(chain.back()->get_subcommands().front());
  std::string path = program;
  // A word no command took is the cause whatever CLI11 threw first ("kind is required" for
  // `eddy get --bogus`): name it.
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (i > 0) path += " " + chain[i]->get_name();
    for (const std::string& word : chain[i]->remaining(false)) {
      if (word == "--") continue;
      return stray_word_message(*chain[i], path, word);
    }
  }
  const CLI::App& last = *chain.back();
  if (last.get_require_subcommand_min() > 0 && last.get_subcommands().empty()) {
    std::string message = "'" + path + "' needs a command: " + visible_command_list(last);
    if (chain.size() == 1) message += " ('" + program + " help' describes them)";
    return message;
  }
  std::string help_hint = program + " help";
  for (std::size_t i = 1; i < chain.size(); ++i) help_hint += " " + chain[i]->get_name();
  return "'" + path + "': " + lowercase_first(error.what()) + " (see '" + help_hint + "')";
}

const CLI::App* find_command(const CLI::App& app, const std::vector<std::string>& words,
                             std::string* message, const std::string& program) {
  const CLI::App* current = &app;
  std::string path = program;
  for (const std::string& word : words) {
    auto subs = subcommands_of(*current, false);
    if (subs.empty()) break;  // `eddy help get clusters`: the rest are get's arguments
    auto it = std::find_if(subs.begin(), subs.end(),
                           [&](const CLI::App* sub) { return sub->check_name(word); });
    if (it == subs.end()) {
      *message = unknown_command_message(*current, path, word);
      return nullptr;
    }
    current = *it;
    path += " " + current->get_name();
  }
  return current;
}

}  // namespace eddy::cli
