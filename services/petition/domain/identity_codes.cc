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

bool IsValidResidentId(absl::string_view id) {
  if (id.size() != 18) return false;
  const char check = ResidentIdCheckChar(id.substr(0, 17));
  if (check == '\0' || check != id[17]) return false;
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(id.substr(6, 4), &year) || !absl::SimpleAtoi(id.substr(10, 2), &month) ||
      !absl::SimpleAtoi(id.substr(12, 2), &day)) {
    return false;
  }
  if (year < 1900) return false;
  // CivilDay normalises 02-30 to 03-02: the date exists only if it comes back unchanged.
  const absl::CivilDay birth(year, month, day);
  return birth.year() == year && birth.month() == month && birth.day() == day;
}

bool IsValidUscc(absl::string_view code) { return ValidateUscc(code).ok(); }

}  // namespace gaoxin::petition
