// End-to-end: the real petition_server binary over gRPC, with a real redis-server, a PII key file
// and a tokens file made here. Beyond CRUD and the lifecycle rules: personal data is masked for
// every caller without petition.pii on every path (Get, List, errors, the server's log), the
// database file holds none of it in the clear, and every unmasked read has an audit record.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/redis/enterprise_directory.h"
#include "common/redis/redis_client.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/petition/domain/free_text.h"
#include "tests/support/petition_fixture.h"
#include "tests/support/server_under_test.h"
#include "tests/support/slow_proxy.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::petition {
namespace {

using testing::RedisServer;
using testing::Subprocess;
using testing::TempDir;
using testing::petition_fixture::kAuditorToken;
using testing::petition_fixture::kOfficerToken;
using testing::petition_fixture::kOtherToken;
using testing::petition_fixture::kReaderToken;
using testing::petition_fixture::kService;
using testing::petition_fixture::kWriterToken;
using testing::petition_fixture::ResidentId;

// A known enterprise of the enterprise demo data (see deploy/demo/petition.json).
constexpr char kDemoUscc[] = "91210900MA0GYYEA0T";
constexpr char kDemoEnterprise[] = "阜新恒力液压机械有限公司";

class PetitionE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::petition_fixture::WriteServerFiles(dir_);
    ASSERT_TRUE(redis_.Start());
    port_ = testing::FreePort();
    // Nothing listens here: the enterprise service is "down" unless a test says otherwise.
    enterprise_port_ = testing::FreePort();
    StartServer();
  }

  void StartServer() {
    const std::vector<std::string> argv = testing::WithStore(
        {SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_), "--redis=" + redis_.address(),
         "--tokens_file=" + dir_.File("tokens"), "--pii_key_file=" + dir_.File("pii.key"),
         absl::StrCat("--enterprise_addr=127.0.0.1:", enterprise_port_),
         "--enterprise_timeout_ms=500", "--shutdown_grace_ms=3000"},
        dir_, "petition");
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), kService));
    stub_ = v1::PetitionService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = kWriterToken) {
    return testing::TokenContext(token, absl::Seconds(10));
  }

  void PublishDemoEnterprise() {
    redis::RedisClient client({redis_.address()});
    redis::EnterpriseDirectory directory(&client);
    common::v1::EnterpriseDirectoryEntry entry;
    entry.set_id("enterprise-00000000000000aa");
    entry.set_uscc(kDemoUscc);
    entry.set_name(kDemoEnterprise);
    ASSERT_TRUE(directory.Publish(entry));
  }

  absl::StatusOr<v1::Ledger> CreateLedger(const std::string& name) {
    v1::CreateLedgerRequest req;
    req.mutable_ledger()->set_name(name);
    req.mutable_ledger()->set_year(2024);
    req.mutable_ledger()->set_kind(v1::LEDGER_KIND_CAMPAIGN);
    v1::Ledger out;
    grpc::Status s = stub_->CreateLedger(Ctx().get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  static v1::Case ValidCase(const std::string& name, const std::string& id_number,
                            const std::string& category = "劳动争议") {
    v1::Case c;
    c.set_channel(v1::CHANNEL_VISIT);
    *c.mutable_received_date() = FromCivilDay(TodayInZone(absl::Now()) - 3);
    c.mutable_petitioner()->set_name(name);
    c.mutable_petitioner()->set_id_number(id_number);
    c.mutable_petitioner()->set_phone("13987654321");
    c.mutable_petitioner()->set_address("辽宁省阜新市高新区端到端街道测试小区9号楼");
    c.set_petitioner_count(1);
    c.set_category(category);
    c.set_subject("拖欠工资");
    c.set_department("社会事业局");
    return c;
  }

  absl::StatusOr<v1::Case> CreateCase(const v1::Case& c, const std::string& token = kOfficerToken,
                                      const std::string& request_id = "") {
    v1::CreateCaseRequest req;
    *req.mutable_case_() = c;
    req.set_request_id(request_id);
    v1::Case out;
    grpc::Status s = stub_->CreateCase(Ctx(token).get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  absl::StatusOr<v1::Case> GetCase(const std::string& id, const std::string& token) {
    v1::GetCaseRequest req;
    req.set_id(id);
    v1::Case out;
    grpc::Status s = stub_->GetCase(Ctx(token).get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  absl::StatusOr<v1::Case> Move(const std::string& id, v1::CaseStatus to, absl::CivilDay date,
                                const std::string& reason = "", const std::string& etag = "") {
    v1::TransitionCaseRequest req;
    req.set_id(id);
    req.set_to_status(to);
    *req.mutable_date() = FromCivilDay(date);
    req.set_reason(reason);
    req.set_etag(etag);
    v1::Case out;
    grpc::Status s = stub_->TransitionCase(Ctx().get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  std::vector<v1::Case> ListAll(v1::ListCasesRequest req, const std::string& token) {
    std::vector<v1::Case> out;
    do {
      v1::ListCasesResponse resp;
      grpc::Status s = stub_->ListCases(Ctx(token).get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& c : resp.cases()) out.push_back(c);
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return out;
  }

  // UpdateCase of `c` (its id and etag) with `paths` as the update mask (none = omitted mask).
  absl::StatusOr<v1::Case> UpdateCase(const v1::Case& c, const std::vector<std::string>& paths,
                                      const std::string& token) {
    v1::UpdateCaseRequest req;
    *req.mutable_case_() = c;
    for (const std::string& path : paths) req.mutable_update_mask()->add_paths(path);
    v1::Case out;
    grpc::Status s = stub_->UpdateCase(Ctx(token).get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  // The audit records of reads (of `case_id`, or all), without the chain's write records. Creating
  // a case with petitioner data needs petition.pii and its plaintext answer is audited too (method
  // CreateCase); with `with_creates` those records are included.
  std::vector<v1::AuditRecord> AuditRecords(const std::string& case_id = "",
                                            bool with_creates = false) {
    v1::ListAuditRecordsRequest req;
    req.set_case_id(case_id);
    req.set_page_size(1000);
    v1::ListAuditRecordsResponse resp;
    grpc::Status s = stub_->ListAuditRecords(Ctx(kAuditorToken).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<v1::AuditRecord> out;
    for (const v1::AuditRecord& r : resp.records()) {
      // Reads only: the writes are in the same chain (petition_audit_e2e_test.cc covers them).
      if (r.entry().kind() != audit::v1::AUDIT_KIND_READ) continue;
      if (with_creates || r.method() != "CreateCase") out.push_back(r);
    }
    return out;
  }

  // Everything the server and its database wrote so far, after a clean stop.
  std::string StopAndReadFiles() {
    EXPECT_EQ(server_->Terminate(absl::Seconds(10)), 0);
    std::string bytes = testing::ReadFileOrEmpty(dir_.File("server.log"));
    for (const char* suffix : {"", "-wal", "-journal"}) {
      bytes += testing::ReadFileOrEmpty(dir_.File("petition.db") + suffix);
    }
    return bytes;
  }

  TempDir dir_;
  RedisServer redis_;
  int port_ = 0;
  int enterprise_port_ = 0;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<v1::PetitionService::Stub> stub_;
};

TEST_F(PetitionE2eTest, CreateGetListAndUpdateWithEtags) {
  auto ledger = CreateLedger("2024年测试台账");
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) {
    v1::Case c = ValidCase("测试人", ResidentId(absl::StrCat("2109991980010110", i)));
    c.add_ledger_ids(ledger->id());
    auto out = CreateCase(c);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->status(), v1::CASE_STATUS_RECEIVED);
    ASSERT_EQ(out->history_size(), 1);
    EXPECT_EQ(out->history(0).actor(), "officer");  // who created it
    EXPECT_TRUE(out->history(0).has_record_time());
    EXPECT_TRUE(IsSet(out->due_date()));
    EXPECT_FALSE(out->overdue());
    created.insert(out->id());
  }
  v1::ListCasesRequest req;
  req.set_page_size(2);
  req.set_ledger_id(ledger->id());
  std::set<std::string> listed;
  for (const auto& c : ListAll(req, kReaderToken)) listed.insert(c.id());
  EXPECT_EQ(listed, created);

  const std::string id = *created.begin();
  auto before = GetCase(id, kReaderToken);
  ASSERT_TRUE(before.ok());
  v1::UpdateCaseRequest update;
  update.mutable_case_()->set_id(id);
  update.mutable_case_()->set_subject("拖欠工资及社保");
  update.mutable_case_()->set_etag(before->etag());
  update.mutable_update_mask()->add_paths("subject");
  v1::Case updated;
  ASSERT_TRUE(stub_->UpdateCase(Ctx().get(), update, &updated).ok());
  // The writer lacks petition.pii: its answer withholds the subject; the officer reads it.
  EXPECT_EQ(updated.subject(), kWithheldNotice);
  EXPECT_EQ(GetCase(id, kOfficerToken)->subject(), "拖欠工资及社保");
  EXPECT_NE(updated.etag(), before->etag());
  // The same (now stale) etag again: ABORTED.
  EXPECT_EQ(stub_->UpdateCase(Ctx().get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);
  // Output-only fields cannot be updated.
  update.mutable_case_()->clear_etag();
  update.mutable_update_mask()->add_paths("status");
  grpc::Status s = stub_->UpdateCase(Ctx().get(), update, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("update_mask"), std::string::npos);

  // Roles.
  v1::Case none;
  EXPECT_EQ(stub_->CreateCase(Ctx(kReaderToken).get(), v1::CreateCaseRequest(), &none).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetCase(id, kOtherToken).status().code(), absl::StatusCode::kPermissionDenied);
  grpc::ClientContext anonymous;
  v1::GetCaseRequest get;
  get.set_id(id);
  EXPECT_EQ(stub_->GetCase(&anonymous, get, &none).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::ListAuditRecordsResponse audit;
  EXPECT_EQ(stub_->ListAuditRecords(Ctx(kReaderToken).get(), v1::ListAuditRecordsRequest(), &audit)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PetitionE2eTest, BadInputIsRejectedNamingTheFieldAndStoresNothing) {
  v1::Case c = ValidCase("", "123", "");
  c.set_petitioner_count(0);
  c.add_ledger_ids("not-a-ledger");
  auto out = CreateCase(c);
  ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& [field, _] : FieldViolationsOf(out.status())) fields.insert(field);
  for (const char* f : {"case.petitioner.name", "case.petitioner.id_number", "case.category",
                        "case.petitioner_count", "case.ledger_ids[0]"}) {
    EXPECT_TRUE(fields.count(f)) << f << " in " << out.status();
  }
  // A ledger id of the right shape that does not exist.
  v1::Case on_missing = ValidCase("测试人", "");
  on_missing.add_ledger_ids("ledger-00000000000000ff");
  EXPECT_EQ(CreateCase(on_missing).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ListAll(v1::ListCasesRequest(), kWriterToken).empty());
}

TEST_F(PetitionE2eTest, TransitionsFollowTheRulesAndIllegalMovesNameTheRule) {
  auto c = CreateCase(ValidCase("流程人", ResidentId("21099919700505123")));
  ASSERT_TRUE(c.ok()) << c.status();
  const absl::CivilDay received = ToCivilDay(c->received_date());
  auto skipped = Move(c->id(), v1::CASE_STATUS_ASSIGNED, received);
  ASSERT_EQ(skipped.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(skipped.status()), "ILLEGAL_TRANSITION");
  auto no_reason = Move(c->id(), v1::CASE_STATUS_NOT_ACCEPTED, received);
  EXPECT_EQ(ErrorReason(no_reason.status()), "REASON_REQUIRED");
  auto before_receipt = Move(c->id(), v1::CASE_STATUS_ACCEPTED, received - 1);
  EXPECT_EQ(ErrorReason(before_receipt.status()), "DATE_BEFORE_PREVIOUS");
  auto future = Move(c->id(), v1::CASE_STATUS_ACCEPTED, TodayInZone(absl::Now()) + 1);
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);

  auto accepted = Move(c->id(), v1::CASE_STATUS_ACCEPTED, received + 1);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(ToCivilDay(accepted->due_date()), received + 1 + 60);
  // Stale etag on a move: ABORTED.
  EXPECT_EQ(Move(c->id(), v1::CASE_STATUS_ASSIGNED, received + 1, "", c->etag()).status().code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(Move(c->id(), v1::CASE_STATUS_ASSIGNED, received + 2).ok());
  ASSERT_TRUE(Move(c->id(), v1::CASE_STATUS_IN_PROGRESS, received + 2).ok());

  v1::ExtendDeadlineRequest ext;
  ext.set_id(c->id());
  ext.set_days(31);
  ext.set_reason("案情复杂");
  v1::Case extended;
  EXPECT_EQ(stub_->ExtendDeadline(Ctx().get(), ext, &extended).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ext.set_days(30);
  ASSERT_TRUE(stub_->ExtendDeadline(Ctx().get(), ext, &extended).ok());
  EXPECT_EQ(ToCivilDay(extended.due_date()), received + 1 + 60 + 30);
  grpc::Status twice = stub_->ExtendDeadline(Ctx().get(), ext, &extended);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(twice)), "EXTENSION_ALREADY_USED");

  v1::AssignLeaderRequest lead;
  lead.set_id(c->id());
  lead.set_leader("管委会副主任 测试");
  v1::Case led;
  ASSERT_TRUE(stub_->AssignLeader(Ctx().get(), lead, &led).ok());
  EXPECT_EQ(led.leader(), "管委会副主任 测试");

  const absl::CivilDay today = TodayInZone(absl::Now());
  ASSERT_TRUE(Move(c->id(), v1::CASE_STATUS_RESOLVED, today).ok());
  auto reported = Move(c->id(), v1::CASE_STATUS_REPORTED, today);
  ASSERT_TRUE(reported.ok());
  EXPECT_TRUE(reported->resolved_and_reported());
  EXPECT_FALSE(IsSet(reported->due_date()));
  auto reopen = Move(c->id(), v1::CASE_STATUS_IN_PROGRESS, today);
  EXPECT_EQ(ErrorReason(reopen.status()), "REASON_REQUIRED");
  auto closed = Move(c->id(), v1::CASE_STATUS_CLOSED, today);
  ASSERT_TRUE(closed.ok());
  ASSERT_EQ(closed->history_size(), 7);  // RECEIVED ... CLOSED
  for (int i = 0; i < closed->history_size(); ++i) {
    const v1::CaseEvent& e = closed->history(i);
    EXPECT_EQ(e.actor(),
              i == 0 ? "officer" : "writer");  // created by the officer, moved by the writer
    EXPECT_TRUE(e.has_record_time());
  }

  // Filters: by leader, by status.
  v1::ListCasesRequest by_leader;
  by_leader.set_leader("管委会副主任 测试");
  EXPECT_EQ(ListAll(by_leader, kReaderToken).size(), 1u);
  v1::ListCasesRequest by_status;
  by_status.set_status(v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(ListAll(by_status, kReaderToken).size(), 1u);
}

TEST_F(PetitionE2eTest, OverdueCasesAreFlaggedAndFiltered) {
  v1::Case old = ValidCase("逾期人", "");
  *old.mutable_received_date() = FromCivilDay(TodayInZone(absl::Now()) - 16);
  auto late = CreateCase(old);
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->overdue());
  auto fresh = CreateCase(ValidCase("新案人", ""));
  ASSERT_TRUE(fresh.ok());
  v1::ListCasesRequest req;
  req.set_overdue_only(true);
  auto overdue = ListAll(req, kReaderToken);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].id(), late->id());
  EXPECT_TRUE(overdue[0].overdue());
}

TEST_F(PetitionE2eTest, ReaderWithoutPiiNeverSeesPlaintextAnywhere) {
  const std::string name = "端木测试";
  const std::string id_number = ResidentId("21099919881212456");
  auto created = CreateCase(ValidCase(name, id_number));
  ASSERT_TRUE(created.ok()) << created.status();
  // A writer without petition.pii reads it masked.
  auto c = GetCase(created->id(), kWriterToken);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->petitioner().id_number(), "210999********" + id_number.substr(14));
  EXPECT_EQ(c->petitioner().name(), "端***");
  EXPECT_EQ(c->petitioner().phone(), "139****4321");

  auto got = GetCase(c->id(), kReaderToken);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->petitioner().SerializeAsString(), c->petitioner().SerializeAsString());
  EXPECT_EQ(got->petitioner().address().find("9号楼"), std::string::npos);

  // Not even findable by ID number without petition.pii (see
  // SearchByIdNumberNeedsPiiAndEverySearchIsAudited).
  v1::ListCasesRequest by_id;
  by_id.set_petitioner_id_number(id_number);
  v1::ListCasesResponse resp;
  EXPECT_EQ(stub_->ListCases(Ctx(kReaderToken).get(), by_id, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  for (const auto& listed : ListAll(v1::ListCasesRequest(), kReaderToken)) {
    EXPECT_NE(listed.petitioner().id_number(), id_number);
    EXPECT_NE(listed.petitioner().name(), name);
  }

  // Errors never echo an ID number: a bad one on create.
  std::string bad_id = id_number;
  bad_id[16] = bad_id[16] == '0' ? '1' : '0';  // breaks the check character
  auto bad = CreateCase(ValidCase(name, bad_id));
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().ToString().find(bad_id), std::string::npos);
  EXPECT_EQ(bad.status().ToString().find(name), std::string::npos);

  // No unmasked read happened, so no audit record.
  EXPECT_TRUE(AuditRecords().empty());

  // Nor to a petition.pii holder: a bad number as a filter, a page token of an ID-number query.
  v1::ListCasesRequest bad_filter;
  bad_filter.set_petitioner_id_number(bad_id);
  grpc::Status s = stub_->ListCases(Ctx(kOfficerToken).get(), bad_filter, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().find(bad_id), std::string::npos);
  EXPECT_EQ(s.error_details().find(bad_id), std::string::npos);
  by_id.set_page_size(1);
  ASSERT_TRUE(CreateCase(ValidCase(name, id_number, "征地拆迁")).ok());
  ASSERT_TRUE(stub_->ListCases(Ctx(kOfficerToken).get(), by_id, &resp).ok());
  ASSERT_FALSE(resp.next_page_token().empty());
  EXPECT_EQ(resp.next_page_token().find(id_number), std::string::npos);

  // The log and the database file: no plaintext name, ID number, phone or address.
  const std::string files = StopAndReadFiles();
  EXPECT_EQ(files.find(id_number), std::string::npos);
  EXPECT_EQ(files.find(bad_id), std::string::npos);
  EXPECT_EQ(files.find(name), std::string::npos);
  EXPECT_EQ(files.find("13987654321"), std::string::npos);
  EXPECT_EQ(files.find("端到端街道测试小区"), std::string::npos);
  EXPECT_NE(files.find("ListCases"), std::string::npos);  // the log was read
}

TEST_F(PetitionE2eTest, PiiReaderSeesPlaintextAndEveryUnmaskedReadIsAudited) {
  const std::string id_number = ResidentId("21099919770303789");
  auto c = CreateCase(ValidCase("司马测试", id_number));
  ASSERT_TRUE(c.ok());
  auto c2 = CreateCase(ValidCase("欧阳测试", ResidentId("21099919770303790")));
  ASSERT_TRUE(c2.ok());
  EXPECT_TRUE(AuditRecords().empty());

  auto got = GetCase(c->id(), kOfficerToken);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->petitioner().id_number(), id_number);
  EXPECT_EQ(got->petitioner().name(), "司马测试");
  auto records = AuditRecords(c->id());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].actor(), "officer");
  EXPECT_EQ(records[0].method(), "GetCase");
  EXPECT_EQ(std::set<std::string>(records[0].fields().begin(), records[0].fields().end()),
            (std::set<std::string>{"petitioner.name", "petitioner.id_number", "petitioner.phone",
                                   "petitioner.address", "subject"}));
  EXPECT_TRUE(records[0].has_time());

  // A list shows two cases in the clear: one record each.
  auto listed = ListAll(v1::ListCasesRequest(), kOfficerToken);
  ASSERT_EQ(listed.size(), 2u);
  int plaintext = 0;
  for (const auto& l : listed)
    plaintext += l.petitioner().id_number().size() == 18 &&
                 l.petitioner().id_number().find('*') == std::string::npos;
  EXPECT_EQ(plaintext, 2);
  EXPECT_EQ(AuditRecords(c->id()).size(), 2u);
  EXPECT_EQ(AuditRecords(c2->id()).size(), 1u);
  // A write answered in the clear is audited too.
  auto moved = [&] {
    v1::TransitionCaseRequest req;
    req.set_id(c2->id());
    req.set_to_status(v1::CASE_STATUS_ACCEPTED);
    v1::Case out;
    EXPECT_TRUE(stub_->TransitionCase(Ctx(kOfficerToken).get(), req, &out).ok());
    return out;
  }();
  EXPECT_EQ(moved.petitioner().name(), "欧阳测试");
  auto c2_records = AuditRecords(c2->id());
  ASSERT_EQ(c2_records.size(), 2u);
  EXPECT_EQ(c2_records[1].method(), "TransitionCase");
  // Every record, in order, for the auditor; all records are the officer's.
  for (const auto& r : AuditRecords()) EXPECT_EQ(r.actor(), "officer");
}

TEST_F(PetitionE2eTest, DataSurvivesARestart) {
  auto ledger = CreateLedger("重启台账");
  ASSERT_TRUE(ledger.ok());
  v1::Case input = ValidCase("重启人", ResidentId("21099919600101001"));
  input.add_ledger_ids(ledger->id());
  auto c = CreateCase(input);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(server_->Terminate(), 0);
  StartServer();
  auto got = GetCase(c->id(), kOfficerToken);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->petitioner().name(), "重启人");
  v1::GetLedgerStatsRequest req;
  req.set_ledger_id(ledger->id());
  v1::LedgerStats stats;
  ASSERT_TRUE(stub_->GetLedgerStats(Ctx(kReaderToken).get(), req, &stats).ok());
  EXPECT_EQ(stats.totals().total(), 1);
  EXPECT_EQ(stats.totals().open(), 1);
}

TEST_F(PetitionE2eTest, EveryAcknowledgedCreateSurvivesKillNine) {
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto stub = v1::PetitionService::NewStub(MakeChannel(address()));
      for (int i = 0; !stop.load() && i < 100000; ++i) {
        v1::CreateCaseRequest req;
        *req.mutable_case_() = ValidCase(absl::StrCat("并发", t), "");
        v1::Case out;
        grpc::ClientContext ctx;
        PrepareContext(&ctx, kOfficerToken, absl::Seconds(5));
        if (stub->CreateCase(&ctx, req, &out).ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.push_back(out.id());
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
  int missing = 0;
  for (const auto& id : acknowledged) {
    if (!GetCase(id, kReaderToken).ok()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged creates";
}

TEST_F(PetitionE2eTest, CasesShowTheEnterprisesCurrentName) {
  PublishDemoEnterprise();
  v1::Case with_enterprise = ValidCase("企业案", "");
  with_enterprise.set_enterprise_uscc(kDemoUscc);
  auto c = CreateCase(with_enterprise);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->enterprise_name(), kDemoEnterprise);
  // The enterprise service republishes the directory entry after a rename.
  redis::RedisClient client({redis_.address()});
  redis::EnterpriseDirectory directory(&client);
  common::v1::EnterpriseDirectoryEntry renamed;
  renamed.set_id("enterprise-00000000000000aa");
  renamed.set_uscc(kDemoUscc);
  renamed.set_name("阜新恒力液压机械股份有限公司");
  ASSERT_TRUE(directory.Publish(renamed));
  auto got = GetCase(c->id(), kReaderToken);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->enterprise_name(), "阜新恒力液压机械股份有限公司");
  bool listed = false;
  for (const auto& listed_case : ListAll(v1::ListCasesRequest(), kReaderToken)) {
    if (listed_case.id() == c->id()) {
      listed = true;
      EXPECT_EQ(listed_case.enterprise_name(), "阜新恒力液压机械股份有限公司");
    }
  }
  EXPECT_TRUE(listed);
}

TEST_F(PetitionE2eTest, RedisOutageChangesNothingAClientSees) {
  PublishDemoEnterprise();
  v1::Case with_enterprise = ValidCase("企业案", "");
  with_enterprise.set_enterprise_uscc(kDemoUscc);
  auto c = CreateCase(with_enterprise);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->enterprise_name(), kDemoEnterprise);  // from the directory, not the client
  auto before = GetCase(c->id(), kReaderToken);
  ASSERT_TRUE(before.ok());
  const size_t listed_before = ListAll(v1::ListCasesRequest(), kReaderToken).size();

  redis_.Stop();
  auto during = GetCase(c->id(), kReaderToken);
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(during->SerializeAsString(), before->SerializeAsString());
  // Creates go on, including one naming the enterprise already confirmed.
  auto again = CreateCase(with_enterprise);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->enterprise_name(), kDemoEnterprise);
  ASSERT_TRUE(CreateCase(ValidCase("无企业案", "")).ok());
  EXPECT_EQ(ListAll(v1::ListCasesRequest(), kReaderToken).size(), listed_before + 2);
  // An enterprise nobody can confirm (directory down, enterprise service unreachable) is not
  // stored unchecked: UNAVAILABLE, retryable.
  v1::Case unknown = ValidCase("未知企业案", "");
  unknown.set_enterprise_uscc("91210900MA0QDMQ31F");
  auto refused = CreateCase(unknown);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(refused.status()), "ENTERPRISE_DIRECTORY_UNAVAILABLE");

  ASSERT_TRUE(redis_.Start());
  auto after = GetCase(c->id(), kReaderToken);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->SerializeAsString(), before->SerializeAsString());
}

// The enterprise service slow rather than down: it accepts the connection and never answers (a
// stalled proxy). A case naming an unconfirmed enterprise is refused UNAVAILABLE after the
// lookup's own bound (--enterprise_timeout_ms=500), never after the client's far longer deadline;
// a burst of such cases holds no thread that a case without an enterprise needs.
TEST_F(PetitionE2eTest, AStalledEnterpriseServiceHoldsNoCallPastTheLookupBound) {
  auto colon = redis_.address().rfind(':');
  testing::SlowProxy stalled(std::stoi(redis_.address().substr(colon + 1)));
  ASSERT_GT(stalled.port(), 0);
  stalled.Stall(true);
  server_->Kill();
  enterprise_port_ = stalled.port();
  StartServer();

  std::vector<std::thread> burst;
  std::atomic<int> unavailable{0};
  std::atomic<int64_t> slowest_ms{0};
  for (int i = 0; i < 16; ++i) {
    burst.emplace_back([&, i] {
      v1::Case unknown = ValidCase(absl::StrCat("未知企业案", i), "");
      unknown.set_enterprise_uscc("91210900MA0QDMQ31F");
      const absl::Time start = absl::Now();
      auto refused = CreateCase(unknown);
      const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
      int64_t seen = slowest_ms.load();
      while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) {
      }
      if (refused.status().code() == absl::StatusCode::kUnavailable) unavailable.fetch_add(1);
    });
  }
  // Meanwhile a case without an enterprise does not wait for any of them.
  const absl::Time start = absl::Now();
  auto plain = CreateCase(ValidCase("无企业案", ""));
  const absl::Duration plain_took = absl::Now() - start;
  for (auto& t : burst) t.join();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_LT(plain_took, absl::Milliseconds(400));
  EXPECT_EQ(unavailable.load(), 16);
  // 500 ms lookup bound, plus loopback and scheduling on a loaded machine; the client allowed 10 s.
  EXPECT_LT(slowest_ms.load(), 2500);
}

