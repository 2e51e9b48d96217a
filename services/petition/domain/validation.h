// Input checks for the petition service's requests, collecting every problem as a field
// violation named by its path in the request ("case.petitioner.id_number", "ledger.year"), so a
// caller fixes everything at once (INVALID_ARGUMENT with google.rpc.BadRequest).
//
//   FieldViolations v;
//   ValidateCaseInput(req.case_(), "case", today, &v);
//   RETURN_IF_ERROR(v.ToStatus());
//
// Lengths are counted in characters (UTF-8 code points). Output-only fields are not checked:
// the service ignores them on input.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_VALIDATION_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_VALIDATION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "gaoxin/petition/v1/petition.pb.h"

namespace gaoxin::petition {

// A resident ID number that can exist on `today` (see ResidentIdProblem), reported under `field`.
void CheckResidentId(absl::string_view id_number, absl::string_view field, absl::CivilDay today,
                     FieldViolations* v);

// Name required (≤ 50 chars); id_number optional but, when given, a resident ID that can exist on
// `today` (CheckResidentId); phone optional, 7-20 of digits, spaces, '+', '-', '(' and ')';
// address ≤ 200 chars.
void ValidatePetitioner(const v1::Petitioner& p, absl::string_view prefix, absl::CivilDay today,
                        FieldViolations* v);

// Reports each petitioner value of `written` that differs from `stored`'s and is a mask
// (LooksMasked, or exactly what masking shows of the stored value), so that a masked read sent
// back can never replace personal data with its mask, whoever sends it. Unchanged values are not
// writes and pass. `stored` is empty for a new case.
void CheckNotMasked(const v1::Petitioner& written, const v1::Petitioner& stored,
                    absl::string_view prefix, FieldViolations* v);

// Every input field of a case: channel set, received_date valid and not after `today`,
// petitioner, petitioner_count ≥ 1, category and subject required, lengths, ledger_ids non-empty
// and distinct, enterprise_uscc valid when given (and enterprise_name then required).
void ValidateCaseInput(const v1::Case& c, absl::string_view prefix, absl::CivilDay today,
                       FieldViolations* v);

// Name and year (1990..2100) required, kind set.
void ValidateLedgerInput(const v1::Ledger& ledger, absl::string_view prefix, FieldViolations* v);

// Kind set, date valid and not after `today`, at least one attendee, no empty case id.
void ValidateMeetingInput(const v1::Meeting& meeting, absl::string_view prefix,
                          absl::CivilDay today, FieldViolations* v);

// Trims surrounding whitespace from the text fields and upper-cases the ID number's 'x' and the
// USCC, so the same person or enterprise is always written the same way.
void NormalizeCaseInput(v1::Case* c);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_VALIDATION_H_
