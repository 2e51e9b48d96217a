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

TEST(PaginationTest, EditedOrForgedTokensAreRefused) {
  const std::string token = NextPageToken("lead-00ff", "f");
  ASSERT_TRUE(ParsePage(10, token, "f").ok());
  // Flip each character in turn: no edit survives the MAC.
  for (size_t i = 0; i < token.size(); ++i) {
    std::string edited = token;
    edited[i] = edited[i] == 'A' ? 'B' : 'A';
    auto page = ParsePage(10, edited, "f");
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << "edit at " << i;
  }
  // The old unsigned form (base64 of "p1\n<fingerprint>\n<key>") is refused too.
  EXPECT_FALSE(ParsePage(10, "cDEKMGJhZGY0ZWQzYzMyN2QxYQpsZWFkLTAwMDA", "f").ok());
  // A token signed under another key (another deployment) is not ours.
  SetPageTokenKey("a key of some other deployment");
  EXPECT_EQ(ParsePage(10, token, "f").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParsePage(10, NextPageToken("lead-00ff", "f"), "f").ok());
}

}  // namespace
}  // namespace gaoxin
