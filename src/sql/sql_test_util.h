// Test helpers for the sql tests: a temporary directory removed at the end of each test, and
// one-call file writing and querying. Test-only (not part of eddy_sql: no .cc file).
// Thread-safety: one test thread.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "sql/sql_engine.h"

namespace eddy::sql {

class SqlTempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "eddy_sql_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto e = SqlEngine::create();
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    engine_ = std::move(e).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `content` to dir_/rel (creating parent directories); returns the path.
  std::string write(const std::string& rel, const std::string& content) {
    const std::filesystem::path p = std::filesystem::path(dir_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  Status load(const std::string& name, const std::string& path,
              const std::string& format = "auto") {
    return engine_->register_table({name, path, format, std::nullopt});
  }
  // The result as JSON lines, or "error: ..." for a failed query.
  std::string run(const std::string& sql) {
    auto r = engine_->query(sql);
    if (!r.is_ok()) return "error: " + r.status().message();
    return format_result(*r, OutputFormat::kJsonLines);
  }

  std::string dir_;
  std::unique_ptr<SqlEngine> engine_;
};

}  // namespace eddy::sql