TEST_F(PetitionE2eTest, RefusesToStartWithoutAPiiKey) {
  Subprocess keyless({SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
                      "--db=" + dir_.File("other.db"), "--tokens_file=" + dir_.File("tokens")},
                     dir_.File("keyless.log"));
  EXPECT_EQ(keyless.Wait(absl::Seconds(10)), 1);
  EXPECT_NE(testing::ReadFileOrEmpty(dir_.File("keyless.log")).find("GAOXIN_PII_KEY"),
            std::string::npos);
}

// A birth date after today is no birth date: the ID number is rejected wherever one is taken.
TEST_F(PetitionE2eTest, IdNumbersBornInTheFutureAreRejected) {
  const std::string future = ResidentId("21090220990101123");
  auto created = CreateCase(ValidCase("未来人", future));
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(created.status()).size(), 1u) << created.status();
  EXPECT_EQ(FieldViolationsOf(created.status())[0].first, "case.petitioner.id_number");
  EXPECT_EQ(created.status().ToString().find(future), std::string::npos);

  v1::ListCasesRequest req;
  req.set_petitioner_id_number(future);
  v1::ListCasesResponse resp;
  absl::Status s = FromGrpcStatus(stub_->ListCases(Ctx(kOfficerToken).get(), req, &resp));
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(s).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(s)[0].first, "petitioner_id_number");

  auto c = CreateCase(ValidCase("现在人", ResidentId("21090219900101123")), kOfficerToken);
  ASSERT_TRUE(c.ok()) << c.status();
  v1::Case patch;
  patch.set_id(c->id());
  patch.mutable_petitioner()->set_id_number(future);
  auto updated = UpdateCase(patch, {"petitioner.id_number"}, kOfficerToken);
  ASSERT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(updated.status())[0].first, "case.petitioner.id_number");
}

