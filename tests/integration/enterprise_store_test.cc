// EnterpriseStore on both stores (a real SQLite file, a real PostgreSQL schema): report revisions
// kept on resubmission, idempotent bulk import, alert dedup per (enterprise, rule, period), USCC
// uniqueness, SQL-summed structure.
#include "services/enterprise/enterprise_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/date.h"
#include "common/money.h"
#include "common/uscc.h"
#include "gtest/gtest.h"
#include "tests/support/enterprise_fixture.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::enterprise {
namespace {

using testing::Await;
using testing::enterprise_fixture::Uscc;

// "Today" is fixed: 2024-01-20, so 2023 periods are due and 2024-01 is the current month.
absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2024, 1, 20, 12, 0, 0), absl::UTCTimeZone());
}

class EnterpriseStoreTest : public testing::StoreTest<EnterpriseStore> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase("enterprise"));
    store_ = std::make_unique<EnterpriseStore>(
        db_.get(), [] { return Now(); }, AlertThresholds{});
    store_->SetDirectoryHook(
        [this](const v1::Enterprise& e, int64_t) { published_.push_back(e.uscc()); });
  }

  absl::StatusOr<v1::Enterprise> Create(
      int n, bool key = true,
      common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_GREEN_FOOD) {
    v1::CreateEnterpriseRequest req;
    req.mutable_enterprise()->set_uscc(Uscc(n));
    req.mutable_enterprise()->set_name(absl::StrCat("企业", n));
    req.mutable_enterprise()->set_industry_chain(chain);
    req.mutable_enterprise()->set_above_scale(true);
    *req.mutable_enterprise()->mutable_above_scale_date() = MakeDate(2020, 1, 1);
    req.mutable_enterprise()->set_key_enterprise(key);
    return Await<v1::Enterprise>([&](Done<v1::Enterprise> done) {
      store_->CreateEnterprise(req, "tester", {req.request_id(), ""}, done);
    });
  }

  static v1::MonthlyReport Report(const std::string& enterprise_id, const std::string& period,
                                  int64_t output_yuan) {
    v1::MonthlyReport r;
    r.set_enterprise_id(enterprise_id);
    r.set_period(period);
    *r.mutable_output_value() = Yuan(output_yuan);
    *r.mutable_revenue() = Yuan(output_yuan);
    r.set_employees(10);
    return r;
  }

  absl::StatusOr<v1::MonthlyReport> Submit(const v1::MonthlyReport& r,
                                           const std::string& rid = "") {
    return Await<v1::MonthlyReport>([&](Done<v1::MonthlyReport> done) {
      store_->SubmitReport(r, {rid, ""}, done);
    });
  }

  absl::StatusOr<ImportBatchResult> Import(std::vector<ImportRow> rows) {
    return Await<ImportBatchResult>(
        [&](Done<ImportBatchResult> done) { store_->ImportBatch(rows, false, done); });
  }

  std::vector<v1::Alert> Alerts(const std::string& enterprise_id) {
    AlertFilter f;
    f.enterprise_id = enterprise_id;
    auto page = store_->ListAlerts(f, Page{1000, ""});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->items : std::vector<v1::Alert>{};
  }

  std::unique_ptr<EnterpriseStore> store_;
  std::vector<std::string> published_;
};

