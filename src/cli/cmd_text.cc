// `eddy text`: the text operators of the stream jobs, one line of input at a time, for
// scripting, inspection and benchmarks.
//   eddy text sentiment [--input FILE|-] [--json] [--lexicon FILE] [--emoji-lexicon FILE]
//       per line: "compound<TAB>CLASS" (compound with 4 decimals), or with --json
//       {"neg":..,"neu":..,"pos":..,"compound":..,"class":".."}. Scores are VADER 3.3.2's
//       of the line after URLs, @mentions and '#' marks are removed (what the job classifies).
//   eddy text lang [--input FILE|-]
//       per line: the ISO 639-1 code CLD2 detects, or "und".
// Input is read in 1 MiB blocks and output written in 64 KiB blocks: the commands are used to
// benchmark the operators, so their I/O must not be what is measured. Lines end at '\n'; a
// trailing '\r' is dropped.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "text/language_detector.h"
#include "text/sentiment_analyzer.h"

namespace eddy::cli {
namespace {

using FilePtr = std::unique_ptr<FILE, int (*)(FILE*)>;

Result<FilePtr> open_input(const std::string& path) {
  if (path.empty() || path == "-") return FilePtr(stdin, [](FILE*) { return 0; });
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    if (err == ENOENT) return not_found("--input " + path + ": no such file");
    return io_error("--input " + path + ": cannot open: " + std::strerror(err));
  }
  return FilePtr(f, &std::fclose);
}

// Buffered stdout; flushes in 64 KiB writes.
class OutputBuffer {
 public:
  ~OutputBuffer() { flush(); }
  std::string& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= (1 << 16)) flush();
  }
  bool flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), stdout) != buf_.size()) {
      failed_ = true;
    }
    buf_.clear();
    return !failed_ && std::fflush(stdout) == 0;
  }

 private:
  std::string buf_;
  bool failed_ = false;
};

// Calls fn(line) for every line of `in`; returns an I/O error if reading fails.
template <typename Fn>
Status for_each_line(FILE* in, const std::string& name, Fn&& fn) {
  std::string buf;
  buf.resize(1 << 20);
  size_t have = 0;
  for (;;) {
    if (have == buf.size()) buf.resize(buf.size() * 2);  // a line longer than the buffer
    const size_t n = std::fread(buf.data() + have, 1, buf.size() - have, in);
    if (n == 0) break;
    have += n;
    size_t start = 0;
    for (;;) {
      const void* nl = std::memchr(buf.data() + start, '\n', have - start);
      if (nl == nullptr) break;
      const size_t end = static_cast<const char*>(nl) - buf.data();
      std::string_view line(buf.data() + start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      fn(line);
      start = end + 1;
    }
    std::memmove(buf.data(), buf.data() + start, have - start);
    have -= start;
  }
  if (std::ferror(in)) return io_error(name + ": read failed");
  if (have > 0) {
    std::string_view line(buf.data(), have);
    if (line.back() == '\r') line.remove_suffix(1);
    fn(line);
  }
  return Status::ok();
}

// Appends a compound score rounded to 4 decimals as "-0.1234".
void append_fixed4(double v, std::string& out) {
  long long r = std::llround(v * 10000.0);
  if (r < 0) {
    out.push_back('-');
    r = -r;
  }
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, r / 10000);
  out.append(digits, end);
  out.push_back('.');
  const int frac = static_cast<int>(r % 10000);
  out.push_back(static_cast<char>('0' + frac / 1000));
  out.push_back(static_cast<char>('0' + frac / 100 % 10));
  out.push_back(static_cast<char>('0' + frac / 10 % 10));
  out.push_back(static_cast<char>('0' + frac % 10));
}

// Shortest round-trip form, as Python prints the scores (0.254, 0.0 prints as 0).
void append_number(double v, std::string& out) {
  if (v == 0) v = 0;  // no "-0"
  char digits[32];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, end);
}

struct SentimentOptions {
  std::string input = "-";
  bool json = false;
  std::string lexicon;
  std::string emoji_lexicon;
};

Status run_sentiment(const SentimentOptions& o) {
  EDDY_ASSIGN_OR_RETURN(auto analyzer, text::SentimentAnalyzer::create(o.lexicon, o.emoji_lexicon));
  EDDY_ASSIGN_OR_RETURN(FilePtr in, open_input(o.input));
  OutputBuffer out;
  std::string& b = out.buf();
  text::SentimentScores s;
  EDDY_RETURN_IF_ERROR(for_each_line(in.get(), o.input, [&](std::string_view line) {
    const text::SentimentClass c = analyzer->classify(line, &s);
    if (o.json) {
      b.append("{\"neg\":");
      append_number(s.neg, b);
      b.append(",\"neu\":");
      append_number(s.neu, b);
      b.append(",\"pos\":");
      append_number(s.pos, b);
      b.append(",\"compound\":");
      append_number(s.compound, b);
      b.append(",\"class\":\"");
      b.append(text::sentiment_class_name(c));
      b.append("\"}\n");
    } else {
      append_fixed4(s.compound, b);
      b.push_back('\t');
      b.append(text::sentiment_class_name(c));
      b.push_back('\n');
    }
    out.maybe_flush();
  }));
  if (!out.flush()) return io_error("stdout: write failed");
  return Status::ok();
}

Status run_lang(const std::string& input) {
  EDDY_ASSIGN_OR_RETURN(FilePtr in, open_input(input));
  OutputBuffer out;
  std::string& b = out.buf();
  EDDY_RETURN_IF_ERROR(for_each_line(in.get(), input, [&](std::string_view line) {
    b.append(text::LanguageDetector::detect(line));
    b.push_back('\n');
    out.maybe_flush();
  }));
  if (!out.flush()) return io_error("stdout: write failed");
  return Status::ok();
}

}  // namespace

void add_text_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* text = app.add_subcommand("text", "Run a text operator over lines of input");
  text->require_subcommand(1);

  auto sentiment = std::make_shared<SentimentOptions>();
  CLI::App* s = text->add_subcommand(
      "sentiment", "VADER sentiment per line: compound<TAB>CLASS (or JSON with --json)");
  s->add_option("--input,-i", sentiment->input, "input file, one text per line ('-' = stdin)");
  s->add_flag("--json", sentiment->json, "print neg/neu/pos/compound/class as one JSON object");
  s->add_option("--lexicon", sentiment->lexicon,
                "VADER lexicon file (default: the vader_lexicon.txt built into eddy)");
  s->add_option("--emoji-lexicon", sentiment->emoji_lexicon,
                "emoji lexicon file (default: the emoji_utf8_lexicon.txt built into eddy)");
  s->callback([sentiment, &ctx] {
    Status st = run_sentiment(*sentiment);
    if (!st.is_ok()) ctx.fail(st);
  });

  auto lang_input = std::make_shared<std::string>("-");
  CLI::App* l = text->add_subcommand("lang", "Language of each line (CLD2): ISO 639-1 or und");
  l->add_option("--input,-i", *lang_input, "input file, one text per line ('-' = stdin)");
  l->callback([lang_input, &ctx] {
    Status st = run_lang(*lang_input);
    if (!st.is_ok()) ctx.fail(st);
  });
}

}  // namespace eddy::cli