// The ID-number oracle: a masked ID (first 6, last 4) leaves few birth dates that fit the check
// character, so a search by ID number that answers callers without petition.pii would confirm
// the full number in under 100 queries. Only petition.pii holders may search, and every search
// is audited, including one that finds nothing (the "no match" answer is information too).
TEST_F(PetitionE2eTest, SearchByIdNumberNeedsPiiAndEverySearchIsAudited) {
  const std::string id_number = ResidentId("21090219800101123");
  auto c = CreateCase(ValidCase("搜索测试", id_number));
  ASSERT_TRUE(c.ok()) << c.status();
  const std::string other_number = ResidentId("21090219800102123");  // valid, on no case

  for (const char* token : {kReaderToken, kWriterToken}) {
    for (const std::string& candidate : {id_number, other_number}) {
      v1::ListCasesRequest req;
      req.set_petitioner_id_number(candidate);
      v1::ListCasesResponse resp;
      grpc::Status s = stub_->ListCases(Ctx(token).get(), req, &resp);
      // The same answer whether or not the number is on a case: nothing to learn from it.
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << token;
      EXPECT_NE(s.error_message().find("petition.pii"), std::string::npos) << s.error_message();
      EXPECT_EQ(s.error_message().find(candidate), std::string::npos);
      EXPECT_EQ(resp.cases_size(), 0);
      EXPECT_EQ(resp.revision(), 0);
    }
  }
  EXPECT_TRUE(AuditRecords().empty());

  // A petition.pii holder finds the case, and the search itself is on the audit log.
  v1::ListCasesRequest by_id;
  by_id.set_petitioner_id_number(id_number);
  auto found = ListAll(by_id, kOfficerToken);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id(), c->id());
  EXPECT_EQ(found[0].petitioner().id_number(), id_number);
  auto search_records = [&] {
    std::vector<v1::AuditRecord> out;
    for (const auto& r : AuditRecords()) {
      if (r.case_id().empty()) out.push_back(r);
    }
    return out;
  };
  auto searches = search_records();
  ASSERT_EQ(searches.size(), 1u);
  EXPECT_EQ(searches[0].actor(), "officer");
  EXPECT_EQ(searches[0].method(), "ListCases");
  EXPECT_EQ(std::vector<std::string>(searches[0].fields().begin(), searches[0].fields().end()),
            std::vector<std::string>{"petitioner.id_number"});
  EXPECT_TRUE(searches[0].has_time());
  // The case shown in the clear has its own record, as for any unmasked read.
  EXPECT_EQ(AuditRecords(c->id()).size(), 1u);

  // A search that finds nothing is audited too.
  v1::ListCasesRequest miss;
  miss.set_petitioner_id_number(other_number);
  EXPECT_TRUE(ListAll(miss, kOfficerToken).empty());
  EXPECT_EQ(search_records().size(), 2u);
  // And the log of searches holds no ID number.
  const std::string files = StopAndReadFiles();
  EXPECT_EQ(files.find(other_number), std::string::npos);
  EXPECT_EQ(files.find(id_number), std::string::npos);
}

