#include "services/leads/domain/lead_rules.h"

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/money.h"
#include "common/quantity.h"
#include "common/uscc.h"

namespace gaoxin::leads {

using v1::Stage;

int FunnelIndex(Stage stage) {
  switch (stage) {
    case v1::STAGE_RESERVE:
      return 0;
    case v1::STAGE_NEGOTIATING:
      return 1;
    case v1::STAGE_SIGNED:
      return 2;
    case v1::STAGE_CONSTRUCTION:
      return 3;
    case v1::STAGE_COMPLETED:
      return 4;
    case v1::STAGE_AT_CAPACITY:
      return 5;
    case v1::STAGE_ABOVE_SCALE:
      return 6;
    default:
      return -1;
  }
}

std::string StageName(Stage stage) {
  std::string name = v1::Stage_Name(stage);
  return name.rfind("STAGE_", 0) == 0 ? name.substr(6) : name;
}

const std::vector<std::string>& UpdatableLeadFields() {
  static const auto* const kFields =
      new std::vector<std::string>{"name",          "investor",     "industry_chain",
                                   "sub_sector",    "source",       "planned_investment",
                                   "signed_amount", "land_area_m2", "agent_id",
                                   "note"};
  return *kFields;
}

FieldViolations ValidateLeadFields(const v1::Lead& lead, absl::string_view prefix) {
  FieldViolations v;
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (lead.name().empty()) v.Add(field("name"), "is required");
  if (lead.name().size() > 200) v.Add(field("name"), "must be at most 200 bytes");
  if (lead.investor().name().size() > 200) {
    v.Add(field("investor.name"), "must be at most 200 bytes");
  }
  if (!lead.investor().uscc().empty()) {
    absl::Status uscc = ValidateUscc(lead.investor().uscc());
    if (!uscc.ok()) v.Add(field("investor.uscc"), uscc.message());
  }
  if (!common::v1::IndustryChain_IsValid(lead.industry_chain())) {
    v.Add(field("industry_chain"), "is not a known industry chain");
  }
  if (!v1::LeadSource_IsValid(lead.source())) v.Add(field("source"), "is not a known source");
  if (lead.sub_sector().size() > 100) v.Add(field("sub_sector"), "must be at most 100 bytes");
  ValidateMoney(lead.planned_investment(), field("planned_investment"), false, &v);
  ValidateMoney(lead.signed_amount(), field("signed_amount"), false, &v);
  CheckArea(lead.land_area_m2(), field("land_area_m2"), &v);
  if (lead.note().size() > 4000) v.Add(field("note"), "must be at most 4000 bytes");
  return v;
}

FieldViolations ValidateCreate(const v1::CreateLeadRequest& request, absl::CivilDay today) {
  FieldViolations v = ValidateLeadFields(request.lead());
  Stage stage = request.lead().stage();
  if (stage != v1::STAGE_UNSPECIFIED && stage != v1::STAGE_RESERVE &&
      stage != v1::STAGE_NEGOTIATING) {
    v.Add("lead.stage",
          "a new lead starts in RESERVE or NEGOTIATING; move it on with TransitionLead");
  }
  if (IsSet(request.effective_date())) {
    ValidateDate(request.effective_date(), "effective_date", &v);
    if (v.empty() && ToCivilDay(request.effective_date()) > today) {
      v.Add("effective_date", "must not be in the future");
    }
  }
  if (request.request_id().size() > 100) v.Add("request_id", "must be at most 100 bytes");
  return v;
}

FieldViolations ValidateMove(const StageMove& move, absl::CivilDay today) {
  FieldViolations v;
  if (move.to_stage == v1::STAGE_UNSPECIFIED || !v1::Stage_IsValid(move.to_stage)) {
    v.Add("to_stage", "is required and must be a known stage");
  }
  ValidateDate(move.effective_date, "effective_date", &v);
  if (v.empty() && ToCivilDay(move.effective_date) > today) {
    v.Add("effective_date", "must not be in the future");
  }
  if ((move.to_stage == v1::STAGE_SUSPENDED || move.to_stage == v1::STAGE_DROPPED) &&
      move.reason.empty()) {
    v.Add("reason", absl::StrCat("is required to move a lead to ", StageName(move.to_stage)));
  }
  if (move.signed_amount.has_value()) {
    ValidateMoney(*move.signed_amount, "signed_amount", false, &v);
  }
  if (move.note.size() > 4000) v.Add("note", "must be at most 4000 bytes");
  return v;
}

namespace {

absl::Status CheckStageRule(const v1::Lead& lead, Stage to) {
  const Stage from = lead.stage();
  if (from == v1::STAGE_DROPPED) {
    return FailedPrecondition(kRuleLeadDropped,
                              "the lead was dropped; a dropped lead stays dropped");
  }
  if (to == v1::STAGE_DROPPED) return absl::OkStatus();
  if (from == v1::STAGE_SUSPENDED) {
    if (to != lead.suspended_from()) {
      return FailedPrecondition(
          kRuleResumeToSuspendedStage,
          absl::StrCat("a suspended lead resumes at ", StageName(lead.suspended_from()),
                       ", where it was suspended (or is dropped)"));
    }
    return absl::OkStatus();
  }
  if (to == v1::STAGE_SUSPENDED) return absl::OkStatus();
  const int from_i = FunnelIndex(from);
  const int to_i = FunnelIndex(to);
  if (to_i == from_i) {
    return FailedPrecondition(kRuleAlreadyInStage,
                              absl::StrCat("the lead is already ", StageName(from)));
  }
  if (to_i < from_i) {
    return FailedPrecondition(
        kRuleBackwardMove,
        absl::StrCat("a lead cannot go back from ", StageName(from), " to ", StageName(to)));
  }
  if (to_i > from_i + 1) {
    return FailedPrecondition(
        kRuleStageSkipped,
        absl::StrCat("stages are not skipped: from ", StageName(from), " the next stage is ",
                     StageName(static_cast<Stage>(static_cast<int>(from) + 1)),
                     "; record each stage with its own date"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyTransition(const StageMove& move, const google::protobuf::Timestamp& record_time,
                             v1::Lead* lead) {
  absl::Status rule = CheckStageRule(*lead, move.to_stage);
  if (!rule.ok()) return rule;
  if (lead->history_size() > 0) {
    const auto& previous = lead->history(lead->history_size() - 1).effective_date();
    if (ToCivilDay(move.effective_date) < ToCivilDay(previous)) {
      return FailedPrecondition(
          kRuleDateBeforePrevious,
          absl::StrCat("effective_date ", FormatDate(move.effective_date),
                       " precedes the previous stage's date ", FormatDate(previous)));
    }
  }
  if (move.to_stage == v1::STAGE_SIGNED) {
    bool has_amount = move.signed_amount.has_value() ? ToNanos(*move.signed_amount) > 0
                                                     : ToNanos(lead->signed_amount()) > 0;
    if (!has_amount) {
      return FailedPrecondition(kRuleSignedAmountRequired,
                                "entering SIGNED needs a signed amount (签约额) greater than zero");
    }
    if (move.signed_amount.has_value()) {
      *lead->mutable_signed_amount() = FromNanos(ToNanos(*move.signed_amount));
    }
  }
  v1::StageEvent* event = lead->add_history();
  event->set_from_stage(lead->stage());
  event->set_to_stage(move.to_stage);
  *event->mutable_effective_date() = move.effective_date;
  event->set_actor(move.actor);
  event->set_note(move.note);
  event->set_reason(move.reason);
  *event->mutable_record_time() = record_time;
  if (move.to_stage == v1::STAGE_SUSPENDED) {
    lead->set_suspended_from(lead->stage());
  } else {
    lead->set_suspended_from(v1::STAGE_UNSPECIFIED);
  }
  lead->set_stage(move.to_stage);
  return absl::OkStatus();
}

std::optional<v1::Stage> StageAt(const v1::Lead& lead, absl::CivilDay day) {
  std::optional<v1::Stage> stage;
  for (const auto& event : lead.history()) {
    if (ToCivilDay(event.effective_date()) > day) break;
    stage = event.to_stage();
  }
  return stage;
}

bool EntersStage(const v1::StageEvent& event, v1::Stage stage) {
  return event.to_stage() == stage && event.from_stage() != v1::STAGE_SUSPENDED;
}

}  // namespace gaoxin::leads
