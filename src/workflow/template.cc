#include "workflow/template.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cctype>
#include <cstdio>
#include <vector>

namespace eddy::workflow {
namespace {

using nlohmann::json;

std::string format_utc(const char* fmt, Micros t) {
  return absl::FormatTime(fmt, absl::FromUnixMicros(t), absl::UTCTimeZone());
}
std::string ds_of(Micros t) { return format_utc("%Y-%m-%d", t); }
std::string ds_nodash_of(Micros t) { return format_utc("%Y%m%d", t); }
// Python's datetime.isoformat() of an aware UTC datetime, as Airflow renders dates.
std::string iso_of(Micros t) {
  std::string s = format_utc("%Y-%m-%dT%H:%M:%S", t);
  Micros sub = ((t % 1'000'000) + 1'000'000) % 1'000'000;
  if (sub != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(sub));
    s += buf;
  }
  return s + "+00:00";
}
constexpr Micros kDay = 86'400'000'000;

// ---- Lexing --------------------------------------------------------------------------------

enum class Tok {
  kName,
  kString,
  kNumber,
  kDot,
  kLParen,
  kRParen,
  kComma,
  kLBracket,
  kRBracket,
  kPipe,
  kOther,
  kEnd
};
struct Token {
  Tok kind;
  std::string text;  // the name, the decoded string, the number, or the character
  json number;       // kNumber only
};

// Skips a quoted literal starting at s[i]; returns the index after its closing quote, or npos.
size_t skip_string(std::string_view s, size_t i, std::string* decoded) {
  char quote = s[i++];
  while (i < s.size() && s[i] != quote) {
    char c = s[i++];
    if (c == '\\' && i < s.size()) {
      c = s[i++];
      c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;  // \\ \' \" stay as themselves
    }
    if (decoded) *decoded += c;
  }
  return i < s.size() ? i + 1 : std::string_view::npos;
}

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      out.push_back({Tok::kName, std::string(s.substr(i, j - i)), {}});
      i = j;
    } else if (c == '\'' || c == '"') {
      Token t{Tok::kString, "", {}};
      i = skip_string(s, i, &t.text);  // tags are cut so that their strings are closed
      out.push_back(std::move(t));
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      std::string text(s.substr(i, j - i));
      json number = json::parse(text, nullptr, /*allow_exceptions=*/false);
      out.push_back({number.is_discarded() ? Tok::kOther : Tok::kNumber, text, number});
      i = j;
    } else {
      static constexpr std::string_view kPunct = ".(),[]|";
      static constexpr Tok kKinds[] = {Tok::kDot,      Tok::kLParen,   Tok::kRParen, Tok::kComma,
                                       Tok::kLBracket, Tok::kRBracket, Tok::kPipe};
      size_t k = kPunct.find(c);
      out.push_back({k == std::string_view::npos ? Tok::kOther : kKinds[k], std::string(1, c), {}});
      ++i;
    }
  }
  out.push_back({Tok::kEnd, "", {}});
  return out;
}

// ---- Parsing -------------------------------------------------------------------------------

// A literal, a path (a name, then .name and [key] steps) or a call of a path.
struct Expr {
  enum Kind { kLiteral, kPath, kCall } kind = kLiteral;
  json literal;
  std::vector<json> path;  // path[0] is a name; then strings (keys) and integers (indices)
  std::vector<Expr> args;
};

std::string path_text(const std::vector<json>& path) {
  std::string s = path[0].get<std::string>();
  for (size_t i = 1; i < path.size(); ++i)
    s += path[i].is_string() ? "." + path[i].get<std::string>() : "[" + path[i].dump() + "]";
  return s;
}

class ExprParser {
 public:
  ExprParser(std::vector<Token> tokens, std::string_view tag)
      : toks_(std::move(tokens)), tag_(tag) {}

