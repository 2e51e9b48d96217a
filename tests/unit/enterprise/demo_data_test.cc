// Runs the committed demo data (deploy/demo/enterprise/*.csv) through the domain layer: every
// row must validate, and the summaries must give the work report's 2023 figures exactly.
#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/date.h"
#include "common/money.h"
#include "common/ratio.h"
#include "gtest/gtest.h"
#include "services/enterprise/domain/alert_rules.h"
#include "services/enterprise/domain/cultivation.h"
#include "services/enterprise/domain/industry_structure.h"
#include "services/enterprise/domain/validation.h"
#include "services/enterprise/domain/zone_indicators.h"

namespace gaoxin::enterprise {
namespace {

const absl::CivilDay kToday(2024, 1, 15);

using Row = std::map<std::string, std::string>;

std::vector<Row> ReadCsv(const std::string& name) {
  std::ifstream in(std::string(GAOXIN_SOURCE_DIR) + "/deploy/demo/enterprise/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header = absl::StrSplit(line, ',');
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.find('"'), std::string::npos) << "the demo CSVs need no quoting: " << line;
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    EXPECT_EQ(cells.size(), header.size()) << line;
    Row row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

common::v1::Money Money(const std::string& yuan) {
  Nanos n = 0;
  EXPECT_TRUE(ParseYuan(yuan, &n)) << yuan;
  return FromNanos(n);
}

common::v1::Date Date(const std::string& text) {
  common::v1::Date d;
  EXPECT_TRUE(ParseDate(text, &d)) << text;
  return d;
}

v1::Enterprise ToEnterprise(const Row& r) {
  v1::Enterprise e;
  e.set_id(r.at("uscc"));  // the demo uses the code as id
  e.set_uscc(r.at("uscc"));
  e.set_name(r.at("name"));
  common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_UNSPECIFIED;
  EXPECT_TRUE(common::v1::IndustryChain_Parse("INDUSTRY_CHAIN_" + r.at("chain"), &chain));
  e.set_industry_chain(chain);
  e.set_sub_sector(r.at("sub_sector"));
  e.set_above_scale(r.at("above_scale") == "1");
  if (!r.at("above_scale_date").empty())
    *e.mutable_above_scale_date() = Date(r.at("above_scale_date"));
  e.set_key_enterprise(r.at("key_enterprise") == "1");
  v1::EnterpriseStatus status = v1::ENTERPRISE_STATUS_UNSPECIFIED;
  EXPECT_TRUE(v1::EnterpriseStatus_Parse("ENTERPRISE_STATUS_" + r.at("status"), &status));
  e.set_status(status);
  if (!r.at("titles").empty()) {
    for (absl::string_view t : absl::StrSplit(r.at("titles"), '|')) {
      std::vector<std::string> parts = absl::StrSplit(t, '@');
      EXPECT_EQ(parts.size(), 3u) << t;
      v1::Title* title = e.add_titles();
      v1::TitleKind kind = v1::TITLE_KIND_UNSPECIFIED;
      EXPECT_TRUE(v1::TitleKind_Parse("TITLE_KIND_" + parts[0], &kind)) << parts[0];
      title->set_kind(kind);
      *title->mutable_grant_date() = Date(parts[1]);
      if (!parts[2].empty()) *title->mutable_expiry_date() = Date(parts[2]);
    }
  }
  return e;
}

v1::MonthlyReport ToReport(const Row& r) {
  v1::MonthlyReport m;
  m.set_enterprise_id(r.at("uscc"));
  m.set_period(r.at("period"));
  *m.mutable_output_value() = Money(r.at("output_value_yuan"));
  *m.mutable_revenue() = Money(r.at("revenue_yuan"));
  *m.mutable_taxes() = Money(r.at("taxes_yuan"));
  *m.mutable_export_value() = Money(r.at("export_value_yuan"));
  int employees = 0;
  int64_t energy = 0;
  EXPECT_TRUE(absl::SimpleAtoi(r.at("employees"), &employees));
  EXPECT_TRUE(absl::SimpleAtoi(r.at("energy_kgce"), &energy));
  m.set_employees(employees);
  m.set_energy_use_kgce(energy);
  m.set_revision(1);
  return m;
}

class DemoDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const Row& r : ReadCsv("enterprises.csv")) enterprises_.push_back(ToEnterprise(r));
    for (const Row& r : ReadCsv("monthly_reports.csv")) {
      v1::MonthlyReport m = ToReport(r);
      reports_[m.enterprise_id()].push_back(m);
    }
  }
  const v1::Enterprise* Find(absl::string_view name) const {
    for (const auto& e : enterprises_) {
      if (e.name() == name) return &e;
    }
    return nullptr;
  }
  std::vector<v1::Enterprise> enterprises_;
  std::map<std::string, std::vector<v1::MonthlyReport>> reports_;
};

TEST_F(DemoDataTest, EveryRowValidates) {
  ASSERT_GE(enterprises_.size(), 50u);
  for (const auto& e : enterprises_) {
    EXPECT_TRUE(ValidateNewEnterprise(e, kToday).ok())
        << e.name() << ": " << ValidateNewEnterprise(e, kToday);
  }
  for (const auto& [id, list] : reports_) {
    for (const auto& r : list) {
      EXPECT_TRUE(ValidateMonthlyReport(r, kToday).ok()) << id << " " << r.period();
    }
  }
}

