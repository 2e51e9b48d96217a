// What a lead reaching 入规 (ABOVE_SCALE) in the leads service means here: its investor is an
// above-designated-size enterprise to monitor. Pure: given the lead and the enterprise already
// registered under the investor's USCC (if any), decide what to change. Applying the decision
// twice changes nothing, so the consumer that carries these events may deliver one more than
// once.
//
//   PromotionPlan plan = PlanPromotion(lead, existing);
//   switch (plan.action) { case PromotionAction::kCreate: ... }
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_LEAD_PROMOTION_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_LEAD_PROMOTION_H_

#include <optional>
#include <string>

#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "gaoxin/leads/v1/leads.pb.h"

namespace gaoxin::enterprise {

enum class PromotionAction {
  kNone,            // not at ABOVE_SCALE, or already registered as above scale
  kSkip,            // cannot act: see `reason` (e.g. the lead names no investor USCC)
  kCreate,          // register `enterprise` (above scale, with the date)
  kMarkAboveScale,  // set above_scale and above_scale_date on the existing enterprise
};

struct PromotionPlan {
  PromotionAction action = PromotionAction::kNone;
  v1::Enterprise enterprise;  // kCreate: the new enterprise; kMarkAboveScale: the patch
  std::string reason;
};

// The day the lead entered ABOVE_SCALE (its latest such history entry), if it did.
std::optional<common::v1::Date> AboveScaleDate(const leads::v1::Lead& lead);

PromotionPlan PlanPromotion(const leads::v1::Lead& lead,
                            const std::optional<v1::Enterprise>& existing);

// The request_id that makes creating the enterprise for `lead_id` idempotent.
std::string PromotionRequestId(const std::string& lead_id);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_LEAD_PROMOTION_H_
