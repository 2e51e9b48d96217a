#include "services/petition/domain/pii_access.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/roles.h"

namespace gaoxin::petition {

absl::Status CheckMaySearchByIdNumber(PiiAccess access) {
  if (access == PiiAccess::kPlaintext) return absl::OkStatus();
  return MakeError(absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
                   absl::StrCat("searching cases by petitioner_id_number needs the '", kPetitionPii,
                                "' role: the answer tells whether a number is on a case, which "
                                "would let a masked ID number be completed by trying the birth "
                                "dates that fit it"));
}

bool IsPetitionerPath(absl::string_view path) {
  return path == "petitioner" || absl::StartsWith(path, "petitioner.");
}

absl::Status CheckMayWritePetitioner(const google::protobuf::FieldMask& mask, PiiAccess access) {
  if (access == PiiAccess::kPlaintext) return absl::OkStatus();
  std::vector<std::string> named;
  for (const std::string& path : mask.paths()) {
    if (IsPetitionerPath(path)) named.push_back(path);
  }
  if (named.empty()) return absl::OkStatus();
  return MakeError(
      absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
      absl::StrCat("writing ", absl::StrJoin(named, ", "), " needs the '", kPetitionPii,
                   "' role: without it a case's petitioner is read masked, and "
                   "writing it back would replace the personal data with its mask"));
}

absl::Status CheckMayCreateWithPetitioner(const v1::Petitioner& petitioner, PiiAccess access) {
  if (access == PiiAccess::kPlaintext) return absl::OkStatus();
  std::vector<std::string> fields;
  if (!petitioner.name().empty()) fields.push_back("case.petitioner.name");
  if (!petitioner.id_number().empty()) fields.push_back("case.petitioner.id_number");
  if (!petitioner.phone().empty()) fields.push_back("case.petitioner.phone");
  if (!petitioner.address().empty()) fields.push_back("case.petitioner.address");
  if (fields.empty()) return absl::OkStatus();
  return MakeError(
      absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
      absl::StrCat("writing ", absl::StrJoin(fields, ", "), " needs the '", kPetitionPii,
                   "' role: personal data is written only by those allowed to read it"));
}

}  // namespace gaoxin::petition
