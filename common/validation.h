// Field checks every service's request validation shares, so that the same mistake gets the same
// message from every service. Each names the offending field (AIP-193 BadRequest).
//
//   RETURN_IF_ERROR(CheckId(req.id(), "lead", "id"));
//   FieldViolations v;
//   CheckText(req.name(), "agent.name", 100, /*required=*/true, &v);
//   RETURN_IF_ERROR(v.ToStatus());
#ifndef GAOXIN_COMMON_VALIDATION_H_
#define GAOXIN_COMMON_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"

namespace gaoxin {

// A required id of the form NewId(prefix) makes.
absl::Status CheckId(absl::string_view id, absl::string_view prefix, absl::string_view field);
// The same when set; empty is fine.
absl::Status CheckOptionalId(absl::string_view id, absl::string_view prefix,
                             absl::string_view field);
void CheckOptionalId(absl::string_view id, absl::string_view prefix, absl::string_view field,
                     FieldViolations* v);
// A year in 1900..2200 (0 allowed when not required).
absl::Status CheckYear(int year, absl::string_view field, bool required = true);
// Free text: present when required, at most `max` bytes.
void CheckText(const std::string& text, absl::string_view field, size_t max, bool required,
               FieldViolations* v);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_VALIDATION_H_
