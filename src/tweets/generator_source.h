// GeneratorSource: synthetic tweets produced in-process as a LineSource, so demos and
// benchmarks need no file: `gen:tweets?count=N&rate=R&seed=S&start=T&format=v1|v2`.
// Finite (count tweets) and deterministic; position() is the number of bytes generated, and
// seek() regenerates up to an offset (replay from a checkpoint).
// Ownership: owns its generator. Thread-safety: one thread (LineSource contract).
#pragma once

#include <memory>
#include <string>

#include "tweets/tweet_generator.h"
#include "engine/line_source.h"

namespace eddy::tweets {

class GeneratorSource final : public engine::LineSource {
 public:
  static Result<std::unique_ptr<GeneratorSource>> open(const std::string& uri, size_t block_bytes);

  Result<engine::ReadStatus> read(engine::LineBlock* block, Micros deadline) override;
  bool live() const override { return false; }
  std::string describe() const override { return uri_; }
  uint64_t position() const override { return position_; }
  Status seek(uint64_t offset) override;

 private:
  GeneratorSource(std::string uri, TweetGeneratorOptions o, size_t block_bytes)
      : uri_(std::move(uri)), options_(o), generator_(o), block_bytes_(block_bytes) {}
  std::string uri_;
  TweetGeneratorOptions options_;
  TweetGenerator generator_;
  size_t block_bytes_;
  uint64_t position_ = 0;
  std::string line_;
};

// Parses the query of a gen:tweets URI into options (shared with `eddy gen tweets`' flags).
Result<TweetGeneratorOptions> parse_generator_uri(const std::string& uri);

}  // namespace eddy::tweets
