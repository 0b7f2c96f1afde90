#include "tweets/tweet_decoder.h"

#include <simdjson.h>

#include <charconv>
#include <vector>

#include "common/time_format.h"
#include "text/hashtag_extractor.h"
#include "text/language_detector.h"
#include "text/sentiment_analyzer.h"
#include "tweets/json_tail.h"

namespace eddy::tweets {
namespace {

using engine::DecodedBlock;
using engine::SkipReason;
namespace od = simdjson::ondemand;

class TweetDecoder final : public engine::RecordDecoder {
 public:
  explicit TweetDecoder(const TweetDecoderOptions& o)
      : o_(o),
        // The tail holds what it needs only when the language comes from the `lang` field
        // and the time from one named field: timestamp_ms by default (v1.1 puts it last;
        // created_at, the default's fallback, comes first in a tweet).
        tail_scan_(o.tail_scan && !o.lang.empty() && !o.detect_language),
        time_field_(o.time_field.empty() ? std::string("timestamp_ms") : o.time_field) {}

  void decode(std::string_view line, size_t padded_capacity, DecodedBlock* out) override {
    uint64_t index = out->lines++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t last = line.find_last_not_of(" \t");
    if (last == std::string_view::npos) {  // blank lines are not records, and not errors
      ++out->filtered;
      return;
    }
    if (line.size() > (1u << 20)) {
      out->skip(SkipReason::kLineTooLong, index, "line longer than 1 MiB");
      return;
    }
    size_t first = line.find_first_not_of(" \t");
    if (line[first] == '{' && line[last] != '}') {
      out->skip(SkipReason::kInvalidJson, index, "line does not end a JSON object (truncated?)");
      return;
    }
    bool v2 = o_.format == TweetInputFormat::kV2 ||
              (o_.format == TweetInputFormat::kAuto && line.substr(first, 8) == "{\"data\":");
    Micros t = 0;
    bool have_lang = false, have_time = false;
    if (tail_scan_ && !v2 && line[first] == '{') {
      switch (read_tail(line.substr(first, last + 1 - first), index, out, &t)) {
        case Tail::kFiltered:
          // Not parsed, but its encoding is still checked (a fraction of the parse's cost):
          // corrupt bytes are reported whatever the language.
          if (!simdjson::validate_utf8(line.data(), line.size()))
            return out->skip(SkipReason::kInvalidUtf8, index, "invalid UTF-8");
          ++out->filtered;
          return;
        case Tail::kSkipped:
          return;
        case Tail::kKept:
          have_lang = have_time = true;
          break;
        case Tail::kUnknown:
          break;
      }
    }
    od::document doc;
    auto err = parser_.iterate(line.data(), line.size(), padded_capacity).get(doc);
    if (err) return fail(err, index, out, "");
    od::object obj;
    if ((err = doc.get_object().get(obj))) {
      // On-Demand only looked at the first byte: a full parse (rare path) tells valid JSON
      // that is not an object (wrong_type) from text that is not JSON at all.
      if (err == simdjson::INCORRECT_TYPE) {
        simdjson::dom::parser dom;
        if (dom.parse(line.data(), line.size(), false).error()) err = simdjson::TAPE_ERROR;
      }
      return fail(err, index, out, "");
    }
    if (v2) {
      if ((err = obj.find_field_unordered("data").get_object().get(obj)))
        return fail(err, index, out, "data");
    }
    if (!o_.lang.empty() && !o_.detect_language && !have_lang) {
      od::value v;
      if ((err = obj.find_field_unordered("lang").get(v))) return fail(err, index, out, "lang");
      std::string_view lang;
      if (v.type().value_unsafe() == od::json_type::null) {
        lang = "";
      } else if ((err = v.get_string().get(lang))) {
        return fail(err, index, out, "lang");
      }
      if (lang != o_.lang) {
        ++out->filtered;
        return;
      }
    }
    if (o_.read_time && !have_time && !read_time(obj, v2, index, out, &t)) return;
    std::string_view text;
    if ((err = obj.find_field_unordered("text").get_string().get(text)))
      return fail(err, index, out, "text");
    if (!o_.lang.empty() && o_.detect_language && text::LanguageDetector::detect(text) != o_.lang) {
      ++out->filtered;
      return;
    }
    if (o_.read_time && (t < o_.min_time || t > o_.max_time)) {
      out->skip(SkipReason::kTimeOutOfRange, index,
                "event time " + format_rfc3339(t) + " is outside the plausible range");
      return;
    }
    add_keys(text, out);
    out->end_record(t);
  }

 private:
  bool read_time(od::object& obj, bool v2, uint64_t index, DecodedBlock* out, Micros* t) {
    std::string_view field = o_.time_field;
    od::value v;
    simdjson::error_code err;
    if (field.empty()) {
      field = "timestamp_ms";
      err = v2 ? simdjson::NO_SUCH_FIELD : obj.find_field_unordered(field).get(v);
      if (err == simdjson::NO_SUCH_FIELD) {
        field = "created_at";
        err = obj.find_field_unordered(field).get(v);
      }
    } else {
      err = obj.find_field_unordered(field).get(v);
    }
    if (err) return fail(err, index, out, field), false;
    od::json_type type;
    if ((err = v.type().get(type))) return fail(err, index, out, field), false;
    if (type == od::json_type::number) {
      int64_t ms;
      if ((err = v.get_int64().get(ms))) return fail(err, index, out, field), false;
      return ms_to_micros(ms, field, index, out, t);
    }
    std::string_view s;
    if (type != od::json_type::string || (err = v.get_string().get(s))) {
      out->skip(SkipReason::kWrongType, index,
                "field '" + std::string(field) + "' is not a time (string or number)");
      return false;
    }
    return time_from_string(field, s, index, out, t);
  }

