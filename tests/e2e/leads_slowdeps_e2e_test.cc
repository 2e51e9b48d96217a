// End-to-end: a real leads_server whose dependencies are slow or stalled rather than down (a
// loopback proxy that delays or holds their traffic, tests/support/slow_proxy.h). No call waits
// longer than its own deadline, the server keeps serving what does not need the stalled
// dependency, health says what is really unavailable, and everything works again once the
// dependency answers.
//   - Redis (the shared cache and the watch fan-out): stalled, calls still succeed in time.
//   - PostgreSQL (the .PostgreSQL variant): stalled, calls end by their deadline, health turns
//     NOT_SERVING, and back to SERVING with writes working once it answers again.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/date.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/server_under_test.h"
#include "tests/support/slow_proxy.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::leads {
namespace {

constexpr char kWriter[] = "slowdeps-writer";
constexpr char kService[] = "gaoxin.leads.v1.LeadService";

int PortOf(const std::string& address) {
  int port = 0;
  std::vector<std::string> parts = absl::StrSplit(address, ':');
  (void)absl::SimpleAtoi(parts.back(), &port);
  return port;
}

class LeadsSlowDepsE2eTest : public ::testing::Test {
 protected:
  void Serve(std::vector<std::string> extra_args) {
    server_ = std::make_unique<testing::ServerUnderTest>(
        SERVER_PATH, kService,
        std::vector<testing::TestToken>{{kWriter, "writer", "leads.writer,leads.reader"}},
        std::move(extra_args));
    ASSERT_TRUE(server_->Start()) << server_->log();
    stub_ = v1::LeadService::NewStub(server_->channel());
  }

  struct Timed {
    absl::Status status;
    absl::Duration took;
  };

  Timed Create(const std::string& name, absl::Duration deadline) {
    v1::CreateLeadRequest req;
    req.set_request_id(name);
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    req.mutable_lead()->set_source(v1::LEAD_SOURCE_CHAIN_BUREAU);
    *req.mutable_lead()->mutable_planned_investment() = Yuan(180000000);
    *req.mutable_effective_date() = MakeDate(2023, 1, 5);
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, deadline);
    v1::Lead lead;
    const absl::Time start = absl::Now();
    grpc::Status s = stub_->CreateLead(&ctx, req, &lead);
    if (s.ok()) last_id_ = lead.id();
    return {FromGrpcStatus(s), absl::Now() - start};
  }

  Timed Get(const std::string& id, absl::Duration deadline) {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kWriter, deadline);
    v1::GetLeadRequest req;
    req.set_id(id);
    v1::Lead lead;
    const absl::Time start = absl::Now();
    grpc::Status s = stub_->GetLead(&ctx, req, &lead);
    return {FromGrpcStatus(s), absl::Now() - start};
  }

  int Health() { return testing::HealthStatus(server_->address(), kService); }

  std::unique_ptr<testing::ServerUnderTest> server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
  std::string last_id_;
};

// The slack a reply may take past its deadline: the client's own timer and the loopback.
constexpr absl::Duration kSlack = absl::Milliseconds(500);

TEST_F(LeadsSlowDepsE2eTest, AStalledRedisDelaysNoCallPastItsDeadline) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::SlowProxy proxy(PortOf(redis.address()));
  ASSERT_GT(proxy.port(), 0);
  ASSERT_NO_FATAL_FAILURE(Serve({absl::StrCat("--redis=127.0.0.1:", proxy.port())}));
  ASSERT_TRUE(Create("before", absl::Seconds(10)).status.ok());
  const std::string id = last_id_;

  // Slow first, then not answering at all.
  for (absl::Duration delay : {absl::Milliseconds(150), absl::ZeroDuration()}) {
    if (delay > absl::ZeroDuration()) {
      proxy.SetDelay(delay);
    } else {
      proxy.SetDelay(absl::ZeroDuration());
      proxy.Stall(true);
    }
    for (int i = 0; i < 5; ++i) {
      const absl::Duration deadline = absl::Seconds(3);
      Timed created =
          Create(absl::StrCat("during-", absl::ToInt64Milliseconds(delay), "-", i), deadline);
      EXPECT_TRUE(created.status.ok()) << created.status;
      EXPECT_LT(created.took, deadline + kSlack);
      Timed got = Get(id, deadline);
      EXPECT_TRUE(got.status.ok()) << got.status;
      EXPECT_LT(got.took, deadline + kSlack);
    }
    // Redis is a cache and a fan-out here, not the store: the service is still serving.
    EXPECT_EQ(Health(), testing::kHealthServing);
  }
  // The stall was real: the server gave up on Redis (log lines are flushed in the background).
  bool noticed = false;
  for (int i = 0; i < 50 && !noticed; ++i) {
    noticed = absl::StrContains(server_->log(), "\"event\":\"redis_down\"");
    if (!noticed) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(noticed) << "the server never found Redis unresponsive: the proxy was not in the way";
  proxy.Stall(false);
  EXPECT_TRUE(Create("after", absl::Seconds(10)).status.ok());
}

