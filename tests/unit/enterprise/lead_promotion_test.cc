#include "services/enterprise/domain/lead_promotion.h"

#include "common/date.h"
#include "gtest/gtest.h"

namespace gaoxin::enterprise {
namespace {

leads::v1::Lead AboveScaleLead(const std::string& uscc) {
  leads::v1::Lead lead;
  lead.set_id("lead-00000000000000aa");
  lead.set_name("亿家兴项目");
  lead.mutable_investor()->set_name("亿家兴食品有限公司");
  lead.mutable_investor()->set_uscc(uscc);
  lead.set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
  lead.set_stage(leads::v1::STAGE_ABOVE_SCALE);
  auto* e = lead.add_history();
  e->set_to_stage(leads::v1::STAGE_AT_CAPACITY);
  *e->mutable_effective_date() = MakeDate(2023, 11, 30);
  e = lead.add_history();
  e->set_from_stage(leads::v1::STAGE_AT_CAPACITY);
  e->set_to_stage(leads::v1::STAGE_ABOVE_SCALE);
  *e->mutable_effective_date() = MakeDate(2023, 12, 25);
  return lead;
}

constexpr char kUscc[] = "91350100M000100Y43";

TEST(LeadPromotionTest, CreatesTheEnterpriseWithTheDateItReachedAboveScale) {
  PromotionPlan plan = PlanPromotion(AboveScaleLead(kUscc), std::nullopt);
  ASSERT_EQ(plan.action, PromotionAction::kCreate);
  EXPECT_EQ(plan.enterprise.uscc(), kUscc);
  EXPECT_EQ(plan.enterprise.name(), "亿家兴食品有限公司");
  EXPECT_TRUE(plan.enterprise.above_scale());
  EXPECT_EQ(FormatDate(plan.enterprise.above_scale_date()), "2023-12-25");
  EXPECT_EQ(plan.enterprise.industry_chain(), common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
}

TEST(LeadPromotionTest, MarksAnExistingEnterpriseOnceOnly) {
  v1::Enterprise existing;
  existing.set_id("ent-1");
  existing.set_uscc(kUscc);
  PromotionPlan plan = PlanPromotion(AboveScaleLead(kUscc), existing);
  ASSERT_EQ(plan.action, PromotionAction::kMarkAboveScale);
  EXPECT_EQ(plan.enterprise.id(), "ent-1");
  existing.set_above_scale(true);
  EXPECT_EQ(PlanPromotion(AboveScaleLead(kUscc), existing).action, PromotionAction::kNone);
}

TEST(LeadPromotionTest, IgnoresOtherStagesAndSkipsLeadsWithoutAUsableUscc) {
  leads::v1::Lead lead = AboveScaleLead(kUscc);
  lead.set_stage(leads::v1::STAGE_AT_CAPACITY);
  EXPECT_EQ(PlanPromotion(lead, std::nullopt).action, PromotionAction::kNone);
  EXPECT_EQ(PlanPromotion(AboveScaleLead(""), std::nullopt).action, PromotionAction::kSkip);
  EXPECT_EQ(PlanPromotion(AboveScaleLead("91350100M000100Y44"), std::nullopt).action,
            PromotionAction::kSkip);
}

TEST(LeadPromotionTest, RequestIdsAreStablePerLead) {
  EXPECT_EQ(PromotionRequestId("lead-1"), PromotionRequestId("lead-1"));
  EXPECT_NE(PromotionRequestId("lead-1"), PromotionRequestId("lead-2"));
}

}  // namespace
}  // namespace gaoxin::enterprise
