// libFuzzer target: arbitrary bytes as one tweet line through every decoder mode (twitter
// hashtags, naive, folded; v1/v2/auto; lang and time read from the line's tail or forward).
// The decoder must never crash, hang or read out of bounds, and must account for every line
// exactly once.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tweets/tweet_decoder.h"
#include "engine/line_source.h"

using eddy::tweets::TweetDecoderFactory;
using eddy::tweets::TweetDecoderOptions;
using eddy::tweets::TweetInputFormat;
using eddy::tweets::TweetKeys;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t mode = data[0];
  std::string line(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t len = line.size();
  line.append(eddy::engine::kBlockPadding, ' ');
  TweetDecoderOptions o;
  o.keys = (mode & 1) ? TweetKeys::kHashtagsNaive : TweetKeys::kHashtagsTwitter;
  o.fold_case = mode & 2;
  o.format = (mode & 4) ? TweetInputFormat::kV2 : TweetInputFormat::kAuto;
  o.lang = (mode & 8) ? "" : "en";
  o.read_time = !(mode & 16);
  o.tail_scan = !(mode & 32);  // both the tail scan of lang/time and the forward-only parse
  if (mode & 64) o.time_field = "created_at";
  o.min_time = eddy::tweets::kFirstTweetTime;
  o.max_time = 4102444800LL * 1000000;
  TweetDecoderFactory factory(o);
  auto decoder = factory.create();
  eddy::engine::DecodedBlock block;
  decoder->decode(std::string_view(line.data(), len), line.size(), &block);
  uint64_t accounted = block.filtered + block.times.size();
  for (uint64_t s : block.skipped) accounted += s;
  if (block.lines != 1 || accounted != 1) __builtin_trap();
  return 0;
}
