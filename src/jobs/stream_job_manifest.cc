#include "jobs/stream_job_manifest.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/time_format.h"
#include "jobs/manifest_fields.h"

namespace eddy::jobs {
namespace {

Status parse_pipeline(YAML::Node steps, StreamJobSpec* spec) {
  if (!steps.IsSequence() || steps.size() == 0)
    return invalid_argument("spec.pipeline: expected a list of steps");
  bool have_keys = false, have_window = false, have_top = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string p = "spec.pipeline[" + std::to_string(i) + "]";
    YAML::Node step = steps[i];
    if (!step.IsMap() || step.size() != 1)
      return invalid_argument(p + ": expected one step, e.g. '- window: {size: 1800s, slide: 10s}'");
    std::string kind = step.begin()->first.as<std::string>();
    Fields f(step.begin()->second.IsNull() ? YAML::Node(YAML::NodeType::Map) : step.begin()->second,
             p + "." + kind);
    EDDY_RETURN_IF_ERROR(f.check_map());
    auto order_error = [&](const char* must) {
      return invalid_argument(p + ": '" + kind + "' must come " + must +
                              " (pipeline: [detectLanguage], filter, hashtags|sentiment, window, top)");
    };
    if (kind == "detectLanguage") {
      // Sources without a trustworthy `lang` (Mastodon, Bluesky, plain text): CLD2 on the text.
      if (have_keys) return order_error("before the filter and key steps");
      EDDY_ASSIGN_OR_RETURN(spec->decoder.detect_language, f.boolean("enabled", true));
    } else if (kind == "filter") {
      if (have_keys) return order_error("before the key step");
      EDDY_ASSIGN_OR_RETURN(spec->decoder.lang, f.str("lang", ""));
    } else if (kind == "hashtags") {
      if (have_keys || have_window) return order_error("once, before window");
      have_keys = true;
      EDDY_ASSIGN_OR_RETURN(std::string mode, f.str("mode", "twitter"));
      if (mode == "twitter") spec->decoder.keys = tweets::TweetKeys::kHashtagsTwitter;
      else if (mode == "naive") spec->decoder.keys = tweets::TweetKeys::kHashtagsNaive;
      else return invalid_argument(f.path("mode") + ": expected twitter or naive, got '" + mode + "'");
      EDDY_ASSIGN_OR_RETURN(spec->decoder.fold_case, f.boolean("foldCase", false));
    } else if (kind == "sentiment") {
      if (have_keys || have_window) return order_error("once, before window");
      have_keys = true;
      spec->decoder.keys = tweets::TweetKeys::kSentiment;
      EDDY_ASSIGN_OR_RETURN(spec->lexicon, f.str("lexicon", ""));
      EDDY_ASSIGN_OR_RETURN(spec->emoji_lexicon, f.str("emojiLexicon", ""));
    } else if (kind == "window") {
      if (!have_keys || have_window) return order_error("once, after the key step");
      have_window = true;
      EDDY_ASSIGN_OR_RETURN(spec->window.size, f.duration("size", spec->window.size));
      EDDY_ASSIGN_OR_RETURN(spec->window.slide, f.duration("slide", spec->window.slide));
    } else if (kind == "top") {
      if (!have_window || have_top) return order_error("once, after window");
      have_top = true;
      EDDY_ASSIGN_OR_RETURN(int64_t k, f.integer("k", 5, 1, 1000000));
      spec->window.top = static_cast<size_t>(k);
    } else {
      return invalid_argument(p + ": unknown step '" + kind +
                              "' (supported: detectLanguage, filter, hashtags, sentiment, window, top)");
    }
    EDDY_RETURN_IF_ERROR(f.done());
  }
  if (!have_keys) return invalid_argument("spec.pipeline: needs a 'hashtags' or 'sentiment' step");
  if (!have_window) return invalid_argument("spec.pipeline: needs a 'window' step");
  return Status::ok();
}

Status parse_spec(YAML::Node root, const std::map<std::string, std::string>& sets,
                  StreamJobSpec* spec) {
  Fields top(root, "");
  EDDY_RETURN_IF_ERROR(top.check_map());
  EDDY_ASSIGN_OR_RETURN(std::string api, top.str("apiVersion", ""));
  EDDY_ASSIGN_OR_RETURN(std::string kind, top.str("kind", ""));
  if (kind != "StreamJob")
    return invalid_argument("kind: expected StreamJob, got '" + kind + "'");
  if (api != "eddy.dev/v1") return invalid_argument("apiVersion: expected eddy.dev/v1, got '" + api + "'");
  Fields meta(top.node("metadata"), "metadata");
  if (top.has("metadata")) {
    EDDY_RETURN_IF_ERROR(meta.check_map());
    EDDY_ASSIGN_OR_RETURN(spec->name, meta.str("name", ""));
    meta.node("labels");
    EDDY_RETURN_IF_ERROR(meta.done());
  }
  if (!top.has("spec")) return invalid_argument("spec: missing");
  YAML::Node s = top.node("spec");
  EDDY_RETURN_IF_ERROR(top.done());

  // Parameters: declared defaults, then --set overrides, then ${...} substitution.
  EDDY_ASSIGN_OR_RETURN(YAML::Node body, resolve_parameters(s, sets));

  Fields f(body, "spec");
  EDDY_RETURN_IF_ERROR(f.check_map());
  f.node("parameters");
  // source
  if (!f.has("source")) return invalid_argument("spec.source: missing");
  Fields src(f.node("source"), "spec.source");
  EDDY_RETURN_IF_ERROR(src.check_map());
  EDDY_ASSIGN_OR_RETURN(spec->source_uri, src.str("uri", ""));
  if (spec->source_uri.empty()) return invalid_argument("spec.source.uri: missing (a path, - or tcp://host:port)");
  EDDY_ASSIGN_OR_RETURN(std::string fmt, src.str("format", "auto"));
  if (fmt == "auto") spec->decoder.format = tweets::TweetInputFormat::kAuto;
  else if (fmt == "v1") spec->decoder.format = tweets::TweetInputFormat::kV1;
  else if (fmt == "v2") spec->decoder.format = tweets::TweetInputFormat::kV2;
  else return invalid_argument("spec.source.format: expected auto, v1 or v2, got '" + fmt + "'");
  EDDY_RETURN_IF_ERROR(src.done());
  // eventTime
  if (f.has("eventTime")) {
    Fields et(f.node("eventTime"), "spec.eventTime");
    EDDY_RETURN_IF_ERROR(et.check_map());
    EDDY_ASSIGN_OR_RETURN(std::string mode, et.str("mode", "event"));
    if (mode == "event") spec->runtime.time_mode = engine::TimeMode::kEvent;
    else if (mode == "processing") spec->runtime.time_mode = engine::TimeMode::kProcessing;
    else return invalid_argument("spec.eventTime.mode: expected event or processing, got '" + mode + "'");
    EDDY_ASSIGN_OR_RETURN(spec->window.allowed_lateness, et.duration("allowedLateness", 0));
    EDDY_ASSIGN_OR_RETURN(spec->decoder.time_field, et.str("field", ""));
    EDDY_ASSIGN_OR_RETURN(spec->max_future, et.duration("maxFuture", spec->max_future));
    EDDY_RETURN_IF_ERROR(et.done());
  }
  spec->decoder.read_time = spec->runtime.time_mode == engine::TimeMode::kEvent;
  // pipeline
  EDDY_RETURN_IF_ERROR(parse_pipeline(f.node("pipeline"), spec));
  EDDY_RETURN_IF_ERROR(spec->window.validate());
  // sink
  if (f.has("sink")) {
    Fields sink(f.node("sink"), "spec.sink");
    EDDY_RETURN_IF_ERROR(sink.check_map());
    EDDY_ASSIGN_OR_RETURN(spec->sink_uri, sink.str("uri", "-"));
    EDDY_ASSIGN_OR_RETURN(spec->wrap, sink.boolean("wrap", false));
    EDDY_RETURN_IF_ERROR(sink.done());
  } else {
    spec->sink_uri = "-";
  }
  // runtime
  if (f.has("runtime")) {
    Fields rt(f.node("runtime"), "spec.runtime");
    EDDY_RETURN_IF_ERROR(rt.check_map());
    EDDY_ASSIGN_OR_RETURN(int64_t threads, rt.integer("threads", 1, 0, 256));
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    spec->runtime.threads = static_cast<int>(threads);
    EDDY_ASSIGN_OR_RETURN(std::string replay, rt.str("replay", "max"));
    auto speed = parse_replay_speed(replay);
    if (!speed.is_ok()) return speed.status().with_context("spec.runtime.replay");
    spec->runtime.replay_speed = *speed;
    EDDY_ASSIGN_OR_RETURN(spec->runtime.block_bytes,
                          rt.integer("blockBytes", 1 << 20, 4096, 256 << 20));
    EDDY_RETURN_IF_ERROR(rt.done());
  }
  return f.done();
}

}  // namespace

Result<double> parse_replay_speed(const std::string& text) {
  if (text == "max") return 0.0;
  if (text == "realtime") return 1.0;
  if (text.size() > 1 && text[0] == 'x') {
    double v;
    auto [p, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), v);
    if (ec == std::errc() && p == text.data() + text.size() && v > 0) return v;
  }
  return invalid_argument("expected max, realtime or xN (N > 0, e.g. x60), got '" + text + "'");
}

Result<StreamJobSpec> parse_stream_job(const std::string& yaml_text, const std::string& origin,
                                       const std::map<std::string, std::string>& sets) {
  return parse_manifest<StreamJobSpec>(yaml_text, origin, sets, parse_spec);
}

Result<StreamJobSpec> load_stream_job(const std::string& path,
                                      const std::map<std::string, std::string>& sets) {
  EDDY_ASSIGN_OR_RETURN(std::string text, read_manifest_file(path));
  return parse_stream_job(text, path, sets);
}

}  // namespace eddy::jobs
