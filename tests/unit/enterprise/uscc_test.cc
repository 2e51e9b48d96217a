#include "common/uscc.h"

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gaoxin::enterprise {
namespace {

using ::testing::HasSubstr;

TEST(UsccTest, AcceptsValidCodes) {
  // A widely published real code, and codes whose check characters were computed by hand
  // (including the 31 → 0 case and the largest value 'Y').
  for (const char* code :
       {"91350100M000100Y43", "91210900MA0U9K5H2F", "91210900123456789X", "91110000100000000R",
        "52210900MAB0XQ7Y1K", "91210900MA0U9K5HW0", "91210900MA0U9K5H7Y"}) {
    EXPECT_TRUE(ValidateUscc(code).ok()) << code << ": " << ValidateUscc(code).message();
  }
}

TEST(UsccTest, ComputesCheckCharacter) {
  EXPECT_EQ(ComputeUsccCheckChar("91350100M000100Y4").value(), '3');
  EXPECT_EQ(ComputeUsccCheckChar("91210900MA0U9K5HW").value(), '0');  // 31 → 0
  EXPECT_EQ(ComputeUsccCheckChar("91210900MA0U9K5H7").value(), 'Y');
  EXPECT_FALSE(ComputeUsccCheckChar("91350100M000100Y").ok());
  EXPECT_FALSE(ComputeUsccCheckChar("91350100M000100I4").ok());
}

TEST(UsccTest, RejectsWrongLength) {
  absl::Status short_code = ValidateUscc("91350100M000100Y4");
  EXPECT_EQ(short_code.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(short_code.message()), HasSubstr("got 17"));
  EXPECT_THAT(std::string(ValidateUscc("91350100M000100Y433").message()), HasSubstr("got 19"));
  EXPECT_FALSE(ValidateUscc("").ok());
  EXPECT_EQ(ErrorReason(short_code), "USCC_INVALID");
}

TEST(UsccTest, RejectsLettersOutsideTheAlphabet) {
  // I, O, S, V, Z are excluded by GB 32100 (confusable with 1, 0, 5, U, 2).
  const std::string valid = "91350100M000100Y43";
  for (char bad : {'I', 'O', 'S', 'V', 'Z'}) {
    std::string code = valid;
    code[8] = bad;  // position 9
    absl::Status s = ValidateUscc(code);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_THAT(std::string(s.message()), HasSubstr("position 9")) << s.message();
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::string("'") + bad + "'"));
  }
  EXPECT_THAT(std::string(ValidateUscc("91350100M000100Y-3").message()), HasSubstr("position 17"));
  EXPECT_THAT(std::string(ValidateUscc("91350100M000100Y4\n").message()), HasSubstr("byte 0x0a"));
}

TEST(UsccTest, RejectsLowerCaseWithAHint) {
  absl::Status s = ValidateUscc("91350100m000100Y43");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("lower-case"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("position 9"));
}

TEST(UsccTest, RejectsWrongCheckCharacterNamingTheExpectedOne) {
  absl::Status s = ValidateUscc("91350100M000100Y44");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("expected '3'"));
  // A single changed body character also breaks the check.
  EXPECT_FALSE(ValidateUscc("91350100M000100Y53").ok());
}

TEST(UsccTest, OverrideSkipsOnlyTheCheckCharacter) {
  EXPECT_TRUE(ValidateUscc("91350100M000100Y44", UsccCheck::kSkipCheckCharacter).ok());
  EXPECT_FALSE(ValidateUscc("91350100M000100Y4", UsccCheck::kSkipCheckCharacter).ok());
  EXPECT_FALSE(ValidateUscc("91350100M000100O43", UsccCheck::kSkipCheckCharacter).ok());
}

}  // namespace
}  // namespace gaoxin::enterprise
