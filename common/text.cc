#include "common/text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gaoxin {
namespace {

// Decodes the code point at text[*i], advancing *i; returns -1 for a malformed sequence (and
// advances one byte, so callers always make progress).
int32_t NextCodePoint(absl::string_view text, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(*i);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  int len = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++*i;
    return -1;
  }
  if (*i + len > text.size()) {
    ++*i;
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    const uint8_t b = byte(*i + k);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return -1;
  }
  *i += len;
  return cp;
}

bool IsWhiteSpace(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
         cp == 0xA0 || cp == 0x3000;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (NextCodePoint(text, &i) < 0) return false;
  }
  return true;
}

std::optional<std::string> TextProblem(absl::string_view text, bool multiline) {
  bool only_space = true;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    const int32_t cp = NextCodePoint(text, &i);
    if (cp < 0) return absl::StrCat("is not valid UTF-8 (at byte ", at, ")");
    const bool line_break_or_tab = cp == '\n' || cp == '\r' || cp == '\t';
    if ((cp < 0x20 && !(multiline && line_break_or_tab)) || (cp >= 0x7F && cp <= 0x9F)) {
      return absl::StrFormat("must not contain control characters (U+%04X at byte %d)", cp, at);
    }
    if (!IsWhiteSpace(cp)) only_space = false;
  }
  if (!text.empty() && only_space) return std::string("must not be only white space");
  return std::nullopt;
}

std::string Excerpt(absl::string_view text) {
  constexpr size_t kMaxBytes = 64;
  std::string out = "'";
  size_t i = 0;
  while (i < text.size() && i < kMaxBytes) {
    const size_t at = i;
    const int32_t cp = NextCodePoint(text, &i);
    if (cp < 0) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<uint8_t>(text[at]));
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      absl::StrAppendFormat(&out, "\\u%04X", cp);
    } else if (cp == '\'' || cp == '\\') {
      absl::StrAppend(&out, "\\", text.substr(at, 1));
    } else {
      absl::StrAppend(&out, text.substr(at, i - at));
    }
  }
  out += "'";
  if (i < text.size()) absl::StrAppend(&out, "... (", text.size(), " bytes)");
  return out;
}

std::string ValidUtf8(absl::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t at = i;
    if (NextCodePoint(text, &i) < 0) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<uint8_t>(text[at]));
    } else {
      absl::StrAppend(&out, text.substr(at, i - at));
    }
  }
  return out;
}

bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace gaoxin
