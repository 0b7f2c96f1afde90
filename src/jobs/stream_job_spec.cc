#include "jobs/stream_job_spec.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/time_format.h"

namespace eddy::jobs {
namespace {

// Substitutes ${name} in every scalar of `node`, recording which parameters were used.
Status substitute(YAML::Node node, const std::map<std::string, std::string>& params,
                  const std::string& path) {
  if (node.IsScalar()) {
    std::string s = node.Scalar();
    std::string out;
    size_t i = 0;
    bool changed = false;
    while (i < s.size()) {
      size_t open = s.find("${", i);
      if (open == std::string::npos) break;
      size_t close = s.find('}', open);
      if (close == std::string::npos) return invalid_argument(path + ": unterminated '${' in '" + s + "'");
      std::string name = s.substr(open + 2, close - open - 2);
      auto it = params.find(name);
      if (it == params.end())
        return invalid_argument(path + ": '${" + name + "}' is not declared in spec.parameters");
      out += s.substr(i, open - i) + it->second;
      i = close + 1;
      changed = true;
    }
    if (changed) node = out + s.substr(i);
    return Status::ok();
  }
  if (node.IsMap()) {
    for (auto kv : node) EDDY_RETURN_IF_ERROR(substitute(kv.second, params, path + "." + kv.first.as<std::string>()));
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      EDDY_RETURN_IF_ERROR(substitute(node[i], params, path + "[" + std::to_string(i) + "]"));
  }
  return Status::ok();
}

// Reads the fields of one mapping, and at the end rejects any field it was not asked for.
class Fields {
 public:
  Fields(YAML::Node node, std::string path) : node_(node), path_(std::move(path)) {}
  Status check_map() const {
    if (!node_.IsMap()) return invalid_argument(path_ + ": expected a mapping");
    return Status::ok();
  }
  bool has(const std::string& key) {
    known_.insert(key);
    return node_[key].IsDefined() && !node_[key].IsNull();
  }
  YAML::Node node(const std::string& key) {
    known_.insert(key);
    return node_[key];
  }
  std::string path(const std::string& key) const { return path_ + "." + key; }
  Result<std::string> str(const std::string& key, const std::string& def) {
    if (!has(key)) return def;
    if (!node_[key].IsScalar()) return invalid_argument(path(key) + ": expected a string");
    return node_[key].Scalar();
  }
  Result<bool> boolean(const std::string& key, bool def) {
    EDDY_ASSIGN_OR_RETURN(std::string s, str(key, def ? "true" : "false"));
    if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
    if (s == "false" || s == "no" || s == "off" || s == "0") return false;
    return invalid_argument(path(key) + ": expected true or false, got '" + s + "'");
  }
  Result<int64_t> integer(const std::string& key, int64_t def, int64_t lo, int64_t hi) {
    EDDY_ASSIGN_OR_RETURN(std::string s, str(key, std::to_string(def)));
    int64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
      return invalid_argument(path(key) + ": expected an integer, got '" + s + "'");
    if (v < lo || v > hi)
      return invalid_argument(path(key) + ": must be between " + std::to_string(lo) + " and " +
                              std::to_string(hi) + ", got " + s);
    return v;
  }
  Result<Micros> duration(const std::string& key, Micros def) {
    EDDY_ASSIGN_OR_RETURN(std::string s, str(key, format_duration(def)));
    auto d = parse_duration(s);
    if (!d.is_ok()) return d.status().with_context(path(key));
    return d;
  }
  Status done() const {
    if (!node_.IsMap()) return Status::ok();
    for (auto kv : node_) {
      std::string k = kv.first.as<std::string>();
      if (!known_.count(k)) {
        std::string list;
        for (auto& n : known_) list += (list.empty() ? "" : ", ") + n;
        return invalid_argument(path_ + "." + k + ": unknown field (expected one of: " + list + ")");
      }
    }
    return Status::ok();
  }

 private:
  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
};

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
      if (mode == "twitter") spec->decoder.keys = connectors::TweetKeys::kHashtagsTwitter;
      else if (mode == "naive") spec->decoder.keys = connectors::TweetKeys::kHashtagsNaive;
      else return invalid_argument(f.path("mode") + ": expected twitter or naive, got '" + mode + "'");
      EDDY_ASSIGN_OR_RETURN(spec->decoder.fold_case, f.boolean("foldCase", false));
    } else if (kind == "sentiment") {
      if (have_keys || have_window) return order_error("once, before window");
      have_keys = true;
      spec->decoder.keys = connectors::TweetKeys::kSentiment;
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
  std::map<std::string, std::string> params;
  if (s["parameters"].IsDefined()) {
    if (!s["parameters"].IsMap()) return invalid_argument("spec.parameters: expected a mapping");
    for (auto kv : s["parameters"]) {
      if (!kv.second.IsScalar() && !kv.second.IsNull())
        return invalid_argument("spec.parameters." + kv.first.as<std::string>() + ": expected a scalar");
      params[kv.first.as<std::string>()] = kv.second.IsNull() ? "" : kv.second.Scalar();
    }
  }
  for (const auto& [k, v] : sets) {
    if (!params.count(k)) {
      std::string list;
      for (auto& [n, _] : params) list += (list.empty() ? "" : ", ") + n;
      return invalid_argument("--set " + k + ": unknown parameter (this job has: " + list + ")");
    }
    params[k] = v;
  }
  YAML::Node body = YAML::Clone(s);
  body.remove("parameters");
  EDDY_RETURN_IF_ERROR(substitute(body, params, "spec"));

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
  if (fmt == "auto") spec->decoder.format = connectors::TweetInputFormat::kAuto;
  else if (fmt == "v1") spec->decoder.format = connectors::TweetInputFormat::kV1;
  else if (fmt == "v2") spec->decoder.format = connectors::TweetInputFormat::kV2;
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
  StreamJobSpec spec;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    Status s = parse_spec(root, sets, &spec);
    if (!s.is_ok()) return s.with_context(origin);
  } catch (const YAML::Exception& e) {
    return invalid_argument(origin + ": not valid YAML: " + e.what());
  }
  return spec;
}

Result<StreamJobSpec> load_stream_job(const std::string& path,
                                      const std::map<std::string, std::string>& sets) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("job manifest '" + path + "' does not exist or cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_stream_job(ss.str(), path, sets);
}

}  // namespace eddy::jobs
