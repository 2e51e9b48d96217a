// End-to-end: the tamper-evident write audit of the real leads_server over mutual TLS. Each
// accepted write leaves one record with the authenticated principal (a client-named actor only
// as on_behalf_of); rejected writes leave none; ListAuditRecords is for auditors, with checked
// filters; `gaoxinctl audit verify leads` passes on the chain and names the first record edited
// or deleted in the stopped server's store; with a retention the server prunes old records,
// verify starts from the retention anchor, and an anchor moved in the store is named.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/date.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/audit_fixture.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::leads {
namespace {

namespace af = testing::audit_fixture;
using audit::v1::ListAuditRecordsRequest;
using audit::v1::ListAuditRecordsResponse;

constexpr char kService[] = "gaoxin.leads.v1.LeadService";
constexpr char kWriterToken[] = "audit-writer-token";
constexpr char kReaderToken[] = "audit-reader-token";
constexpr char kAuditorToken[] = "audit-auditor-token";
constexpr char kPrefix[] = "/gaoxin.leads.v1.LeadService/";

class LeadsAuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteTokensFile(dir_.File("tokens"),
                             {{kWriterToken, "writer", "leads.writer,leads.reader"},
                              {kReaderToken, "reader", "leads.reader"},
                              {kAuditorToken, "inspector", "auditor"}});
    port_ = testing::FreePort();
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  void StartServer(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> flags = {SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_),
                                      "--tokens_file=" + dir_.File("tokens"),
                                      "--shutdown_grace_ms=3000"};
    flags.insert(flags.end(), extra.begin(), extra.end());
    const std::vector<std::string> argv = testing::WithStore(flags, dir_, "leads");
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), kService));
    stub_ = v1::LeadService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  absl::StatusOr<v1::Lead> Create(const std::string& name, const std::string& request_id = "") {
    v1::CreateLeadRequest req;
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    *req.mutable_effective_date() = MakeDate(2023, 1, 5);
    req.set_request_id(request_id);
    v1::Lead lead;
    grpc::Status s =
        stub_->CreateLead(testing::TokenContext(kWriterToken, absl::Seconds(10)).get(), req, &lead);
    if (!s.ok()) return FromGrpcStatus(s);
    return lead;
  }

  grpc::Status Transition(const v1::TransitionLeadRequest& req, v1::Lead* out = nullptr) {
    v1::Lead lead;
    return stub_->TransitionLead(testing::TokenContext(kWriterToken, absl::Seconds(10)).get(), req,
                                 out != nullptr ? out : &lead);
  }

  grpc::Status List(const ListAuditRecordsRequest& req, ListAuditRecordsResponse* resp,
                    const std::string& token = kAuditorToken) {
    return stub_->ListAuditRecords(testing::TokenContext(token, absl::Seconds(10)).get(), req,
                                   resp);
  }

  std::vector<audit::v1::AuditRecord> All(ListAuditRecordsRequest req = {}) {
    std::vector<audit::v1::AuditRecord> out;
    req.set_page_size(2);  // several pages, so paging is exercised too
    do {
      ListAuditRecordsResponse resp;
      grpc::Status s = List(req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      out.insert(out.end(), resp.records().begin(), resp.records().end());
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return out;
  }

  af::CtlResult Verify() {
    return af::VerifyChain(dir_, "leads", "--leads_addr=" + address(),
                           testing::AuditKeyFile(dir_, "leads"), kAuditorToken);
  }

  testing::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<testing::Subprocess> server_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
};

TEST_F(LeadsAuditE2eTest, AcceptedWritesAreAuditedAsTheAuthenticatedCaller) {
  const absl::Time start = absl::Now() - absl::Seconds(1);
  auto lead = Create("审计项目", "req-audit-1");
  ASSERT_TRUE(lead.ok()) << lead.status();
  auto records = All();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].sequence(), 1);
  EXPECT_EQ(records[0].kind(), audit::v1::AUDIT_KIND_WRITE);
  EXPECT_EQ(records[0].principal(), "writer");
  EXPECT_EQ(records[0].on_behalf_of(), "");
  EXPECT_EQ(records[0].method(), absl::StrCat(kPrefix, "CreateLead"));
  EXPECT_EQ(records[0].resource(), "leads/" + lead->id());
  EXPECT_EQ(records[0].request_id(), "req-audit-1");
  EXPECT_EQ(records[0].etag_before(), "");
  EXPECT_EQ(records[0].etag_after(), lead->etag());
  EXPECT_EQ(records[0].mac().size(), 32u);
  EXPECT_GE(absl::FromUnixSeconds(records[0].time().seconds()), start);
  bool named = false;
  for (const auto& c : records[0].changes())
    named = named || (c.path() == "name" && c.after() == "审计项目");
  EXPECT_TRUE(named);
  // A retry with the same request_id returns the original and writes nothing.
  ASSERT_TRUE(Create("审计项目", "req-audit-1").ok());
  EXPECT_EQ(All().size(), 1u);

  // A client-named actor is kept as on_behalf_of only; the principal stays the caller.
  v1::TransitionLeadRequest move;
  move.set_id(lead->id());
  move.set_to_stage(v1::STAGE_NEGOTIATING);
  *move.mutable_effective_date() = MakeDate(2023, 2, 1);
  move.set_actor("张三");
  v1::Lead moved;
  ASSERT_TRUE(Transition(move, &moved).ok());
  records = All();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].principal(), "writer");
  EXPECT_EQ(records[1].on_behalf_of(), "张三");
  EXPECT_EQ(records[1].method(), absl::StrCat(kPrefix, "TransitionLead"));
  EXPECT_EQ(records[1].etag_before(), lead->etag());
  EXPECT_EQ(records[1].etag_after(), moved.etag());
  bool stage = false;
  for (const auto& c : records[1].changes()) {
    if (c.path() == "stage") {
      stage = true;
      EXPECT_EQ(c.before(), "STAGE_RESERVE");
      EXPECT_EQ(c.after(), "STAGE_NEGOTIATING");
    }
  }
  EXPECT_TRUE(stage);

  // Rejected writes leave no record: bad input, a broken rule, a stale etag.
  v1::TransitionLeadRequest bad = move;
  bad.set_id("not-a-lead-id");
  EXPECT_EQ(Transition(bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::TransitionLeadRequest skip = move;
  skip.set_to_stage(v1::STAGE_ABOVE_SCALE);
  EXPECT_EQ(Transition(skip).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::TransitionLeadRequest stale = move;
  stale.set_to_stage(v1::STAGE_SIGNED);
  *stale.mutable_signed_amount() = Yuan(1000);
  stale.set_etag(lead->etag());
  EXPECT_EQ(Transition(stale).error_code(), grpc::StatusCode::ABORTED);
  // Nor do denied ones (the pipeline logs and counts those).
  v1::CreateLeadRequest denied;
  denied.mutable_lead()->set_name("无权项目");
  v1::Lead out;
  EXPECT_EQ(
      stub_->CreateLead(testing::TokenContext(kReaderToken, absl::Seconds(10)).get(), denied, &out)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(All().size(), 2u);

  const af::CtlResult verified = Verify();
  EXPECT_EQ(verified.code, 0) << verified.output;
  EXPECT_NE(verified.output.find("2 records verified"), std::string::npos) << verified.output;
}

TEST_F(LeadsAuditE2eTest, OnlyAuditorsListAndFiltersAreChecked) {
  auto a = Create("甲项目");
  auto b = Create("乙项目");
  ASSERT_TRUE(a.ok() && b.ok());
  ListAuditRecordsResponse resp;
  for (const char* token : {kWriterToken, kReaderToken}) {
    grpc::Status s = List({}, &resp, token);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << token;
    EXPECT_NE(s.error_message().find("auditor"), std::string::npos) << s.error_message();
  }
  EXPECT_EQ(List({}, &resp, "no-such-token").error_code(), grpc::StatusCode::UNAUTHENTICATED);

  ListAuditRecordsRequest by_resource;
  by_resource.set_resource("leads/" + b->id());
  auto records = All(by_resource);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].sequence(), 2);
  ListAuditRecordsRequest by_principal;
  by_principal.set_principal("writer");
  EXPECT_EQ(All(by_principal).size(), 2u);
  by_principal.set_principal("someone-else");
  EXPECT_TRUE(All(by_principal).empty());
  ListAuditRecordsRequest by_method;
  by_method.set_method(absl::StrCat(kPrefix, "TransitionLead"));
  EXPECT_TRUE(All(by_method).empty());
  ListAuditRecordsRequest in_range;
  in_range.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 3600);
  in_range.mutable_end_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3600);
  EXPECT_EQ(All(in_range).size(), 2u);
  ListAuditRecordsRequest later;
  later.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3600);
  EXPECT_TRUE(All(later).empty());

  // Hostile filters: INVALID_ARGUMENT naming the field, and the server stays up.
  auto expect_invalid = [&](const ListAuditRecordsRequest& req, const std::string& field) {
    ListAuditRecordsResponse r;
    grpc::Status s = List(req, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_NE(s.error_message().find(field), std::string::npos) << s.error_message();
  };
  ListAuditRecordsRequest reversed;
  reversed.mutable_start_time()->set_seconds(2000000000);
  reversed.mutable_end_time()->set_seconds(1000000000);
  expect_invalid(reversed, "end_time");
  ListAuditRecordsRequest bad_nanos;
  bad_nanos.mutable_start_time()->set_nanos(-5);
  expect_invalid(bad_nanos, "start_time");
  ListAuditRecordsRequest far;
  far.mutable_end_time()->set_seconds(int64_t{1} << 60);
  expect_invalid(far, "end_time");
  ListAuditRecordsRequest negative;
  negative.set_page_size(-1);
  expect_invalid(negative, "page_size");
  ListAuditRecordsRequest garbage;
  garbage.set_page_token("garbage-token");
  expect_invalid(garbage, "page_token");
  ListAuditRecordsRequest huge;
  huge.set_principal(std::string(100000, 'x'));
  expect_invalid(huge, "principal");
  ListAuditRecordsRequest control;
  control.set_resource("leads/\x01");
  expect_invalid(control, "resource");
  // A token of one filter is not accepted for another.
  ListAuditRecordsRequest first;
  first.set_page_size(1);
  ASSERT_TRUE(List(first, &resp).ok());
  ASSERT_FALSE(resp.next_page_token().empty());
  ListAuditRecordsRequest swapped;
  swapped.set_page_token(resp.next_page_token());
  swapped.set_principal("writer");
  expect_invalid(swapped, "page_token");
  EXPECT_EQ(All().size(), 2u);
}

