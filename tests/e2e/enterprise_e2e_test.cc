// End-to-end: the real enterprise_server binary, called over gRPC, with a real redis-server.
#include <signal.h>

#include <atomic>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "common/redis/enterprise_directory.h"
#include "common/redis/redis_client.h"
#include "common/uscc.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/enterprise_fixture.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::enterprise {
namespace {

using testing::RedisServer;
using testing::Subprocess;
using testing::TempDir;
using testing::enterprise_fixture::Uscc;
using testing::enterprise_fixture::YuanNanos;

constexpr char kService[] = "gaoxin.enterprise.v1.EnterpriseService";
constexpr char kWriterToken[] = "ent-writer-token";
constexpr char kReaderToken[] = "ent-reader-token";
constexpr char kLeadsToken[] = "leads-token";

class EnterpriseE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteTokensFile(dir_.File("tokens"),
                             {{kWriterToken, "writer", "enterprise.writer,enterprise.reader"},
                              {kReaderToken, "reader", "enterprise.reader"},
                              {kLeadsToken, "leads", "leads.reader,leads.writer"}});
    ASSERT_TRUE(redis_.Start());
    port_ = testing::FreePort();
    StartServer();
  }

  void StartServer() {
    const std::vector<std::string> argv =
        testing::WithStore({SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_),
                            "--redis=" + redis_.address(), "--tokens_file=" + dir_.File("tokens"),
                            "--shutdown_grace_ms=3000", "--directory_republish_interval_s=1"},
                           dir_, "enterprise");
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), kService));
    stub_ = v1::EnterpriseService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = kWriterToken) {
    return testing::TokenContext(token, absl::Seconds(20));
  }

  static v1::CreateEnterpriseRequest ValidCreate(int n, bool key = true) {
    v1::CreateEnterpriseRequest req;
    v1::Enterprise* e = req.mutable_enterprise();
    e->set_uscc(Uscc(n));
    e->set_name(absl::StrCat("阜新测试企业", n, "有限公司"));
    e->set_industry_chain(common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
    e->set_sub_sector("液压");
    e->set_above_scale(true);
    *e->mutable_above_scale_date() = MakeDate(2020, 1, 1);
    e->set_key_enterprise(key);
    return req;
  }

  absl::StatusOr<v1::Enterprise> Create(const v1::CreateEnterpriseRequest& req) {
    v1::Enterprise e;
    grpc::Status s = stub_->CreateEnterprise(Ctx().get(), req, &e);
    if (!s.ok()) return FromGrpcStatus(s);
    return e;
  }

  static v1::SubmitMonthlyReportRequest Report(const std::string& id, const std::string& period,
                                               int64_t output) {
    v1::SubmitMonthlyReportRequest req;
    req.mutable_report()->set_enterprise_id(id);
    req.mutable_report()->set_period(period);
    *req.mutable_report()->mutable_output_value() = Yuan(output);
    *req.mutable_report()->mutable_revenue() = Yuan(output);
    req.mutable_report()->set_employees(20);
    return req;
  }

  int CountEnterprises() {
    v1::ListEnterprisesRequest req;
    req.set_page_size(1000);
    v1::ListEnterprisesResponse resp;
    EXPECT_TRUE(stub_->ListEnterprises(Ctx().get(), req, &resp).ok());
    return resp.enterprises_size();
  }

  std::vector<v1::MonthlyReport> Reports(const std::string& enterprise_id, bool superseded) {
    std::vector<v1::MonthlyReport> out;
    v1::ListMonthlyReportsRequest req;
    req.set_enterprise_id(enterprise_id);
    req.set_include_superseded(superseded);
    req.set_page_size(1000);
    do {
      v1::ListMonthlyReportsResponse resp;
      grpc::Status s = stub_->ListMonthlyReports(Ctx().get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (auto& r : resp.reports()) out.push_back(r);
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return out;
  }

  absl::StatusOr<v1::ImportMonthlyReportsResponse> Import(
      const std::vector<v1::ImportMonthlyReportsRequest>& rows) {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriterToken, absl::Seconds(60));
    v1::ImportMonthlyReportsResponse resp;
    auto writer = stub_->ImportMonthlyReports(&ctx, &resp);
    for (const auto& r : rows) {
      if (!writer->Write(r)) break;
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (!s.ok()) return FromGrpcStatus(s);
    return resp;
  }

  v1::IndustryStructure Structure(int year, int month = 0) {
    v1::GetIndustryStructureRequest req;
    req.set_year(year);
    req.set_month(month);
    v1::IndustryStructure s;
    grpc::Status status = stub_->GetIndustryStructure(Ctx(kReaderToken).get(), req, &s);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return s;
  }

  int LoadDemo(const std::string& log) {
    setenv("GAOXIN_TOKEN", kWriterToken, 1);
    Subprocess load(
        {GAOXINCTL_PATH, "demo", "load", "--enterprise_addr=" + address(),
         std::string("--demo_dir=") + GAOXIN_SOURCE_DIR + "/deploy/demo", "--only=enterprise"},
        dir_.File(log));
    return load.Wait(absl::Seconds(120));
  }

  TempDir dir_;
  RedisServer redis_;
  int port_ = 0;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<v1::EnterpriseService::Stub> stub_;
};

TEST_F(EnterpriseE2eTest, CreateGetUpdateAndUsccRules) {
  // A code with a wrong check character is refused, naming the field, and nothing is stored.
  v1::CreateEnterpriseRequest bad = ValidCreate(1);
  std::string wrong = Uscc(1);
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  bad.mutable_enterprise()->set_uscc(wrong);
  auto refused = Create(bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("enterprise.uscc"), std::string::npos)
      << refused.status();
  bool named = false;
  for (const auto& [field, description] : FieldViolationsOf(refused.status())) {
    if (field == "enterprise.uscc") named = true;
  }
  EXPECT_TRUE(named);
  EXPECT_EQ(CountEnterprises(), 0);

  auto created = Create(ValidCreate(1));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->status(), v1::ENTERPRISE_STATUS_OPERATING);
  EXPECT_EQ(created->etag(), "1");

  auto duplicate = Create(ValidCreate(1));
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CountEnterprises(), 1);

  v1::GetEnterpriseRequest by_uscc;
  by_uscc.set_uscc(Uscc(1));
  v1::Enterprise got;
  ASSERT_TRUE(stub_->GetEnterprise(Ctx(kReaderToken).get(), by_uscc, &got).ok());
  EXPECT_EQ(got.id(), created->id());

  v1::UpdateEnterpriseRequest update;
  update.mutable_enterprise()->set_id(created->id());
  update.mutable_enterprise()->set_etag(created->etag());
  update.mutable_enterprise()->set_name("阜新新名称有限公司");
  v1::Enterprise updated;
  ASSERT_TRUE(stub_->UpdateEnterprise(Ctx().get(), update, &updated).ok());
  EXPECT_EQ(updated.name(), "阜新新名称有限公司");
  EXPECT_EQ(updated.uscc(), Uscc(1));
  // The etag read before is stale now.
  EXPECT_EQ(stub_->UpdateEnterprise(Ctx().get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);
  // The USCC is immutable.
  v1::UpdateEnterpriseRequest uscc_change;
  uscc_change.mutable_enterprise()->set_id(created->id());
  uscc_change.mutable_enterprise()->set_uscc(Uscc(2));
  uscc_change.mutable_update_mask()->add_paths("uscc");
  grpc::Status s = stub_->UpdateEnterprise(Ctx().get(), uscc_change, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("enterprise.uscc"), std::string::npos);
  ASSERT_TRUE(stub_->GetEnterprise(Ctx().get(), by_uscc, &got).ok());
  EXPECT_EQ(got.name(), "阜新新名称有限公司");
  EXPECT_EQ(got.etag(), "2");

  // Filters.
  v1::ListEnterprisesRequest list;
  list.set_key_enterprise(false);
  v1::ListEnterprisesResponse resp;
  ASSERT_TRUE(stub_->ListEnterprises(Ctx().get(), list, &resp).ok());
  EXPECT_EQ(resp.enterprises_size(), 0);
  list.set_key_enterprise(true);
  list.set_industry_chain(common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
  ASSERT_TRUE(stub_->ListEnterprises(Ctx().get(), list, &resp).ok());
  EXPECT_EQ(resp.enterprises_size(), 1);
}

TEST_F(EnterpriseE2eTest, AuthenticationAndRoles) {
  v1::GetEnterpriseRequest get;
  get.set_id("ent-0000000000000001");
  v1::Enterprise e;
  grpc::ClientContext none;
  EXPECT_EQ(stub_->GetEnterprise(&none, get, &e).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->GetEnterprise(Ctx("nope").get(), get, &e).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->GetEnterprise(Ctx(kLeadsToken).get(), get, &e).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->CreateEnterprise(Ctx(kReaderToken).get(), ValidCreate(3), &e).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::MonthlyReport r;
  EXPECT_EQ(stub_
                ->SubmitMonthlyReport(Ctx(kReaderToken).get(),
                                      Report("ent-0000000000000001", "2023-01", 1), &r)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The import stream checks the role too.
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kReaderToken, absl::Seconds(10));
  v1::ImportMonthlyReportsResponse resp;
  auto writer = stub_->ImportMonthlyReports(&ctx, &resp);
  v1::ImportMonthlyReportsRequest row;
  row.set_enterprise_uscc(Uscc(3));
  writer->Write(row);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ListAlertsResponse alerts;
  EXPECT_TRUE(stub_->ListAlerts(Ctx(kReaderToken).get(), v1::ListAlertsRequest(), &alerts).ok());
  EXPECT_EQ(CountEnterprises(), 0);
}

TEST_F(EnterpriseE2eTest, MonthlyReportRules) {
  auto e = Create(ValidCreate(4));
  ASSERT_TRUE(e.ok());
  v1::MonthlyReport r;
  // A future period, a negative amount, an unknown enterprise: rejected, nothing stored.
  const absl::CivilMonth next(absl::CivilDay(TodayInZone(absl::Now())) + 40);
  grpc::Status s = stub_->SubmitMonthlyReport(
      Ctx().get(), Report(e->id(), absl::StrFormat("%04d-%02d", next.year(), next.month()), 1), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("report.period"), std::string::npos);
  s = stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2023-01", -5), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("report.output_value"), std::string::npos);
  s = stub_->SubmitMonthlyReport(Ctx().get(), Report("ent-00000000000000ff", "2023-01", 5), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Reports("", true).empty());

  // Re-submitting replaces the period and keeps the earlier revision.
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2023-01", 100), &r).ok());
  EXPECT_EQ(r.revision(), 1);
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2023-01", 120), &r).ok());
  EXPECT_EQ(r.revision(), 2);
  auto current = Reports(e->id(), false);
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(ToNanos(current[0].output_value()), YuanNanos(120));
  auto all = Reports(e->id(), true);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(ToNanos(all[1].output_value()), YuanNanos(100));

  // A retried submission with its request_id returns the original.
  auto req = Report(e->id(), "2023-02", 50);
  req.set_request_id("retry-1");
  v1::MonthlyReport a, b;
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), req, &a).ok());
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), req, &b).ok());
  EXPECT_EQ(a.id(), b.id());

  // The trend sees the figures; the alert rules ran inside the write.
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2022-03", 1000), &r).ok());
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2023-03", 500), &r).ok());
  v1::GetEnterpriseTrendRequest trend_req;
  trend_req.set_enterprise_id(e->id());
  trend_req.set_start_period("2023-01");
  trend_req.set_end_period("2023-03");
  v1::EnterpriseTrend trend;
  ASSERT_TRUE(stub_->GetEnterpriseTrend(Ctx().get(), trend_req, &trend).ok());
  ASSERT_EQ(trend.points_size(), 3);
  EXPECT_EQ(trend.points(2).output_value().yoy_change().display_percent(), "-50.00");
  v1::ListAlertsRequest alerts_req;
  alerts_req.set_rule(v1::ALERT_RULE_OUTPUT_DROP);
  v1::ListAlertsResponse alerts;
  ASSERT_TRUE(stub_->ListAlerts(Ctx().get(), alerts_req, &alerts).ok());
  ASSERT_EQ(alerts.alerts_size(), 1);
  EXPECT_EQ(alerts.alerts(0).period(), "2023-03");
  v1::AcknowledgeAlertRequest ack;
  ack.set_id(alerts.alerts(0).id());
  v1::Alert acked;
  ASSERT_TRUE(stub_->AcknowledgeAlert(Ctx().get(), ack, &acked).ok());
  EXPECT_EQ(acked.state(), v1::ALERT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(acked.acknowledged_by(), "writer");
  v1::ResolveAlertRequest resolve;
  resolve.set_id(acked.id());
  EXPECT_EQ(stub_->ResolveAlert(Ctx().get(), resolve, &acked).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // resolution_note is required
  resolve.set_resolution_note("帮办代办员走访，订单恢复");
  ASSERT_TRUE(stub_->ResolveAlert(Ctx().get(), resolve, &acked).ok());
  EXPECT_EQ(acked.state(), v1::ALERT_STATE_RESOLVED);
}

TEST_F(EnterpriseE2eTest, BulkImportStoresGoodRowsReportsBadOnesAndIsIdempotent) {
  auto e = Create(ValidCreate(5));
  ASSERT_TRUE(e.ok());
  std::vector<v1::ImportMonthlyReportsRequest> rows;
  auto row = [&](int number, const std::string& uscc, const std::string& period, int64_t output) {
    v1::ImportMonthlyReportsRequest r;
    r.set_row_number(number);
    r.set_enterprise_uscc(uscc);
    r.mutable_report()->set_period(period);
    *r.mutable_report()->mutable_output_value() = Yuan(output);
    rows.push_back(r);
  };
  for (int m = 1; m <= 12; ++m) row(m + 1, Uscc(5), absl::StrFormat("2023-%02d", m), 1000 + m);
  row(14, Uscc(6), "2023-01", 5);               // well-formed, not registered
  row(15, Uscc(5), "2099-01", 5);               // future
  row(16, Uscc(5), "2023-13", 5);               // no such month
  row(17, Uscc(5), "2022-01", -1);              // negative
  row(18, "91210900MA0XXXXXXO", "2022-01", 1);  // not a USCC
  for (int m = 1; m <= 12; ++m) row(m + 18, Uscc(5), absl::StrFormat("2022-%02d", m), 900);

  auto first = Import(rows);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->rows_received(), 29);
  EXPECT_EQ(first->rows_accepted(), 24);
  EXPECT_EQ(first->rows_rejected(), 5);
  std::map<int, std::string> errors;
  for (const auto& err : first->errors()) errors[err.row_number()] += err.field() + ";";
  EXPECT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[14], "enterprise_uscc;");
  EXPECT_EQ(errors[15], "report.period;");
  EXPECT_EQ(errors[16], "report.period;");
  EXPECT_EQ(errors[17], "report.output_value;");
  EXPECT_EQ(errors[18], "enterprise_uscc;");
  for (const auto& err : first->errors()) {
    if (err.row_number() == 14) {
      EXPECT_EQ(err.reason(), "ENTERPRISE_NOT_FOUND");
    }
  }
  EXPECT_EQ(Reports(e->id(), true).size(), 24u);

  // The same import again changes nothing.
  auto second = Import(rows);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->rows_accepted(), 24);
  EXPECT_EQ(second->rows_rejected(), 5);
  auto all = Reports(e->id(), true);
  EXPECT_EQ(all.size(), 24u);
  for (const auto& r : all) EXPECT_EQ(r.revision(), 1);

  // validate_only files nothing.
  std::vector<v1::ImportMonthlyReportsRequest> check = {rows[0]};
  check[0].set_validate_only(true);
  *check[0].mutable_report()->mutable_output_value() = Yuan(7);
  auto validated = Import(check);
  ASSERT_TRUE(validated.ok());
  EXPECT_EQ(validated->rows_accepted(), 1);
  EXPECT_EQ(Reports(e->id(), true).size(), 24u);

  auto s = Structure(2023);
  EXPECT_EQ(ToNanos(s.zone_total().output_value()), YuanNanos(12 * 1000 + 78));
  EXPECT_EQ(ToNanos(s.zone_total().previous_year_output_value()), YuanNanos(12 * 900));
}

