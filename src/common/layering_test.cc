// The layering of src/ as docs/ARCHITECTURE.md states it: the "Subsystems" table there is this
// test's input. Every `#include "folder/file.h"` in src/ is a dependency of the including file's
// folder on `folder`; the test fails, naming file:line, when the table's row for the including
// folder does not list `folder`, and fails on any cycle between folders. It also holds CMake to
// the same graph: each eddy_<folder> library links exactly the eddy_* libraries of the folders
// its sources include.
//
// Reading of the table: dependencies are direct, not transitive — a row lists every folder its
// code includes; "—" is none, "everything" is any folder, "all of the above" is every folder of
// an earlier row. Includes whose first segment is not a folder of src/ (absl/..., CLI/...) are
// libraries and not checked here.
//
// Proved to fail (not committed): a temporary `#include "tweets/json_tail.h"` in
// src/engine/stream_runtime.cc made it report "src/engine/stream_runtime.cc:11: engine/ may not
// depend on tweets/", "folder cycle: engine/ -> tweets/ -> engine/ (closed by
// src/tweets/tweet_decoder.h:25)" and "eddy_engine does not link eddy_tweets"; an include of
// server/api_server.h there gave the first and the last.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace eddy {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = EDDY_SOURCE_DIR;

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t`");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t`");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

// The top-level folders of src/.
std::set<std::string> source_folders() {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(kSourceDir / "src"))
    if (e.is_directory()) out.insert(e.path().filename().string());
  return out;
}

struct Table {
  std::map<std::string, std::set<std::string>> allowed;  // folder -> folders it may include
  std::set<std::string> everything;                      // rows that may include any folder
};

// Rows `| `folder/` | holds | may depend on |` of docs/ARCHITECTURE.md's Subsystems table.
Table read_table() {
  std::ifstream in(kSourceDir / "docs" / "ARCHITECTURE.md");
  EXPECT_TRUE(in.good()) << "cannot read docs/ARCHITECTURE.md";
  Table t;
  std::vector<std::string> above;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.rfind("## Subsystems", 0) == 0) in_table = true;
    if (!in_table) continue;
    if (line.rfind("| `", 0) != 0) {
      if (!above.empty() && (line.empty() || line[0] != '|')) break;  // the table has ended
      continue;
    }
    const std::vector<std::string> cells = split(line, '|');  // "", folder, holds, deps, ...
    if (cells.size() < 4) continue;
    std::string folder = trim(cells[1]);
    if (!folder.empty() && folder.back() == '/') folder.pop_back();
    const std::string deps = trim(cells[3]);
    std::set<std::string>& allowed = t.allowed[folder];
    if (deps == "everything") {
      t.everything.insert(folder);
    } else if (deps == "all of the above") {
      allowed.insert(above.begin(), above.end());
    } else if (deps != "—" && deps != "-") {
      for (const std::string& d : split(deps, ',')) {
        std::string name = trim(d);
        if (!name.empty() && name.back() == '/') name.pop_back();
        if (!name.empty()) allowed.insert(name);
      }
    }
    above.push_back(folder);
  }
  return t;
}

struct Include {
  std::string file;  // relative to the source dir: "src/engine/stream_runtime.cc"
  int line;
  std::string from, to;  // folders
};

std::vector<Include> read_includes(const std::set<std::string>& folders) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s+"([a-z0-9_]+)/[^"]+")re");
  std::vector<Include> out;
  for (const auto& e : fs::recursive_directory_iterator(kSourceDir / "src")) {
    if (!e.is_regular_file()) continue;
    const std::string ext = e.path().extension().string();
    if (ext != ".h" && ext != ".cc") continue;
    const fs::path rel = fs::relative(e.path(), kSourceDir);
    const std::string from = *std::next(rel.begin());  // src/<folder>/...
    std::ifstream in(e.path());
    std::string text;
    int n = 0;
    while (std::getline(in, text)) {
      ++n;
      std::smatch m;
      if (!std::regex_search(text, m, kInclude)) continue;
      const std::string to = m[1];
      if (to == from || !folders.count(to)) continue;
      out.push_back({rel.string(), n, from, to});
    }
  }
  return out;
}

