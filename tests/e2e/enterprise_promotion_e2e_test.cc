// End-to-end: a lead reaching 入规 in leads_server makes enterprise_server register the
// enterprise as above scale, through the consumer that watches the leads service from a
// persisted cursor; an outage of the enterprise service delays this but never loses or doubles it.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/leads_fixture.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin {
namespace {

using testing::Subprocess;
using testing::TempDir;

constexpr char kToken[] = "promotion-test-token";
// Valid GB 32100-2015 codes (check characters computed by common/uscc).
constexpr char kFirstUscc[] = "91350100M000100Y43";
constexpr char kSecondUscc[] = "91210900MA0U9K5HW0";

class PromotionE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("tokens"), Sha256Hex(kToken) + " ops admin\n");
    leads_port_ = testing::FreePort();
    enterprise_port_ = testing::FreePort();
    leads_ = std::make_unique<Subprocess>(
        testing::WithStore({LEADS_SERVER_PATH, absl::StrCat("--listen=", LeadsAddress()),
                            "--tokens_file=" + dir_.File("tokens")},
                           dir_, "leads"),
        dir_.File("leads.log"));
    ASSERT_TRUE(
        testing::WaitForServing(LeadsAddress(), "gaoxin.leads.v1.LeadService", absl::Seconds(15)));
    StartEnterprise();
  }

  std::string LeadsAddress() const { return absl::StrCat("127.0.0.1:", leads_port_); }
  std::string EnterpriseAddress() const { return absl::StrCat("127.0.0.1:", enterprise_port_); }

  void StartEnterprise() {
    setenv("GAOXIN_LEADS_TOKEN", kToken, 1);  // by environment, as operators are told to
    enterprise_ = std::make_unique<Subprocess>(
        testing::WithStore({ENTERPRISE_SERVER_PATH, absl::StrCat("--listen=", EnterpriseAddress()),
                            "--tokens_file=" + dir_.File("tokens"),
                            "--leads_addr=" + LeadsAddress(), "--alert_sweep_interval_s=0"},
                           dir_, "enterprise"),
        dir_.File("enterprise.log"));
    ASSERT_TRUE(testing::WaitForServing(
        EnterpriseAddress(), "gaoxin.enterprise.v1.EnterpriseService", absl::Seconds(15)));
  }

  // Creates a lead for `uscc` and walks it to ABOVE_SCALE.
  void PromoteLead(const std::string& name, const std::string& uscc) {
    auto stub = leads::v1::LeadService::NewStub(MakeChannel(LeadsAddress()));
    testing::leads_fixture::PromoteLead(stub.get(), kToken, name, uscc);
  }

  absl::StatusOr<enterprise::v1::Enterprise> FindEnterprise(const std::string& uscc) {
    auto stub = enterprise::v1::EnterpriseService::NewStub(MakeChannel(EnterpriseAddress()));
    enterprise::v1::GetEnterpriseRequest req;
    req.set_uscc(uscc);
    enterprise::v1::Enterprise e;
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kToken);
    grpc::Status s = stub->GetEnterprise(&ctx, req, &e);
    if (!s.ok()) return FromGrpcStatus(s);
    return e;
  }

  // Polls until the enterprise shows up above scale.
  absl::StatusOr<enterprise::v1::Enterprise> WaitForAboveScale(const std::string& uscc) {
    absl::StatusOr<enterprise::v1::Enterprise> e = absl::NotFoundError("not yet");
    for (int i = 0; i < 150; ++i) {
      e = FindEnterprise(uscc);
      if (e.ok() && e->above_scale()) return e;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return e;
  }

  int CountEnterprises() {
    auto stub = enterprise::v1::EnterpriseService::NewStub(MakeChannel(EnterpriseAddress()));
    enterprise::v1::ListEnterprisesRequest req;
    req.set_page_size(1000);
    enterprise::v1::ListEnterprisesResponse resp;
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kToken);
    EXPECT_TRUE(stub->ListEnterprises(&ctx, req, &resp).ok());
    return resp.enterprises_size();
  }

  TempDir dir_;
  int leads_port_ = 0;
  int enterprise_port_ = 0;
  std::unique_ptr<Subprocess> leads_;
  std::unique_ptr<Subprocess> enterprise_;
};

TEST_F(PromotionE2eTest, ALeadReachingAboveScaleBecomesAnAboveScaleEnterprise) {
  PromoteLead("亿家兴", kFirstUscc);
  auto e = WaitForAboveScale(kFirstUscc);
  ASSERT_TRUE(e.ok()) << e.status() << testing::ReadFileOrEmpty(dir_.File("enterprise.log"));
  EXPECT_TRUE(e->above_scale());
  EXPECT_EQ(FormatDate(e->above_scale_date()), "2023-12-25");
  EXPECT_EQ(e->name(), "亿家兴有限公司");
  EXPECT_EQ(CountEnterprises(), 1);
  // The follower's change is in the enterprise service's audit chain, as the follower's.
  auto stub = enterprise::v1::EnterpriseService::NewStub(MakeChannel(EnterpriseAddress()));
  audit::v1::ListAuditRecordsRequest req;
  req.set_resource("enterprises/" + e->id());
  audit::v1::ListAuditRecordsResponse audit;
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kToken);
  ASSERT_TRUE(stub->ListAuditRecords(&ctx, req, &audit).ok());
  ASSERT_GE(audit.records_size(), 1);
  EXPECT_EQ(audit.records(0).principal(), "system:leads-follower");
  EXPECT_EQ(audit.records(0).method(), "internal:PromoteLead");
}

TEST_F(PromotionE2eTest, WhileTheEnterpriseServiceIsDownThePromotionWaitsAndArrivesOnce) {
  PromoteLead("亿家兴", kFirstUscc);
  ASSERT_TRUE(WaitForAboveScale(kFirstUscc).ok());
  EXPECT_EQ(enterprise_->Terminate(), 0);
  PromoteLead("中阜食品", kSecondUscc);  // happens while enterprise_server is down
  StartEnterprise();
  auto e = WaitForAboveScale(kSecondUscc);
  ASSERT_TRUE(e.ok()) << e.status();
  absl::SleepFor(absl::Milliseconds(500));  // give a duplicate every chance to appear
  EXPECT_EQ(CountEnterprises(), 2);
  // A crash right after applying (before the cursor moved) re-delivers; nothing doubles.
  enterprise_->Kill();
  StartEnterprise();
  absl::SleepFor(absl::Milliseconds(800));
  EXPECT_EQ(CountEnterprises(), 2);
}

}  // namespace
}  // namespace gaoxin
