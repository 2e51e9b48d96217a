// End-to-end: a real leads_server whose store's disk fills up under concurrent writers (a
// size-limited tmpfs of the test's own, tests/support/small_disk.h). Every reply is truthful: an
// OK create is on disk and survives a kill -9 and restart, a refused one (RESOURCE_EXHAUSTED or
// UNAVAILABLE, with a message that says why) is not there and can be retried with its request_id
// later without duplicating; reads are served while the disk is full; writes resume by
// themselves once space is freed.
//
// On PostgreSQL (the .PostgreSQL variant) the SQLite disk is not what fills up; that variant is
// skipped, and says so.
#include <atomic>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/date.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/server_under_test.h"
#include "tests/support/small_disk.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::leads {
namespace {

constexpr char kWriter[] = "diskfull-writer";

class LeadsDiskFullE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::BackendFromEnvironment() == testing::Backend::kPostgres) {
      GTEST_SKIP() << "the SQLite store's disk: not this variant's store";
    }
    ASSERT_TRUE(disk_.ok()) << disk_.error();
    server_ = std::make_unique<testing::ServerUnderTest>(
        SERVER_PATH, "gaoxin.leads.v1.LeadService",
        std::vector<testing::TestToken>{{kWriter, "writer", "leads.writer,leads.reader"}},
        std::vector<std::string>{absl::StrCat("--db=", disk_.File("leads.db"))});
    ASSERT_TRUE(server_->Start()) << server_->log();
    stub_ = v1::LeadService::NewStub(server_->channel());
  }

  static v1::CreateLeadRequest Request(const std::string& name) {
    v1::CreateLeadRequest req;
    req.set_request_id(name);
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    req.mutable_lead()->set_source(v1::LEAD_SOURCE_CHAIN_BUREAU);
    *req.mutable_lead()->mutable_planned_investment() = Yuan(180000000);
    *req.mutable_effective_date() = MakeDate(2023, 1, 5);
    return req;
  }

  absl::StatusOr<v1::Lead> Create(v1::LeadService::Stub* stub, const std::string& name) {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::Lead lead;
    grpc::Status s = stub->CreateLead(&ctx, Request(name), &lead);
    if (!s.ok()) return FromGrpcStatus(s);
    return lead;
  }

  // Every lead's name, through every page.
  std::set<std::string> StoredNames() {
    std::set<std::string> names;
    v1::ListLeadsRequest req;
    req.set_page_size(1000);
    while (true) {
      grpc::ClientContext ctx;
      PrepareContext(&ctx, kWriter, absl::Seconds(20));
      v1::ListLeadsResponse resp;
      grpc::Status s = stub_->ListLeads(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& lead : resp.leads()) names.insert(lead.name());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return names;
  }

  testing::SmallDisk disk_{8 << 20};
  std::unique_ptr<testing::ServerUnderTest> server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
};

TEST_F(LeadsDiskFullE2eTest, RepliesStayTruthfulThroughAFullDiskAndWritesResumeOnceFreed) {
  auto first = Create(stub_.get(), "first");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(disk_.Fill(1 << 20)) << disk_.free_bytes() << " bytes still free";

  constexpr int kWriters = 16;
  absl::Mutex mu;
  std::set<std::string> acknowledged;  // OK replies
  std::set<std::string> refused;       // RESOURCE_EXHAUSTED / UNAVAILABLE replies
  std::vector<std::string> unexpected;
  std::atomic<int> refusals{0};
  int said_full = 0;  // refusals whose message says the disk is full
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::LeadService::NewStub(server_->channel());
      // Each writer goes on until the disk has refused it a few times.
      int mine_refused = 0;
      for (int i = 0; mine_refused < 3 && absl::Now() < give_up; ++i) {
        const std::string name = absl::StrCat("w", w, "-", i);
        auto lead = Create(stub.get(), name);
        absl::MutexLock lock(&mu);
        if (lead.ok()) {
          acknowledged.insert(name);
        } else if (lead.status().code() == absl::StatusCode::kResourceExhausted ||
                   lead.status().code() == absl::StatusCode::kUnavailable) {
          refused.insert(name);
          if (absl::StrContains(lead.status().message(), "full")) ++said_full;
          ++mine_refused;
          refusals.fetch_add(1);
        } else {
          unexpected.push_back(absl::StrCat(name, ": ", lead.status().ToString()));
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  std::cout << acknowledged.size() << " creates acknowledged and " << refused.size()
            << " refused before every writer was refused 3 times\n";
  for (const auto& u : unexpected) ADD_FAILURE() << "neither OK nor a clear refusal: " << u;
  EXPECT_GT(said_full, 0) << "no refusal said why";
  ASSERT_GE(refusals.load(), kWriters)
      << "the disk never filled: " << acknowledged.size() << " creates acknowledged";

  // Reads are served while the disk is full.
  {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(10));
    v1::GetLeadRequest req;
    req.set_id(first->id());
    v1::Lead got;
    grpc::Status s = stub_->GetLead(&ctx, req, &got);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(server_->Healthy());
  }

  // Space freed: writes resume by themselves, without a restart.
  disk_.Free();
  absl::Status resumed;
  const absl::Time until = absl::Now() + absl::Seconds(15);
  for (int i = 0; absl::Now() < until; ++i) {
    auto lead = Create(stub_.get(), absl::StrCat("after-", i));
    resumed = lead.status();
    if (lead.ok()) {
      acknowledged.insert(absl::StrCat("after-", i));
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(resumed.ok()) << "writes did not resume after space was freed: " << resumed;

  // A crash, and a restart on the same disk: everything acknowledged is there, nothing refused.
  server_->Kill();
  ASSERT_TRUE(server_->Start()) << server_->log();
  stub_ = v1::LeadService::NewStub(server_->channel());
  const std::set<std::string> stored = StoredNames();
  int lost = 0;
  for (const auto& name : acknowledged) {
    if (stored.count(name) == 0 && ++lost <= 10) ADD_FAILURE() << "acknowledged, lost: " << name;
  }
  EXPECT_EQ(lost, 0) << "of " << acknowledged.size() << " acknowledged";
  int phantom = 0;
  for (const auto& name : refused) {
    if (stored.count(name) > 0 && ++phantom <= 10) ADD_FAILURE() << "refused, stored: " << name;
  }
  EXPECT_EQ(phantom, 0) << "of " << refused.size() << " refused";

  // A refused create retried with its request_id now creates it once.
  const std::string retried = *refused.begin();
  auto again = Create(stub_.get(), retried);
  ASSERT_TRUE(again.ok()) << again.status();
  auto replay = Create(stub_.get(), retried);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(again->id(), replay->id());
}

}  // namespace
}  // namespace gaoxin::leads