  Result<Expr> parse_all() {
    if (peek().kind == Tok::kEnd) return error("empty expression");
    EDDY_ASSIGN_OR_RETURN(Expr e, parse_expr());
    if (peek().kind == Tok::kPipe) {
      const Token& filter = toks_[pos_ + 1];
      return invalid_argument("templates: filter '" + filter.text + "' is not supported in '" +
                              std::string(tag_) + "' (filters '|' are not supported)");
    }
    if (peek().kind != Tok::kEnd) return unexpected();
    return e;
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  Status error(const std::string& what) const {
    return invalid_argument("templates: " + what + " in '" + std::string(tag_) + "'");
  }
  Status unexpected() const {
    return error("unexpected '" + peek().text +
                 "' (only names, params, macros and literals are supported)");
  }

  Result<Expr> parse_expr() {
    Expr e;
    const Token& t = toks_[pos_];
    if (t.kind == Tok::kString || t.kind == Tok::kNumber) {
      ++pos_;
      e.literal = t.kind == Tok::kString ? json(t.text) : t.number;
      return e;
    }
    if (t.kind != Tok::kName) return unexpected();
    ++pos_;
    e.kind = Expr::kPath;
    e.path.push_back(t.text);
    while (true) {
      if (peek().kind == Tok::kDot) {
        ++pos_;
        if (peek().kind != Tok::kName) return unexpected();
        e.path.push_back(toks_[pos_++].text);
      } else if (peek().kind == Tok::kLBracket) {
        ++pos_;
        const Token& key = peek();
        if (key.kind == Tok::kString)
          e.path.push_back(key.text);
        else if (key.kind == Tok::kNumber && key.number.is_number_integer())
          e.path.push_back(key.number);
        else
          return unexpected();
        ++pos_;
        if (peek().kind != Tok::kRBracket) return unexpected();
        ++pos_;
      } else if (peek().kind == Tok::kLParen) {
        ++pos_;
        e.kind = Expr::kCall;
        while (peek().kind != Tok::kRParen) {
          if (!e.args.empty()) {
            if (peek().kind != Tok::kComma) return unexpected();
            ++pos_;
          }
          EDDY_ASSIGN_OR_RETURN(Expr arg, parse_expr());
          e.args.push_back(std::move(arg));
        }
        ++pos_;
        return e;
      } else {
        return e;
      }
    }
  }

  std::vector<Token> toks_;
  std::string_view tag_;
  size_t pos_ = 0;
};

// ---- Evaluation ----------------------------------------------------------------------------

class Evaluator {
 public:
  Evaluator(const RunContext& ctx, std::string_view tag) : ctx_(ctx), tag_(tag) {}

  Result<json> eval(const Expr& e) const {
    switch (e.kind) {
      case Expr::kLiteral:
        return e.literal;
      case Expr::kPath:
        return resolve(e.path);
      case Expr::kCall:
        return call(e);
    }
    return json();
  }

 private:
  Status error(const std::string& what) const {
    return invalid_argument("templates: " + what + " in '" + std::string(tag_) + "'");
  }
  Status unknown(const std::vector<json>& path) const {
    return error("unknown name '" + path_text(path) + "'");
  }

  Result<json> resolve(const std::vector<json>& path) const {
    const std::string& head = path[0].get_ref<const std::string&>();
    if (head == "params") {
      const json* v = &ctx_.params;
      for (size_t i = 1; i < path.size(); ++i) {
        if (path[i].is_string() && v->is_object() && v->contains(path[i].get<std::string>())) {
          v = &(*v)[path[i].get<std::string>()];
        } else if (path[i].is_number_integer() && v->is_array() && path[i].get<int64_t>() >= 0 &&
                   path[i].get<size_t>() < v->size()) {
          v = &(*v)[path[i].get<size_t>()];
        } else {
          return unknown(path);
        }
      }
      return *v;
    }
    if (path.size() == 2 && path[1].is_string()) {
      const std::string& field = path[1].get_ref<const std::string&>();
      if (head == "dag" && field == "dag_id") return json(ctx_.dag_id);
      if (head == "task" && field == "task_id") return json(ctx_.task_id);
      if (head == "dag_run" && field == "run_id") return json(ctx_.run_id);
    }
    if (path.size() != 1) return unknown(path);
    auto opt_ds = [](const std::optional<Micros>& t, bool nodash) {
      return json(!t ? "None" : nodash ? ds_nodash_of(*t) : ds_of(*t));
    };
    const Micros ld = ctx_.logical_date;
    if (head == "ds") return json(ds_of(ld));
    if (head == "ds_nodash") return json(ds_nodash_of(ld));
    if (head == "ts" || head == "logical_date" || head == "execution_date") return json(iso_of(ld));
    if (head == "ts_nodash") return json(format_utc("%Y%m%dT%H%M%S", ld));
    if (head == "ts_nodash_with_tz") return json(format_utc("%Y%m%dT%H%M%S+0000", ld));
    if (head == "data_interval_start") return json(iso_of(ctx_.data_interval_start));
    if (head == "data_interval_end") return json(iso_of(ctx_.data_interval_end));
    if (head == "prev_ds") return opt_ds(ctx_.prev_logical_date, false);
    if (head == "prev_ds_nodash") return opt_ds(ctx_.prev_logical_date, true);
    if (head == "next_ds") return opt_ds(ctx_.next_logical_date, false);
    if (head == "next_ds_nodash") return opt_ds(ctx_.next_logical_date, true);
    if (head == "yesterday_ds") return json(ds_of(ld - kDay));
    if (head == "yesterday_ds_nodash") return json(ds_nodash_of(ld - kDay));
    if (head == "tomorrow_ds") return json(ds_of(ld + kDay));
    if (head == "tomorrow_ds_nodash") return json(ds_nodash_of(ld + kDay));
    if (head == "run_id") return json(ctx_.run_id);
    return unknown(path);
  }

