// CLD2 behind LanguageDetector; see language_detector.h.
#include "text/language_detector.h"

#include <cld2/public/compact_lang_det.h>

#include <climits>
#include <cstring>

#include "text/vader_unicode.h"

namespace eddy::text {

std::string_view LanguageDetector::detect(std::string_view utf8_text, bool* reliable) {
  if (reliable) *reliable = false;
  if (utf8_text.size() > static_cast<size_t>(INT_MAX)) utf8_text = utf8_text.substr(0, INT_MAX);
  // CLD2's summary entry points trust their input to be valid UTF-8; check it here.
  for (size_t i = 0; i < utf8_text.size();) {
    size_t len;
    if (vader::decode_utf8(utf8_text, i, &len) == 0xFFFD && len == 1) return "und";
    i += len;
  }
  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool is_reliable = false;
  const CLD2::Language lang = CLD2::ExtDetectLanguageSummary(
      utf8_text.data(), static_cast<int>(utf8_text.size()), /*is_plain_text=*/true, language3,
      percent3, &text_bytes, &is_reliable);
  // With no letters to score CLD2 answers its default, ENGLISH, at 0 percent: that is "und".
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE || percent3[0] == 0) {
    return "und";
  }
  const char* code = CLD2::LanguageCode(lang);
  if (code == nullptr || *code == '\0') return "und";
  if (reliable) *reliable = is_reliable;
  return std::string_view(code, std::strlen(code));
}

}  // namespace eddy::text
