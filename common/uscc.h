// The unified social credit code (统一社会信用代码, USCC) of GB 32100-2015: 18 characters from a
// 31-character alphabet (digits and upper-case letters without I, O, S, V, Z), the last one a
// check character computed from the first 17. A wrong code is a wrong enterprise, so it is
// rejected with the exact reason.
//
//   absl::Status s = ValidateUscc("91210900MA0XXXXXXX");
//   if (!s.ok()) v.Add("enterprise.uscc", s.message());
//   absl::StatusOr<char> c = ComputeUsccCheckChar("91210900MA0U9K5H2");  // demo-data generation
//
// Lower case is rejected, not upper-cased: the standard defines upper-case letters only, and the
// suite treats the code as an exact key (GetEnterprise by USCC is an exact match), so one
// enterprise has one spelling. The message tells the caller to upper-case it.
#ifndef GAOXIN_COMMON_USCC_H_
#define GAOXIN_COMMON_USCC_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gaoxin {

// Index = character value.
inline constexpr absl::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
inline constexpr int kUsccLength = 18;

// ErrorInfo reason of every USCC rejection.
inline constexpr absl::string_view kUsccInvalidReason = "USCC_INVALID";

enum class UsccCheck {
  // Length, alphabet and check character.
  kStrict,
  // Length and alphabet only: for pre-2016 codes accepted through an audited override
  // (CreateEnterpriseRequest.uscc_check_override). Never the default.
  kSkipCheckCharacter,
};

// OK, or INVALID_ARGUMENT (reason USCC_INVALID) saying what is wrong: the length, the first bad
// character and its 1-based position, or the expected check character.
absl::Status ValidateUscc(absl::string_view uscc, UsccCheck check = UsccCheck::kStrict);

// The check character for the first 17 characters; INVALID_ARGUMENT when `first17` is not 17
// characters of the alphabet.
absl::StatusOr<char> ComputeUsccCheckChar(absl::string_view first17);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_USCC_H_
