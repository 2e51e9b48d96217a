// End-to-end: a real leads_server whose store's disk fills up under concurrent writers (a
// size-limited tmpfs of the test's own, tests/support/small_disk.h). Every reply is truthful: an
// OK create is on disk and survives a kill -9 and restart, a refused one (RESOURCE_EXHAUSTED or
// UNAVAILABLE, with a message that says why) is not there and can be retried with its request_id
// later without duplicating; reads are served while the disk is full; writes resume by
// themselves once space is freed.
//
// On PostgreSQL (the .PostgreSQL variant) the test runs a PostgreSQL cluster of its own on the
// small disk (1 MB WAL segments, so it fits). There the database server, not the service, meets
// the full disk: a table that cannot grow fails the statement (SQLSTATE 53100, answered
// RESOURCE_EXHAUSTED STORAGE_FULL), and WAL that cannot be written makes PostgreSQL stop itself
// (its crash recovery needs disk too). The operator then frees space and starts PostgreSQL
// again; the service must take writes again by itself, without a restart. A refusal for a lost
// connection is UNAVAILABLE and may hide a commit that did happen (no reply to COMMIT): a client
// retries it with its request_id, and the test checks that doing so leaves each create stored
// exactly once.
#include <atomic>
#include <iostream>
#include <map>
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
#include "tests/support/postgres_server.h"
#include "tests/support/server_under_test.h"
#include "tests/support/small_disk.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::leads {
namespace {

constexpr char kWriter[] = "diskfull-writer";

class LeadsDiskFullE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    on_postgres_ = testing::BackendFromEnvironment() == testing::Backend::kPostgres;
    // PostgreSQL's own files take about 30 MB before the first lead.
    disk_ = std::make_unique<testing::SmallDisk>(on_postgres_ ? (96 << 20) : (8 << 20));
    ASSERT_TRUE(disk_->ok()) << disk_->error();
    std::vector<std::string> store_flags = {absl::StrCat("--db=", disk_->File("leads.db"))};
    if (on_postgres_) {
      pg_ = std::make_unique<testing::PostgresServer>(disk_->path(),
                                                      std::vector<std::string>{"--wal-segsize=1"});
      ASSERT_TRUE(pg_->ok()) << pg_->error();
      ASSERT_TRUE(pg_->Start()) << pg_->error();
      store_flags = {"--db=" + pg_->uri(), "--db_password_file=" + pg_->password_file()};
    }
    server_ = std::make_unique<testing::ServerUnderTest>(
        SERVER_PATH, "gaoxin.leads.v1.LeadService",
        std::vector<testing::TestToken>{{kWriter, "writer", "leads.writer,leads.reader"}},
        store_flags);
    ASSERT_TRUE(server_->Start()) << server_->log();
    stub_ = v1::LeadService::NewStub(server_->channel());
  }

  void TearDown() override {
    // The service first, then its database, then the disk under it.
    server_.reset();
    pg_.reset();
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

  // Every lead's name, through every page, with how often it is stored.
  std::map<std::string, int> StoredNames() {
    std::map<std::string, int> names;
    v1::ListLeadsRequest req;
    req.set_page_size(1000);
    while (true) {
      grpc::ClientContext ctx;
      PrepareContext(&ctx, kWriter, absl::Seconds(20));
      v1::ListLeadsResponse resp;
      grpc::Status s = stub_->ListLeads(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& lead : resp.leads()) ++names[lead.name()];
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return names;
  }

  bool on_postgres_ = false;
  std::unique_ptr<testing::SmallDisk> disk_;
  std::unique_ptr<testing::PostgresServer> pg_;  // on PostgreSQL: the cluster on disk_
  std::unique_ptr<testing::ServerUnderTest> server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
};

TEST_F(LeadsDiskFullE2eTest, RepliesStayTruthfulThroughAFullDiskAndWritesResumeOnceFreed) {
  auto first = Create(stub_.get(), "first");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(disk_->Fill(on_postgres_ ? (2 << 20) : (1 << 20)))
      << disk_->free_bytes() << " bytes still free";

  constexpr int kWriters = 16;
  absl::Mutex mu;
  std::set<std::string> acknowledged;  // OK replies
  std::set<std::string> refused;       // RESOURCE_EXHAUSTED / UNAVAILABLE replies
  std::set<std::string> exhausted;     // of those, RESOURCE_EXHAUSTED: certainly not stored
  std::vector<std::string> unexpected;
  std::atomic<int> refusals{0};
  std::atomic<bool> database_stopped{false};  // an UNAVAILABLE refusal: the store is unreachable
  int said_full = 0;                          // refusals whose message says the disk is full
  const absl::Time started = absl::Now();
  const absl::Time give_up = started + absl::Seconds(60);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::LeadService::NewStub(server_->channel());
      // Each writer goes on until the disk has refused it a few times; on PostgreSQL until the
      // database has stopped itself too (failed writes still write WAL, which fills the rest).
      int mine_refused = 0;
      auto done = [&] { return mine_refused >= 3 && (!on_postgres_ || database_stopped.load()); };
      for (int i = 0; !done() && absl::Now() < give_up; ++i) {
        const std::string name = absl::StrCat("w", w, "-", i);
        auto lead = Create(stub.get(), name);
        absl::MutexLock lock(&mu);
        if (lead.ok()) {
          acknowledged.insert(name);
        } else if (lead.status().code() == absl::StatusCode::kResourceExhausted ||
                   lead.status().code() == absl::StatusCode::kUnavailable) {
          refused.insert(name);
          if (lead.status().code() == absl::StatusCode::kResourceExhausted) exhausted.insert(name);
          if (absl::StrContains(lead.status().message(), "full")) ++said_full;
          ++mine_refused;
          refusals.fetch_add(1);
          if (lead.status().code() == absl::StatusCode::kUnavailable) database_stopped = true;
        } else {
          unexpected.push_back(absl::StrCat(name, ": ", lead.status().ToString()));
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  std::cout << "writers done after " << absl::Now() - started << "\n";
  std::cout << acknowledged.size() << " creates acknowledged and " << refused.size()
            << " refused before every writer was refused 3 times\n";
  for (const auto& u : unexpected) ADD_FAILURE() << "neither OK nor a clear refusal: " << u;
  EXPECT_GT(said_full, 0) << "no refusal said why";
  ASSERT_GE(refusals.load(), kWriters)
      << "the disk never filled: " << acknowledged.size() << " creates acknowledged";
  if (on_postgres_) {
    EXPECT_TRUE(database_stopped.load()) << "PostgreSQL kept running on a full disk for 60 s";
  }

  // Reads are served while the disk is full. On PostgreSQL the database may have stopped itself
  // (WAL it could not write): then health must say so within its ping interval, unless
  // PostgreSQL's own crash recovery brought it back first (reads work again).
  auto read_first = [&] {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, absl::Seconds(5));
    v1::GetLeadRequest req;
    req.set_id(first->id());
    v1::Lead got;
    return stub_->GetLead(&ctx, req, &got);
  };
  if (grpc::Status s = read_first(); on_postgres_ && !s.ok()) {
    std::cout << "PostgreSQL no longer answers: " << s.error_message() << "\n";
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
    bool not_serving = false;
    bool readable = false;
    for (const absl::Time until = absl::Now() + absl::Seconds(5);
         !not_serving && !readable && absl::Now() < until;) {
      not_serving = testing::HealthStatus(server_->address(), "gaoxin.leads.v1.LeadService") ==
                    testing::kHealthNotServing;
      readable = !not_serving && read_first().ok();
      if (!not_serving && !readable) absl::SleepFor(absl::Milliseconds(100));
    }
    std::cout << (not_serving ? "health NOT_SERVING"
                  : readable  ? "PostgreSQL recovered by itself"
                              : "health SERVING, reads failing")
              << "\n";
    EXPECT_TRUE(not_serving || readable) << "health SERVING while the store cannot be read";
  } else {
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(server_->Healthy());
  }

  // Space freed: writes resume by themselves, without a restart of the service. On PostgreSQL
  // the operator restarts the database, as after any stop of its own.
  disk_->Free();
  if (on_postgres_) {
    pg_->Stop();
    ASSERT_TRUE(pg_->Start()) << pg_->error() << "\n" << pg_->log();
  }
  absl::Status resumed;
  const absl::Time until = absl::Now() + absl::Seconds(on_postgres_ ? 30 : 15);
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
  const absl::Duration failing = absl::Now() - started;
  std::cout << "writes resumed after " << failing << "\n";

  // Thousands of batches failed; the log says so about once a second, not once a batch (the
  // log is often on the same full disk). Read after the writer's flush interval (200 ms).
  absl::SleepFor(absl::Milliseconds(500));
  const std::string log = server_->log();
  int commit_failed_lines = 0;
  for (size_t at = log.find("\"db_commit_failed\""); at != std::string::npos;
       at = log.find("\"db_commit_failed\"", at + 1)) {
    ++commit_failed_lines;
  }
  EXPECT_GT(commit_failed_lines, 0) << "the failed commits were not logged";
  EXPECT_LE(commit_failed_lines, absl::ToInt64Seconds(failing) + 2)
      << "a line per failed batch, over " << failing;

  // A crash, and a restart on the same disk: everything acknowledged is there, nothing refused.
  server_->Kill();
  ASSERT_TRUE(server_->Start()) << server_->log();
  stub_ = v1::LeadService::NewStub(server_->channel());
  std::map<std::string, int> stored = StoredNames();
  int lost = 0;
  for (const auto& name : acknowledged) {
    if (stored.count(name) == 0 && ++lost <= 10) ADD_FAILURE() << "acknowledged, lost: " << name;
  }
  EXPECT_EQ(lost, 0) << "of " << acknowledged.size() << " acknowledged";
  // SQLite answers every write for certain; PostgreSQL's lost connections are UNAVAILABLE, whose
  // commit may have happened: only its RESOURCE_EXHAUSTED refusals are certain.
  const std::set<std::string>& certainly_not_stored = on_postgres_ ? exhausted : refused;
  int phantom = 0;
  for (const auto& name : certainly_not_stored) {
    if (stored.count(name) > 0 && ++phantom <= 10) ADD_FAILURE() << "refused, stored: " << name;
  }
  EXPECT_EQ(phantom, 0) << "of " << certainly_not_stored.size() << " refused";
  for (const auto& [name, times] : stored) EXPECT_EQ(times, 1) << name << " stored twice";

  // A refused create retried with its request_id now creates it once.
  ASSERT_FALSE(certainly_not_stored.empty()) << "no refusal said RESOURCE_EXHAUSTED";
  const std::string retried = *certainly_not_stored.begin();
  auto again = Create(stub_.get(), retried);
  ASSERT_TRUE(again.ok()) << again.status();
  auto replay = Create(stub_.get(), retried);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(again->id(), replay->id());

  // The refusals that may hide a commit (UNAVAILABLE), and a sample of the rest, retried with
  // their request_id as the contract tells a client to: each create is then stored exactly once,
  // whether or not its first attempt had committed.
  std::vector<std::string> retry;
  for (const auto& name : refused) {
    if (exhausted.count(name) == 0 || retry.size() < 20) retry.push_back(name);
  }
  int committed_anyway = 0;
  for (const auto& name : retry) {
    if (stored.count(name) > 0) ++committed_anyway;
    auto lead = Create(stub_.get(), name);
    EXPECT_TRUE(lead.ok()) << name << ": " << lead.status();
  }
  std::cout << committed_anyway << " of " << retry.size()
            << " refused creates retried had committed (found on retry)\n";
  stored = StoredNames();
  for (const auto& name : retry) EXPECT_EQ(stored[name], 1) << name;
  for (const auto& name : acknowledged) EXPECT_EQ(stored[name], 1) << name;
}

}  // namespace
}  // namespace gaoxin::leads
