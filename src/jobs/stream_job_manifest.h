// StreamJobSpec: a StreamJob manifest (YAML), its parameters and their --set overrides,
// validated into the settings the stream runtime needs.
//
// Manifest shape: examples/trending-hashtags.yaml. `spec.parameters` declares every parameter
// with its default; `${name}` in any string value is replaced by the parameter's value after
// --set overrides. Unknown fields, unknown parameters and ill-typed values are errors that
// name the field ("spec.pipeline[2].window.slide: ..."), never silently ignored.
// Thread-safety: plain data and pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "tweets/tweet_decoder.h"
#include "engine/stream_runtime.h"
#include "engine/windowed_top_k.h"

namespace eddy::jobs {

struct StreamJobSpec {
  std::string name;
  std::string source_uri;                  // "-", a path, tcp://host:port, gen:tweets?...
  tweets::TweetDecoderOptions decoder;  // lang filter, keys, time field, format
  engine::WindowOptions window;
  engine::StreamRuntimeOptions runtime;    // threads, replay, time mode (clock left default)
  Micros max_future = 86400LL * 1000000;   // eventTime.maxFuture
  std::string sink_uri;                    // "-" or a path
  bool wrap = false;
  std::string lexicon, emoji_lexicon;      // sentiment step: other lexicons than the built-in
};

// Parses `yaml_text` (from `origin`, for messages). `sets` are --set name=value overrides.
Result<StreamJobSpec> parse_stream_job(const std::string& yaml_text, const std::string& origin,
                                       const std::map<std::string, std::string>& sets);
Result<StreamJobSpec> load_stream_job(const std::string& path,
                                      const std::map<std::string, std::string>& sets);

// "max" -> 0, "realtime" -> 1, "x60" -> 60.
Result<double> parse_replay_speed(const std::string& text);

}  // namespace eddy::jobs
