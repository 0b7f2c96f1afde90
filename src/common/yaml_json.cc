// YAML → JSON (yaml_json.h).
#include "common/yaml_json.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <sstream>

#include <charconv>
#include <cstdint>
#include <vector>

namespace eddy {
namespace {

using nlohmann::json;

bool is_digit(char c, int base) {
  if (base == 16)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  return c >= '0' && c < static_cast<char>('0' + base);
}

// At least one digit of `base` from `from` to the end.
bool all_digits(std::string_view s, size_t from, int base) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i)
    if (!is_digit(s[i], base)) return false;
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_core_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i], 10)) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i], 10)) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    return all_digits(s, i, 10);
  }
  return i == s.size();
}

// `digits` (no sign, no prefix) in `base` as int64, negated when `negative`; false when it does
// not fit.
bool to_int64(std::string_view digits, int base, bool negative, int64_t* out) {
  uint64_t magnitude = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || p != digits.data() + digits.size()) return false;
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (!negative) {
    if (magnitude > kMax) return false;
    *out = static_cast<int64_t>(magnitude);
  } else {
    if (magnitude > kMax + 1) return false;
    *out = magnitude == kMax + 1 ? INT64_MIN : -static_cast<int64_t>(magnitude);
  }
  return true;
}

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). JSON
// text is UTF-8: a YAML byte string that is not cannot be stored or sent (nlohmann's dump()
// throws on it), so it is refused here with the place it came from.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

class Converter {
 public:
  Result<json> convert(const YAML::Node& n, const std::string& where, int depth) {
    const std::string at = where.empty() ? "document" : where;
    // yaml-cpp resolves an alias to the anchored node itself, so a few hundred bytes of aliases
    // of aliases expand to billions of values here: count what is produced, not what was read.
    if (++values_ > kMaxYamlValues)
      return invalid_argument(at + ": the document expands to more than " +
                              std::to_string(kMaxYamlValues) +
                              " values (aliases that repeat anchors multiply it)");
    if (depth > kMaxYamlDepth)
      return invalid_argument(at + ": nested deeper than " + std::to_string(kMaxYamlDepth) +
                              " levels");
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return json(nullptr);
      case YAML::NodeType::Scalar:
        if (!valid_utf8(n.Scalar()))
          return invalid_argument(at + ": not valid UTF-8 (line " +
                                  std::to_string(n.Mark().line + 1) + ")");
        return scalar(n, at);
      case YAML::NodeType::Sequence: {
        json a = json::array();
        for (size_t i = 0; i < n.size(); ++i) {
          EDDY_ASSIGN_OR_RETURN(json v, convert(n[i], where + "[" + std::to_string(i) + "]",
                                                depth + 1));
          a.push_back(std::move(v));
        }
        return a;
      }
      case YAML::NodeType::Map: {
        json o = json::object();
        for (const auto& kv : n) {
          if (!kv.first.IsScalar())
            return invalid_argument(at + ": a mapping key must be a plain value (line " +
                                    std::to_string(kv.first.Mark().line + 1) + ")");
          const std::string key = kv.first.Scalar();
          if (!valid_utf8(key))
            return invalid_argument(at + ": a key is not valid UTF-8 (line " +
                                    std::to_string(kv.first.Mark().line + 1) + ")");
          const std::string sub = where.empty() ? key : where + "." + key;
          if (o.contains(key))
            return invalid_argument(sub + ": duplicate key (line " +
                                    std::to_string(kv.first.Mark().line + 1) + ")");
          EDDY_ASSIGN_OR_RETURN(json v, convert(kv.second, sub, depth + 1));
          o[key] = std::move(v);
        }
        return o;
      }
    }
    return json(nullptr);
  }

 private:
  size_t values_ = 0;

  static Result<json> scalar(const YAML::Node& n, const std::string& at) {
    const std::string& tag = n.Tag();
    // "?" is the tag of plain scalars; "!" that of quoted ones.
    if (tag == "?") return yaml_plain_scalar(n.Scalar());
    if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
        tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
      json v = yaml_plain_scalar(n.Scalar());
      if (v.is_string())
        return invalid_argument(at + ": '" + n.Scalar() + "' is not a valid " +
                                tag.substr(tag.rfind(':') + 1));
      return v;
    }
    return json(n.Scalar());  // quoted, !!str or another tag: the text as written
  }
};

}  // namespace

