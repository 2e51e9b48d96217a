// Who may do what with petitioners' personal data (PIPL: least access). Pure rules on whether the
// caller holds `petition.pii`; the service (or a common request pipeline) only says which:
//
//   const PiiAccess access = PiiAccessOf(who->HasRole(kPetitionPii));
//   RETURN_IF_ERROR(CheckMaySearchByIdNumber(access));
//   RETURN_IF_ERROR(CheckMayWritePetitioner(request.update_mask(), access));
//
// Reading is the service's business (masked output for kMasked, audited plaintext otherwise);
// these are the rules for using personal data in a request.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_PII_ACCESS_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_PII_ACCESS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "google/protobuf/field_mask.pb.h"

namespace gaoxin::petition {

enum class PiiAccess {
  // Without petition.pii: sees petitioner data masked, and may not use it in a request.
  kMasked,
  // With petition.pii: sees it in the clear (every such read audited) and may use it.
  kPlaintext,
};

inline PiiAccess PiiAccessOf(bool holds_pii_role) {
  return holds_pii_role ? PiiAccess::kPlaintext : PiiAccess::kMasked;
}

// The audit record's field for a search by ID number (ListCases' petitioner_id_number).
inline constexpr absl::string_view kIdNumberSearchField = "petitioner.id_number";

// PERMISSION_DENIED (reason MISSING_ROLE) for kMasked, whatever the number. The answer to a
// search says whether that number is on a case, and a masked number (first 6 and last 4 shown)
// leaves so few birth dates that fit the check character that a caller without petition.pii
// could confirm the full number in under 100 searches.
absl::Status CheckMaySearchByIdNumber(PiiAccess access);

// "petitioner" and "petitioner.<field>": the update paths that write personal data.
bool IsPetitionerPath(absl::string_view path);

// PERMISSION_DENIED (reason MISSING_ROLE) naming the paths when a kMasked caller names petitioner
// paths in an update mask: petitioner data is written only by those allowed to see it, so that
// a masked read can never be written back over it. "*" and an omitted mask name no path: under
// those ApplyCaseUpdate keeps a kMasked caller's petitioner as stored (see UpdateCaseRequest).
absl::Status CheckMayWritePetitioner(const google::protobuf::FieldMask& mask, PiiAccess access);

// PERMISSION_DENIED (reason MISSING_ROLE) naming the fields when a kMasked caller creates a case
// with petitioner data: it is written only by those allowed to read it. Otherwise the answer to
// a create (is_repeat, repeat_of_case_ids, the ledger's repeat counts) would say whether a
// guessed ID number is on another case: the search oracle again, through CreateCase.
absl::Status CheckMayCreateWithPetitioner(const v1::Petitioner& petitioner, PiiAccess access);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_PII_ACCESS_H_