// Folder dependencies as eddy_add_subsystem(NAME DEPS...) lines of CMakeLists.txt state them.
std::map<std::string, std::set<std::string>> cmake_links() {
  std::ifstream in(kSourceDir / "CMakeLists.txt");
  static const std::regex kLine(R"re(^eddy_add_subsystem\((\w+)([^)]*)\))re");
  static const std::regex kDep(R"re(\beddy_(\w+))re");
  std::map<std::string, std::set<std::string>> out;
  std::string text;
  while (std::getline(in, text)) {
    std::smatch m;
    if (!std::regex_search(text, m, kLine)) continue;
    std::set<std::string>& deps = out[m[1]];
    const std::string rest = m[2];
    for (std::sregex_iterator it(rest.begin(), rest.end(), kDep), end; it != end; ++it)
      deps.insert((*it)[1]);
  }
  return out;
}

TEST(LayeringTest, EveryIncludeIsAllowedByTheArchitectureTable) {
  const std::set<std::string> folders = source_folders();
  const Table table = read_table();
  ASSERT_FALSE(table.allowed.empty()) << "no Subsystems table rows in docs/ARCHITECTURE.md";
  for (const std::string& f : folders)
    EXPECT_TRUE(table.allowed.count(f)) << "src/" << f << "/ has no row in docs/ARCHITECTURE.md";
  for (const Include& inc : read_includes(folders)) {
    if (table.everything.count(inc.from)) continue;
    auto row = table.allowed.find(inc.from);
    if (row == table.allowed.end()) continue;  // reported above
    EXPECT_TRUE(row->second.count(inc.to))
        << inc.file << ":" << inc.line << ": " << inc.from << "/ may not depend on " << inc.to
        << "/ (docs/ARCHITECTURE.md, Subsystems table)";
  }
}

TEST(LayeringTest, NoCycleBetweenFolders) {
  std::map<std::string, std::map<std::string, Include>> graph;  // from -> to -> first include
  for (const Include& inc : read_includes(source_folders())) graph[inc.from].emplace(inc.to, inc);
  std::map<std::string, int> state;  // 0 unvisited, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& f) {
    state[f] = 1;
    stack.push_back(f);
    for (const auto& [to, inc] : graph[f]) {
      if (state[to] == 1) {
        std::string cycle;
        for (auto it = std::find(stack.begin(), stack.end(), to); it != stack.end(); ++it)
          cycle += *it + "/ -> ";
        ADD_FAILURE() << "folder cycle: " << cycle << to << "/ (closed by " << inc.file << ":"
                      << inc.line << ")";
      } else if (state[to] == 0) {
        visit(to);
      }
    }
    stack.pop_back();
    state[f] = 2;
  };
  for (const auto& [f, _] : graph)
    if (state[f] == 0) visit(f);
}

TEST(LayeringTest, CMakeLinksWhatTheSourcesInclude) {
  std::map<std::string, std::set<std::string>> included;
  for (const Include& inc : read_includes(source_folders())) {
    if (inc.file.find("_test.cc") != std::string::npos) continue;  // tests link their own
    included[inc.from].insert(inc.to);
  }
  for (const auto& [lib, links] : cmake_links()) {
    const std::set<std::string>& uses = included[lib];
    for (const std::string& l : links)
      EXPECT_TRUE(uses.count(l)) << "CMakeLists.txt: eddy_" << lib << " links eddy_" << l
                                 << " but no source of src/" << lib << "/ includes " << l << "/";
    for (const std::string& u : uses)
      EXPECT_TRUE(links.count(u)) << "CMakeLists.txt: eddy_" << lib << " does not link eddy_" << u
                                  << " although src/" << lib << "/ includes " << u << "/";
  }
}

}  // namespace
}  // namespace eddy