// Someone with the database but not the key edits or deletes a record while the server is down:
// `gaoxinctl audit verify` names that record and fails.
TEST_F(LeadsAuditE2eTest, VerifyNamesTheRecordEditedOrDeletedInTheStore) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Create(absl::StrCat("项目", i)).ok());
  af::CtlResult good = Verify();
  ASSERT_EQ(good.code, 0) << good.output;
  EXPECT_NE(good.output.find("4 records verified"), std::string::npos) << good.output;

  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_TRUE(af::TamperAuditLog(dir_, "leads",
                                 "UPDATE audit_log SET principal = 'mallory' WHERE sequence = 2")
                  .ok());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  af::CtlResult edited = Verify();
  EXPECT_NE(edited.code, 0) << edited.output;
  EXPECT_NE(edited.output.find("broken at record 2"), std::string::npos) << edited.output;
  EXPECT_NE(edited.output.find("edited"), std::string::npos) << edited.output;

  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_TRUE(af::TamperAuditLog(dir_, "leads",
                                 "UPDATE audit_log SET principal = 'writer' WHERE sequence = 2;"
                                 "DELETE FROM audit_log WHERE sequence = 3")
                  .ok());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  af::CtlResult deleted = Verify();
  EXPECT_NE(deleted.code, 0) << deleted.output;
  EXPECT_NE(deleted.output.find("broken at record 3"), std::string::npos) << deleted.output;
  EXPECT_NE(deleted.output.find("missing"), std::string::npos) << deleted.output;

  // A key other than the servers' does not verify even a good chain.
  testing::TempDir other;
  const af::CtlResult wrong = af::VerifyChain(dir_, "leads", "--leads_addr=" + address(),
                                              testing::AuditKeyFile(other, "x"), kAuditorToken);
  EXPECT_NE(wrong.code, 0) << wrong.output;
  EXPECT_NE(wrong.output.find("broken at record 1"), std::string::npos) << wrong.output;
}

