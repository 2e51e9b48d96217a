#include "common/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text.h"
#include "google/rpc/error_details.pb.h"

namespace gaoxin {
namespace {

// Payload type URLs; the same as the Any type URLs so grpc_status.cc can copy them verbatim.
constexpr absl::string_view kErrorInfoUrl = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr absl::string_view kBadRequestUrl = "type.googleapis.com/google.rpc.BadRequest";
constexpr absl::string_view kRetryInfoUrl = "type.googleapis.com/google.rpc.RetryInfo";

}  // namespace

absl::Status MakeError(absl::StatusCode code, absl::string_view reason, absl::string_view message) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message) {
  return MakeError(absl::StatusCode::kFailedPrecondition, reason, message);
}

absl::Status EtagMismatch(absl::string_view resource) {
  return MakeError(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                   absl::StrCat(resource,
                                " was changed by someone else (etag mismatch); read it again "
                                "and retry"));
}

absl::Status AlreadyExists(absl::string_view reason, absl::string_view message) {
  return MakeError(absl::StatusCode::kAlreadyExists, reason, message);
}

absl::Status OverloadedError(absl::string_view reason, absl::string_view message,
                             absl::Duration retry_after) {
  absl::Status status = MakeError(absl::StatusCode::kResourceExhausted, reason, message);
  google::rpc::RetryInfo retry;
  const int64_t ms = absl::ToInt64Milliseconds(retry_after);
  retry.mutable_retry_delay()->set_seconds(ms / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  status.SetPayload(kRetryInfoUrl, absl::Cord(retry.SerializeAsString()));
  return status;
}

absl::Status StorageFullError(absl::string_view detail) {
  return MakeError(absl::StatusCode::kResourceExhausted, "STORAGE_FULL",
                   absl::StrCat(detail, " (the store's disk is full; retry once space is freed)"));
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryInfoUrl);
  if (!payload) return std::nullopt;
  google::rpc::RetryInfo retry;
  if (!retry.ParseFromString(std::string(*payload))) return std::nullopt;
  return absl::Seconds(retry.retry_delay().seconds()) +
         absl::Nanoseconds(retry.retry_delay().nanos());
}

std::string ErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoUrl);
  if (!payload) return "";
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

void FieldViolations::Add(absl::string_view field, absl::string_view description) {
  // The last line of defence: a description quoting a client's bytes must still be UTF-8, or
  // the BadRequest detail it travels in cannot be parsed and the client learns nothing.
  violations_.emplace_back(ValidUtf8(field), ValidUtf8(description));
}

void FieldViolations::Merge(absl::string_view prefix, const FieldViolations& other) {
  for (const auto& [field, description] : other.violations_) {
    // An empty prefix merges as is: "date", not ".date".
    Add(prefix.empty() ? field : absl::StrCat(prefix, ".", field), description);
  }
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  std::vector<std::string> parts;
  google::rpc::BadRequest bad_request;
  // A hostile request can break every field at once; the first few say what is wrong.
  constexpr size_t kMaxReported = 20;
  for (size_t i = 0; i < violations_.size() && i < kMaxReported; ++i) {
    const auto& [field, description] = violations_[i];
    parts.push_back(absl::StrCat(field, ": ", description));
    auto* v = bad_request.add_field_violations();
    v->set_field(field);
    v->set_description(description);
  }
  if (violations_.size() > kMaxReported) {
    parts.push_back(absl::StrCat("and ", violations_.size() - kMaxReported, " more"));
  }
  absl::Status status =
      MakeError(absl::StatusCode::kInvalidArgument, "INVALID_FIELD", absl::StrJoin(parts, "; "));
  status.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  FieldViolations v;
  v.Add(field, description);
  return v.ToStatus();
}

std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : bad_request.field_violations()) out.emplace_back(v.field(), v.description());
  return out;
}

}  // namespace gaoxin
