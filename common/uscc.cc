#include "common/uscc.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace gaoxin {
namespace {

constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

absl::Status Invalid(absl::string_view message) {
  return MakeError(absl::StatusCode::kInvalidArgument, kUsccInvalidReason, message);
}

// Describes `c` for a message without echoing raw control bytes.
std::string Describe(char c) {
  if (absl::ascii_isprint(static_cast<unsigned char>(c)))
    return absl::StrCat("'", std::string(1, c), "'");
  return absl::StrCat("byte 0x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
}

// Checks the alphabet of `code`; returns OK or the first problem.
absl::Status CheckCharacters(absl::string_view code) {
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (kUsccAlphabet.find(c) != absl::string_view::npos) continue;
    if (absl::ascii_islower(static_cast<unsigned char>(c))) {
      char upper = absl::ascii_toupper(static_cast<unsigned char>(c));
      if (kUsccAlphabet.find(upper) != absl::string_view::npos) {
        return Invalid(absl::StrCat("lower-case character ", Describe(c), " at position ", i + 1,
                                    "; the code is upper-case only"));
      }
    }
    return Invalid(absl::StrCat("character ", Describe(c), " at position ", i + 1,
                                " is not allowed (alphabet 0-9 and A-Z without I, O, S, V, Z)"));
  }
  return absl::OkStatus();
}

char CheckCharOf(absl::string_view first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(kUsccAlphabet.find(first17[i])) * kWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return kUsccAlphabet[check];
}

}  // namespace

absl::StatusOr<char> ComputeUsccCheckChar(absl::string_view first17) {
  if (first17.size() != 17) {
    return Invalid(absl::StrCat("need the first 17 characters, got ", first17.size()));
  }
  absl::Status s = CheckCharacters(first17);
  if (!s.ok()) return s;
  return CheckCharOf(first17);
}

absl::Status ValidateUscc(absl::string_view uscc, UsccCheck check) {
  if (uscc.size() != static_cast<size_t>(kUsccLength)) {
    return Invalid(absl::StrCat("must be exactly 18 characters, got ", uscc.size()));
  }
  absl::Status s = CheckCharacters(uscc);
  if (!s.ok()) return s;
  if (check == UsccCheck::kSkipCheckCharacter) return absl::OkStatus();
  char expected = CheckCharOf(uscc.substr(0, 17));
  if (uscc[17] != expected) {
    return Invalid(absl::StrCat("check character mismatch: expected '", std::string(1, expected),
                                "', got '", std::string(1, uscc[17]), "'"));
  }
  return absl::OkStatus();
}

}  // namespace gaoxin
