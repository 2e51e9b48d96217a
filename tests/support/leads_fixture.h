// Test support: leads calls the tests of other services make against a real leads_server, such
// as walking a lead to ABOVE_SCALE so that the enterprise service promotes its investor.
//
//   auto stub = leads::v1::LeadService::NewStub(MakeChannel(leads_address));
//   ASSERT_NO_FATAL_FAILURE(
//       testing::leads_fixture::PromoteLead(stub.get(), kLeadsToken, "亿家兴", Uscc(77)));
#ifndef GAOXIN_TESTS_SUPPORT_LEADS_FIXTURE_H_
#define GAOXIN_TESTS_SUPPORT_LEADS_FIXTURE_H_

#include <string>
#include <utility>
#include <vector>

#include "common/client.h"
#include "common/date.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"

namespace gaoxin::testing::leads_fixture {

// Creates a green-food lead `name` whose investor is "<name>有限公司" with `uscc`, NEGOTIATING on
// 2023-01-08, and moves it through every stage to ABOVE_SCALE on 2023-12-25, as `token`. Fails
// fatally at the first call that fails: call it under ASSERT_NO_FATAL_FAILURE.
inline void PromoteLead(::gaoxin::leads::v1::LeadService::Stub* stub, const std::string& token,
                        const std::string& name, const std::string& uscc) {
  namespace lv1 = ::gaoxin::leads::v1;
  lv1::CreateLeadRequest create;
  create.mutable_lead()->set_name(name);
  create.mutable_lead()->mutable_investor()->set_name(name + "有限公司");
  create.mutable_lead()->mutable_investor()->set_uscc(uscc);
  create.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
  create.mutable_lead()->set_stage(lv1::STAGE_NEGOTIATING);
  *create.mutable_effective_date() = MakeDate(2023, 1, 8);
  lv1::Lead lead;
  {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, token);
    ASSERT_TRUE(stub->CreateLead(&ctx, create, &lead).ok());
  }
  const std::vector<std::pair<lv1::Stage, common::v1::Date>> steps = {
      {lv1::STAGE_SIGNED, MakeDate(2023, 2, 20)},
      {lv1::STAGE_CONSTRUCTION, MakeDate(2023, 3, 18)},
      {lv1::STAGE_COMPLETED, MakeDate(2023, 9, 28)},
      {lv1::STAGE_AT_CAPACITY, MakeDate(2023, 11, 30)},
      {lv1::STAGE_ABOVE_SCALE, MakeDate(2023, 12, 25)}};
  for (const auto& [stage, date] : steps) {
    lv1::TransitionLeadRequest move;
    move.set_id(lead.id());
    move.set_to_stage(stage);
    *move.mutable_effective_date() = date;
    if (stage == lv1::STAGE_SIGNED) *move.mutable_signed_amount() = Yuan(100000000);
    grpc::ClientContext ctx;
    PrepareContext(&ctx, token);
    ASSERT_TRUE(stub->TransitionLead(&ctx, move, &lead).ok());
  }
}

}  // namespace gaoxin::testing::leads_fixture

#endif  // GAOXIN_TESTS_SUPPORT_LEADS_FIXTURE_H_
