#include "services/petition/domain/pii_access.h"

#include "common/errors.h"
#include "gtest/gtest.h"

namespace gaoxin::petition {
namespace {

TEST(PiiAccessTest, OnlyPiiHoldersCreateCasesWithPetitionerData) {
  v1::Petitioner p;
  EXPECT_TRUE(CheckMayCreateWithPetitioner(p, PiiAccess::kMasked).ok());
  p.set_id_number("21090219800101123X");
  const absl::Status denied = CheckMayCreateWithPetitioner(p, PiiAccess::kMasked);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("case.petitioner.id_number"), std::string::npos);
  EXPECT_EQ(denied.message().find("21090219800101123X"), std::string::npos);
  EXPECT_TRUE(CheckMayCreateWithPetitioner(p, PiiAccess::kPlaintext).ok());
  v1::Petitioner named;
  named.set_name("张三");
  EXPECT_EQ(CheckMayCreateWithPetitioner(named, PiiAccess::kMasked).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PiiAccessTest, OnlyPiiHoldersSearchByIdNumber) {
  EXPECT_TRUE(CheckMaySearchByIdNumber(PiiAccessOf(true)).ok());
  const absl::Status denied = CheckMaySearchByIdNumber(PiiAccessOf(false));
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(denied), "MISSING_ROLE");
  EXPECT_NE(denied.message().find("petition.pii"), absl::string_view::npos);
}

}  // namespace
}  // namespace gaoxin::petition
