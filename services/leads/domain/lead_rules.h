// The rules of a lead's life, pure (no gRPC, no SQL): what a valid lead looks like and which
// stage moves are legal. The store calls these inside its write transaction, so a rule is checked
// against the lead exactly as stored.
//
//   FieldViolations v = ValidateNewLead(lead);
//   RETURN_IF_ERROR(ApplyTransition(move, today, &lead));   // FAILED_PRECONDITION names the rule
//
// The stage funnel: RESERVE → NEGOTIATING → SIGNED → CONSTRUCTION → COMPLETED → AT_CAPACITY →
// ABOVE_SCALE, one stage at a time; SUSPENDED (with a reason) from any live stage and back to the
// stage it left; DROPPED (with a reason) from anywhere, for good.
#ifndef GAOXIN_SERVICES_LEADS_DOMAIN_LEAD_RULES_H_
#define GAOXIN_SERVICES_LEADS_DOMAIN_LEAD_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "gaoxin/leads/v1/leads.pb.h"

namespace gaoxin::leads {

// Rule names carried as ErrorInfo reasons; clients may switch on them.
inline constexpr char kRuleStageSkipped[] = "STAGE_SKIPPED";
inline constexpr char kRuleBackwardMove[] = "BACKWARD_MOVE";
inline constexpr char kRuleAlreadyInStage[] = "ALREADY_IN_STAGE";
inline constexpr char kRuleLeadDropped[] = "LEAD_DROPPED";
inline constexpr char kRuleResumeToSuspendedStage[] = "RESUME_TO_SUSPENDED_STAGE";
inline constexpr char kRuleDateBeforePrevious[] = "DATE_BEFORE_PREVIOUS_STAGE";
inline constexpr char kRuleSignedAmountRequired[] = "SIGNED_AMOUNT_REQUIRED";

// The place of a funnel stage (RESERVE = 0 ... ABOVE_SCALE = 6), or -1 for SUSPENDED, DROPPED and
// UNSPECIFIED.
int FunnelIndex(v1::Stage stage);
// "SIGNED" for STAGE_SIGNED.
std::string StageName(v1::Stage stage);

// Checks the client-settable fields of a lead under `prefix` ("lead").
FieldViolations ValidateLeadFields(const v1::Lead& lead, absl::string_view prefix = "lead");

// The fields UpdateLead may change (AIP-134 update_mask paths); id, stage, history, etag and the
// timestamps are the server's.
const std::vector<std::string>& UpdatableLeadFields();

// Checks a create request: the fields, an initial stage of RESERVE or NEGOTIATING (or unset),
// and the effective date (not in the future relative to `today`).
FieldViolations ValidateCreate(const v1::CreateLeadRequest& request, absl::CivilDay today);

// A stage move as requested, with the actor resolved.
struct StageMove {
  v1::Stage to_stage = v1::STAGE_UNSPECIFIED;
  common::v1::Date effective_date;
  std::string actor;
  std::string note;
  std::string reason;
  std::optional<common::v1::Money> signed_amount;
};

// Field-level checks of a move that do not depend on the lead (INVALID_ARGUMENT).
FieldViolations ValidateMove(const StageMove& move, absl::CivilDay today);

// Applies `move` to `lead` (stage, suspended_from, history, signed_amount), or returns
// FAILED_PRECONDITION with the rule broken; `lead` is untouched on error.
// `record_time` stamps the history entry.
absl::Status ApplyTransition(const StageMove& move, const google::protobuf::Timestamp& record_time,
                             v1::Lead* lead);

// The stage a lead was in at the end of `day` according to its history, or nullopt if it did not
// exist yet. Several events on one day apply in the order they were recorded.
std::optional<v1::Stage> StageAt(const v1::Lead& lead, absl::CivilDay day);

// True when `event` entered its stage anew (resuming from SUSPENDED is not a new entry).
bool EntersStage(const v1::StageEvent& event, v1::Stage stage);

}  // namespace gaoxin::leads

#endif  // GAOXIN_SERVICES_LEADS_DOMAIN_LEAD_RULES_H_