// A server with a short retention prunes on its compaction timer and states it in the chain;
// `gaoxinctl audit verify` starts from the anchor. Someone with the database who removes more and
// moves the anchor with the server stopped is found: no retention record states that anchor.
TEST_F(LeadsAuditE2eTest, RetentionPrunesAndVerifyStartsFromTheAnchor) {
  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_NO_FATAL_FAILURE(
      StartServer({"--audit_retention_s_for_testing=2", "--event_compaction_s=1"}));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Create(absl::StrCat("留存", i)).ok());
  ListAuditRecordsRequest one;
  one.set_page_size(1);
  ListAuditRecordsResponse resp;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  do {
    absl::SleepFor(absl::Milliseconds(200));
    ASSERT_TRUE(List(one, &resp).ok());
  } while (resp.anchor_sequence() < 3 && absl::Now() < deadline);
  ASSERT_GE(resp.anchor_sequence(), 3) << "the retention pass did not run";
  // The first record kept is the one after the anchor, chained after its mac.
  ASSERT_EQ(resp.records_size(), 1);
  EXPECT_EQ(resp.records(0).sequence(), resp.anchor_sequence() + 1);
  EXPECT_EQ(resp.anchor_mac().size(), 32u);

  // Without a retention the pass stops: the chain holds still while it is checked.
  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const auto records = All();
  ListAuditRecordsResponse head;
  ASSERT_TRUE(List(one, &head).ok());
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.front().sequence(), head.anchor_sequence() + 1);
  EXPECT_EQ(records.back().sequence(), head.head_sequence());
  int stated = 0;
  for (const auto& r : records) stated += r.principal() == "system:audit-retention" ? 1 : 0;
  EXPECT_GE(stated, 1);
  af::CtlResult good = Verify();
  ASSERT_EQ(good.code, 0) << good.output;
  EXPECT_NE(good.output.find(absl::StrCat(records.size(), " records verified from anchor ",
                                          head.anchor_sequence())),
            std::string::npos)
      << good.output;

  // A record after the newest retention statement, then the anchor moved over everything before
  // it (with the right mac, so the chain itself links) in the stopped server's store.
  ASSERT_TRUE(Create("之后").ok());
  const int64_t moved = head.head_sequence();
  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_TRUE(af::TamperAuditLog(
                  dir_, "leads",
                  absl::StrCat("UPDATE audit_head SET anchor_sequence = ", moved,
                               ", anchor_mac = (SELECT mac FROM audit_log WHERE sequence = ", moved,
                               "); DELETE FROM audit_log WHERE sequence <= ", moved))
                  .ok());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  af::CtlResult tampered = Verify();
  EXPECT_NE(tampered.code, 0) << tampered.output;
  EXPECT_NE(tampered.output.find("retention anchor was moved"), std::string::npos)
      << tampered.output;
  EXPECT_NE(tampered.output.find(absl::StrCat("starts after record ", moved)), std::string::npos)
      << tampered.output;
}

