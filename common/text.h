// Rules for text that comes from outside, written once: well-formed UTF-8, no control
// characters, not only white space, and a bounded, printable excerpt of a client's value for
// error messages and logs (a 1 MB id must not become a 1 MB error).
//
//   if (auto problem = TextProblem(name, /*multiline=*/false)) v.Add("agent.name", *problem);
//   return InvalidField("id", absl::StrCat(Excerpt(id), " is not a lead id"));
#ifndef GAOXIN_COMMON_TEXT_H_
#define GAOXIN_COMMON_TEXT_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace gaoxin {

// True for well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(absl::string_view text);

// Why `text` is not acceptable as a text field, or nullopt: not UTF-8; a control character (C0,
// DEL, C1; line feed, carriage return and tab are allowed when `multiline`); or nothing but
// white space (ASCII, U+00A0, U+3000).
std::optional<std::string> TextProblem(absl::string_view text, bool multiline);

// `text` as it may be echoed back: quoted, cut after 64 bytes on a character boundary (saying
// how long the whole value was), with anything but printable characters escaped.
std::string Excerpt(absl::string_view text);

// `text` with every byte that is not part of well-formed UTF-8 written as "\xNN": what goes into
// a protobuf string field (proto3 strings must be UTF-8, or the peer cannot parse the message).
// Well-formed text is returned unchanged.
std::string ValidUtf8(absl::string_view text);

// True when every byte is printable ASCII (0x20..0x7E): what may travel in a metadata value.
bool IsPrintableAscii(absl::string_view text);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_TEXT_H_
