#include "common/pipeline/in_flight_limit.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/errors.h"

namespace gaoxin::pipeline {

InFlightLimit::Slot& InFlightLimit::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    limit_ = other.limit_;
    other.limit_ = nullptr;
  }
  return *this;
}

void InFlightLimit::Slot::Release() {
  if (limit_ != nullptr) limit_->in_flight_.fetch_sub(1);
  limit_ = nullptr;
}

InFlightLimit& InFlightLimit::Process() {
  static auto* limit = new InFlightLimit();
  return *limit;
}

absl::StatusOr<InFlightLimit::Slot> InFlightLimit::TryAcquire() {
  const int max = max_.load();
  // Taken first and given back on refusal: two racing calls can never both pass the last slot.
  const int before = in_flight_.fetch_add(1);
  if (max > 0 && before >= max) {
    in_flight_.fetch_sub(1);
    refused_.fetch_add(1);
    // Short: a slot frees as soon as any of `max` calls ends.
    return OverloadedError("TOO_MANY_CALLS",
                           absl::StrCat("the service is serving ", max,
                                        " calls at once (--max_in_flight_calls); nothing was "
                                        "done, retry shortly"),
                           absl::Milliseconds(50));
  }
  return Slot(this);
}

}  // namespace gaoxin::pipeline
