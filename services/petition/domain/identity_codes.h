// Check-character validation of the two national identity codes a petition case carries:
// the resident identity number (公民身份号码, GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check,
// 'X' for 10) and the enterprise unified social credit code (USCC, GB 32100-2015; the check
// itself lives in common/uscc.h, shared with the enterprise service).
//
//   IsValidResidentId("11010519491231002X")   // true
//   IsValidUscc("91350100M000100Y43")         // true
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_IDENTITY_CODES_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_IDENTITY_CODES_H_

#include "absl/strings/string_view.h"

namespace gaoxin::petition {

// The check character ('0'..'9' or 'X') for the first 17 digits; '\0' when they are not 17 digits.
char ResidentIdCheckChar(absl::string_view first17);
// 18 characters, 17 digits, a birth date (positions 7-14) that exists and is not before 1900, and
// the right check character (upper-case 'X' only: normalise input first).
bool IsValidResidentId(absl::string_view id);

// 18 characters from 0-9 A-H J-N P-R T U W-Y with the right check character.
bool IsValidUscc(absl::string_view code);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_IDENTITY_CODES_H_
