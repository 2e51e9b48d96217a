// End-to-end: a real enterprise_server past --max_in_flight_calls. Calls held open by clients (an
// import nobody finishes) fill every slot; the next call is refused at once with
// RESOURCE_EXHAUSTED, reason TOO_MANY_CALLS and a RetryInfo hint, nothing of it is done, health
// and watch streams are not held up, and the service takes calls again the moment a slot frees.
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/enterprise_fixture.h"
#include "tests/support/server_under_test.h"

namespace gaoxin::enterprise {
namespace {

namespace ef = testing::enterprise_fixture;

constexpr char kWriter[] = "overload-writer";
constexpr int kMaxInFlight = 3;

// An import held open: its call occupies a slot until Close.
struct HeldImport {
  grpc::ClientContext ctx;
  v1::ImportMonthlyReportsResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportMonthlyReportsRequest>> writer;

  void Close() {
    writer->WritesDone();
    (void)writer->Finish();
  }
};

class EnterpriseOverloadE2eTest : public ::testing::Test {
 protected:
  EnterpriseOverloadE2eTest()
      : server_(SERVER_PATH, "gaoxin.enterprise.v1.EnterpriseService",
                {{kWriter, "writer", "enterprise.writer,enterprise.reader"}},
                {absl::StrCat("--max_in_flight_calls=", kMaxInFlight)}) {}
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << server_.log();
    stub_ = v1::EnterpriseService::NewStub(server_.channel());
  }

  absl::Status Create(int n, v1::Enterprise* out = nullptr) {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::CreateEnterpriseRequest req;
    req.mutable_enterprise()->set_uscc(ef::Uscc(n));
    req.mutable_enterprise()->set_name(absl::StrCat("阜新测试企业", n, "有限公司"));
    req.mutable_enterprise()->set_industry_chain(
        common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING);
    v1::Enterprise resp;
    absl::Status s = FromGrpcStatus(stub_->CreateEnterprise(&ctx, req, &resp));
    if (out != nullptr) *out = resp;
    return s;
  }

  int Count() {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::ListEnterprisesRequest req;
    req.set_page_size(1000);
    v1::ListEnterprisesResponse resp;
    EXPECT_TRUE(stub_->ListEnterprises(&ctx, req, &resp).ok());
    return resp.enterprises_size();
  }

  std::unique_ptr<HeldImport> Hold() {
    auto held = std::make_unique<HeldImport>();
    PrepareContext(&held->ctx, kWriter, absl::Seconds(60));
    held->writer = stub_->ImportMonthlyReports(&held->ctx, &held->response);
    return held;
  }

  testing::ServerUnderTest server_;
  std::unique_ptr<v1::EnterpriseService::Stub> stub_;
};

TEST_F(EnterpriseOverloadE2eTest, PastTheLimitCallsAreRefusedAtOnceAndServedAgainAfter) {
  {
    absl::Status created = Create(1);
    ASSERT_TRUE(created.ok()) << created;
  }
  // A call keeps its slot until the server has destroyed it, a moment after the reply: give the
  // create's back before the holds arrive, or the last hold would be the one refused.
  absl::SleepFor(absl::Milliseconds(500));
  std::vector<std::unique_ptr<HeldImport>> held;
  for (int i = 0; i < kMaxInFlight; ++i) {
    held.push_back(Hold());
    absl::SleepFor(absl::Milliseconds(100));
  }

  // The held calls reach the server asynchronously. Probing while they travel could take the slot
  // one of them needs (and get it refused instead), so let them arrive first, then wait until
  // they fill the server.
  absl::SleepFor(absl::Seconds(1));
  absl::Status refused;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  int n = 100;
  while (absl::Now() < give_up) {
    refused = Create(n);
    if (refused.code() == absl::StatusCode::kResourceExhausted) break;
    ASSERT_TRUE(refused.ok()) << refused;
    ++n;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_EQ(ErrorReason(refused), "TOO_MANY_CALLS") << refused;
  auto delay = RetryDelayOf(refused);
  ASSERT_TRUE(delay.has_value()) << "no RetryInfo in " << refused;
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Seconds(5));

  // Refusals are immediate, not queued behind the held calls.
  const absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) {
    absl::Status s = Create(1000 + i);
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_TRUE(server_.Healthy()) << "health is not a call the limit may refuse";

  // Server streams are not counted: a dashboard can still subscribe.
  {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(2));
    v1::WatchEnterprisesRequest req;
    auto reader = stub_->WatchEnterprises(&ctx, req);
    v1::WatchEnterprisesResponse msg;
    while (reader->Read(&msg)) {
    }
    grpc::Status s = reader->Finish();
    EXPECT_NE(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  }

  for (auto& h : held) h->Close();
  held.clear();
  // Free again at once: the first call after the burst succeeds (allowing the slots a moment to
  // be given back as the closed calls are destroyed).
  absl::Status after;
  const absl::Time until = absl::Now() + absl::Seconds(5);
  do {
    after = Create(5000);
    if (after.ok()) break;
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < until);
  EXPECT_TRUE(after.ok()) << after;
  // Nothing refused was stored: enterprise 1, the probes that passed before the limit filled
  // (100 .. n-1), and 5000.
  EXPECT_EQ(Count(), 1 + (n - 100) + 1);
}

}  // namespace
}  // namespace gaoxin::enterprise
