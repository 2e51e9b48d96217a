// Bounded whole-number quantities (areas in m2, energy in kgce): the declared maximum every RPC
// that takes one checks, and the overflow-checked addition every sum of them goes through, so a
// sum is exact or an OUT_OF_RANGE error, never a wrapped int64. Money has its own in money.h.
//
//   FieldViolations v;
//   CheckArea(asset.land_area_m2(), "idle_asset.land_area_m2", &v);
//   ASSIGN_OR_RETURN(land, AddQuantity(land, asset.land_area_m2(), "idle assets' land"));
#ifndef GAOXIN_COMMON_QUANTITY_H_
#define GAOXIN_COMMON_QUANTITY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"

namespace gaoxin {

// The largest area one value may carry: 10^10 m2 (10,000 km2). The Fuxin high-tech zone covers a
// few dozen km2 and the whole of Fuxin city about 10,355 km2, so no plot, plant or project in a
// zone comes near it; a larger value is a unit error (m2 typed as mm2, say). About 900 million
// maximal areas still sum within int64.
inline constexpr int64_t kMaxAreaM2 = 10000000000;

// 0 <= value <= max, else a violation under `field`.
void CheckQuantity(int64_t value, absl::string_view field, int64_t max, FieldViolations* v);
// CheckQuantity with kMaxAreaM2.
void CheckArea(int64_t m2, absl::string_view field, FieldViolations* v);

// a + b, or OUT_OF_RANGE naming `what` when the sum does not fit in an int64.
absl::StatusOr<int64_t> AddQuantity(int64_t a, int64_t b, absl::string_view what);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_QUANTITY_H_
