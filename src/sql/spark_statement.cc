#include "sql/spark_statement.h"

#include <cctype>

namespace eddy::sql {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// A forward-only cursor over a statement.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  // Skips white space; true when at least one character was skipped.
  bool space() {
    size_t start = i_;
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
    return i_ > start;
  }
  // The keyword, case-insensitively, not followed by an identifier character.
  bool keyword(std::string_view word) {
    if (s_.size() - i_ < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k)
      if (std::toupper(static_cast<unsigned char>(s_[i_ + k])) != word[k]) return false;
    if (i_ + word.size() < s_.size() && is_ident(s_[i_ + word.size()])) return false;
    i_ += word.size();
    return true;
  }
  // keyword() followed by at least one space.
  bool keyword_then_space(std::string_view word) {
    size_t save = i_;
    if (keyword(word) && space()) return true;
    i_ = save;
    return false;
  }
  bool literal(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // [A-Za-z_][A-Za-z0-9_]*
  std::optional<std::string> identifier() {
    if (i_ >= s_.size() || !(std::isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
      return std::nullopt;
    size_t start = i_;
    while (i_ < s_.size() && is_ident(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  // [A-Za-z]+
  std::optional<std::string> word() {
    size_t start = i_;
    while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ == start) return std::nullopt;
    return std::string(s_.substr(start, i_ - start));
  }
  // 'text' or "text" (no quotes of either kind inside, as the statements take paths).
  std::optional<std::string> quoted() {
    if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) return std::nullopt;
    size_t start = ++i_;
    while (i_ < s_.size() && s_[i_] != '\'' && s_[i_] != '"') ++i_;
    if (i_ >= s_.size() || i_ == start) return std::nullopt;
    std::string text(s_.substr(start, i_ - start));
    ++i_;  // either quote closes it, as the earlier regex had it
    return text;
  }
  bool at_end() const { return i_ == s_.size(); }
  std::string_view rest() const { return s_.substr(i_); }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<ViewDefinition> parse_view_definition(std::string_view code) {
  Scanner sc(code);
  sc.space();
  if (!sc.keyword_then_space("CREATE")) return std::nullopt;
  if (sc.keyword_then_space("OR") && !sc.keyword_then_space("REPLACE")) return std::nullopt;
  sc.keyword_then_space("GLOBAL");
  if (!sc.keyword_then_space("TEMPORARY") && !sc.keyword_then_space("TEMP")) return std::nullopt;
  if (!sc.keyword_then_space("VIEW")) return std::nullopt;
  const bool quoted_name = sc.literal('`');
  auto name = sc.identifier();
  if (!name || (quoted_name && !sc.literal('`'))) return std::nullopt;
  if (!sc.space() || !sc.keyword_then_space("USING")) return std::nullopt;
  auto format = sc.word();
  if (!format || !sc.space() || !sc.keyword("OPTIONS")) return std::nullopt;
  sc.space();
  if (!sc.literal('(')) return std::nullopt;
  sc.space();
  if (!sc.keyword("PATH")) return std::nullopt;
  sc.space();
  if (sc.literal('=')) sc.space();
  auto path = sc.quoted();
  if (!path) return std::nullopt;
  sc.space();
  if (!sc.literal(')')) return std::nullopt;
  sc.space();
  if (sc.literal(';')) sc.space();
  if (!sc.at_end()) return std::nullopt;
  std::string fmt = *format;
  for (char& c : fmt) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (fmt != "json" && fmt != "csv" && fmt != "text") fmt = "auto";
  return ViewDefinition{*name, *path, fmt};
}

std::optional<InsertDirectory> parse_insert_directory(std::string_view code) {
  Scanner sc(code);
  sc.space();
  if (!sc.keyword_then_space("INSERT") || !sc.keyword_then_space("OVERWRITE") ||
      !sc.keyword_then_space("DIRECTORY"))
    return std::nullopt;
  auto path = sc.quoted();
  if (!path || !sc.space()) return std::nullopt;
  Scanner using_json = sc;
  if (using_json.keyword_then_space("USING") && using_json.keyword_then_space("JSON"))
    sc = using_json;
  if (sc.at_end()) return std::nullopt;
  return InsertDirectory{*path, std::string(sc.rest())};
}

}  // namespace eddy::sql
