// Turning a client's case into a stored one: PrepareNewCase for CreateCase (keep only input
// fields, validate, start the history at RECEIVED) and ApplyCaseUpdate for UpdateCase (field
// mask semantics of AIP-134 over the updatable fields only).
//
//   ASSIGN_OR_RETURN(v1::Case c, PrepareNewCase(req.case_(), caller, policy, today));
//   ASSIGN_OR_RETURN(v1::Case next, ApplyCaseUpdate(stored, req.case_(), req.update_mask(),
//                                                   access, policy, today));
// The service then sets id, repeat links, times and etag, and encrypts the petitioner.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_CASE_INPUT_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_CASE_INPUT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/petition/domain/deadlines.h"
#include "services/petition/domain/pii_access.h"

namespace gaoxin::petition {

// The paths UpdateCase accepts, in proto order.
const std::vector<std::string>& UpdatableCasePaths();

// A new case in status RECEIVED with one CaseEvent (UNSPECIFIED → RECEIVED on received_date by
// `actor`) and derived fields as of `today`. Output-only input fields (id, status, history,
// leader, repeat links, ...) are dropped, not rejected. INVALID_ARGUMENT naming "case.<field>",
// also for a masked petitioner value (CheckNotMasked).
absl::StatusOr<v1::Case> PrepareNewCase(const v1::Case& input, absl::string_view actor,
                                        const DeadlinePolicy& policy, absl::CivilDay today);

// Copies the masked fields of `patch` onto `stored`. An empty mask means the non-empty fields of
// `patch`; "*" means every updatable field. INVALID_ARGUMENT "update_mask" for unknown or
// output-only paths; FAILED_PRECONDITION RECEIVED_DATE_LOCKED when received_date changes after
// acceptance was decided (the limits hang on it). The result is validated as a whole.
// Personal data: a kMasked caller naming petitioner paths is PERMISSION_DENIED
// (CheckMayWritePetitioner), and under "*" or an empty mask keeps the stored petitioner (what
// it sends there is the masked read it got); a changed petitioner value that is a mask is
// INVALID_ARGUMENT naming the field (CheckNotMasked), whoever sends it. Free text: under "*" or an
// empty mask a subject / content / resolution_plan that is exactly kWithheldNotice keeps the
// stored text (a withheld read sent back); any other value holding the notice is INVALID_ARGUMENT
// naming the field (free_text.h). Writers without petition.pii may write new free text.
absl::StatusOr<v1::Case> ApplyCaseUpdate(const v1::Case& stored, const v1::Case& patch,
                                         const google::protobuf::FieldMask& mask, PiiAccess access,
                                         const DeadlinePolicy& policy, absl::CivilDay today);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_CASE_INPUT_H_
