#include "services/enterprise/domain/lead_promotion.h"

#include "absl/strings/str_cat.h"
#include "common/uscc.h"

namespace gaoxin::enterprise {

std::optional<common::v1::Date> AboveScaleDate(const leads::v1::Lead& lead) {
  std::optional<common::v1::Date> date;
  for (const auto& e : lead.history()) {
    if (e.to_stage() == leads::v1::STAGE_ABOVE_SCALE) date = e.effective_date();
  }
  return date;
}

PromotionPlan PlanPromotion(const leads::v1::Lead& lead,
                            const std::optional<v1::Enterprise>& existing) {
  PromotionPlan plan;
  if (lead.stage() != leads::v1::STAGE_ABOVE_SCALE) return plan;
  std::optional<common::v1::Date> date = AboveScaleDate(lead);
  const std::string& uscc = lead.investor().uscc();
  if (uscc.empty() || !ValidateUscc(uscc).ok()) {
    plan.action = PromotionAction::kSkip;
    plan.reason = absl::StrCat("lead ", lead.id(),
                               " reached ABOVE_SCALE but names no valid investor USCC; register "
                               "the enterprise by hand");
    return plan;
  }
  if (existing.has_value()) {
    if (existing->above_scale()) return plan;
    plan.action = PromotionAction::kMarkAboveScale;
    plan.enterprise.set_id(existing->id());
    plan.enterprise.set_above_scale(true);
    if (date) *plan.enterprise.mutable_above_scale_date() = *date;
    return plan;
  }
  plan.action = PromotionAction::kCreate;
  v1::Enterprise& e = plan.enterprise;
  e.set_uscc(uscc);
  e.set_name(lead.investor().name().empty() ? lead.name() : lead.investor().name());
  e.set_industry_chain(lead.industry_chain());
  e.set_sub_sector(lead.sub_sector());
  e.set_above_scale(true);
  if (date) *e.mutable_above_scale_date() = *date;
  e.set_agent_id(lead.agent_id());
  return plan;
}

std::string PromotionRequestId(const std::string& lead_id) {
  return absl::StrCat("lead-above-scale-", lead_id);
}

}  // namespace gaoxin::enterprise
