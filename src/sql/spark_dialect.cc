// Spark SQL rewrites over a token list: see spark_dialect.h.
//
// Tokens are never inserted or removed: a rewrite sets the text of the first token of a span
// and blanks the rest, so the indices found by one pass stay valid for the next.
#include "sql/spark_dialect.h"

#include <cctype>
#include <set>

#include "sql/table_writer.h"

namespace eddy::sql {
namespace {

enum class Kind { kSpace, kWord, kQuotedIdent, kString, kNumber, kPunct };

struct Token {
  Kind kind;
  std::string text;
  int depth;  // parentheses open before the token ('(' and ')' count as outside)
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  int depth = 0;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    size_t j = i + 1;
    Kind kind = Kind::kPunct;
    if (std::isspace(static_cast<unsigned char>(c))) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      kind = Kind::kSpace;
    } else if (c == '-' && j < s.size() && s[j] == '-') {
      while (j < s.size() && s[j] != '\n') ++j;
      kind = Kind::kSpace;
    } else if (c == '/' && j < s.size() && s[j] == '*') {
      const size_t end = s.find("*/", j + 1);
      j = end == std::string_view::npos ? s.size() : end + 2;
      kind = Kind::kSpace;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      for (;;) {
        while (j < s.size() && s[j] != close) ++j;
        if (j + 1 < s.size() && s[j + 1] == close && close != ']') {
          j += 2;
          continue;
        }
        j = std::min(j + 1, s.size());
        break;
      }
      kind = c == '\'' ? Kind::kString : Kind::kQuotedIdent;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (j < s.size() && (is_word_char(s[j]) || s[j] == '.')) ++j;
      kind = Kind::kNumber;
    } else if (is_word_char(c)) {
      while (j < s.size() && is_word_char(s[j])) ++j;
      kind = Kind::kWord;
    }
    if (c == ')') --depth;
    out.push_back({kind, std::string(s.substr(i, j - i)), depth});
    if (c == '(') ++depth;
    i = j;
  }
  return out;
}

bool is_kw(const Token& t, std::string_view kw) {
  if (t.kind != Kind::kWord || t.text.size() != kw.size()) return false;
  for (size_t i = 0; i < kw.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(t.text[i])) != kw[i]) return false;
  }
  return true;
}

bool is_punct(const Token& t, char c) { return t.kind == Kind::kPunct && t.text[0] == c; }

