// CsvParser: splits RFC 4180 CSV text into records. Fields may be quoted ("a ""b"", c"), quoted
// fields may span lines, records end at '\n' or "\r\n", a UTF-8 byte order mark is skipped and
// blank lines are ignored. It remembers whether each field was quoted, so the loader can keep
// quoted fields as text while inferring numbers for bare ones.
//
// Ownership: views the caller's buffer, which must outlive the parser. Thread-safety: one
// thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace eddy::sql {

struct CsvField {
  std::string text;
  bool quoted = false;
};

class CsvParser {
 public:
  explicit CsvParser(std::string_view data);
  // Reads the next record into `fields`; false at the end. An unterminated quote is an error
  // (the message gives the line where the record started; the caller adds the file).
  Result<bool> next(std::vector<CsvField>& fields);
  // 1-based line where the record last returned by next() started.
  size_t record_line() const { return record_line_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
};

}  // namespace eddy::sql
