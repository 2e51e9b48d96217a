#include "common/pagination.h"

#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(PaginationTest, SizesFollowAip158) {
  EXPECT_EQ(ParsePage(0, "", "f")->size, kDefaultPageSize);
  EXPECT_EQ(ParsePage(5, "", "f")->size, 5);
  EXPECT_EQ(ParsePage(100000, "", "f")->size, kMaxPageSize);
  EXPECT_EQ(ParsePage(-1, "", "f").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PaginationTest, TokensRoundTripAndAreBoundToFilters) {
  std::string token = NextPageToken("lead-00ff", "stage=3");
  auto page = ParsePage(10, token, "stage=3");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->after_key, "lead-00ff");
  auto other = ParsePage(10, token, "stage=4");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("page_token"), absl::string_view::npos);
  EXPECT_FALSE(ParsePage(10, "garbage!!", "stage=3").ok());
  // The token is not the key in the clear.
  EXPECT_EQ(token.find("lead-00ff"), std::string::npos);
}

}  // namespace
}  // namespace gaoxin
