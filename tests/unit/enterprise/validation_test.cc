#include "services/enterprise/domain/validation.h"

#include <limits>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/errors.h"
#include "common/money.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gaoxin::enterprise {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Key;
using ::testing::UnorderedElementsAre;

const absl::CivilDay kToday(2024, 1, 15);

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& [field, description] : FieldViolationsOf(s)) out.push_back(field);
  return out;
}

v1::Enterprise Valid() {
  v1::Enterprise e;
  e.set_uscc("91210900MA0U9K5H2F");
  e.set_name("阜新北星液压有限公司");
  e.set_industry_chain(common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
  e.set_sub_sector("液压");
  e.set_above_scale(true);
  *e.mutable_above_scale_date() = MakeDate(2015, 1, 1);
  v1::Title* t = e.add_titles();
  t->set_kind(v1::TITLE_KIND_HIGH_TECH);
  *t->mutable_grant_date() = MakeDate(2021, 12, 1);
  *t->mutable_expiry_date() = MakeDate(2024, 12, 1);
  return e;
}

TEST(ValidateNewEnterpriseTest, AcceptsAValidEnterprise) {
  EXPECT_TRUE(ValidateNewEnterprise(Valid(), kToday).ok());
}

TEST(ValidateNewEnterpriseTest, ReportsEveryProblemWithItsField) {
  v1::Enterprise e = Valid();
  e.set_uscc("91210900MA0U9K5H2E");
  e.set_name("  ");
  e.set_industry_chain(common::v1::INDUSTRY_CHAIN_UNSPECIFIED);
  *e.mutable_above_scale_date() = MakeDate(2024, 2, 1);  // future
  v1::Title* t = e.add_titles();
  t->set_kind(v1::TITLE_KIND_UNSPECIFIED);
  absl::Status s = ValidateNewEnterprise(e, kToday);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s),
              UnorderedElementsAre("enterprise.uscc", "enterprise.name",
                                   "enterprise.industry_chain", "enterprise.above_scale_date",
                                   "enterprise.titles[1].kind", "enterprise.titles[1].grant_date"));
}

TEST(ValidateNewEnterpriseTest, OverrideAcceptsAFailedCheckCharacterOnly) {
  v1::Enterprise e = Valid();
  e.set_uscc("91210900MA0U9K5H2E");
  EXPECT_FALSE(ValidateNewEnterprise(e, kToday).ok());
  EXPECT_TRUE(ValidateNewEnterprise(e, kToday, UsccCheck::kSkipCheckCharacter).ok());
}

TEST(ValidateNewEnterpriseTest, TitlesOfOneKindMustNotOverlap) {
  v1::Enterprise e = Valid();
  v1::Title* renewal = e.add_titles();
  renewal->set_kind(v1::TITLE_KIND_HIGH_TECH);
  *renewal->mutable_grant_date() = MakeDate(2018, 12, 1);
  *renewal->mutable_expiry_date() = MakeDate(2021, 12, 1);  // ends as the next one starts
  EXPECT_TRUE(ValidateNewEnterprise(e, kToday).ok());
  *renewal->mutable_expiry_date() = MakeDate(2021, 12, 2);
  EXPECT_THAT(Fields(ValidateNewEnterprise(e, kToday)), Contains("enterprise.titles[1]"));
  *renewal->mutable_expiry_date() = MakeDate(2018, 12, 1);  // not after grant
  EXPECT_THAT(Fields(ValidateNewEnterprise(e, kToday)),
              Contains("enterprise.titles[1].expiry_date"));
}

TEST(ApplyCreateDefaultsTest, UnspecifiedStatusMeansOperating) {
  v1::Enterprise e = Valid();
  ApplyCreateDefaults(&e);
  EXPECT_EQ(e.status(), v1::ENTERPRISE_STATUS_OPERATING);
}

TEST(ApplyEnterpriseUpdateTest, MaskedFieldsOnlyAndIdentityKept) {
  v1::Enterprise stored = Valid();
  stored.set_id("e-1");
  stored.set_etag("v1");
  stored.set_status(v1::ENTERPRISE_STATUS_OPERATING);
  v1::Enterprise patch;
  patch.set_status(v1::ENTERPRISE_STATUS_STOPPED);
  patch.set_name("ignored because not in the mask");
  google::protobuf::FieldMask mask;
  mask.add_paths("status");
  mask.add_paths("above_scale");  // patch has false: clears the flag
  absl::StatusOr<v1::Enterprise> merged = ApplyEnterpriseUpdate(stored, patch, mask, kToday);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->status(), v1::ENTERPRISE_STATUS_STOPPED);
  EXPECT_FALSE(merged->above_scale());
  EXPECT_EQ(merged->name(), stored.name());
  EXPECT_EQ(merged->id(), "e-1");
  EXPECT_EQ(merged->uscc(), stored.uscc());
}

