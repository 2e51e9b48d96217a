#include "services/petition/domain/pii_access.h"

#include "absl/strings/str_cat.h"
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

}  // namespace gaoxin::petition