std::string unquote(const Token& t) {
  if (t.kind != Kind::kQuotedIdent || t.text.size() < 2) return t.text;
  const char q = t.text[0] == '[' ? ']' : t.text[0];
  std::string out;
  for (size_t i = 1; i + 1 < t.text.size(); ++i) {
    out.push_back(t.text[i]);
    if (t.text[i] == q && t.text[i + 1] == q) ++i;
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Words that end a clause, so they cannot be an alias.
bool is_clause_word(const Token& t) {
  for (const char* kw :
       {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "EXCEPT",
        "INTERSECT", "LATERAL", "JOIN", "LEFT", "INNER", "CROSS", "ON", "USING", "AS"}) {
    if (is_kw(t, kw)) return true;
  }
  return false;
}

bool is_identifier(const Token& t) {
  return t.kind == Kind::kQuotedIdent || (t.kind == Kind::kWord && !is_clause_word(t));
}

class Rewriter {
 public:
  explicit Rewriter(std::string_view sql) : t_(tokenize(sql)) {}

  Result<std::string> run() {
    EDDY_RETURN_IF_ERROR(lateral_views());
    if (!aliases_.empty()) replace_alias_references();
    EDDY_RETURN_IF_ERROR(select_generators());
    std::string out;
    for (const auto& t : t_) out += t.text;
    return out;
  }

 private:
  struct Alias {
    std::string table;   // lowercased
    std::string column;  // lowercased
    std::string target;  // "v.value"
  };
  struct Item {
    size_t begin, end;  // token range [begin, end)
  };

  // Index of the next significant token at or after i; t_.size() at the end.
  size_t sig(size_t i) const {
    while (i < t_.size() && t_[i].kind == Kind::kSpace) ++i;
    return i;
  }
  size_t prev_sig(size_t i) const {  // before i; SIZE_MAX if none
    while (i > 0) {
      --i;
      if (t_[i].kind != Kind::kSpace) return i;
    }
    return SIZE_MAX;
  }
  // The ')' matching the '(' at i; t_.size() if unbalanced.
  size_t matching(size_t i) const {
    for (size_t k = i + 1; k < t_.size(); ++k) {
      if (is_punct(t_[k], ')') && t_[k].depth == t_[i].depth) return k;
    }
    return t_.size();
  }
  std::string text(size_t begin, size_t end) const {
    std::string s;
    for (size_t k = begin; k < end && k < t_.size(); ++k) s += t_[k].text;
    return s;
  }
  // Replaces the tokens [begin, end) by `text` (kept in the first, the rest blanked).
  void replace(size_t begin, size_t end, std::string text) {
    blank(begin + 1, end);
    t_[begin].text = std::move(text);
    t_[begin].kind = Kind::kWord;
  }
  void blank(size_t begin, size_t end) {
    for (size_t k = begin; k < end && k < t_.size(); ++k) {
      t_[k].text.clear();
      t_[k].kind = Kind::kSpace;
    }
  }

  Status lateral_views() {
    for (size_t i = 0; i < t_.size(); ++i) {
      if (!is_kw(t_[i], "LATERAL")) continue;
      size_t k = sig(i + 1);
      if (k >= t_.size() || !is_kw(t_[k], "VIEW")) continue;
      k = sig(k + 1);
      bool outer = false;
      if (k < t_.size() && is_kw(t_[k], "OUTER")) outer = true, k = sig(k + 1);
      if (k >= t_.size()) return invalid_argument("LATERAL VIEW: expected explode(...)");
      const std::string fn = lower(t_[k].text);
      if (fn != "explode" && fn != "posexplode") {
        return invalid_argument("LATERAL VIEW supports explode and posexplode, got '" + t_[k].text +
                                "'");
      }
      const size_t open = sig(k + 1);
      if (open >= t_.size() || !is_punct(t_[open], '(')) {
        return invalid_argument("LATERAL VIEW " + fn + ": expected '('");
      }
      const size_t close = matching(open);
      if (close >= t_.size()) return invalid_argument("LATERAL VIEW " + fn + ": missing ')'");
      const std::string args = text(open + 1, close);
      k = sig(close + 1);
      if (k >= t_.size() || !is_identifier(t_[k])) {
        return invalid_argument("LATERAL VIEW " + fn + "(" + args + "): expected a table alias");
      }
      const std::string table = unquote(t_[k]);
      size_t last = k;
      k = sig(k + 1);
      if (k < t_.size() && is_kw(t_[k], "AS")) k = sig(k + 1);
      std::vector<std::string> cols;
      while (k < t_.size() && is_identifier(t_[k])) {
        cols.push_back(unquote(t_[k]));
        last = k;
        const size_t comma = sig(k + 1);
        if (comma >= t_.size() || !is_punct(t_[comma], ',')) break;
        const size_t next = sig(comma + 1);
        if (next >= t_.size() || !is_identifier(t_[next])) break;
        k = next;
      }
      const std::string q = quote_identifier(table);
      std::vector<std::string> targets;
      if (fn == "posexplode") {
        targets = {q + ".__eddy_pos", q + ".__eddy_elem"};
        if (cols.empty()) cols = {"pos", "col"};
      } else if (cols.size() == 2) {
        targets = {q + ".__eddy_pos", q + ".__eddy_elem"};  // a map's entries
      } else {
        targets = {q + ".__eddy_elem"};
        if (cols.empty()) cols = {"col"};
      }
      if (cols.size() != targets.size()) {
        return invalid_argument("LATERAL VIEW " + fn + "(" + args + ") " + table + ": expected " +
                                std::to_string(targets.size()) + " column alias(es), got " +
                                std::to_string(cols.size()));
      }
      for (size_t c = 0; c < cols.size(); ++c) {
        aliases_.push_back({lower(table), lower(cols[c]), targets[c]});
      }
      replace(i, last + 1,
              outer ? "LEFT JOIN eddy_explode(" + args + ") AS " + q + " ON 1"
                    : "JOIN eddy_explode(" + args + ") AS " + q);
      i = last;
    }
    return Status::ok();
  }

  const Alias* find_alias(const std::string& column, const std::string* table) const {
    for (const auto& a : aliases_) {
      if (a.column == column && (table == nullptr || a.table == *table)) return &a;
    }
    return nullptr;
  }

  void replace_alias_references() {
    std::vector<std::string> before;
    for (const auto& t : t_) before.push_back(t.text);
    for (size_t i = 0; i < t_.size(); ++i) {
      if (!is_identifier(t_[i])) continue;
      const size_t next = sig(i + 1);
      if (next < t_.size() && (is_punct(t_[next], '(') || is_punct(t_[next], '.'))) continue;
      const size_t prev = prev_sig(i);
      if (prev != SIZE_MAX && is_kw(t_[prev], "AS")) continue;
      const std::string column = lower(unquote(t_[i]));
      if (prev != SIZE_MAX && is_punct(t_[prev], '.')) {
        const size_t qual = prev_sig(prev);
        if (qual == SIZE_MAX || !is_identifier(t_[qual])) continue;
        const std::string table = lower(unquote(t_[qual]));
        if (const Alias* a = find_alias(column, &table)) {
          replace(qual, i + 1, a->target);
        }
      } else if (const Alias* a = find_alias(column, nullptr)) {
        t_[i].text = a->target;
      }
    }
    // Select items whose text changed keep the name the user wrote.
    for (const Item& item : select_items()) {
      bool changed = false, aliased = false;
      for (size_t k = item.begin; k < item.end; ++k) {
        changed |= t_[k].text != before[k];
        aliased |= is_kw(t_[k], "AS") && t_[k].depth == t_[item.begin].depth;
      }
      if (!changed || aliased) continue;
      std::string original;
      for (size_t k = item.begin; k < item.end; ++k) original += before[k];
      const size_t last = prev_sig(item.end);
      t_[last].text += " AS " + quote_identifier(trim(original));
    }
  }

  static std::string trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    const size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }

  // Select items of every SELECT, outermost first.
  std::vector<Item> select_items() const {
    std::vector<Item> items;
    for (size_t i = 0; i < t_.size(); ++i) {
      if (!is_kw(t_[i], "SELECT")) continue;
      const int d = t_[i].depth;
      size_t k = sig(i + 1);
      if (k < t_.size() && (is_kw(t_[k], "DISTINCT") || is_kw(t_[k], "ALL"))) k = sig(k + 1);
      size_t begin = k;
      for (; k <= t_.size(); ++k) {
        const bool end = k == t_.size() || t_[k].depth < d ||
                         (t_[k].depth == d &&
                          (is_clause_word(t_[k]) && !is_kw(t_[k], "AS") && !is_kw(t_[k], "ON") &&
                           !is_kw(t_[k], "LEFT") && !is_kw(t_[k], "CROSS") &&
                           !is_kw(t_[k], "INNER") && !is_kw(t_[k], "JOIN"))) ||
                         (t_[k].depth == d && is_punct(t_[k], ';'));
        if (end || (t_[k].depth == d && is_punct(t_[k], ','))) {
          if (sig(begin) < k) items.push_back({sig(begin), k});
          begin = k + 1;
          if (end) break;
        }
      }
    }
    return items;
  }

  // Where to add a join to a SELECT whose select list ends at token k (its FROM, if any):
  // before the token ending the FROM clause. Returns false if the SELECT has no FROM.
  bool from_end(size_t k, size_t& at) const {
    if (k >= t_.size() || !is_kw(t_[k], "FROM")) return false;
    const int d = t_[k].depth;
    for (++k; k < t_.size(); ++k) {
      if (t_[k].depth < d || is_punct(t_[k], ';')) break;
      if (t_[k].depth != d) continue;
      bool stop = false;
      for (const char* kw : {"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION",
                             "EXCEPT", "INTERSECT"}) {
        stop |= is_kw(t_[k], kw);
      }
      if (stop) break;
    }
    at = k;
    return true;
  }

  Status select_generators() {
    const std::vector<Item> items = select_items();
    int n = 0;
    std::set<size_t> selects_with_generator;
    for (size_t idx = 0; idx < items.size(); ++idx) {
      const Item& item = items[idx];
      const std::string fn = lower(t_[item.begin].text);
      if (t_[item.begin].kind != Kind::kWord ||
          (fn != "explode" && fn != "posexplode" && fn != "explode_outer" &&
           fn != "posexplode_outer")) {
        continue;
      }
      const size_t open = sig(item.begin + 1);
      if (open >= item.end || !is_punct(t_[open], '(')) continue;
      const size_t close = matching(open);
      if (close >= item.end) continue;
      // The SELECT's select list ends where its last item ends.
      size_t list_end = item.end;
      for (size_t j = idx + 1;
           j < items.size() && t_[items[j].begin].depth == t_[item.begin].depth &&
           items[j].begin == sig(list_end + 1);
           ++j) {
        list_end = items[j].end;
      }
      if (!selects_with_generator.insert(list_end).second) {
        return invalid_argument("only one generator (explode) is allowed per SELECT, as in Spark");
      }
      const bool outer = fn.ends_with("_outer");
      const bool pos = fn.starts_with("pos");
      // Aliases: nothing, [AS] x, or AS (a, b).
      std::vector<std::string> cols;
      size_t k = sig(close + 1);
      if (k < item.end && is_kw(t_[k], "AS")) k = sig(k + 1);
      if (k < item.end && is_punct(t_[k], '(')) {
        for (k = sig(k + 1); k < item.end && !is_punct(t_[k], ')'); k = sig(k + 1)) {
          if (is_identifier(t_[k])) cols.push_back(unquote(t_[k]));
        }
      } else if (k < item.end && is_identifier(t_[k])) {
        cols.push_back(unquote(t_[k]));
      }
      const std::string e = "__eddy_explode" + std::to_string(n++);
      std::vector<std::string> targets = {e + ".__eddy_elem"};
      if (pos || cols.size() == 2) targets = {e + ".__eddy_pos", e + ".__eddy_elem"};
      if (cols.empty()) {
        cols = pos ? std::vector<std::string>{"pos", "col"} : std::vector<std::string>{"col"};
      }
      if (cols.size() != targets.size()) {
        return invalid_argument(fn + ": expected " + std::to_string(targets.size()) +
                                " column alias(es), got " + std::to_string(cols.size()));
      }
      std::string replacement;
      for (size_t c = 0; c < cols.size(); ++c) {
        if (c > 0) replacement += ", ";
        replacement += targets[c] + " AS " + quote_identifier(cols[c]);
      }
      const std::string source = "eddy_explode(" + text(open + 1, close) + ") AS " + e;
      const size_t last = prev_sig(item.end);
      replace(item.begin, last + 1, replacement);
      size_t at = 0;
      const size_t after_list = sig(list_end);
      if (from_end(after_list, at)) {
        const std::string join =
            outer ? " LEFT JOIN " + source + " ON 1 " : " JOIN " + source + " ";
        if (at < t_.size()) {
          t_[at].text = join + t_[at].text;
        } else {
          t_.back().text += join;
        }
      } else {
        t_[last].text += " FROM " + source;
      }
    }
    return Status::ok();
  }

  std::vector<Token> t_;
  std::vector<Alias> aliases_;
};

}  // namespace

Result<std::string> rewrite_spark_sql(std::string_view sql) { return Rewriter(sql).run(); }

std::string spark_column_name(std::string_view name) {
  std::string out;
  bool in_string = false;
  for (const char c : name) {
    if (c == '\'') in_string = !in_string;
    if (c == '`' && !in_string) continue;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> referenced_identifiers(std::string_view sql) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Token& t : tokenize(sql)) {
    if (t.kind != Kind::kWord && t.kind != Kind::kQuotedIdent) continue;
    std::string name = unquote(t);
    if (seen.insert(name).second) out.push_back(std::move(name));
  }
  return out;
}

bool selects_star(std::string_view sql) {
  const Token* prev = nullptr;
  for (const Token& t : tokenize(sql)) {
    if (t.kind == Kind::kSpace) continue;
    if (is_punct(t, '*') && prev != nullptr &&
        (is_punct(*prev, ',') || is_punct(*prev, '.') || is_kw(*prev, "SELECT") ||
         is_kw(*prev, "DISTINCT") || is_kw(*prev, "ALL")))
      return true;
    prev = &t;
  }
  return false;
}

}  // namespace eddy::sql