TEST(ApplyEnterpriseUpdateTest, EmptyMaskMeansPopulatedFields) {
  v1::Enterprise stored = Valid();
  stored.set_status(v1::ENTERPRISE_STATUS_OPERATING);
  v1::Enterprise patch;
  patch.set_key_enterprise(true);
  patch.set_agent_id("agent-3");
  absl::StatusOr<v1::Enterprise> merged =
      ApplyEnterpriseUpdate(stored, patch, google::protobuf::FieldMask(), kToday);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_TRUE(merged->key_enterprise());
  EXPECT_EQ(merged->agent_id(), "agent-3");
  EXPECT_TRUE(merged->above_scale());  // not populated in the patch: untouched
  EXPECT_EQ(merged->titles_size(), 1);
}

TEST(ApplyEnterpriseUpdateTest, UsccIsImmutableAndUnknownPathsRejected) {
  v1::Enterprise stored = Valid();
  v1::Enterprise patch = Valid();
  patch.set_uscc("91350100M000100Y43");
  google::protobuf::FieldMask mask;
  mask.add_paths("uscc");
  mask.add_paths("etag");
  mask.add_paths("colour");
  absl::Status s = ApplyEnterpriseUpdate(stored, patch, mask, kToday).status();
  EXPECT_THAT(Fields(s), UnorderedElementsAre("enterprise.uscc", "update_mask", "update_mask"));
  google::protobuf::FieldMask star;
  star.add_paths("*");
  EXPECT_THAT(Fields(ApplyEnterpriseUpdate(stored, patch, star, kToday).status()),
              UnorderedElementsAre("enterprise.uscc"));
}

TEST(ApplyEnterpriseUpdateTest, ResultIsValidated) {
  v1::Enterprise stored = Valid();
  stored.set_status(v1::ENTERPRISE_STATUS_OPERATING);
  v1::Enterprise patch;
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  EXPECT_THAT(Fields(ApplyEnterpriseUpdate(stored, patch, mask, kToday).status()),
              UnorderedElementsAre("enterprise.name"));
}

v1::MonthlyReport ValidReport() {
  v1::MonthlyReport r;
  r.set_enterprise_id("e-1");
  r.set_period("2023-12");
  *r.mutable_output_value() = Yuan(12000000);
  *r.mutable_revenue() = Yuan(11000000);
  *r.mutable_taxes() = Yuan(300000);
  r.set_employees(120);
  r.set_energy_use_kgce(450000);
  return r;
}

TEST(ValidateMonthlyReportTest, AcceptsValidAndCurrentMonth) {
  EXPECT_TRUE(ValidateMonthlyReport(ValidReport(), kToday).ok());
  v1::MonthlyReport r = ValidReport();
  r.set_period("2024-01");  // the current month: flash report
  EXPECT_TRUE(ValidateMonthlyReport(r, kToday).ok());
}

TEST(ValidateMonthlyReportTest, RejectsFutureAndMalformedPeriods) {
  v1::MonthlyReport r = ValidReport();
  r.set_period("2024-02");
  EXPECT_THAT(Fields(ValidateMonthlyReport(r, kToday)), UnorderedElementsAre("report.period"));
  r.set_period("2023-7");
  EXPECT_THAT(Fields(ValidateMonthlyReport(r, kToday)), UnorderedElementsAre("report.period"));
}

TEST(ValidateMonthlyReportTest, RejectsNegativesAndMissingOutput) {
  v1::MonthlyReport r = ValidReport();
  r.clear_output_value();
  *r.mutable_taxes() = Yuan(-1);
  r.set_employees(-3);
  r.set_energy_use_kgce(-1);
  r.clear_enterprise_id();
  EXPECT_THAT(Fields(ValidateMonthlyReport(r, kToday)),
              UnorderedElementsAre("report.enterprise_id", "report.output_value", "report.taxes",
                                   "report.employees", "report.energy_use_kgce"));
}

TEST(ValidateMonthlyReportTest, ExplicitZeroOutputIsFine) {
  v1::MonthlyReport r = ValidReport();
  *r.mutable_output_value() = Yuan(0);
  EXPECT_TRUE(ValidateMonthlyReport(r, kToday).ok());
}

// Every figure has a declared maximum (money: common/money.h; energy: kMaxEnergyUseKgce), so
// 2^63-1 is refused under the field's name rather than summed into the structure and trends.
TEST(ValidateMonthlyReportTest, RejectsFiguresBeyondTheirMaxima) {
  v1::MonthlyReport r = ValidReport();
  for (auto* m : {r.mutable_output_value(), r.mutable_revenue(), r.mutable_taxes(),
                  r.mutable_export_value()}) {
    m->set_units(std::numeric_limits<int64_t>::max());
  }
  r.set_energy_use_kgce(std::numeric_limits<int64_t>::max());
  EXPECT_THAT(Fields(ValidateMonthlyReport(r, kToday)),
              UnorderedElementsAre("report.output_value", "report.revenue", "report.taxes",
                                   "report.export_value", "report.energy_use_kgce"));
}

}  // namespace
}  // namespace gaoxin::enterprise