// A masked read sent back by UpdateCase must never replace personal data with its mask: a
// writer without petition.pii cannot write petitioner fields at all (ignored under "*" and an
// omitted mask, PERMISSION_DENIED when named), and a masked value is refused from anyone.
TEST_F(PetitionE2eTest, MaskedWriteBackNeverReplacesPersonalData) {
  // No ID number and no phone (not every letter gives them): the masks of those two fail their
  // format checks anyway, while a masked name and address look like text.
  v1::Case input = ValidCase("张三丰", "");
  input.mutable_petitioner()->clear_phone();
  auto created = CreateCase(input);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string id = created->id();
  auto original = GetCase(id, kOfficerToken);
  ASSERT_TRUE(original.ok()) << original.status();
  ASSERT_EQ(original->petitioner().SerializeAsString(), input.petitioner().SerializeAsString());

  // The writer's read-modify-write with "*" and with an omitted mask: the other fields change,
  // the petitioner stays as stored.
  auto masked = GetCase(id, kWriterToken);
  ASSERT_TRUE(masked.ok());
  ASSERT_EQ(masked->petitioner().name(), "张**");
  ASSERT_EQ(masked->petitioner().address(), "辽宁省阜新市****");
  int n = 0;
  for (const std::vector<std::string>& paths :
       {std::vector<std::string>{"*"}, std::vector<std::string>{}}) {
    v1::Case back = *GetCase(id, kWriterToken);
    back.set_subject(absl::StrCat("拖欠工资", ++n));
    auto out = UpdateCase(back, paths, kWriterToken);
    ASSERT_TRUE(out.ok()) << "mask " << paths.size() << ": " << out.status();
    // The writer's answer withholds the free text it wrote (it lacks petition.pii).
    EXPECT_EQ(out->subject(), kWithheldNotice);
    auto now = GetCase(id, kOfficerToken);
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(now->subject(), back.subject());
    EXPECT_EQ(now->petitioner().SerializeAsString(), input.petitioner().SerializeAsString())
        << "mask " << paths.size() << ": " << now->petitioner().ShortDebugString();
  }

  // Naming a petitioner field without petition.pii: PERMISSION_DENIED, saying why.
  for (const char* path : {"petitioner.name", "petitioner.address", "petitioner"}) {
    auto out = UpdateCase(*GetCase(id, kWriterToken), {path}, kWriterToken);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kPermissionDenied) << path;
    EXPECT_NE(out.status().message().find("petition.pii"), absl::string_view::npos) << out.status();
  }
  // Even a real (unmasked) value: the writer has no right to petitioner data.
  v1::Case real = *GetCase(id, kWriterToken);
  real.mutable_petitioner()->set_name("李四");
  EXPECT_EQ(UpdateCase(real, {"petitioner.name"}, kWriterToken).status().code(),
            absl::StatusCode::kPermissionDenied);

  // A petition.pii holder who read through a masked path (a list before, a watch) and writes the
  // mask back: INVALID_ARGUMENT naming each masked field, nothing stored.
  for (const char* path : {"petitioner.name", "petitioner.address"}) {
    v1::Case back = *masked;
    back.clear_etag();
    auto out = UpdateCase(back, {path}, kOfficerToken);
    ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << path;
    std::set<std::string> fields;
    for (const auto& [field, _] : FieldViolationsOf(out.status())) fields.insert(field);
    EXPECT_EQ(fields, (std::set<std::string>{absl::StrCat("case.", path)})) << out.status();
  }
  for (const std::vector<std::string>& paths :
       {std::vector<std::string>{"*"}, std::vector<std::string>{}}) {
    v1::Case back = *masked;
    back.clear_etag();
    auto out = UpdateCase(back, paths, kOfficerToken);
    ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << paths.size();
    std::set<std::string> fields;
    for (const auto& [field, _] : FieldViolationsOf(out.status())) fields.insert(field);
    EXPECT_TRUE(fields.count("case.petitioner.name")) << out.status();
    EXPECT_TRUE(fields.count("case.petitioner.address")) << out.status();
  }
  // Just the mask character is enough to be refused: no real name or address holds a '*'.
  v1::Case starred = *masked;
  starred.clear_etag();
  starred.mutable_petitioner()->set_name("张*丰");
  EXPECT_EQ(UpdateCase(starred, {"petitioner.name"}, kOfficerToken).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto after = GetCase(id, kOfficerToken);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->petitioner().SerializeAsString(), input.petitioner().SerializeAsString())
      << after->petitioner().ShortDebugString();

  // The holder's real correction goes through.
  v1::Case fix;
  fix.set_id(id);
  fix.mutable_petitioner()->set_address("辽宁省阜新市高新区新地址1号");
  auto fixed = UpdateCase(fix, {"petitioner.address"}, kOfficerToken);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->petitioner().address(), "辽宁省阜新市高新区新地址1号");
  EXPECT_EQ(fixed->petitioner().name(), "张三丰");
}

