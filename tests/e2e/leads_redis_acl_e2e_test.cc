// End-to-end: the real leads_server with a Redis that has the deployments' ACL users
// (deploy/redis/make-acl.sh). With its password (--redis_user, --redis_password_file) the server
// uses Redis as user leads; with another user's password it serves exactly the same answers
// without Redis and logs the refused AUTH once per connection, not per call; with an unreadable
// password file it does not start.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/date.h"
#include "common/money.h"
#include "common/redis/redis_client.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/redis_acl.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::leads {
namespace {

using testing::RedisServer;
using testing::Subprocess;
using testing::TempDir;

constexpr char kService[] = "gaoxin.leads.v1.LeadService";
constexpr char kToken[] = "writer-token-1";
constexpr char kStream[] = "gaoxin:events:leads";  // common/watch/watch_flags.cc

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

class LeadsRedisAclE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(acl_.ok()) << acl_.error();
    ASSERT_TRUE(redis_.Start());
    testing::WriteTokensFile(dir_.File("tokens"),
                             {{kToken, "writer", "leads.writer,leads.reader"}});
    port_ = testing::FreePort();
  }

  std::vector<std::string> Argv(const std::string& password_file) {
    return testing::WithStore(
        {SERVER_PATH, absl::StrCat("--listen=", address()), "--redis=" + redis_.address(),
         "--redis_user=leads", "--redis_password_file=" + password_file,
         "--tokens_file=" + dir_.File("tokens"), "--shutdown_grace_ms=2000"},
        dir_, "leads");
  }

  void Start(const std::string& password_file) {
    ASSERT_TRUE(testing::StartServing(&server_, Argv(password_file), dir_.File("server.log"),
                                      address(), kService));
    stub_ = v1::LeadService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  // Creates a lead and reads the year's summary `reads` times; every call must succeed.
  void Work(int reads) {
    v1::CreateLeadRequest create;
    create.mutable_lead()->set_name(absl::StrCat("项目", ++created_));
    create.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    create.mutable_lead()->set_source(v1::LEAD_SOURCE_CHAIN_BUREAU);
    *create.mutable_lead()->mutable_planned_investment() = Yuan(180000000);
    *create.mutable_effective_date() = MakeDate(2023, 1, 5);
    v1::Lead lead;
    grpc::Status s =
        stub_->CreateLead(testing::TokenContext(kToken, absl::Seconds(10)).get(), create, &lead);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::GetYearSummaryRequest req;
    req.set_year(2023);
    std::string first;
    for (int i = 0; i < reads; ++i) {
      v1::YearSummary summary;
      s = stub_->GetYearSummary(testing::TokenContext(kToken, absl::Seconds(10)).get(), req,
                                &summary);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(summary.year(), 2023);
      if (i == 0) first = summary.SerializeAsString();
      EXPECT_EQ(summary.SerializeAsString(), first);  // cached or not, the same answer
    }
  }

  // Entries of the change feed's stream, read as user leads.
  int64_t StreamEntries() {
    redis::RedisOptions o;
    o.address = redis_.address();
    o.user = "leads";
    o.password = acl_.password("leads");
    redis::RedisClient client(o);
    auto reply = client.Command({"XLEN", kStream});  // not one of leads' commands
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kPermissionDenied) << reply.status();
    auto read = client.Command({"XREAD", "COUNT", "1000", "STREAMS", kStream, "0"});
    EXPECT_TRUE(read.ok()) << read.status();
    if (!read.ok() || read->type != redis::Reply::Type::kArray || read->elements.empty()) return 0;
    return static_cast<int64_t>(read->elements[0].elements[1].elements.size());
  }

  TempDir dir_;
  testing::RedisAcl acl_{dir_};
  RedisServer redis_{acl_.server_args()};
  int port_ = 0;
  int created_ = 0;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
};

TEST_F(LeadsRedisAclE2eTest, WithItsPasswordTheServerUsesRedisAsUserLeads) {
  ASSERT_NO_FATAL_FAILURE(Start(acl_.password_file("leads")));
  for (int i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(Work(2));
  // Each commit was announced on the stream (XADD as user leads).
  for (int i = 0; i < 50 && StreamEntries() < 3; ++i) absl::SleepFor(absl::Milliseconds(100));
  EXPECT_GE(StreamEntries(), 3);
  EXPECT_EQ(server_->Terminate(), 0);
  const std::string log = testing::ReadFileOrEmpty(dir_.File("server.log"));
  EXPECT_EQ(Count(log, "\"redis_auth_failed\""), 0) << log;
  EXPECT_EQ(Count(log, "\"redis_denied\""), 0) << log;
}

TEST_F(LeadsRedisAclE2eTest, WithAnotherUsersPasswordItServesWithoutRedisAndLogsOnce) {
  ASSERT_NO_FATAL_FAILURE(Start(acl_.password_file("enterprise")));
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(Work(10));
  absl::SleepFor(absl::Milliseconds(1200));  // past a reconnect back-off: AUTH is tried again
  ASSERT_NO_FATAL_FAILURE(Work(10));
  EXPECT_EQ(StreamEntries(), 0);  // nothing reached Redis
  EXPECT_EQ(server_->Terminate(), 0);
  const std::string log = testing::ReadFileOrEmpty(dir_.File("server.log"));
  // Once per connection (the cache, the feed's publisher and its listener), not per call.
  const int logged = Count(log, "\"redis_auth_failed\"");
  EXPECT_GE(logged, 1) << log;
  EXPECT_LE(logged, 3) << log;
  EXPECT_NE(log.find("WRONGPASS"), std::string::npos) << log;
  EXPECT_EQ(log.find(acl_.password("enterprise")), std::string::npos) << "password in the log";
}

TEST_F(LeadsRedisAclE2eTest, AnUnreadablePasswordFileStopsStartUp) {
  Subprocess server(Argv(dir_.File("no-such-file")), dir_.File("server.log"));
  EXPECT_EQ(server.Wait(absl::Seconds(15)), 1);
  const std::string log = testing::ReadFileOrEmpty(dir_.File("server.log"));
  EXPECT_NE(log.find("startup_failed"), std::string::npos) << log;
  EXPECT_NE(log.find("redis_password_file"), std::string::npos) << log;
}

}  // namespace
}  // namespace gaoxin::leads
