// CsvParser: see csv_parser.h.
#include "sql/csv_parser.h"

namespace eddy::sql {

CsvParser::CsvParser(std::string_view data) : data_(data) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

Result<bool> CsvParser::next(std::vector<CsvField>& fields) {
  // Skip blank lines.
  while (pos_ < data_.size() && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\n') ++line_;
    ++pos_;
  }
  fields.clear();
  if (pos_ >= data_.size()) return false;
  record_line_ = line_;
  for (;;) {
    CsvField& f = fields.emplace_back();
    if (pos_ < data_.size() && data_[pos_] == '"') {
      f.quoted = true;
      ++pos_;
      for (;;) {
        if (pos_ >= data_.size()) {
          return invalid_argument("line " + std::to_string(record_line_) +
                                  ": unterminated quoted field");
        }
        const char c = data_[pos_++];
        if (c == '"') {
          if (pos_ < data_.size() && data_[pos_] == '"') {
            f.text.push_back('"');
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        f.text.push_back(c);
      }
    }
    // Bare field, or whatever follows a closing quote up to the delimiter (kept, leniently).
    while (pos_ < data_.size() && data_[pos_] != ',' && data_[pos_] != '\n') {
      f.text.push_back(data_[pos_++]);
    }
    if (pos_ >= data_.size() || data_[pos_] == '\n') {
      if (!f.text.empty() && f.text.back() == '\r') f.text.pop_back();
      if (pos_ < data_.size()) {
        ++pos_;
        ++line_;
      }
      return true;
    }
    ++pos_;  // ','
  }
}

}  // namespace eddy::sql