TEST_F(LeadsSlowDepsE2eTest, AStalledPostgresEndsCallsByTheirDeadlineAndHealthSaysSo) {
  if (testing::BackendFromEnvironment() != testing::Backend::kPostgres) {
    GTEST_SKIP() << "runs in the .PostgreSQL variant";
  }
  testing::PostgresServer& pg = testing::PostgresServer::Shared();
  ASSERT_TRUE(pg.ok()) << pg.error();
  testing::SlowProxy proxy(pg.port());
  ASSERT_GT(proxy.port(), 0);
  // The store's own bound on a wait: statement timeout (3 s) + 5 s.
  ASSERT_NO_FATAL_FAILURE(Serve({
      absl::StrCat("--db=postgresql://gaoxin_test@127.0.0.1:", proxy.port(), "/gaoxin_test"),
      "--db_password_file=" + pg.password_file(),
      "--db_schema=" + pg.NewSchema(),
      "--db_statement_timeout_ms=3000",
  }));
  ASSERT_TRUE(Create("before", absl::Seconds(10)).status.ok());
  const std::string id = last_id_;
  ASSERT_TRUE(Get(id, absl::Seconds(10)).status.ok());

  proxy.Stall(true);
  // Health first, before any call can use up the reader connections: the health check's own
  // question to a server that never answers must end (it used to wait forever on a pooled
  // connection, and health stayed SERVING).
  EXPECT_TRUE(testing::WaitForHealth(server_->address(), kService, testing::kHealthNotServing,
                                     absl::Seconds(10)))
      << "health still SERVING with the database stalled";
  const absl::Duration deadline = absl::Seconds(2);
  for (int i = 0; i < 3; ++i) {
    Timed got = Get(id, deadline);
    EXPECT_FALSE(got.status.ok());
    EXPECT_LT(got.took, deadline + kSlack) << got.status;
    Timed created = Create(absl::StrCat("stalled-", i), deadline);
    EXPECT_LT(created.took, deadline + kSlack) << created.status;
  }
  // More reads than the server has reader connections: none waits on a thread held by an
  // earlier one past its own deadline.
  for (int i = 0; i < 12; ++i) {
    Timed got = Get(id, absl::Seconds(1));
    EXPECT_LT(got.took, absl::Seconds(1) + kSlack) << got.status;
  }
  EXPECT_EQ(Health(), testing::kHealthNotServing);

  proxy.Stall(false);
  EXPECT_TRUE(testing::WaitForHealth(server_->address(), kService, testing::kHealthServing,
                                     absl::Seconds(15)))
      << "health did not come back";
  // The writer may have been waiting on the stalled connection (at most the store's bound);
  // writes work again after it.
  absl::Status after;
  const absl::Time until = absl::Now() + absl::Seconds(20);
  for (int i = 0; absl::Now() < until; ++i) {
    after = Create(absl::StrCat("after-", i), absl::Seconds(5)).status;
    if (after.ok()) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(after.ok()) << after;
  EXPECT_TRUE(Get(id, absl::Seconds(5)).status.ok());
}

}  // namespace
}  // namespace gaoxin::leads
