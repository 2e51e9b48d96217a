#include "services/petition/domain/masking.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/petition/domain/utf8.h"

namespace gaoxin::petition {
namespace {

// Keeps `head` leading and `tail` trailing characters and stars the rest; when that would leave
// nothing hidden (fewer than head + tail + 1 characters) every character is starred.
std::string KeepEnds(absl::string_view text, size_t head, size_t tail) {
  std::vector<absl::string_view> chars = SplitUtf8Chars(text);
  if (chars.size() <= head + tail) return std::string(chars.size(), kMaskChar);
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (i < head || i >= chars.size() - tail) {
      absl::StrAppend(&out, chars[i]);
    } else {
      out.push_back(kMaskChar);
    }
  }
  return out;
}

}  // namespace

std::string MaskName(absl::string_view name) { return KeepEnds(name, 1, 0); }

std::string MaskIdNumber(absl::string_view id_number) { return KeepEnds(id_number, 6, 4); }

std::string MaskPhone(absl::string_view phone) { return KeepEnds(phone, 3, 4); }

std::string MaskAddress(absl::string_view address) {
  std::vector<absl::string_view> chars = SplitUtf8Chars(address);
  if (chars.empty()) return "";
  const size_t keep = std::min<size_t>(kAddressVisibleChars, chars.size() / 2);
  std::string out;
  for (size_t i = 0; i < keep; ++i) absl::StrAppend(&out, chars[i]);
  out.append(4, kMaskChar);
  return out;
}

bool LooksMasked(absl::string_view value) {
  return value.find(kMaskChar) != absl::string_view::npos;
}

v1::Petitioner MaskPetitioner(const v1::Petitioner& petitioner) {
  v1::Petitioner out;
  out.set_name(MaskName(petitioner.name()));
  out.set_id_number(MaskIdNumber(petitioner.id_number()));
  out.set_phone(MaskPhone(petitioner.phone()));
  out.set_address(MaskAddress(petitioner.address()));
  return out;
}

}  // namespace gaoxin::petition