// CreateCase takes no masked value either (a case copied from a masked listing).
TEST_F(PetitionE2eTest, CreateCaseRefusesMaskedPersonalData) {
  v1::Case c = ValidCase("张**", "");
  c.mutable_petitioner()->set_address("辽宁省阜新市****");
  auto out = CreateCase(c, kOfficerToken);
  ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& [field, _] : FieldViolationsOf(out.status())) fields.insert(field);
  EXPECT_EQ(fields, (std::set<std::string>{"case.petitioner.name", "case.petitioner.address"}))
      << out.status();
  EXPECT_TRUE(ListAll(v1::ListCasesRequest(), kWriterToken).empty());
}

// The audit log is for the `auditor` role only (README, tokens files): neither reading cases nor
// holding petition.pii lets anyone see who read what.
// Petitioner data is written only by petition.pii holders: otherwise a create's repeat links
// (is_repeat, repeat_of_case_ids) would tell a caller who reads ID numbers masked whether a
// guessed number is on another case, and nothing would audit the guesses.
TEST_F(PetitionE2eTest, CreatingACaseWithPetitionerDataNeedsPii) {
  const std::string id_number = ResidentId("21090219800101123");
  auto first = CreateCase(ValidCase("令狐测试", id_number), kOfficerToken);
  ASSERT_TRUE(first.ok()) << first.status();
  const auto created = AuditRecords(first->id(), /*with_creates=*/true);
  ASSERT_EQ(created.size(), 1u);  // who entered the personal data
  EXPECT_EQ(created[0].method(), "CreateCase");
  EXPECT_EQ(created[0].actor(), "officer");
  // The oracle: the same number again from a writer without petition.pii.
  auto probe = CreateCase(ValidCase("某某", id_number), kWriterToken);
  ASSERT_EQ(probe.status().code(), absl::StatusCode::kPermissionDenied) << probe.status();
  EXPECT_NE(probe.status().message().find("petition.pii"), std::string::npos);
  EXPECT_EQ(probe.status().message().find(id_number), std::string::npos);
  v1::Case only_id = ValidCase("", id_number);
  only_id.mutable_petitioner()->clear_name();
  only_id.mutable_petitioner()->clear_phone();
  only_id.mutable_petitioner()->clear_address();
  EXPECT_EQ(CreateCase(only_id, kWriterToken).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ListAll(v1::ListCasesRequest(), kWriterToken).size(), 1u);  // nothing stored
  // A case always names its petitioner, so registering one is for petition.pii holders; a
  // writer without it still moves and edits the cases it reads masked.
  ASSERT_TRUE(Move(first->id(), v1::CASE_STATUS_ACCEPTED, TodayInZone(absl::Now())).ok());
}

