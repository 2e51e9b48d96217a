#include "services/leads/domain/lead_rules.h"

#include <limits>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/money.h"
#include "gtest/gtest.h"

namespace gaoxin::leads {
namespace {

using v1::Stage;

v1::Lead NewLead(Stage stage, common::v1::Date date) {
  v1::Lead lead;
  lead.set_id("lead-0000000000000001");
  lead.set_name("中阜食品项目");
  lead.set_stage(stage);
  auto* e = lead.add_history();
  e->set_to_stage(stage);
  *e->mutable_effective_date() = date;
  return lead;
}

StageMove Move(Stage to, common::v1::Date date) {
  StageMove m;
  m.to_stage = to;
  m.effective_date = date;
  m.actor = "tester";
  return m;
}

absl::Status Apply(const StageMove& move, v1::Lead* lead) {
  return ApplyTransition(move, google::protobuf::Timestamp(), lead);
}

TEST(LeadRulesTest, WalksTheWholeFunnelOneStageAtATime) {
  v1::Lead lead = NewLead(v1::STAGE_RESERVE, MakeDate(2023, 1, 1));
  StageMove sign = Move(v1::STAGE_SIGNED, MakeDate(2023, 2, 1));
  sign.signed_amount = Yuan(180000000);
  ASSERT_TRUE(Apply(Move(v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 5)), &lead).ok());
  ASSERT_TRUE(Apply(sign, &lead).ok());
  // 当年开工、当年投产: every stage recorded with its own date, several on one day allowed.
  for (Stage s : {v1::STAGE_CONSTRUCTION, v1::STAGE_COMPLETED, v1::STAGE_AT_CAPACITY,
                  v1::STAGE_ABOVE_SCALE}) {
    ASSERT_TRUE(Apply(Move(s, MakeDate(2023, 12, 1)), &lead).ok()) << StageName(s);
  }
  EXPECT_EQ(lead.stage(), v1::STAGE_ABOVE_SCALE);
  EXPECT_EQ(lead.history_size(), 7);
  EXPECT_EQ(lead.history(2).from_stage(), v1::STAGE_NEGOTIATING);
  EXPECT_EQ(lead.history(2).to_stage(), v1::STAGE_SIGNED);
  EXPECT_EQ(lead.signed_amount().units(), 180000000);
}

TEST(LeadRulesTest, RefusesSkippedStagesNamingTheRule) {
  v1::Lead lead = NewLead(v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 1));
  absl::Status s = Apply(Move(v1::STAGE_CONSTRUCTION, MakeDate(2023, 2, 1)), &lead);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), kRuleStageSkipped);
  EXPECT_EQ(lead.stage(), v1::STAGE_NEGOTIATING);
  EXPECT_EQ(lead.history_size(), 1);
}

TEST(LeadRulesTest, RefusesBackwardMovesAndRepeats) {
  v1::Lead lead = NewLead(v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 1));
  EXPECT_EQ(ErrorReason(Apply(Move(v1::STAGE_RESERVE, MakeDate(2023, 2, 1)), &lead)),
            kRuleBackwardMove);
  EXPECT_EQ(ErrorReason(Apply(Move(v1::STAGE_NEGOTIATING, MakeDate(2023, 2, 1)), &lead)),
            kRuleAlreadyInStage);
}

TEST(LeadRulesTest, SignedNeedsAnAmount) {
  v1::Lead lead = NewLead(v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 1));
  absl::Status s = Apply(Move(v1::STAGE_SIGNED, MakeDate(2023, 2, 1)), &lead);
  EXPECT_EQ(ErrorReason(s), kRuleSignedAmountRequired);
  // An amount already on the lead is enough.
  *lead.mutable_signed_amount() = Yuan(1);
  EXPECT_TRUE(Apply(Move(v1::STAGE_SIGNED, MakeDate(2023, 2, 1)), &lead).ok());
}

TEST(LeadRulesTest, DateMayNotPrecedeThePreviousStage) {
  v1::Lead lead = NewLead(v1::STAGE_RESERVE, MakeDate(2023, 3, 1));
  absl::Status s = Apply(Move(v1::STAGE_NEGOTIATING, MakeDate(2023, 2, 28)), &lead);
  EXPECT_EQ(ErrorReason(s), kRuleDateBeforePrevious);
  EXPECT_TRUE(Apply(Move(v1::STAGE_NEGOTIATING, MakeDate(2023, 3, 1)), &lead).ok());
}

TEST(LeadRulesTest, SuspendedLeadResumesWhereItWas) {
  v1::Lead lead = NewLead(v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 1));
  StageMove suspend = Move(v1::STAGE_SUSPENDED, MakeDate(2023, 2, 1));
  suspend.reason = "资金未落实";
  ASSERT_TRUE(Apply(suspend, &lead).ok());
  EXPECT_EQ(lead.suspended_from(), v1::STAGE_NEGOTIATING);
  absl::Status wrong = Apply(Move(v1::STAGE_RESERVE, MakeDate(2023, 3, 1)), &lead);
  EXPECT_EQ(ErrorReason(wrong), kRuleResumeToSuspendedStage);
  ASSERT_TRUE(Apply(Move(v1::STAGE_NEGOTIATING, MakeDate(2023, 3, 1)), &lead).ok());
  EXPECT_EQ(lead.stage(), v1::STAGE_NEGOTIATING);
  EXPECT_EQ(lead.suspended_from(), v1::STAGE_UNSPECIFIED);
  // Resuming is not entering the stage anew.
  EXPECT_FALSE(EntersStage(lead.history(2), v1::STAGE_NEGOTIATING));
}

