// Exact ratios (gaoxin.common.v1.Ratio): numerator and denominator reduced by their gcd, plus a
// percentage rounded half away from zero for display. Shares, resolution rates and year-on-year
// changes all go through here so no figure is computed twice in two ways.
//
//   *stats.mutable_resolution_rate() = MakeRatio(26, 27);          // 26/27, "96.30"
//   *s.mutable_funds_change() = GrowthRatio(this_year, last_year);  // (a-b)/b
#ifndef GAOXIN_COMMON_RATIO_H_
#define GAOXIN_COMMON_RATIO_H_

#include <string>

#include "absl/numeric/int128.h"
#include "gaoxin/common/v1/types.pb.h"

namespace gaoxin {

common::v1::Ratio MakeRatio(absl::int128 numerator, absl::int128 denominator);
// Year-on-year change (current - previous) / previous. Empty display when previous is 0.
common::v1::Ratio GrowthRatio(absl::int128 current, absl::int128 previous);
// Percentage of n/d rounded half away from zero to `decimals` places ("" when d == 0).
std::string PercentString(absl::int128 numerator, absl::int128 denominator, int decimals = 2);
// True when n/d >= p/q exactly (d, q > 0).
bool RatioAtLeast(absl::int128 n, absl::int128 d, absl::int128 p, absl::int128 q);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_RATIO_H_
