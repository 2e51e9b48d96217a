// End-to-end: the write audit of the real enterprise_server over mutual TLS: creates, updates,
// filed reports and streamed imports leave one record each as the authenticated caller, an
// override's approver only as on_behalf_of, rejected writes none; auditors only; the chain
// verifies with gaoxinctl.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/date.h"
#include "common/money.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/audit_fixture.h"
#include "tests/support/enterprise_fixture.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::enterprise {
namespace {

namespace af = testing::audit_fixture;
using testing::enterprise_fixture::Uscc;

constexpr char kService[] = "gaoxin.enterprise.v1.EnterpriseService";
constexpr char kWriterToken[] = "ent-audit-writer";
constexpr char kAuditorToken[] = "ent-audit-auditor";
constexpr char kPrefix[] = "/gaoxin.enterprise.v1.EnterpriseService/";

class EnterpriseAuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteTokensFile(dir_.File("tokens"),
                             {{kWriterToken, "writer", "enterprise.writer,enterprise.reader"},
                              {kAuditorToken, "inspector", "auditor"}});
    port_ = testing::FreePort();
    const std::vector<std::string> argv =
        testing::WithStore({SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_),
                            "--tokens_file=" + dir_.File("tokens"), "--shutdown_grace_ms=3000",
                            "--alert_sweep_interval_s=0"},
                           dir_, "enterprise");
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), kService));
    stub_ = v1::EnterpriseService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = kWriterToken) {
    return testing::TokenContext(token, absl::Seconds(20));
  }

  static v1::CreateEnterpriseRequest ValidCreate(int n) {
    v1::CreateEnterpriseRequest req;
    v1::Enterprise* e = req.mutable_enterprise();
    e->set_uscc(Uscc(n));
    e->set_name(absl::StrCat("阜新审计企业", n, "有限公司"));
    e->set_industry_chain(common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
    return req;
  }

  std::vector<audit::v1::AuditRecord> All(audit::v1::ListAuditRecordsRequest req = {}) {
    req.set_page_size(1000);
    audit::v1::ListAuditRecordsResponse resp;
    grpc::Status s = stub_->ListAuditRecords(Ctx(kAuditorToken).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.records().begin(), resp.records().end()};
  }

  testing::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<testing::Subprocess> server_;
  std::unique_ptr<v1::EnterpriseService::Stub> stub_;
};

TEST_F(EnterpriseAuditE2eTest, WritesAreAuditedAndRejectedOnesAreNot) {
  v1::Enterprise created;
  ASSERT_TRUE(stub_->CreateEnterprise(Ctx().get(), ValidCreate(1), &created).ok());
  // Rejected: a bad code, a duplicate code.
  v1::CreateEnterpriseRequest bad = ValidCreate(2);
  std::string wrong = Uscc(2);
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  bad.mutable_enterprise()->set_uscc(wrong);
  v1::Enterprise out;
  EXPECT_EQ(stub_->CreateEnterprise(Ctx().get(), bad, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(stub_->CreateEnterprise(Ctx().get(), ValidCreate(1), &out).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  auto records = All();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].principal(), "writer");
  EXPECT_EQ(records[0].method(), absl::StrCat(kPrefix, "CreateEnterprise"));
  EXPECT_EQ(records[0].resource(), "enterprises/" + created.id());

  // The override's approver is a note, not the principal.
  bad.mutable_uscc_check_override()->set_reason("营业执照扫描件 2015-07");
  bad.mutable_uscc_check_override()->set_approved_by("李四");
  v1::Enterprise overridden;
  ASSERT_TRUE(stub_->CreateEnterprise(Ctx().get(), bad, &overridden).ok());
  records = All();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].principal(), "writer");
  EXPECT_EQ(records[1].on_behalf_of(), "李四");

  // An update: etags before and after, the changed field.
  v1::UpdateEnterpriseRequest update;
  update.mutable_enterprise()->set_id(created.id());
  update.mutable_enterprise()->set_sub_sector("液压件");
  update.mutable_update_mask()->add_paths("sub_sector");
  v1::Enterprise updated;
  ASSERT_TRUE(stub_->UpdateEnterprise(Ctx().get(), update, &updated).ok());
  // A report, then one more through the import stream (written from gRPC's reactor threads).
  v1::SubmitMonthlyReportRequest report;
  report.mutable_report()->set_enterprise_id(created.id());
  report.mutable_report()->set_period("2023-05");
  *report.mutable_report()->mutable_output_value() = Yuan(1000000);
  *report.mutable_report()->mutable_revenue() = Yuan(1000000);
  v1::MonthlyReport filed;
  ASSERT_TRUE(stub_->SubmitMonthlyReport(Ctx().get(), report, &filed).ok());
  {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriterToken, absl::Seconds(60));
    v1::ImportMonthlyReportsResponse resp;
    auto writer = stub_->ImportMonthlyReports(&ctx, &resp);
    v1::ImportMonthlyReportsRequest row;
    *row.mutable_report() = report.report();
    row.mutable_report()->set_period("2023-06");
    ASSERT_TRUE(writer->Write(row));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_EQ(resp.rows_accepted(), 1);
  }
  records = All();
  ASSERT_GE(records.size(), 5u);
  EXPECT_EQ(records[2].method(), absl::StrCat(kPrefix, "UpdateEnterprise"));
  EXPECT_EQ(records[2].etag_before(), created.etag());
  EXPECT_EQ(records[2].etag_after(), updated.etag());
  bool sub_sector = false;
  for (const auto& c : records[2].changes()) {
    if (c.path() != "sub_sector") continue;
    sub_sector = true;
    EXPECT_EQ(c.before(), "");
    EXPECT_EQ(c.after(), "液压件");
  }
  EXPECT_TRUE(sub_sector);
  EXPECT_EQ(records[3].resource(), "monthly_reports/" + filed.id());
  bool imported = false;
  for (const auto& r : records) {
    EXPECT_EQ(r.principal(), "writer") << r.method();
    imported = imported || r.method() == absl::StrCat(kPrefix, "ImportMonthlyReports");
  }
  EXPECT_TRUE(imported);

  audit::v1::ListAuditRecordsResponse denied;
  EXPECT_EQ(stub_->ListAuditRecords(Ctx().get(), {}, &denied).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  audit::v1::ListAuditRecordsRequest by_resource;
  by_resource.set_resource("enterprises/" + created.id());
  EXPECT_EQ(All(by_resource).size(), 2u);

  const af::CtlResult verified =
      af::VerifyChain(dir_, "enterprise", "--enterprise_addr=" + address(),
                      testing::AuditKeyFile(dir_, "enterprise"), kAuditorToken);
  EXPECT_EQ(verified.code, 0) << verified.output;
  EXPECT_NE(verified.output.find(absl::StrCat(records.size(), " records verified")),
            std::string::npos)
      << verified.output;
}

}  // namespace
}  // namespace gaoxin::enterprise
