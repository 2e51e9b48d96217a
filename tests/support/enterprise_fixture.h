// Test support: builders the enterprise integration and end-to-end tests share: valid unified
// social credit codes numbered by test, and whole yuan as the nanos of a Money.
//
//   namespace ef = testing::enterprise_fixture;
//   req.mutable_enterprise()->set_uscc(ef::Uscc(7));  // "91210900MA0000007" + check character
//   EXPECT_EQ(ToNanos(total), ef::YuanNanos(1200));
#ifndef GAOXIN_TESTS_SUPPORT_ENTERPRISE_FIXTURE_H_
#define GAOXIN_TESTS_SUPPORT_ENTERPRISE_FIXTURE_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
#include "common/money.h"
#include "common/uscc.h"

namespace gaoxin::testing::enterprise_fixture {

// The n-th test enterprise's USCC: "91210900MA0" + n in six digits + a valid check character.
inline std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("91210900MA0%06d", n);
  return first17 + *ComputeUsccCheckChar(first17);
}

// `yuan` whole yuan in nanos.
inline Nanos YuanNanos(int64_t yuan) { return Nanos(yuan) * kNanosPerUnit; }

}  // namespace gaoxin::testing::enterprise_fixture

#endif  // GAOXIN_TESTS_SUPPORT_ENTERPRISE_FIXTURE_H_
