#include "common/quantity.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gaoxin {

void CheckQuantity(int64_t value, absl::string_view field, int64_t max, FieldViolations* v) {
  if (value < 0) {
    v->Add(field, "must not be negative");
  } else if (value > max) {
    v->Add(field, absl::StrCat("must be at most ", max));
  }
}

void CheckArea(int64_t m2, absl::string_view field, FieldViolations* v) {
  CheckQuantity(m2, field, kMaxAreaM2, v);
}

absl::StatusOr<int64_t> AddQuantity(int64_t a, int64_t b, absl::string_view what) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return absl::OutOfRangeError(absl::StrCat(what, ": the sum exceeds the int64 range"));
  }
  return sum;
}

}  // namespace gaoxin