TEST_F(EnterpriseE2eTest, DataSurvivesARestart) {
  auto e = Create(ValidCreate(7));
  ASSERT_TRUE(e.ok());
  v1::MonthlyReport r;
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2023-06", 4242), &r).ok());
  EXPECT_EQ(server_->Terminate(), 0);
  StartServer();
  v1::GetEnterpriseRequest get;
  get.set_id(e->id());
  v1::Enterprise got;
  ASSERT_TRUE(stub_->GetEnterprise(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.uscc(), Uscc(7));
  auto reports = Reports(e->id(), false);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(ToNanos(reports[0].output_value()), YuanNanos(4242));
}

TEST_F(EnterpriseE2eTest, EveryAcknowledgedReportSurvivesKillNine) {
  constexpr int kClients = 6;
  std::vector<std::string> ids;
  for (int t = 0; t < kClients; ++t) {
    auto e = Create(ValidCreate(100 + t));
    ASSERT_TRUE(e.ok());
    ids.push_back(e->id());
  }
  absl::Mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      auto stub = v1::EnterpriseService::NewStub(MakeChannel(address()));
      absl::CivilMonth period(1990, 1);
      for (int i = 0; !stop.load() && i < 400; ++i, ++period) {
        v1::MonthlyReport r;
        grpc::ClientContext ctx;
        PrepareContext(&ctx, kWriterToken, absl::Seconds(5));
        auto req =
            Report(ids[t], absl::StrFormat("%04d-%02d", period.year(), period.month()), 1000 + i);
        if (stub->SubmitMonthlyReport(&ctx, req, &r).ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.insert(r.id());
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(700));
  server_->Kill();
  stop.store(true);
  for (auto& c : clients) c.join();
  ASSERT_GT(acknowledged.size(), 10u);
  StartServer();
  std::set<std::string> stored;
  for (const auto& id : ids) {
    for (const auto& r : Reports(id, true)) stored.insert(r.id());
  }
  int missing = 0;
  for (const auto& id : acknowledged) missing += stored.count(id) ? 0 : 1;
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged reports";
}

TEST_F(EnterpriseE2eTest, DirectoryInRedisAndRedisOutageChangesNothingAClientSees) {
  redis::RedisClient client({redis_.address(), absl::Milliseconds(500), absl::Milliseconds(100)});
  redis::EnterpriseDirectory directory(&client);
  auto e = Create(ValidCreate(8));
  ASSERT_TRUE(e.ok());
  auto lookup = [&](const std::string& uscc) {
    for (int i = 0; i < 100; ++i) {
      if (auto entry = directory.Lookup(uscc)) return entry;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return std::optional<common::v1::EnterpriseDirectoryEntry>();
  };
  auto entry = lookup(Uscc(8));
  ASSERT_TRUE(entry.has_value()) << "the directory entry never appeared in Redis";
  EXPECT_EQ(entry->id(), e->id());
  EXPECT_EQ(entry->name(), e->name());
  EXPECT_TRUE(entry->above_scale());
  EXPECT_EQ(entry->industry_chain(), common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
  EXPECT_GT(entry->revision(), 0);

  v1::MonthlyReport r;
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2023-01", 300), &r).ok());
  const std::string before = Structure(2023).SerializeAsString();
  EXPECT_EQ(Structure(2023).SerializeAsString(), before);  // served from the cache now

  redis_.Stop();
  EXPECT_EQ(Structure(2023).SerializeAsString(), before);
  // Writes go on and are visible at once.
  auto during = Create(ValidCreate(9));
  ASSERT_TRUE(during.ok()) << during.status();
  ASSERT_TRUE(
      stub_->SubmitMonthlyReport(Ctx().get(), Report(during->id(), "2023-01", 700), &r).ok());
  EXPECT_EQ(ToNanos(Structure(2023).zone_total().output_value()), YuanNanos(1000));

  ASSERT_TRUE(redis_.Start());
  // The entry missed during the outage is repaired by the periodic republish.
  auto repaired = lookup(Uscc(9));
  ASSERT_TRUE(repaired.has_value());
  EXPECT_EQ(repaired->id(), during->id());
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), Report(e->id(), "2023-02", 5), &r).ok());
  EXPECT_EQ(ToNanos(Structure(2023).zone_total().output_value()), YuanNanos(1005));
}

// The demo data, entered through the public API by gaoxinctl, reproduces the report's enterprise
// figures (DOMAIN.md section 4) exactly.
TEST_F(EnterpriseE2eTest, DemoDataReproducesTheReportsEnterpriseFigures) {
  ASSERT_EQ(LoadDemo("load.log"), 0) << testing::ReadFileOrEmpty(dir_.File("load.log"));
  v1::IndustryStructure s = Structure(2023);
  EXPECT_EQ(s.through_month(), 12);
  ASSERT_EQ(s.chains_size(), 3);
  const auto& equipment = s.chains(0);
  const auto& food = s.chains(1);
  const auto& capacitors = s.chains(2);
  EXPECT_EQ(equipment.industry_chain(), common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
  EXPECT_EQ(ToNanos(equipment.figures().output_value()), YuanNanos(2486000000LL));
  EXPECT_EQ(equipment.share_of_zone().numerator(), "113");
  EXPECT_EQ(equipment.share_of_zone().denominator(), "300");
  EXPECT_EQ(equipment.figures().above_scale_count(), 30);
  EXPECT_EQ(equipment.figures().over_100_million_count(), 6);
  EXPECT_EQ(food.industry_chain(), common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
  EXPECT_EQ(ToNanos(food.figures().output_value()), YuanNanos(3936000000LL));
  EXPECT_EQ(food.share_of_zone().numerator(), "164");
  EXPECT_EQ(food.share_of_zone().denominator(), "275");
  EXPECT_EQ(food.figures().above_scale_count(), 14);
  EXPECT_EQ(food.figures().over_100_million_count(), 7);
  EXPECT_EQ(capacitors.industry_chain(), common::v1::INDUSTRY_CHAIN_CAPACITORS);
  EXPECT_EQ(ToNanos(capacitors.figures().output_value()), YuanNanos(178000000LL));
  EXPECT_EQ(capacitors.share_of_zone().numerator(), "89");
  EXPECT_EQ(capacitors.share_of_zone().denominator(), "3300");
  EXPECT_EQ(capacitors.figures().above_scale_count(), 6);
  EXPECT_EQ(capacitors.figures().grew_10_percent_count(), 3);
  EXPECT_EQ(ToNanos(s.zone_total().output_value()), YuanNanos(6600000000LL));
  EXPECT_EQ(s.zone_total().above_scale_count(), 50);

  v1::GetZoneIndicatorsRequest zreq;
  zreq.set_year(2023);
  v1::ZoneIndicators z;
  ASSERT_TRUE(stub_->GetZoneIndicators(Ctx(kReaderToken).get(), zreq, &z).ok());
  std::map<v1::Indicator, v1::ZoneIndicatorLine> lines;
  for (const auto& l : z.lines()) lines[l.indicator()] = l;
  EXPECT_EQ(ToNanos(lines[v1::INDICATOR_GDP].value()), YuanNanos(4000000000LL));
  EXPECT_EQ(lines[v1::INDICATOR_GDP].yoy_change().numerator(), "0");
  EXPECT_EQ(lines[v1::INDICATOR_GDP].yoy_change().display_percent(), "0.00");
  EXPECT_EQ(ToNanos(lines[v1::INDICATOR_GENERAL_BUDGET_REVENUE].value()), YuanNanos(341000000));
  EXPECT_EQ(lines[v1::INDICATOR_GENERAL_BUDGET_REVENUE].yoy_change().numerator(), "5911");
  EXPECT_EQ(lines[v1::INDICATOR_GENERAL_BUDGET_REVENUE].yoy_change().denominator(), "28189");
  EXPECT_EQ(lines[v1::INDICATOR_GENERAL_BUDGET_REVENUE].yoy_change().display_percent(), "20.97");
  EXPECT_EQ(ToNanos(lines[v1::INDICATOR_IMPORTS_AND_EXPORTS].value()), YuanNanos(515000000));
  EXPECT_EQ(lines[v1::INDICATOR_IMPORTS_AND_EXPORTS].yoy_change().numerator(), "2777");
  EXPECT_EQ(lines[v1::INDICATOR_IMPORTS_AND_EXPORTS].yoy_change().denominator(), "48723");
  EXPECT_EQ(ToNanos(lines[v1::INDICATOR_CONSTRUCTION_OUTPUT].value()), YuanNanos(670000000));
  EXPECT_EQ(lines[v1::INDICATOR_CONSTRUCTION_OUTPUT].yoy_change().numerator(), "181");
  EXPECT_EQ(lines[v1::INDICATOR_CONSTRUCTION_OUTPUT].yoy_change().denominator(), "819");
  EXPECT_EQ(ToNanos(lines[v1::INDICATOR_RETAIL_SALES].value()), YuanNanos(2560000000LL));
  EXPECT_EQ(lines[v1::INDICATOR_RETAIL_SALES].yoy_change().numerator(), "0");
  const auto& output = lines[v1::INDICATOR_ABOVE_SCALE_INDUSTRIAL_OUTPUT];
  EXPECT_EQ(ToNanos(output.value()), YuanNanos(6600000000LL));
  EXPECT_EQ(output.share_of_target().numerator(), "22");
  EXPECT_EQ(output.share_of_target().denominator(), "25");

  // Named enterprises of the report are among them.
  for (const std::string uscc : {"91210900MA0QDMQ31F", "91210900MA0RX1QQ26"}) {
    v1::GetEnterpriseRequest get;
    get.set_uscc(uscc);
    v1::Enterprise e;
    ASSERT_TRUE(stub_->GetEnterprise(Ctx().get(), get, &e).ok()) << uscc;
  }
  v1::ListAlertsRequest zero;
  zero.set_rule(v1::ALERT_RULE_ZERO_OUTPUT);
  v1::ListAlertsResponse zero_alerts;
  ASSERT_TRUE(stub_->ListAlerts(Ctx().get(), zero, &zero_alerts).ok());
  EXPECT_EQ(zero_alerts.alerts_size(), 2);  // the stopped enterprise's 2023-11 and 2023-12

  // Loading again changes nothing: no new enterprise, revision or alert.
  const int enterprises = CountEnterprises();
  ASSERT_EQ(LoadDemo("load2.log"), 0) << testing::ReadFileOrEmpty(dir_.File("load2.log"));
  EXPECT_EQ(CountEnterprises(), enterprises);
  EXPECT_EQ(Structure(2023).SerializeAsString(), s.SerializeAsString());
  ASSERT_TRUE(stub_->ListAlerts(Ctx().get(), zero, &zero_alerts).ok());
  EXPECT_EQ(zero_alerts.alerts_size(), 2);
  v1::ListMonthlyReportsRequest all;
  all.set_include_superseded(true);
  all.set_page_size(1000);
  int count = 0;
  do {
    v1::ListMonthlyReportsResponse resp;
    ASSERT_TRUE(stub_->ListMonthlyReports(Ctx().get(), all, &resp).ok());
    count += resp.reports_size();
    all.set_page_token(resp.next_page_token());
  } while (!all.page_token().empty());
  EXPECT_EQ(count, 1302);
}

// 2^63-1 yuan (or kgce) is refused under the field's name by every way figures come in: one
// report, the import stream (as a CSV row becomes), and a zone indicator.
TEST_F(EnterpriseE2eTest, FiguresOfTwoToTheSixtyThreeAreRefusedNamingTheField) {
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();
  auto e = Create(ValidCreate(7));
  ASSERT_TRUE(e.ok());
  v1::SubmitMonthlyReportRequest req = Report(e->id(), "2023-01", 1);
  req.mutable_report()->mutable_output_value()->set_units(kHuge);
  req.mutable_report()->set_energy_use_kgce(kHuge);
  v1::MonthlyReport r;
  grpc::Status s = stub_->SubmitMonthlyReport(Ctx().get(), req, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::set<std::string> fields;
  for (const auto& [field, description] : FieldViolationsOf(FromGrpcStatus(s))) {
    fields.insert(field);
  }
  EXPECT_EQ(fields, (std::set<std::string>{"report.output_value", "report.energy_use_kgce"}));

  v1::ImportMonthlyReportsRequest row;
  row.set_row_number(2);
  row.set_enterprise_uscc(Uscc(7));
  row.mutable_report()->set_period("2023-02");
  row.mutable_report()->mutable_output_value()->set_units(1);
  row.mutable_report()->mutable_revenue()->set_units(kHuge);
  auto imported = Import({row});
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->rows_rejected(), 1);
  ASSERT_EQ(imported->errors_size(), 1);
  EXPECT_EQ(imported->errors(0).field(), "report.revenue");
  EXPECT_TRUE(Reports(e->id(), true).empty());

  v1::RecordIndicatorRequest indicator;
  indicator.mutable_record()->set_indicator(v1::INDICATOR_GDP);
  indicator.mutable_record()->set_year(2023);
  indicator.mutable_record()->mutable_value()->set_units(kHuge);
  v1::IndicatorRecord recorded;
  s = stub_->RecordIndicator(Ctx().get(), indicator, &recorded);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(FieldViolationsOf(FromGrpcStatus(s)).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(FromGrpcStatus(s))[0].first, "record.value");
}

}  // namespace
}  // namespace gaoxin::enterprise

namespace gaoxin::enterprise {
namespace {

// SIGTERM while an import stream is open: the server stops taking new calls but lets the import
// finish (within --shutdown_grace_ms), then exits 0; with nothing in flight it exits at once even
// though clients keep idle connections open.
TEST_F(EnterpriseE2eTest, SigtermDrainsAnImportInProgressThenExitsPromptly) {
  auto e = Create(ValidCreate(7));
  ASSERT_TRUE(e.ok()) << e.status();
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kWriterToken, absl::Seconds(30));
  v1::ImportMonthlyReportsResponse resp;
  auto writer = stub_->ImportMonthlyReports(&ctx, &resp);
  v1::ImportMonthlyReportsRequest row;
  *row.mutable_report() = Report(e->id(), "2023-01", 1000000).report();
  ASSERT_TRUE(writer->Write(row));
  absl::SleepFor(absl::Milliseconds(200));  // the call is in flight on the server

  kill(server_->pid(), SIGTERM);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(server_->running()) << "exited with an import still in flight";
  *row.mutable_report() = Report(e->id(), "2023-02", 2000000).report();
  ASSERT_TRUE(writer->Write(row));
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.rows_accepted(), 2);
  // Nothing in flight any more (the test's channel stays open): the server is gone quickly.
  const absl::Time drained = absl::Now();
  EXPECT_EQ(server_->Wait(absl::Seconds(10)), 0);
  EXPECT_LT(absl::Now() - drained, absl::Milliseconds(1500));
}

}  // namespace
}  // namespace gaoxin::enterprise
