#include "cli/usage_error.h"

#include <gtest/gtest.h>

namespace eddy::cli {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndTranspositions) {
  EXPECT_EQ(edit_distance("get", "get"), 0u);
  EXPECT_EQ(edit_distance("gett", "get"), 1u);
  EXPECT_EQ(edit_distance("rnu", "run"), 1u);  // adjacent transposition: one edit
  EXPECT_EQ(edit_distance("sql", "sq"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(ClosestName, SuggestsOnlyNearNames) {
  std::vector<std::string> names{"gen", "run", "text", "fs", "sql", "serve", "apply",
                                 "get", "describe", "logs", "delete", "help"};
  EXPECT_EQ(closest_name("gett", names), "get");
  EXPECT_EQ(closest_name("rnu", names), "run");
  EXPECT_EQ(closest_name("hlep", names), "help");
  EXPECT_EQ(closest_name("dscribe", names), "describe");
  EXPECT_EQ(closest_name("x", names), std::nullopt);
  EXPECT_EQ(closest_name("kubectl", names), std::nullopt);
  EXPECT_EQ(closest_name("--sett", {"--set", "--threads", "--quiet", "-q"}), "--set");
  EXPECT_EQ(closest_name("--bogus", {"--set", "--threads", "--quiet", "-q"}), std::nullopt);
}

// A small command tree shaped like eddy's: subcommands, a nested group, a required positional.
class UsageErrorTest : public ::testing::Test {
 protected:
  UsageErrorTest() {
    app_.require_subcommand(1);
    CLI::App* run = app_.add_subcommand("run", "Run a job");
    run->add_option("file", file_)->required();
    run->add_option("--set", sets_);
    CLI::App* fs = app_.add_subcommand("fs", "Files");
    fs->require_subcommand(1);
    fs->add_subcommand("ls", "List");
    fs->add_subcommand("cp", "Copy");
    app_.add_subcommand("worker", "hidden")->group("");
  }

  // The message for `args` (without the program name), or "" if they parse.
  std::string message_for(std::vector<std::string> args) {
    std::vector<const char*> argv{"eddy"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    try {
      app_.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      return usage_error_message(app_, e);
    }
    return "";
  }

  CLI::App app_{"test"};
  std::string file_;
  std::vector<std::string> sets_;
};

TEST_F(UsageErrorTest, UnknownCommandNamesTheWordAndTheNearestCommand) {
  EXPECT_EQ(message_for({"rnu", "x"}), "unknown command 'rnu' (did you mean 'run'?)");
}

TEST_F(UsageErrorTest, UnknownCommandWithNothingNearListsTheVisibleCommands) {
  EXPECT_EQ(message_for({"xyzzy"}), "unknown command 'xyzzy' ('eddy' has: run, fs)");
}

TEST_F(UsageErrorTest, UnknownNestedCommand) {
  EXPECT_EQ(message_for({"fs", "lss"}), "unknown command 'lss' (did you mean 'ls'?)");
}

TEST_F(UsageErrorTest, UnknownFlagWinsOverAMissingArgument) {
  EXPECT_EQ(message_for({"run", "--sett", "a=b"}),
            "unknown flag '--sett' for 'eddy run' (did you mean '--set'?)");
  EXPECT_EQ(message_for({"run", "--bogus=1", "x"}), "unknown flag '--bogus' for 'eddy run'");
}

TEST_F(UsageErrorTest, MissingCommand) {
  EXPECT_EQ(message_for({}), "'eddy' needs a command: run, fs ('eddy help' describes them)");
  EXPECT_EQ(message_for({"fs"}), "'eddy fs' needs a command: ls, cp");
}

TEST_F(UsageErrorTest, MissingArgumentPointsAtTheCommandsHelp) {
  EXPECT_EQ(message_for({"run"}), "'eddy run': file is required (see 'eddy help run')");
}

TEST_F(UsageErrorTest, FindCommandWalksSubcommands) {
  std::string message;
  const CLI::App* ls = find_command(app_, {"fs", "ls"}, &message);
  ASSERT_NE(ls, nullptr);
  EXPECT_EQ(ls->get_name(), "ls");
  EXPECT_EQ(find_command(app_, {}, &message), &app_);
  EXPECT_EQ(find_command(app_, {"fs", "lss"}, &message), nullptr);
  EXPECT_EQ(message, "unknown command 'lss' (did you mean 'ls'?)");
}

}  // namespace
}  // namespace eddy::cli