  // The time in a string field: milliseconds since the epoch, or a date.
  bool time_from_string(std::string_view field, std::string_view s, uint64_t index,
                        DecodedBlock* out, Micros* t) {
    if (field == "timestamp_ms" || (!s.empty() && s.find_first_not_of("0123456789-") == s.npos)) {
      int64_t ms;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
      if (ec == std::errc() && p == s.data() + s.size())
        return ms_to_micros(ms, field, index, out, t);
    } else if (parse_twitter_time(s, t) || parse_rfc3339(s, t)) {
      return true;
    }
    out->skip(
        SkipReason::kWrongType, index,
        "field '" + std::string(field) + "' is not a time: '" + std::string(s.substr(0, 40)) + "'");
    return false;
  }

  enum class Tail { kUnknown, kFiltered, kKept, kSkipped };
  // lang and the time field from the line's last members (json_tail.h). kUnknown: not both
  // there in the simple shape, parse forward. kSkipped: the time is bad (counted, as the
  // forward parse would). kKept: *t is set.
  Tail read_tail(std::string_view object, uint64_t index, DecodedBlock* out, Micros* t) {
    TailMember m[kTailMembers];
    size_t n = scan_json_tail(object, m, kTailMembers);
    const TailMember* lang = nullptr;
    const TailMember* time = nullptr;
    for (size_t i = 0; i < n; ++i) {
      if (m[i].key == "lang") {
        lang = &m[i];
      } else if (m[i].key == time_field_) {
        time = &m[i];
      }
    }
    if (lang == nullptr || !lang->is_string || (o_.read_time && time == nullptr))
      return Tail::kUnknown;
    if (lang->value != o_.lang) return Tail::kFiltered;
    if (!o_.read_time) return Tail::kKept;
    if (time->is_string)
      return time_from_string(time_field_, time->value, index, out, t) ? Tail::kKept
                                                                       : Tail::kSkipped;
    // A JSON integer as simdjson's get_int64 reads it (no '+', no leading zero); anything
    // else, forward, where it gets the forward parse's verdict.
    std::string_view v = time->value;
    std::string_view digits = v.substr(!v.empty() && v[0] == '-' ? 1 : 0);
    if (digits.size() > 1 && digits[0] == '0') return Tail::kUnknown;
    int64_t ms;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
    if (ec != std::errc() || p != v.data() + v.size()) return Tail::kUnknown;
    return ms_to_micros(ms, time_field_, index, out, t) ? Tail::kKept : Tail::kSkipped;
  }

  bool ms_to_micros(int64_t ms, std::string_view field, uint64_t index, DecodedBlock* out,
                    Micros* t) {
    if (ms > INT64_MAX / 1000 || ms < INT64_MIN / 1000) {
      out->skip(SkipReason::kTimeOutOfRange, index, "field '" + std::string(field) + "' overflows");
      return false;
    }
    *t = ms * 1000;
    return true;
  }

  void add_keys(std::string_view text, DecodedBlock* out) {
    switch (o_.keys) {
      case TweetKeys::kHashtagsTwitter:
        tags_.clear();
        text::extract_hashtags(text, &tags_);
        for (const text::Hashtag& h : tags_) {
          key_.assign("#");
          if (o_.fold_case) {
            text::fold_case(h.tag, &folded_);
            key_.append(folded_);
          } else {
            key_.append(h.tag);
          }
          out->add_key(key_);
        }
        break;
      case TweetKeys::kHashtagsNaive:
        words_.clear();
        text::extract_hashtags_naive(text, &words_);
        for (std::string_view w : words_) {
          if (o_.fold_case) {
            text::fold_case(w, &folded_);
            out->add_key(folded_);
          } else {
            out->add_key(w);
          }
        }
        break;
      case TweetKeys::kSentiment:
        out->add_key(text::sentiment_class_name(o_.sentiment->classify(text)));
        break;
    }
  }

  void fail(simdjson::error_code err, uint64_t index, DecodedBlock* out, std::string_view field) {
    std::string where = field.empty() ? "" : "field '" + std::string(field) + "': ";
    switch (err) {
      case simdjson::UTF8_ERROR:
        out->skip(SkipReason::kInvalidUtf8, index, "invalid UTF-8");
        return;
      case simdjson::NO_SUCH_FIELD:
        out->skip(SkipReason::kMissingField, index, "missing field '" + std::string(field) + "'");
        return;
      case simdjson::INCORRECT_TYPE:
      case simdjson::NUMBER_ERROR:
      case simdjson::NUMBER_OUT_OF_RANGE:
        out->skip(SkipReason::kWrongType, index,
                  field.empty() ? "line is not a JSON object" : where + "wrong type");
        return;
      default:
        out->skip(SkipReason::kInvalidJson, index,
                  where + "invalid JSON (" + simdjson::error_message(err) + ")");
    }
  }

  static constexpr size_t kTailMembers = 4;
  const TweetDecoderOptions& o_;
  const bool tail_scan_;
  const std::string time_field_;
  od::parser parser_;
  std::vector<text::Hashtag> tags_;
  std::vector<std::string_view> words_;
  std::string key_, folded_;
};

}  // namespace

std::unique_ptr<engine::RecordDecoder> TweetDecoderFactory::create() const {
  return std::make_unique<TweetDecoder>(options_);
}

}  // namespace eddy::tweets
