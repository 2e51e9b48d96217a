#include "common/quantity.h"

#include <limits>

#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(QuantityTest, AreasAreBoundedAndNamed) {
  FieldViolations v;
  CheckArea(std::numeric_limits<int64_t>::max(), "idle_asset.land_area_m2", &v);
  CheckArea(-1, "idle_asset.building_area_m2", &v);
  ASSERT_EQ(v.violations().size(), 2u);
  EXPECT_EQ(v.violations()[0].first, "idle_asset.land_area_m2");
  EXPECT_EQ(v.violations()[1].first, "idle_asset.building_area_m2");
  FieldViolations ok;
  CheckArea(0, "a", &ok);
  CheckArea(kMaxAreaM2, "a", &ok);
  EXPECT_TRUE(ok.empty());
  CheckArea(kMaxAreaM2 + 1, "a", &ok);
  EXPECT_EQ(ok.violations().size(), 1u);
}

TEST(QuantityTest, AddQuantityRefusesToWrap) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(*AddQuantity(max - 1, 1, "land"), max);
  absl::StatusOr<int64_t> wrapped = AddQuantity(max / 2 + 1, max / 2 + 1, "land_m2");
  EXPECT_EQ(wrapped.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(wrapped.status().message().find("land_m2"), std::string::npos);
  EXPECT_FALSE(AddQuantity(std::numeric_limits<int64_t>::min(), -1, "x").ok());
}

}  // namespace
}  // namespace gaoxin
