#include "engine/window_writer.h"

#include <cstdio>

#include "common/time_format.h"

namespace eddy::engine {

void append_json_string(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

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