bool yaml_number_syntax(std::string_view s) {
  const size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (all_digits(s, sign, 10) || is_core_float(s)) return true;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o'))
    return all_digits(s, 2, s[1] == 'x' ? 16 : 8);
  std::string_view rest = s.substr(sign);
  return rest == ".inf" || rest == ".Inf" || rest == ".INF" ||
         (sign == 0 && (s == ".nan" || s == ".NaN" || s == ".NAN"));
}

json yaml_plain_scalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const bool negative = s[0] == '-';
  const size_t sign = (negative || s[0] == '+') ? 1 : 0;
  int64_t i = 0;
  if (all_digits(s, sign, 10)) {
    if (to_int64(s.substr(sign), 10, negative, &i)) return i;
    return std::string(s);  // beyond int64: keep the digits rather than lose precision
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    const int base = s[1] == 'x' ? 16 : 8;
    if (all_digits(s, 2, base)) {
      if (to_int64(s.substr(2), base, false, &i)) return i;
      return std::string(s);
    }
  }
  if (is_core_float(s)) {
    // from_chars takes no '+'; a float beyond double's range is out_of_range: kept as text.
    const std::string_view f = s[0] == '+' ? s.substr(1) : s;
    double d = 0;
    auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), d);
    if (ec == std::errc() && p == f.data() + f.size()) return d;
  }
  // .inf, .nan, dates, "10m", "2GiB": strings (JSON has no infinity or NaN).
  return std::string(s);
}

Result<json> yaml_to_json(const YAML::Node& node, const std::string& path) {
  try {
    return Converter().convert(node, path, 0);
  } catch (const YAML::Exception& e) {
    return invalid_argument(std::string("invalid YAML: ") + e.what());
  }
}

namespace {

class EventBudget : public YAML::EventHandler {
 public:
  explicit EventBudget(size_t limit) : left_(limit) {}
  void OnDocumentStart(const YAML::Mark& m) override { tick(m); }
  void OnDocumentEnd() override { tick(last_); }
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { tick(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { tick(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    tick(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    tick(m);
  }
  void OnSequenceEnd() override { tick(last_); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    tick(m);
  }
  void OnMapEnd() override { tick(last_); }

 private:
  void tick(const YAML::Mark& m) {
    last_ = m;
    if (left_-- == 0)
      throw YAML::ParserException(m, "the parser makes no progress here (a ',' outside [ ] or "
                                     "{ }?)");
  }
  size_t left_;
  YAML::Mark last_ = YAML::Mark::null_mark();
};

}  // namespace

void yaml_preflight(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  EventBudget budget(4 * text.size() + 64);
  while (parser.HandleNextDocument(budget)) {
  }
}

Result<json> yaml_document_to_json(const std::string& text) {
  if (text.size() > kMaxYamlBytes)
    return invalid_argument("invalid YAML: the document has " + std::to_string(text.size()) +
                            " bytes, more than the limit of " + std::to_string(kMaxYamlBytes));
  std::vector<YAML::Node> docs;
  try {
    yaml_preflight(text);
    docs = YAML::LoadAll(text);
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own guard; its message says "bad file"
    return invalid_argument("invalid YAML at line " + std::to_string(e.mark.line + 1) +
                            ", column " + std::to_string(e.mark.column + 1) +
                            ": nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  } catch (const YAML::Exception& e) {
    return invalid_argument("invalid YAML at line " + std::to_string(e.mark.line + 1) +
                            ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (docs.empty()) return invalid_argument("invalid YAML: the body holds no document");
  if (docs.size() > 1) {
    return invalid_argument("invalid YAML: the body holds " + std::to_string(docs.size()) +
                            " documents; send one resource per request");
  }
  return yaml_to_json(docs[0]);
}

}  // namespace eddy
