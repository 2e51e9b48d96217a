#include "common/ratio.h"

#include "absl/strings/str_cat.h"
#include "common/money.h"

namespace gaoxin {
namespace {

absl::int128 Abs(absl::int128 v) { return v < 0 ? -v : v; }

absl::int128 Gcd(absl::int128 a, absl::int128 b) {
  a = Abs(a);
  b = Abs(b);
  while (b != 0) {
    absl::int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace

std::string PercentString(absl::int128 numerator, absl::int128 denominator, int decimals) {
  if (denominator == 0) return "";
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  bool negative = numerator < 0;
  absl::int128 scale = 100;
  absl::int128 pow = 1;
  for (int i = 0; i < decimals; ++i) pow *= 10;
  absl::int128 scaled = (Abs(numerator) * scale * pow * 2 + denominator) / (denominator * 2);
  std::string out = (negative && scaled != 0 ? "-" : "") + Int128ToString(scaled / pow);
  if (decimals > 0) {
    std::string f = Int128ToString(scaled % pow);
    f = std::string(decimals - f.size(), '0') + f;
    absl::StrAppend(&out, ".", f);
  }
  return out;
}

common::v1::Ratio MakeRatio(absl::int128 numerator, absl::int128 denominator) {
  common::v1::Ratio r;
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  absl::int128 g = Gcd(numerator, denominator);
  if (g > 1) {
    numerator /= g;
    denominator /= g;
  }
  r.set_numerator(Int128ToString(numerator));
  r.set_denominator(Int128ToString(denominator));
  r.set_display_percent(PercentString(numerator, denominator));
  return r;
}

common::v1::Ratio GrowthRatio(absl::int128 current, absl::int128 previous) {
  return MakeRatio(current - previous, previous);
}

bool RatioAtLeast(absl::int128 n, absl::int128 d, absl::int128 p, absl::int128 q) {
  return n * q >= p * d;
}

}  // namespace gaoxin
