#include "engine/record_decoder.h"

namespace eddy::engine {

const char* skip_reason_name(SkipReason r) {
  switch (r) {
    case SkipReason::kInvalidJson: return "invalid_json";
    case SkipReason::kInvalidUtf8: return "invalid_utf8";
    case SkipReason::kMissingField: return "missing_field";
    case SkipReason::kWrongType: return "wrong_type";
    case SkipReason::kLineTooLong: return "line_too_long";
    case SkipReason::kTimeOutOfRange: return "time_out_of_range";
    case SkipReason::kCount: break;
  }
  return "unknown";
}

void DecodedBlock::clear() {
  times.clear();
  key_end.clear();
  key_begin.clear();
  arena.clear();
  lines = filtered = 0;
  skipped.fill(0);
  first_problem_line = 0;
  first_problem.clear();
}

void DecodedBlock::skip(SkipReason r, uint64_t line_index, std::string_view message) {
  ++skipped[static_cast<size_t>(r)];
  if (first_problem.empty()) {
    first_problem_line = line_index;
    first_problem = message;
  }
}

}  // namespace eddy::engine
