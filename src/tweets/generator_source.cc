#include "tweets/generator_source.h"

#include <charconv>

#include "common/time_format.h"

namespace eddy::tweets {

Result<TweetGeneratorOptions> parse_generator_uri(const std::string& uri) {
  constexpr std::string_view kPrefix = "gen:tweets";
  if (uri.rfind(kPrefix, 0) != 0)
    return invalid_argument("source '" + uri + "': the generator is gen:tweets?count=N&rate=R&seed=S");
  TweetGeneratorOptions o;
  std::string_view q = std::string_view(uri).substr(kPrefix.size());
  if (!q.empty() && q[0] != '?')
    return invalid_argument("source '" + uri + "': expected '?' after gen:tweets");
  if (!q.empty()) q.remove_prefix(1);
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view kv = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    size_t eq = kv.find('=');
    std::string key(kv.substr(0, eq));
    std::string value(eq == std::string_view::npos ? "" : kv.substr(eq + 1));
    auto bad = [&] {
      return invalid_argument("source '" + uri + "': bad value for " + key + ": '" + value + "'");
    };
    if (key == "count" || key == "seed") {
      uint64_t v;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size()) return bad();
      (key == "count" ? o.count : o.seed) = v;
    } else if (key == "rate") {
      double v;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || !(v > 0)) return bad();
      o.rate = v;
    } else if (key == "start") {
      auto t = parse_instant(value);
      if (!t.is_ok()) return t.status().with_context("source '" + uri + "': start");
      o.start = *t;
    } else if (key == "format") {
      if (value == "v1") o.format = TweetFormat::kV1;
      else if (value == "v2") o.format = TweetFormat::kV2;
      else return bad();
    } else {
      return invalid_argument("source '" + uri + "': unknown parameter '" + key +
                              "' (count, rate, seed, start, format)");
    }
  }
  return o;
}

Result<std::unique_ptr<GeneratorSource>> GeneratorSource::open(const std::string& uri,
                                                               size_t block_bytes) {
  EDDY_ASSIGN_OR_RETURN(TweetGeneratorOptions o, parse_generator_uri(uri));
  return std::unique_ptr<GeneratorSource>(new GeneratorSource(uri, o, block_bytes));
}

Result<engine::ReadStatus> GeneratorSource::read(engine::LineBlock* block, Micros) {
  ByteBuffer& d = block->data;
  d.clear();
  block->offset = position_;
  block->oversized_lines = 0;
  while (d.size() < block_bytes_ && generator_.next(&line_)) {
    d.append(line_);
    d.append("\n");
  }
  d.reserve(d.size() + engine::kBlockPadding);
  position_ += d.size();
  block->end_offset = position_;
  return d.empty() ? engine::ReadStatus::kEnd : engine::ReadStatus::kData;
}

Status GeneratorSource::seek(uint64_t offset) {
  generator_ = TweetGenerator(options_);
  position_ = 0;
  while (position_ < offset) {
    if (!generator_.next(&line_))
      return invalid_argument(uri_ + ": cannot seek to " + std::to_string(offset) + ", past the end");
    position_ += line_.size() + 1;
  }
  if (position_ != offset)
    return invalid_argument(uri_ + ": offset " + std::to_string(offset) + " is not a line boundary");
  return Status::ok();
}

}  // namespace eddy::tweets
