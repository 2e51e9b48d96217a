#include "services/petition/domain/identity_codes.h"

#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "common/uscc.h"

namespace gaoxin::petition {
namespace {

constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
// ISO 7064 MOD 11-2: check = (12 - (Σ mod 11)) mod 11, 10 written 'X'. Indexed by Σ mod 11.
constexpr char kIdCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

char ResidentIdCheckChar(absl::string_view first17) {
  if (first17.size() != 17 || !AllDigits(first17)) return '\0';
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kIdWeights[i];
  return kIdCheck[sum % 11];
}

std::string ResidentIdProblem(absl::string_view id, absl::CivilDay today) {
  if (id.size() != 18 || !AllDigits(id.substr(0, 17))) {
    return "must be 18 characters: 17 digits and a check character (GB 11643)";
  }
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(id.substr(6, 4), &year) || !absl::SimpleAtoi(id.substr(10, 2), &month) ||
      !absl::SimpleAtoi(id.substr(12, 2), &day)) {
    return "must hold a birth date (characters 7-14) that exists";
  }
  // CivilDay normalises 02-30 to 03-02: the date exists only if it comes back unchanged.
  const absl::CivilDay birth(year, month, day);
  if (birth.year() != year || birth.month() != month || birth.day() != day) {
    return "must hold a birth date (characters 7-14) that exists";
  }
  if (year < 1900) return "must hold a birth date (characters 7-14) from 1900 on";
  if (birth > today) return "must not hold a birth date (characters 7-14) after today";
  if (ResidentIdCheckChar(id.substr(0, 17)) != id[17]) {
    return "must end in the right check character (GB 11643)";
  }
  return "";
}

bool IsValidUscc(absl::string_view code) { return ValidateUscc(code).ok(); }

}  // namespace gaoxin::petition