  Result<json> call(const Expr& e) const {
    std::string name = path_text(e.path);
    std::vector<json> args;
    for (const Expr& a : e.args) {
      EDDY_ASSIGN_OR_RETURN(json v, eval(a));
      args.push_back(std::move(v));
    }
    if (name == "macros.ds_add") {
      if (args.size() != 2 || !args[0].is_string() || !args[1].is_number_integer())
        return error("macros.ds_add takes (ds, days): a date string and an integer");
      absl::CivilDay day;
      if (!absl::ParseCivilTime(args[0].get<std::string>(), &day))
        return error("macros.ds_add: '" + args[0].get<std::string>() +
                     "' is not a YYYY-MM-DD date");
      return json(absl::FormatCivilTime(day + args[1].get<int64_t>()));
    }
    if (name == "macros.ds_format") {
      if (args.size() != 3 || !args[0].is_string() || !args[1].is_string() || !args[2].is_string())
        return error("macros.ds_format takes (ds, input_format, output_format), all strings");
      absl::Time t;
      std::string why;
      if (!absl::ParseTime(args[1].get<std::string>(), args[0].get<std::string>(),
                           absl::UTCTimeZone(), &t, &why))
        return error("macros.ds_format: '" + args[0].get<std::string>() + "' does not match '" +
                     args[1].get<std::string>() + "' (" + why + ")");
      return json(absl::FormatTime(args[2].get<std::string>(), t, absl::UTCTimeZone()));
    }
    return error("unknown function '" + name + "' (use macros.ds_add or macros.ds_format)");
  }

  const RunContext& ctx_;
  std::string_view tag_;
};

std::string offset_text(size_t at) { return " (at offset " + std::to_string(at) + ")"; }

}  // namespace

Result<std::string> render_template(std::string_view text, const RunContext& ctx) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('{', i);
    while (open != std::string_view::npos && open + 1 < text.size() &&
           std::string_view("{%#").find(text[open + 1]) == std::string_view::npos)
      open = text.find('{', open + 1);
    if (open == std::string_view::npos || open + 1 >= text.size()) break;
    out.append(text.substr(i, open - i));
    char kind = text[open + 1];
    if (kind == '%')
      return invalid_argument("templates: '{% ... %}' blocks are not supported" +
                              offset_text(open));
    if (kind == '#') {
      size_t close = text.find("#}", open + 2);
      if (close == std::string_view::npos)
        return invalid_argument("templates: '{#' comment is not closed by '#}'" +
                                offset_text(open));
      i = close + 2;
      continue;
    }
    // '{{': find the '}}' that closes it, outside string literals.
    size_t j = open + 2, close = std::string_view::npos;
    while (j < text.size()) {
      if (text[j] == '\'' || text[j] == '"') {
        j = skip_string(text, j, nullptr);
        if (j == std::string_view::npos) break;
      } else if (text.compare(j, 2, "}}") == 0) {
        close = j;
        break;
      } else {
        ++j;
      }
    }
    if (close == std::string_view::npos)
      return invalid_argument("templates: '{{' at offset " + std::to_string(open) +
                              " is not closed by '}}'");
    std::string_view tag = text.substr(open, close + 2 - open);
    std::string_view inner = text.substr(open + 2, close - open - 2);
    // Jinja's whitespace control: "{{-" trims the text before, "-}}" the text after.
    bool trim_before = !inner.empty() && inner.front() == '-';
    bool trim_after = !inner.empty() && inner.back() == '-' && inner.size() > 1;
    if (trim_before) inner.remove_prefix(1);
    if (trim_after) inner.remove_suffix(1);
    if (trim_before)
      while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    EDDY_ASSIGN_OR_RETURN(Expr e, ExprParser(lex(inner), tag).parse_all());
    EDDY_ASSIGN_OR_RETURN(json v, Evaluator(ctx, tag).eval(e));
    out += v.is_string() ? v.get<std::string>() : v.dump();
    i = close + 2;
    if (trim_after)
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  }
  out.append(text.substr(i));
  return out;
}

}  // namespace eddy::workflow
