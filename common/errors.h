// Building canonical errors the way AIP-193 wants them: a status code, a human message, a stable
// UPPER_SNAKE reason (google.rpc.ErrorInfo) and, for bad input, the offending fields
// (google.rpc.BadRequest). The details ride inside absl::Status payloads so that domain code can
// produce them without depending on gRPC; grpc_status.h turns them into grpc-status-details-bin.
//
//   FieldViolations v;
//   if (lead.name().empty()) v.Add("lead.name", "must not be empty");
//   RETURN_IF_ERROR(v.ToStatus());
#ifndef GAOXIN_COMMON_ERRORS_H_
#define GAOXIN_COMMON_ERRORS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gaoxin {

// The error domain put in ErrorInfo.domain.
inline constexpr absl::string_view kErrorDomain = "gaoxin.gov.cn";

// Returns a status with `code`, `message` and an ErrorInfo `reason`.
absl::Status MakeError(absl::StatusCode code, absl::string_view reason, absl::string_view message);

inline absl::Status NotFoundError(absl::string_view what, absl::string_view id) {
  return MakeError(absl::StatusCode::kNotFound, "NOT_FOUND",
                   std::string(what) + " '" + std::string(id) + "' not found");
}
absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message);
absl::Status EtagMismatch(absl::string_view resource);
absl::Status AlreadyExists(absl::string_view reason, absl::string_view message);

// RESOURCE_EXHAUSTED for a service too busy to take the call now (a full write queue, too many
// calls in flight): ErrorInfo `reason` and a google.rpc.RetryInfo saying when to try again.
absl::Status OverloadedError(absl::string_view reason, absl::string_view message,
                             absl::Duration retry_after);
// RESOURCE_EXHAUSTED, reason STORAGE_FULL: the store's disk is full. `detail` is what the store
// said; the message adds what the client can do.
absl::Status StorageFullError(absl::string_view detail);
// The RetryInfo delay attached to `status`, or nullopt when none.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// Returns the ErrorInfo reason attached to `status`, or "" when none.
std::string ErrorReason(const absl::Status& status);

// Collects every problem with a request before answering, so a caller fixes all at once.
class FieldViolations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  // Adds the violations of `other`, prefixing each field with `prefix` + ".".
  void Merge(absl::string_view prefix, const FieldViolations& other);
  bool empty() const { return violations_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& violations() const { return violations_; }
  // OK when empty; otherwise INVALID_ARGUMENT naming every field, with BadRequest details.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

// A single-field INVALID_ARGUMENT.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// Returns the field violations carried by `status` (empty when none).
std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_ERRORS_H_