TEST_F(LeadsAuditE2eTest, RefusesANegativeAuditRetention) {
  std::vector<std::string> argv = {SERVER_PATH,
                                   absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
                                   "--db=" + dir_.File("negative.db"),
                                   "--tokens_file=" + dir_.File("tokens"),
                                   "--audit_key_file=" + testing::AuditKeyFile(dir_, "negative"),
                                   "--audit_retention_days=-1"};
  testing::Subprocess p(argv, dir_.File("negative.log"));
  EXPECT_EQ(p.Wait(absl::Seconds(15)), 1);
  EXPECT_NE(testing::ReadFileOrEmpty(dir_.File("negative.log"))
                .find("--audit_retention_days must be 0 (keep the write audit forever) or a "
                      "positive number of days, not -1"),
            std::string::npos)
      << testing::ReadFileOrEmpty(dir_.File("negative.log"));
}

TEST_F(LeadsAuditE2eTest, RefusesToStartWithoutAUsableAuditKey) {
  auto start = [&](const std::string& key_flag, const std::string& log) {
    std::vector<std::string> argv = {
        SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
        "--db=" + dir_.File("keyless.db"), "--tokens_file=" + dir_.File("tokens"), key_flag};
    testing::Subprocess p(argv, dir_.File(log));
    EXPECT_EQ(p.Wait(absl::Seconds(15)), 1) << log;
    return testing::ReadFileOrEmpty(dir_.File(log));
  };
  EXPECT_NE(start("--audit_key_file=", "none.log").find("--audit_key_file is required"),
            std::string::npos);
  EXPECT_NE(start("--audit_key_file=" + dir_.File("absent.key"), "absent.log").find("cannot read"),
            std::string::npos);
  { std::ofstream(dir_.File("short.key")) << "abcd\n"; }
  EXPECT_NE(start("--audit_key_file=" + dir_.File("short.key"), "short.log").find("64 hex digits"),
            std::string::npos);
}

}  // namespace
}  // namespace gaoxin::leads
