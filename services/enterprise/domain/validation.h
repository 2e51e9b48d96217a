// Input validation of enterprises and monthly reports. Every problem is collected and returned at
// once as INVALID_ARGUMENT with google.rpc.BadRequest field violations, with field paths as the
// request spells them ("enterprise.uscc", "report.output_value"). "Today" is injected so tests
// and replays never read the wall clock.
//
//   RETURN_IF_ERROR(ValidateNewEnterprise(req.enterprise(), TodayInZone(now)));
//   ASSIGN_OR_RETURN(v1::Enterprise merged,
//                    ApplyEnterpriseUpdate(stored, req.enterprise(), req.update_mask(), today));
//   RETURN_IF_ERROR(ValidateMonthlyReport(req.report(), today));
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_VALIDATION_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/uscc.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "google/protobuf/field_mask.pb.h"

namespace gaoxin::enterprise {

// Longest enterprise name, in Unicode characters (the longest registered names are ~60).
inline constexpr int kMaxNameChars = 100;
inline constexpr int kMaxNoteChars = 1000;
// Earliest statistical year accepted.
inline constexpr int kMinReportYear = 1990;
// Most energy one enterprise may report for a month: 10^12 kgce (10亿吨标准煤). China's whole
// consumption was about 5.7 x 10^12 kgce in 2023, under 5 x 10^11 a month, so a larger figure
// is a unit error (grams for kilograms, say), not a fact.
inline constexpr int64_t kMaxEnergyUseKgce = 1000000000000;

// Checks a new enterprise: USCC (GB 32100, `check` relaxes only the check character), a
// non-empty name of at most kMaxNameChars, a known industry chain, a known or unspecified status,
// dates valid and not after `today`, titles with a kind, a grant date, an expiry after the grant,
// and no two overlapping titles of the same kind. Output-only fields are ignored.
absl::Status ValidateNewEnterprise(const v1::Enterprise& enterprise, absl::CivilDay today,
                                   UsccCheck check = UsccCheck::kStrict);

// Fills create-time defaults the API documents (status UNSPECIFIED → OPERATING).
void ApplyCreateDefaults(v1::Enterprise* enterprise);

// Merges `patch` into `existing` under `mask` (AIP-134) and validates the result.
//   - paths: name, industry_chain, sub_sector, above_scale, above_scale_date, key_enterprise,
//     status, titles, agent_id; "*" replaces them all; repeated `titles` is replaced whole.
//   - an empty mask means the populated fields of `patch` (non-empty / non-zero / set); so a flag
//     can be cleared (set false) only through an explicit mask.
//   - "uscc" is immutable: naming it, or a different patch.uscc under "*", is a violation.
//   - unknown paths and output-only fields (id, create_time, update_time, etag) are violations
//     on "update_mask".
// id, uscc, create_time, update_time and etag are kept from `existing`.
absl::StatusOr<v1::Enterprise> ApplyEnterpriseUpdate(const v1::Enterprise& existing,
                                                     const v1::Enterprise& patch,
                                                     const google::protobuf::FieldMask& mask,
                                                     absl::CivilDay today);

// Checks a report: enterprise_id set; period exactly "YYYY-MM", from kMinReportYear and not
// after the month of `today` (the current month is allowed: flash reports 快报 are filed before
// month end); output_value present (zero output must be said, not implied); all amounts CNY and
// non-negative and at most kMaxMoneyUnits; employees ≥ 0; energy_use_kgce in
// 0..kMaxEnergyUseKgce; note at most kMaxNoteChars. The import stream checks every row with it.
absl::Status ValidateMonthlyReport(const v1::MonthlyReport& report, absl::CivilDay today);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_VALIDATION_H_
