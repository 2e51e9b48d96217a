// Splitting UTF-8 text into characters (code points), for masking and length limits counted the
// way people count them: "张三丰" is 3 characters, not 9 bytes. Generic; a candidate for common/.
//
//   std::vector<absl::string_view> chars = SplitUtf8Chars("张三");  // {"张", "三"}
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_UTF8_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_UTF8_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"

namespace gaoxin::petition {

// One view per character. A malformed byte becomes a character of its own, so nothing is lost
// and nothing is read past the end.
std::vector<absl::string_view> SplitUtf8Chars(absl::string_view text);
size_t Utf8Length(absl::string_view text);
bool IsValidUtf8(absl::string_view text);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_UTF8_H_
