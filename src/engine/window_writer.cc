#include "engine/window_writer.h"

#include <cstdio>

#include "common/time_format.h"
#include "common/json_string.h"

namespace eddy::engine {

Status WindowWriter::write(const WindowResult& w) {
  line_.clear();
  if (wrap_) {
    line_.append("{\"window_start\": \"").append(format_rfc3339(w.start));
    line_.append("\", \"window_end\": \"").append(format_rfc3339(w.end)).append("\", \"top\": ");
  }
  line_.push_back('{');
  for (size_t i = 0; i < w.top.size(); ++i) {
    if (i) line_.append(", ");
    append_json_string(w.top[i].key, &line_);
    line_.append(": ").append(std::to_string(w.top[i].count));
  }
  line_.push_back('}');
  if (wrap_) line_.push_back('}');
  ++windows_;
  EDDY_RETURN_IF_ERROR(sink_->write(line_));
  return sink_->flush();
}

}  // namespace eddy::engine
