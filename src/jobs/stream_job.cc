#include "jobs/stream_job.h"

#include <map>
#include <string>

#include "common/log.h"
#include "connectors/fd_line_source.h"
#include "connectors/file_sink.h"
#include "tweets/generator_source.h"
#include "connectors/mapped_line_source.h"
#include "text/sentiment_analyzer.h"

namespace eddy::jobs {

Result<std::unique_ptr<engine::LineSource>> open_line_source(const std::string& uri,
                                                             size_t block_bytes) {
  connectors::LineSourceOptions o;
  o.block_bytes = block_bytes;
  if (uri.rfind("tcp://", 0) == 0) {
    EDDY_ASSIGN_OR_RETURN(auto s, connectors::FdLineSource::connect_tcp(uri.substr(6), o));
    return std::unique_ptr<engine::LineSource>(std::move(s));
  }
  if (uri.rfind("gen:", 0) == 0) {
    EDDY_ASSIGN_OR_RETURN(auto s, tweets::GeneratorSource::open(uri, block_bytes));
    return std::unique_ptr<engine::LineSource>(std::move(s));
  }
  if (uri.find("://") != std::string::npos)
    return invalid_argument("source '" + uri +
                            "': unsupported scheme (use a path, -, tcp://host:port or gen:tweets)");
  std::string path = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
  return connectors::open_file_source(path, o);
}

namespace {

// The summary's words for what the language filter drops: "not English" for `lang: en`.
std::string language_filter_reason(const std::string& lang) {
  static const std::map<std::string, std::string> kNames = {
      {"ar", "Arabic"},   {"de", "German"},   {"en", "English"}, {"es", "Spanish"},
      {"fr", "French"},   {"hi", "Hindi"},    {"in", "Indonesian"}, {"it", "Italian"},
      {"ja", "Japanese"}, {"ko", "Korean"},   {"nl", "Dutch"},   {"pt", "Portuguese"},
      {"ru", "Russian"},  {"th", "Thai"},     {"tr", "Turkish"}, {"zh", "Chinese"}};
  if (lang.empty()) return "";
  auto it = kNames.find(lang);
  return "not " + (it != kNames.end() ? it->second : "lang '" + lang + "'");
}

}  // namespace

Result<StreamJobResult> run_stream_job(const StreamJobSpec& spec_in, Micros progress_interval) {
  StreamJobSpec spec = spec_in;
  std::unique_ptr<text::SentimentAnalyzer> analyzer;
  if (spec.decoder.keys == tweets::TweetKeys::kSentiment) {
    EDDY_ASSIGN_OR_RETURN(analyzer,
                          text::SentimentAnalyzer::create(spec.lexicon, spec.emoji_lexicon));
    spec.decoder.sentiment = analyzer.get();
  }
  Micros now = spec.runtime.clock->now();
  spec.decoder.min_time = tweets::kFirstTweetTime;
  spec.decoder.max_time = now + spec.max_future;
  EDDY_ASSIGN_OR_RETURN(auto source, open_line_source(spec.source_uri, spec.runtime.block_bytes));
  std::string sink_path =
      spec.sink_uri.rfind("file://", 0) == 0 ? spec.sink_uri.substr(7) : spec.sink_uri;
  if (sink_path.find("://") != std::string::npos)
    return invalid_argument("sink '" + spec.sink_uri + "': unsupported scheme (use a path or -)");
  EDDY_ASSIGN_OR_RETURN(auto sink, connectors::FileSink::open(sink_path));

  tweets::TweetDecoderFactory decoders(spec.decoder);
  engine::WindowedTopK op(spec.window);
  engine::WindowWriter writer(sink.get(), spec.wrap);
  engine::StreamRuntimeOptions ro = spec.runtime;
  ro.progress_interval = progress_interval;
  ro.filtered_reason = language_filter_reason(spec.decoder.lang);
  engine::StreamRuntime runtime(ro, source.get(), &decoders, &op, &writer);
  Status s = runtime.run();
  StreamJobResult result;
  result.output_closed = sink->reader_closed();
  Status closed = sink->close();
  if (result.output_closed) s = Status::ok();
  EDDY_RETURN_IF_ERROR(s);
  EDDY_RETURN_IF_ERROR(closed);
  result.stats = runtime.stats();
  result.summary = runtime.stats().summary(op.counter(), spec.runtime.clock->now());
  return result;
}

}  // namespace eddy::jobs
