// Masking of petitioners' personal data for every caller without the `petition.pii` role, on
// every output path (responses, exports, logs). Counting is by character (UTF-8 code point), not
// byte, so a Chinese name is masked per character:
//
//   MaskName("张三丰")                 → "张**"
//   MaskIdNumber("21090219800101123X") → "210902********123X"
//   MaskPhone("13800001234")           → "138****1234"
//   MaskAddress("辽宁省阜新市高新区某某路8号") → "辽宁省阜新市****"
//
// Short inputs that would reveal most of the value if the usual prefix/suffix were kept are
// masked entirely ("张" → "*", "12345" → "*****").
//
// Every mask of a non-empty value holds kMaskChar, which no real name, ID number, phone or
// address needs: LooksMasked is how writes tell a mask sent back from real data.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_MASKING_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_MASKING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gaoxin/petition/v1/petition.pb.h"

namespace gaoxin::petition {

// How many leading characters of an address stay visible: enough for province and city
// ("辽宁省阜新市"), not the street or house number.
inline constexpr int kAddressVisibleChars = 6;
// What stands in for each hidden character.
inline constexpr char kMaskChar = '*';

// First character, then one '*' per remaining character. One character → "*".
std::string MaskName(absl::string_view name);
// First 6 and last 4 characters, '*' between; 10 characters or fewer → all '*'.
std::string MaskIdNumber(absl::string_view id_number);
// First 3 and last 4 characters, '*' between; 7 characters or fewer → all '*'.
std::string MaskPhone(absl::string_view phone);
// The first min(kAddressVisibleChars, half the length) characters, then a fixed "****" so the
// length of the rest is not revealed either. Empty stays empty.
std::string MaskAddress(absl::string_view address);
// All four fields masked.
v1::Petitioner MaskPetitioner(const v1::Petitioner& petitioner);
// True when `value` holds kMaskChar: a masked value (or part of one), not personal data.
bool LooksMasked(absl::string_view value);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_MASKING_H_