TEST_P(EnterpriseStoreTest, UsccIsUniqueAndEveryChangeIsPublished) {
  auto a = Create(1);
  ASSERT_TRUE(a.ok()) << a.status();
  auto again = Create(1);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  auto by_uscc = store_->GetEnterpriseByUscc(Uscc(1));
  ASSERT_TRUE(by_uscc.ok());
  EXPECT_EQ(by_uscc->id(), a->id());
  v1::UpdateEnterpriseRequest update;
  update.mutable_enterprise()->set_id(a->id());
  update.mutable_enterprise()->set_name("新名称");
  update.mutable_enterprise()->set_etag(a->etag());
  auto updated = Await<v1::Enterprise>(
      [&](Done<v1::Enterprise> done) { store_->UpdateEnterprise(update, done); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->name(), "新名称");
  // The same etag again is stale now.
  auto stale = Await<v1::Enterprise>(
      [&](Done<v1::Enterprise> done) { store_->UpdateEnterprise(update, done); });
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(published_, (std::vector<std::string>{Uscc(1), Uscc(1)}));
}

TEST_P(EnterpriseStoreTest, ResubmissionKeepsTheEarlierRevision) {
  auto e = Create(2);
  ASSERT_TRUE(e.ok());
  auto first = Submit(Report(e->id(), "2023-05", 1000));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->revision(), 1);
  auto same = Submit(Report(e->id(), "2023-05", 1000));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->id(), first->id()) << "an identical resubmission changes nothing";
  auto second = Submit(Report(e->id(), "2023-05", 1200));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->revision(), 2);

  ReportFilter current;
  current.enterprise_id = e->id();
  auto latest = store_->ListReports(current, Page{});
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->items.size(), 1u);
  EXPECT_EQ(ToNanos(latest->items[0].output_value()), ToNanos(Yuan(1200)));
  ReportFilter history = current;
  history.include_superseded = true;
  auto all = store_->ListReports(history, Page{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].revision(), 2);
  EXPECT_EQ(all->items[1].revision(), 1);
  EXPECT_EQ(ToNanos(all->items[1].output_value()), ToNanos(Yuan(1000)));

  auto unknown = Submit(Report("ent-0000000000000000", "2023-05", 1));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST_P(EnterpriseStoreTest, ReRunningAnImportChangesNothing) {
  auto e = Create(3);
  ASSERT_TRUE(e.ok());
  std::vector<ImportRow> rows;
  for (int m = 1; m <= 12; ++m) {
    ImportRow row;
    row.row_number = m + 1;
    row.uscc = Uscc(3);
    row.report = Report("", absl::StrFormat("2023-%02d", m), 1000 * m);
    rows.push_back(row);
  }
  ImportRow bad;
  bad.row_number = 99;
  bad.uscc = Uscc(999);  // well-formed, not registered
  bad.report = Report("", "2023-01", 1);
  rows.push_back(bad);

  auto first = Import(rows);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->accepted, 12);
  EXPECT_EQ(first->unchanged, 0);
  ASSERT_EQ(first->errors.size(), 1u);
  EXPECT_EQ(first->errors[0].row_number(), 99);
  EXPECT_EQ(first->errors[0].reason(), "ENTERPRISE_NOT_FOUND");

  auto revision = store_->CurrentRevision();
  ASSERT_TRUE(revision.ok());
  auto second = Import(rows);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->accepted, 12);
  EXPECT_EQ(second->unchanged, 12);
  EXPECT_EQ(*store_->CurrentRevision(), *revision) << "a re-run must not append any change";

  ReportFilter history;
  history.include_superseded = true;
  auto all = store_->ListReports(history, Page{1000, ""});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 12u);
}

