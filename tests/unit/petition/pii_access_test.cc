#include "services/petition/domain/pii_access.h"

#include "common/errors.h"
#include "gtest/gtest.h"

namespace gaoxin::petition {
namespace {

TEST(PiiAccessTest, OnlyPiiHoldersSearchByIdNumber) {
  EXPECT_TRUE(CheckMaySearchByIdNumber(PiiAccessOf(true)).ok());
  const absl::Status denied = CheckMaySearchByIdNumber(PiiAccessOf(false));
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(denied), "MISSING_ROLE");
  EXPECT_NE(denied.message().find("petition.pii"), absl::string_view::npos);
}

}  // namespace
}  // namespace gaoxin::petition