TEST_F(DemoDataTest, IndustryStructureIsTheReports) {
  std::vector<EnterpriseOutput> rows;
  for (const auto& e : enterprises_) {
    rows.push_back(OutputOf(e, LatestByPeriod(reports_[e.id()]), 2023, 12));
  }
  v1::IndustryStructure s = ComputeIndustryStructure(2023, 12, rows).value();
  ASSERT_EQ(s.chains_size(), 3);
  const Nanos yi = kHundredMillionYuan;
  EXPECT_EQ(ToNanos(s.zone_total().output_value()), 66 * yi);

  EXPECT_EQ(ToNanos(s.chains(0).figures().output_value()), 2486 * yi / 100);
  EXPECT_EQ(s.chains(0).figures().above_scale_count(), 30);
  EXPECT_EQ(s.chains(0).figures().over_100_million_count(), 6);
  EXPECT_EQ(s.chains(0).share_of_zone().display_percent(), "37.67");

  EXPECT_EQ(ToNanos(s.chains(1).figures().output_value()), 3936 * yi / 100);
  EXPECT_EQ(s.chains(1).figures().above_scale_count(), 14);
  EXPECT_EQ(s.chains(1).figures().over_100_million_count(), 7);
  EXPECT_EQ(s.chains(1).share_of_zone().display_percent(), "59.64");

  EXPECT_EQ(ToNanos(s.chains(2).figures().output_value()), 178 * yi / 100);
  EXPECT_EQ(s.chains(2).figures().above_scale_count(), 6);
  EXPECT_EQ(s.chains(2).figures().grew_10_percent_count(), 3);
  EXPECT_EQ(s.chains(2).share_of_zone().display_percent(), "2.70");
}

TEST_F(DemoDataTest, ZoneIndicatorsAreTheReports) {
  std::vector<v1::IndicatorRecord> records;
  for (const Row& r : ReadCsv("indicators.csv")) {
    v1::IndicatorRecord rec;
    v1::Indicator indicator = v1::INDICATOR_UNSPECIFIED;
    ASSERT_TRUE(v1::Indicator_Parse("INDICATOR_" + r.at("indicator"), &indicator));
    rec.set_indicator(indicator);
    int year = 0;
    ASSERT_TRUE(absl::SimpleAtoi(r.at("year"), &year));
    rec.set_year(year);
    *rec.mutable_value() = Money(r.at("value_yuan"));
    if (!r.at("target_yuan").empty()) *rec.mutable_target() = Money(r.at("target_yuan"));
    rec.set_estimate(r.at("estimate") == "1");
    EXPECT_TRUE(ValidateIndicatorRecord(rec, kToday).ok());
    records.push_back(rec);
  }
  std::map<v1::Indicator, std::string> change;
  const v1::ZoneIndicators zone = ComputeZoneIndicators(2023, records);
  for (const auto& line : zone.lines()) {
    change[line.indicator()] = line.yoy_change().display_percent();
  }
  EXPECT_EQ(change[v1::INDICATOR_GDP], "0.00");
  EXPECT_EQ(change[v1::INDICATOR_GENERAL_BUDGET_REVENUE], "20.97");
  EXPECT_EQ(change[v1::INDICATOR_INVESTMENT_FUNDS_ARRIVED], "12.91");  // 347/2688, as in leads
  EXPECT_EQ(change[v1::INDICATOR_IMPORTS_AND_EXPORTS], "5.70");
  EXPECT_EQ(change[v1::INDICATOR_CONSTRUCTION_OUTPUT], "22.10");
  EXPECT_EQ(change[v1::INDICATOR_RETAIL_SALES], "0.00");
}

TEST_F(DemoDataTest, AlertScenariosFire) {
  AlertThresholds t;
  std::map<v1::AlertRule, int> by_rule;
  for (const auto& e : enterprises_) {
    ReportSeries series = LatestByPeriod(reports_[e.id()]);
    for (absl::CivilMonth p(2023, 1); p <= LatestDuePeriod(kToday, t); ++p) {
      for (const auto& a : EvaluateAlerts(e, series, p, kToday, t)) ++by_rule[a.rule()];
    }
  }
  EXPECT_EQ(by_rule[v1::ALERT_RULE_ZERO_OUTPUT], 2);   // the stopped enterprise, Nov and Dec
  EXPECT_EQ(by_rule[v1::ALERT_RULE_NOT_REPORTED], 1);  // December never filed
  EXPECT_GE(by_rule[v1::ALERT_RULE_OUTPUT_DROP], 1);   // the August collapse at least
}

TEST_F(DemoDataTest, CultivationFindsTheNamedCandidates) {
  std::vector<CultivationInput> in;
  for (const auto& e : enterprises_) {
    in.push_back(
        CultivationInputOf(e, LatestByPeriod(reports_[e.id()]), absl::CivilMonth(2023, 12)));
  }
  auto above = FindCultivationCandidates(v1::CULTIVATION_TARGET_ABOVE_SCALE, in, kToday, {});
  ASSERT_EQ(above.size(), 1u);
  EXPECT_EQ(above[0].enterprise_name(), "阜新卓异新材料有限公司");
  EXPECT_EQ(above[0].threshold_progress().display_percent(), "85.00");
  auto high_tech = FindCultivationCandidates(v1::CULTIVATION_TARGET_HIGH_TECH, in, kToday, {});
  std::vector<std::string> names;
  for (const auto& c : high_tech) names.push_back(c.enterprise_name());
  EXPECT_NE(std::find(names.begin(), names.end(), "阜新瑞麟氢能科技有限公司"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "阜新卓异新材料有限公司"), names.end());
  ASSERT_NE(Find("阜新亿家兴家居有限公司"), nullptr);
  EXPECT_FALSE(AboveScaleIn(*Find("阜新亿家兴家居有限公司"), 2023));
}

}  // namespace
}  // namespace gaoxin::enterprise
