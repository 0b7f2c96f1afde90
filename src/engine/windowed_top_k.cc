#include "engine/windowed_top_k.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/time_format.h"

namespace eddy::engine {
namespace {
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
}  // namespace

Status WindowOptions::validate() const {
  if (slide <= 0)
    return invalid_argument("spec.window.slide: must be positive, got " + format_duration(slide));
  if (size <= 0)
    return invalid_argument("spec.window.size: must be positive, got " + format_duration(size));
  if (size % slide != 0)
    return invalid_argument("spec.window.slide: must divide size (" + format_duration(size) +
                            "), got " + format_duration(slide));
  if (size / slide > 10000000)
    return invalid_argument("spec.window: size/slide is " + std::to_string(size / slide) +
                            " panes; at most 10000000 are supported");
  if (allowed_lateness < 0) return invalid_argument("spec.eventTime.allowedLateness: must be >= 0");
  if (top < 1) return invalid_argument("spec.top: must be at least 1");
  return Status::ok();
}

WindowedTopK::WindowedTopK(const WindowOptions& options)
    : options_(options),
      counter_(options.size / options.slide, options.rank_target, options.rank_max) {
  EDDY_CHECK(options.validate().is_ok()) << options.validate().to_string();
}

int64_t WindowedTopK::pane_of(Micros t) const { return floor_div(t, options_.slide); }

int64_t WindowedTopK::closed_pane() const { return floor_div(watermark(), options_.slide); }

bool WindowedTopK::on_record(Micros t, std::span<const std::string_view> keys, const EmitFn& emit) {
  int64_t pane = pane_of(t);
  if (seen_ && pane < closed_pane()) {
    ++late_;
    return false;
  }
  // Before the first emission an on-time record earlier than all others moves the first
  // window back; after it, on-time records are never before window_end() (== closed boundary).
  if (!counter_.positioned() || pane < counter_.window_end()) counter_.position(pane);
  seen_ = true;
  for (std::string_view k : keys) counter_.add(pane, k);
  if (t > max_time_) {
    max_time_ = t;
    emit_until(closed_pane(), emit);
  }
  return true;
}

void WindowedTopK::on_watermark(Micros watermark, const EmitFn& emit) {
  Micros as_max = watermark + options_.allowed_lateness;
  if (as_max > max_time_) max_time_ = as_max;
  if (seen_) emit_until(closed_pane(), emit);
}

void WindowedTopK::finish(const EmitFn& emit) {
  if (!seen_) return;
  emit_until(pane_of(max_time_) + 1, emit);
}

void WindowedTopK::emit_until(int64_t end_pane, const EmitFn& emit) {
  while (counter_.window_end() < end_pane) {
    auto t0 =
        latencies_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    counter_.advance();
    result_.end = counter_.window_end() * options_.slide;
    result_.start = result_.end - options_.size;
    counter_.top_k(options_.top, &result_.top);
    emit(result_);
    if (latencies_) {
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
      latencies_->push_back(static_cast<uint32_t>(std::min<int64_t>(ns, UINT32_MAX)));
    }
    // Off the emit path: subtract the pane the next window drops, add the one it gains so
    // far, free expired keys.
    counter_.retire();
    counter_.evict_released();
  }
}

void WindowedTopK::snapshot(std::string* out) const {
  out->append("EDWT1");
  out->push_back(seen_ ? 1 : 0);
  out->append(reinterpret_cast<const char*>(&max_time_), sizeof max_time_);
  out->append(reinterpret_cast<const char*>(&late_), sizeof late_);
  counter_.snapshot(out);
}

Status WindowedTopK::restore(std::string_view in) {
  constexpr size_t kHeader = 5 + 1 + sizeof(Micros) + sizeof(uint64_t);
  if (in.size() < kHeader || in.substr(0, 5) != "EDWT1")
    return data_loss("window operator snapshot is truncated or corrupt");
  seen_ = in[5] != 0;
  std::memcpy(&max_time_, in.data() + 6, sizeof max_time_);
  std::memcpy(&late_, in.data() + 6 + sizeof max_time_, sizeof late_);
  return counter_.restore(in.substr(kHeader));
}

}  // namespace eddy::engine
