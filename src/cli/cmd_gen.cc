// `eddy gen tweets`: writes synthetic tweets (tweets::TweetGenerator) as JSON lines.
//
//   eddy gen tweets [--seed N] [--count N] [--rate R] [--start TIME] [--format v1|v2]
//                   [--output FILE|-]
//
// Output goes through one 1 MiB buffer and plain write(2) calls: 2M tweets are ~750 MB, so
// the generator, not the I/O, should be the limit. A reader that goes away (`| head`) ends
// the command quietly with exit 0: SIGPIPE is ignored and EPIPE stops the loop.
// Single-threaded.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "common/time_format.h"
#include "tweets/tweet_generator.h"

namespace eddy::cli {
namespace {

struct GenTweetsFlags {
  std::string seed = "42";
  std::string count = "1000";
  std::string rate = "100";
  std::string start = "2026-01-01T00:00:00Z";
  std::string format = "v1";
  std::string output = "-";
};

Result<uint64_t> parse_uint_flag(const char* flag, const std::string& value) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size())
    return invalid_argument(std::string(flag) + ": expected a non-negative integer, got '" + value +
                            "'");
  return v;
}

Result<tweets::TweetGeneratorOptions> parse_flags(const GenTweetsFlags& f) {
  tweets::TweetGeneratorOptions o;
  EDDY_ASSIGN_OR_RETURN(o.seed, parse_uint_flag("--seed", f.seed));
  EDDY_ASSIGN_OR_RETURN(o.count, parse_uint_flag("--count", f.count));
  double rate = 0;
  auto [p, ec] = std::from_chars(f.rate.data(), f.rate.data() + f.rate.size(), rate);
  if (f.rate.empty() || ec != std::errc() || p != f.rate.data() + f.rate.size() ||
      !std::isfinite(rate) || !(rate > 0))
    return invalid_argument(
        "--rate: expected tweets per second of event time, a number > 0, "
        "got '" +
        f.rate + "'");
  o.rate = rate;
  Result<Micros> start = parse_instant(f.start);
  if (!start.is_ok()) return start.status().with_context("--start");
  o.start = *start;
  if (f.format == "v1")
    o.format = tweets::TweetFormat::kV1;
  else if (f.format == "v2")
    o.format = tweets::TweetFormat::kV2;
  else
    return invalid_argument("--format: expected v1 or v2, got '" + f.format + "'");
  return o;
}

// Buffered writes to a file descriptor; `closed` once the reader has gone (EPIPE).
class FdWriter {
 public:
  FdWriter(int fd, std::string name) : fd_(fd), name_(std::move(name)) {
    buffer_.reserve(kBufferBytes + 4096);
  }
  bool closed() const { return closed_; }
  bool full() const { return buffer_.size() >= kBufferBytes; }
  std::string* buffer() { return &buffer_; }

  Status flush() {
    size_t done = 0;
    while (done < buffer_.size() && !closed_) {
      ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n >= 0) {
        done += static_cast<size_t>(n);
      } else if (errno == EPIPE) {
        closed_ = true;
      } else if (errno != EINTR) {
        return io_error("writing " + name_ + ": " + std::strerror(errno));
      }
    }
    buffer_.clear();
    return Status::ok();
  }

 private:
  static constexpr size_t kBufferBytes = 1 << 20;
  int fd_;
  std::string name_;
  std::string buffer_;
  bool closed_ = false;
};

Status generate_tweets(const GenTweetsFlags& flags) {
  EDDY_ASSIGN_OR_RETURN(tweets::TweetGeneratorOptions options, parse_flags(flags));
  ::signal(SIGPIPE, SIG_IGN);
  int fd = STDOUT_FILENO;
  std::string name = "stdout";
  if (flags.output != "-") {
    name = flags.output;
    fd = ::open(flags.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::string m = "--output " + flags.output + ": " + std::strerror(errno);
      return errno == ENOENT ? not_found(m) : io_error(m);
    }
  }
  tweets::TweetGenerator generator(options);
  FdWriter out(fd, name);
  std::string line;
  Status status;
  while (status.is_ok() && !out.closed() && generator.next(&line)) {
    out.buffer()->append(line);
    out.buffer()->push_back('\n');
    if (out.full()) status = out.flush();
  }
  if (status.is_ok()) status = out.flush();
  if (fd != STDOUT_FILENO && ::close(fd) != 0 && status.is_ok())
    status = io_error("closing " + name + ": " + std::strerror(errno));
  return status;
}

}  // namespace

void add_gen_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* gen = app.add_subcommand("gen", "Generate synthetic data for demos, tests, benchmarks");
  gen->require_subcommand(1);
  CLI::App* tweets = gen->add_subcommand(
      "tweets", "Write deterministic synthetic tweets as JSON lines (Twitter API v1.1 or v2)");
  auto flags = std::make_shared<GenTweetsFlags>();
  tweets->add_option("--seed", flags->seed, "PRNG seed; same flags, same bytes")
      ->capture_default_str();
  tweets->add_option("--count", flags->count, "Number of tweets")->capture_default_str();
  tweets->add_option("--rate", flags->rate, "Tweets per second of event time (> 0)")
      ->capture_default_str();
  tweets
      ->add_option("--start", flags->start,
                   "Event time of the first tweet: RFC 3339, Twitter created_at or epoch ms")
      ->capture_default_str();
  tweets->add_option("--format", flags->format, "v1 (API v1.1 status) or v2 (filtered stream)")
      ->capture_default_str();
  tweets->add_option("--output,-o", flags->output, "File to write, or - for stdout")
      ->capture_default_str();
  tweets->callback([flags, &ctx] {
    Status s = generate_tweets(*flags);
    if (!s.is_ok()) ctx.fail(s);
  });
}

}  // namespace eddy::cli
