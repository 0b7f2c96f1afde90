// libFuzzer target: arbitrary bytes through extract_hashtags, extract_hashtags_naive and
// fold_case. None may crash, hang or read out of bounds (ASan/UBSan), and the results must be
// consistent: every tag is a non-empty view inside the input right after its hash mark, tags
// come in text order without overlapping, and naive words start with '#'.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/hashtag_extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A heap copy of exactly `size` bytes, so ASan catches any read past the end.
  const std::string copy(reinterpret_cast<const char*>(data), size);
  const std::string_view text(copy);
  const char* const begin = text.data();
  const char* const end = begin + text.size();

  std::vector<eddy::text::Hashtag> tags;
  eddy::text::extract_hashtags(text, &tags);
  const char* last_end = begin;
  uint32_t last_index = 0;
  std::string folded;
  for (const auto& h : tags) {
    const char* t = h.tag.data();
    if (h.tag.empty() || t < begin + 1 || t + h.tag.size() > end || t - 1 < last_end) {
      __builtin_trap();
    }
    const bool ascii_hash = t[-1] == '#';
    const bool wide_hash = t - begin >= 3 && std::string_view(t - 3, 3) == "\xEF\xBC\x83";
    if (!ascii_hash && !wide_hash) __builtin_trap();
    if (h.start < last_index || h.end <= h.start + 1 || h.end > text.size()) __builtin_trap();
    last_end = t + h.tag.size();
    last_index = h.end;
    eddy::text::fold_case(h.tag, &folded);
  }

  std::vector<std::string_view> words;
  eddy::text::extract_hashtags_naive(text, &words);
  for (std::string_view w : words) {
    if (w.empty() || w[0] != '#' || w.data() < begin || w.data() + w.size() > end) {
      __builtin_trap();
    }
    if (w.find(' ') != std::string_view::npos) __builtin_trap();
  }

  eddy::text::fold_case(text, &folded);
  return 0;
}