TEST_F(PetitionE2eTest, AuditLogNeedsTheAuditorRole) {
  auto c = CreateCase(ValidCase("审计人", ""));
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(GetCase(c->id(), kOfficerToken).ok());  // one audited read
  for (const char* token : {kReaderToken, kWriterToken, kOfficerToken, kOtherToken}) {
    v1::ListAuditRecordsResponse resp;
    grpc::Status s =
        stub_->ListAuditRecords(Ctx(token).get(), v1::ListAuditRecordsRequest(), &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << token;
    EXPECT_NE(s.error_message().find("auditor"), std::string::npos) << s.error_message();
    EXPECT_EQ(resp.records_size(), 0);
  }
  v1::ListAuditRecordsResponse resp;
  ASSERT_TRUE(
      stub_->ListAuditRecords(Ctx(kAuditorToken).get(), v1::ListAuditRecordsRequest(), &resp).ok());
  // The officer's create (the write, and its answer in the clear) and the read.
  ASSERT_EQ(resp.records_size(), 3);
  for (const v1::AuditRecord& r : resp.records()) EXPECT_EQ(r.case_id(), c->id());
}

// The demo data, entered through the public API by gaoxinctl, gives the report's rates exactly.
TEST_F(PetitionE2eTest, DemoDataGivesTheLedgerRatesExactly) {
  PublishDemoEnterprise();
  setenv("GAOXIN_TOKEN", kOfficerToken, 1);
  const std::vector<std::string> load = {
      GAOXINCTL_PATH,
      "demo",
      "load",
      "--petition_addr=" + address(),
      std::string("--demo_dir=") + GAOXIN_SOURCE_DIR + "/deploy/demo",
      "--only=petition"};
  Subprocess first(load, dir_.File("load.log"));
  ASSERT_EQ(first.Wait(absl::Seconds(120)), 0) << testing::ReadFileOrEmpty(dir_.File("load.log"));

  v1::ListLedgersResponse ledgers;
  ASSERT_TRUE(stub_->ListLedgers(Ctx(kReaderToken).get(), v1::ListLedgersRequest(), &ledgers).ok());
  ASSERT_EQ(ledgers.ledgers_size(), 3);
  std::map<std::string, v1::LedgerStats> by_name;
  for (const auto& l : ledgers.ledgers()) {
    v1::GetLedgerStatsRequest req;
    req.set_ledger_id(l.id());
    v1::LedgerStats stats;
    ASSERT_TRUE(stub_->GetLedgerStats(Ctx(kReaderToken).get(), req, &stats).ok());
    by_name[l.name()] = stats;
  }
  const v1::CaseCounts& wanjian = by_name["2023年万件化访台账"].totals();
  EXPECT_EQ(wanjian.total(), 27);
  EXPECT_EQ(wanjian.resolved_and_reported(), 26);
  EXPECT_EQ(wanjian.resolution_rate().numerator(), "26");
  EXPECT_EQ(wanjian.resolution_rate().denominator(), "27");
  EXPECT_EQ(wanjian.resolution_rate().display_percent(), "96.30");
  const v1::CaseCounts& repeat = by_name["“4839”重复访台账"].totals();
  EXPECT_EQ(repeat.total(), 11);
  EXPECT_EQ(repeat.resolved_and_reported(), 11);
  EXPECT_EQ(repeat.repeat_cases(), 11);
  EXPECT_EQ(repeat.resolution_rate().display_percent(), "100.00");
  const v1::CaseCounts& plan = by_name["2024年信访积案化解台账"].totals();
  EXPECT_EQ(plan.total(), 5);
  EXPECT_EQ(plan.open(), 5);

  // The enterprise on a demo case is the directory's.
  v1::ListCasesRequest pension;
  pension.set_category("企业拖欠养老保险");
  pension.set_ledger_id(by_name["2024年信访积案化解台账"].ledger_id());
  auto cases = ListAll(pension, kReaderToken);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].enterprise_name(), kDemoEnterprise);

  // Loading twice changes nothing.
  const size_t count = ListAll(v1::ListCasesRequest(), kReaderToken).size();
  Subprocess second(load, dir_.File("load2.log"));
  ASSERT_EQ(second.Wait(absl::Seconds(120)), 0) << testing::ReadFileOrEmpty(dir_.File("load2.log"));
  EXPECT_EQ(ListAll(v1::ListCasesRequest(), kReaderToken).size(), count);
  v1::GetLedgerStatsRequest req;
  req.set_ledger_id(by_name["2023年万件化访台账"].ledger_id());
  v1::LedgerStats again;
  ASSERT_TRUE(stub_->GetLedgerStats(Ctx(kReaderToken).get(), req, &again).ok());
  EXPECT_EQ(again.totals().resolved_and_reported(), 26);
  EXPECT_EQ(again.totals().total(), 27);
}

}  // namespace
}  // namespace gaoxin::petition