TEST(LeadRulesTest, DroppedIsFinal) {
  v1::Lead lead = NewLead(v1::STAGE_RESERVE, MakeDate(2023, 1, 1));
  StageMove drop = Move(v1::STAGE_DROPPED, MakeDate(2023, 2, 1));
  drop.reason = "另行选址";
  ASSERT_TRUE(Apply(drop, &lead).ok());
  EXPECT_EQ(ErrorReason(Apply(Move(v1::STAGE_NEGOTIATING, MakeDate(2023, 3, 1)), &lead)),
            kRuleLeadDropped);
}

TEST(LeadRulesTest, MoveValidationNamesFields) {
  const absl::CivilDay today(2024, 1, 10);
  StageMove m = Move(v1::STAGE_SUSPENDED, MakeDate(2024, 1, 11));
  FieldViolations v = ValidateMove(m, today);
  ASSERT_EQ(v.violations().size(), 2u);
  EXPECT_EQ(v.violations()[0].first, "effective_date");  // in the future
  EXPECT_EQ(v.violations()[1].first, "reason");
  StageMove none;
  EXPECT_EQ(ValidateMove(none, today).violations()[0].first, "to_stage");
}

TEST(LeadRulesTest, CreateValidationNamesEveryBadField) {
  v1::CreateLeadRequest req;
  req.mutable_lead()->set_stage(v1::STAGE_SIGNED);
  req.mutable_lead()->set_industry_chain(static_cast<common::v1::IndustryChain>(99));
  req.mutable_lead()->set_land_area_m2(-1);
  *req.mutable_lead()->mutable_planned_investment() = Yuan(-5);
  FieldViolations v = ValidateCreate(req, absl::CivilDay(2024, 1, 1));
  std::vector<std::string> fields;
  for (const auto& [f, d] : v.violations()) fields.push_back(f);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"lead.name", "lead.industry_chain", "lead.planned_investment",
                                      "lead.land_area_m2", "lead.stage"}));
}

TEST(LeadRulesTest, StageAtReadsHistoryAsOfADay) {
  v1::Lead lead = NewLead(v1::STAGE_NEGOTIATING, MakeDate(2022, 5, 1));
  StageMove sign = Move(v1::STAGE_SIGNED, MakeDate(2022, 9, 1));
  sign.signed_amount = Yuan(1);
  ASSERT_TRUE(Apply(sign, &lead).ok());
  EXPECT_FALSE(StageAt(lead, absl::CivilDay(2022, 4, 30)).has_value());
  EXPECT_EQ(StageAt(lead, absl::CivilDay(2022, 8, 31)), v1::STAGE_NEGOTIATING);
  EXPECT_EQ(StageAt(lead, absl::CivilDay(2022, 9, 1)), v1::STAGE_SIGNED);
}

// Amounts and areas have declared maxima (common/money.h, common/validation.h): 2^63-1 is refused
// under the field's name instead of wrapping the year summary's sums.
TEST(LeadRulesTest, RejectsAmountsAndAreasBeyondTheirMaxima) {
  v1::Lead lead = NewLead(v1::STAGE_RESERVE, MakeDate(2023, 1, 1));
  lead.mutable_planned_investment()->set_units(std::numeric_limits<int64_t>::max());
  lead.mutable_signed_amount()->set_units(std::numeric_limits<int64_t>::max());
  lead.set_land_area_m2(std::numeric_limits<int64_t>::max());
  FieldViolations v = ValidateLeadFields(lead);
  std::vector<std::string> fields;
  for (const auto& [field, description] : v.violations()) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{"lead.planned_investment", "lead.signed_amount",
                                              "lead.land_area_m2"}));

  lead.set_land_area_m2(10000000000);  // 10^10 m2, the maximum, is fine
  *lead.mutable_planned_investment() = Yuan(10000000000000);
  *lead.mutable_signed_amount() = Yuan(10000000000000);
  EXPECT_TRUE(ValidateLeadFields(lead).empty());

  StageMove sign = Move(v1::STAGE_SIGNED, MakeDate(2023, 2, 1));
  common::v1::Money huge;
  huge.set_units(std::numeric_limits<int64_t>::max());
  sign.signed_amount = huge;
  FieldViolations move = ValidateMove(sign, absl::CivilDay(2024, 1, 1));
  ASSERT_EQ(move.violations().size(), 1u);
  EXPECT_EQ(move.violations()[0].first, "signed_amount");
}

}  // namespace
}  // namespace gaoxin::leads