TEST_P(EnterpriseStoreTest, AlertsAreStoredOncePerEnterpriseRuleAndPeriod) {
  auto e = Create(4);
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(Submit(Report(e->id(), "2022-05", 1000)).ok());
  ASSERT_TRUE(Submit(Report(e->id(), "2023-05", 700)).ok());  // −30% ≥ 20%
  ASSERT_TRUE(Submit(Report(e->id(), "2023-05", 600)).ok());  // re-filed, still a drop
  ASSERT_TRUE(Submit(Report(e->id(), "2023-06", 0)).ok());    // zero output
  std::vector<v1::Alert> alerts = Alerts(e->id());
  ASSERT_EQ(alerts.size(), 2u);
  int drops = 0, zeros = 0;
  for (const auto& a : alerts) {
    if (a.rule() == v1::ALERT_RULE_OUTPUT_DROP) {
      ++drops;
      EXPECT_EQ(a.period(), "2023-05");
      EXPECT_EQ(a.evidence().threshold_percent(), 20);
    }
    if (a.rule() == v1::ALERT_RULE_ZERO_OUTPUT) ++zeros;
  }
  EXPECT_EQ(drops, 1);
  EXPECT_EQ(zeros, 1);

  // A drop revealed by a late previous-year report is raised too.
  ASSERT_TRUE(Submit(Report(e->id(), "2023-07", 100)).ok());
  ASSERT_TRUE(Submit(Report(e->id(), "2022-07", 1000)).ok());
  EXPECT_EQ(Alerts(e->id()).size(), 3u);

  // The sweep raises NOT_REPORTED for the due periods without a report, once.
  auto opened = Await<int>([&](Done<int> done) { store_->SweepNotReported(3, done); });
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto again = Await<int>([&](Done<int> done) { store_->SweepNotReported(3, done); });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  // Due by 2024-01-20: 2023-10, 2023-11 and 2023-12 (due 2024-01-10); none filed.
  EXPECT_EQ(*opened, 3);
  AlertFilter missing;
  missing.rule = v1::ALERT_RULE_NOT_REPORTED;
  missing.enterprise_id = e->id();
  auto page = store_->ListAlerts(missing, Page{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 3u);

  // A late report settles its NOT_REPORTED alert.
  ASSERT_TRUE(Submit(Report(e->id(), "2023-12", 900)).ok());
  missing.state = v1::ALERT_STATE_RESOLVED;
  page = store_->ListAlerts(missing, Page{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].period(), "2023-12");

  // Acknowledge then resolve; resolving twice is refused.
  const v1::Alert& drop = alerts[0];
  v1::AcknowledgeAlertRequest ack;
  ack.set_id(drop.id());
  ack.set_acknowledged_by("agent-a");
  auto acked = Await<v1::Alert>([&](Done<v1::Alert> done) { store_->AcknowledgeAlert(ack, done); });
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->state(), v1::ALERT_STATE_ACKNOWLEDGED);
  v1::ResolveAlertRequest resolve;
  resolve.set_id(drop.id());
  resolve.set_resolution_note("visited");
  resolve.set_etag(acked->etag());
  ASSERT_TRUE(
      Await<v1::Alert>([&](Done<v1::Alert> done) { store_->ResolveAlert(resolve, done); }).ok());
  resolve.clear_etag();
  EXPECT_EQ(Await<v1::Alert>([&](Done<v1::Alert> done) { store_->ResolveAlert(resolve, done); })
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(EnterpriseStoreTest, StructureInputsAreSummedInSql) {
  auto a = Create(5, false, common::v1::INDUSTRY_CHAIN_CAPACITORS);
  auto b = Create(6, false, common::v1::INDUSTRY_CHAIN_CAPACITORS);
  ASSERT_TRUE(a.ok() && b.ok());
  for (int m = 1; m <= 12; ++m) {
    ASSERT_TRUE(Submit(Report(a->id(), absl::StrFormat("2022-%02d", m), 100)).ok());
    ASSERT_TRUE(Submit(Report(a->id(), absl::StrFormat("2023-%02d", m), 111)).ok());
  }
  v1::MonthlyReport cents = Report(b->id(), "2023-03", 0);
  *cents.mutable_output_value() = FromNanos(Nanos(5) * kNanosPerUnit / 10);  // 0.5 yuan
  ASSERT_TRUE(Submit(cents).ok());
  auto rows = store_->LoadStructureInputs(2023, 12);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) {
    if (r.enterprise_id == a->id()) {
      EXPECT_EQ(r.output, Nanos(1332) * kNanosPerUnit);
      EXPECT_EQ(r.previous_year_output, Nanos(1200) * kNanosPerUnit);
    } else {
      EXPECT_EQ(r.output, Nanos(kNanosPerUnit / 2));
      EXPECT_EQ(r.previous_year_output, 0);
    }
  }
  auto ytd = store_->LoadStructureInputs(2023, 2);
  ASSERT_TRUE(ytd.ok());
  for (const auto& r : *ytd) {
    if (r.enterprise_id == a->id()) {
      EXPECT_EQ(r.output, Nanos(222) * kNanosPerUnit);
      EXPECT_EQ(r.previous_year_output, Nanos(200) * kNanosPerUnit);
    }
  }
}

GAOXIN_ON_EVERY_STORE(EnterpriseStoreTest);

}  // namespace
}  // namespace gaoxin::enterprise
