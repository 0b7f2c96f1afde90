// The VADER lexicons of data/vader/, compiled into the binary with the assembler's .incbin so
// that the single eddy binary scores text anywhere without data files. EDDY_VADER_DATA_DIR is
// set for this file alone in CMakeLists.txt, which also makes it rebuild when the data changes.
#include <string_view>

#include "text/vader_lexicon.h"

#ifndef EDDY_VADER_DATA_DIR
#error "EDDY_VADER_DATA_DIR must name data/vader (set in CMakeLists.txt)"
#endif

// clang-format off
asm(".section .rodata\n"
    ".balign 16\n"
    ".local eddy_vader_lexicon_begin\n"
    "eddy_vader_lexicon_begin:\n"
    ".incbin \"" EDDY_VADER_DATA_DIR "/vader_lexicon.txt\"\n"
    ".local eddy_vader_lexicon_end\n"
    "eddy_vader_lexicon_end:\n"
    ".balign 16\n"
    ".local eddy_emoji_lexicon_begin\n"
    "eddy_emoji_lexicon_begin:\n"
    ".incbin \"" EDDY_VADER_DATA_DIR "/emoji_utf8_lexicon.txt\"\n"
    ".local eddy_emoji_lexicon_end\n"
    "eddy_emoji_lexicon_end:\n"
    ".previous\n");
// clang-format on

extern "C" const char eddy_vader_lexicon_begin[];
extern "C" const char eddy_vader_lexicon_end[];
extern "C" const char eddy_emoji_lexicon_begin[];
extern "C" const char eddy_emoji_lexicon_end[];

namespace eddy::text::vader {

std::string_view embedded_valence_lexicon() {
  return {eddy_vader_lexicon_begin,
          static_cast<size_t>(eddy_vader_lexicon_end - eddy_vader_lexicon_begin)};
}

std::string_view embedded_emoji_lexicon() {
  return {eddy_emoji_lexicon_begin,
          static_cast<size_t>(eddy_emoji_lexicon_end - eddy_emoji_lexicon_begin)};
}

}  // namespace eddy::text::vader
