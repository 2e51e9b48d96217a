// Check-character validation of the two national identity codes a petition case carries:
// the resident identity number (公民身份号码, GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check,
// 'X' for 10) and the enterprise unified social credit code (USCC, GB 32100-2015; the check
// itself lives in common/uscc.h, shared with the enterprise service).
//
//   IsValidResidentId("11010519491231002X", today)    // true
//   ResidentIdProblem("21090220990101123X", today)    // "must not hold a birth date after today"
//   IsValidUscc("91350100M000100Y43")                 // true
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_IDENTITY_CODES_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_IDENTITY_CODES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace gaoxin::petition {

// The check character ('0'..'9' or 'X') for the first 17 digits; '\0' when they are not 17 digits.
char ResidentIdCheckChar(absl::string_view first17);
// Why `id` cannot be a resident ID number on `today`, or "" when it can be one: 18 characters,
// 17 digits, a birth date (positions 7-14) that exists, is not before 1900 and not after `today`
// (nobody is born in the future), and the right check character (upper-case 'X' only: normalise
// input first). The reason is a field-violation description that never quotes the number, which
// is personal data. The one check of an ID number: every request that takes one goes through it.
std::string ResidentIdProblem(absl::string_view id, absl::CivilDay today);
inline bool IsValidResidentId(absl::string_view id, absl::CivilDay today) {
  return ResidentIdProblem(id, today).empty();
}

// 18 characters from 0-9 A-H J-N P-R T U W-Y with the right check character.
bool IsValidUscc(absl::string_view code);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_IDENTITY_CODES_H_
