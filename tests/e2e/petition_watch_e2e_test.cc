// End-to-end tests of live updates on petition_server: WatchCases ordering, filters and exact
// resume, masking of petitioner data on the stream for every caller (petition.pii included, with
// no audit record), compaction, shutdown, and the StreamLedgerStats dashboard stream.
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/petition_fixture.h"
#include "tests/support/server_under_test.h"
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

// Reads a server stream on its own thread and keeps every message and its bytes.
template <typename Request, typename Response>
class StreamClient {
 public:
  using Open = std::function<std::unique_ptr<grpc::ClientReader<Response>>(
      v1::PetitionService::Stub*, grpc::ClientContext*, const Request&)>;

  StreamClient(const std::string& address, const std::string& token, const Request& request,
               Open open) {
    stub_ = v1::PetitionService::NewStub(MakeChannel(address));
    PrepareContext(&ctx_, token, absl::InfiniteDuration());
    reader_ = open(stub_.get(), &ctx_, request);
    thread_ = std::thread([this] {
      Response msg;
      while (reader_->Read(&msg)) {
        absl::MutexLock lock(&mu_);
        bytes_ += msg.SerializeAsString();
        messages_.push_back(msg);
      }
      grpc::Status s = reader_->Finish();
      absl::MutexLock lock(&mu_);
      status_ = FromGrpcStatus(s);
      done_ = true;
    });
  }
  ~StreamClient() {
    ctx_.TryCancel();
    thread_.join();
  }

  // Waits until `pred(messages)` holds (or the stream ended, or the timeout).
  bool WaitFor(std::function<bool(const std::vector<Response>&)> pred,
               absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    auto ready = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return done_ || pred(messages_); };
    mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
    return pred(messages_);
  }
  bool WaitForEnd(absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&done_), timeout);
    return done_;
  }
  std::vector<Response> messages() {
    absl::MutexLock lock(&mu_);
    return messages_;
  }
  std::string bytes() {
    absl::MutexLock lock(&mu_);
    return bytes_;
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  std::unique_ptr<v1::PetitionService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<Response>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<Response> messages_ ABSL_GUARDED_BY(mu_);
  std::string bytes_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

class WatchClient : public StreamClient<v1::WatchCasesRequest, v1::WatchCasesResponse> {
 public:
  WatchClient(const std::string& address, const std::string& token,
              const v1::WatchCasesRequest& request)
      : StreamClient(address, token, request, [](auto* stub, auto* ctx, const auto& req) {
          return stub->WatchCases(ctx, req);
        }) {}
  WatchClient(const std::string& address, int64_t since, const std::string& token = kReaderToken)
      : WatchClient(address, token, Since(since)) {}

  static v1::WatchCasesRequest Since(int64_t since) {
    v1::WatchCasesRequest req;
    req.set_since_revision(since);
    return req;
  }
  std::vector<v1::CaseChange> changes() {
    std::vector<v1::CaseChange> out;
    for (const auto& m : messages()) out.insert(out.end(), m.changes().begin(), m.changes().end());
    return out;
  }
  bool WaitForChanges(size_t n, absl::Duration timeout = absl::Seconds(10)) {
    return WaitFor(
        [n](const std::vector<v1::WatchCasesResponse>& msgs) {
          size_t count = 0;
          for (const auto& m : msgs) count += m.changes_size();
          return count >= n;
        },
        timeout);
  }
};

class StatsClient : public StreamClient<v1::StreamLedgerStatsRequest, v1::LedgerStats> {
 public:
  StatsClient(const std::string& address, const std::string& ledger_id,
              const std::string& token = kReaderToken)
      : StreamClient(address, token, Request(ledger_id),
                     [](auto* stub, auto* ctx, const auto& req) {
                       return stub->StreamLedgerStats(ctx, req);
                     }) {}
  static v1::StreamLedgerStatsRequest Request(const std::string& ledger_id) {
    v1::StreamLedgerStatsRequest req;
    req.set_ledger_id(ledger_id);
    return req;
  }
};

class PetitionWatchE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::petition_fixture::WriteServerFiles(dir_);
    ASSERT_TRUE(redis_.Start());
  }

  void StartServer(std::vector<std::string> extra = {}) {
    port_ = testing::FreePort();
    std::vector<std::string> argv = testing::WithStore(
        {SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port_), "--redis=" + redis_.address(),
         "--tokens_file=" + dir_.File("tokens"), "--pii_key_file=" + dir_.File("pii.key"),
         // Nothing listens there: no test here names an enterprise.
         absl::StrCat("--enterprise_addr=127.0.0.1:", testing::FreePort()),
         "--shutdown_grace_ms=2000", "--log_rpcs=false"},
        dir_, "petition");
    for (auto& e : extra) argv.push_back(e);
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), kService));
    stub_ = v1::PetitionService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = kWriterToken) {
    return testing::TokenContext(token, absl::Seconds(10));
  }

  v1::Ledger CreateLedger(const std::string& name) {
    v1::CreateLedgerRequest req;
    req.mutable_ledger()->set_name(name);
    req.mutable_ledger()->set_year(2024);
    req.mutable_ledger()->set_kind(v1::LEDGER_KIND_CAMPAIGN);
    v1::Ledger out;
    grpc::Status s = stub_->CreateLedger(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  static v1::Case ValidCase(const std::string& name, const std::string& id_number,
                            const std::string& ledger_id = "",
                            const std::string& department = "社会事业局") {
    v1::Case c;
    c.set_channel(v1::CHANNEL_VISIT);
    *c.mutable_received_date() = FromCivilDay(TodayInZone(absl::Now()) - 3);
    c.mutable_petitioner()->set_name(name);
    c.mutable_petitioner()->set_id_number(id_number);
    c.mutable_petitioner()->set_phone("13987654321");
    c.mutable_petitioner()->set_address("辽宁省阜新市高新区观察者街道测试小区7号楼");
    c.set_petitioner_count(1);
    c.set_category("劳动争议");
    c.set_subject("拖欠工资");
    c.set_department(department);
    if (!ledger_id.empty()) c.add_ledger_ids(ledger_id);
    return c;
  }

  v1::Case CreateCase(const v1::Case& c, const std::string& token = kOfficerToken) {
    v1::CreateCaseRequest req;
    *req.mutable_case_() = c;
    v1::Case out;
    grpc::Status s = stub_->CreateCase(Ctx(token).get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  absl::StatusOr<v1::Case> Move(const std::string& id, v1::CaseStatus to) {
    v1::TransitionCaseRequest req;
    req.set_id(id);
    req.set_to_status(to);
    v1::Case out;
    grpc::Status s = stub_->TransitionCase(Ctx().get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  absl::Status AssignLeader(const std::string& id, const std::string& leader) {
    v1::AssignLeaderRequest req;
    req.set_id(id);
    req.set_leader(leader);
    v1::Case out;
    return FromGrpcStatus(stub_->AssignLeader(Ctx().get(), req, &out));
  }

  int64_t ListRevision() {
    v1::ListCasesRequest req;
    req.set_page_size(1);
    v1::ListCasesResponse resp;
    grpc::Status s = stub_->ListCases(Ctx(kReaderToken).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.revision();
  }

  static void ExpectStrictlyIncreasing(const std::vector<v1::CaseChange>& changes) {
    for (size_t i = 1; i < changes.size(); ++i) {
      ASSERT_LT(changes[i - 1].revision(), changes[i].revision()) << "at " << i;
    }
  }

  TempDir dir_;
  RedisServer redis_;
  int port_ = 0;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<v1::PetitionService::Stub> stub_;
};

TEST_F(PetitionWatchE2eTest, ListResponsesCarryTheRevisionTheyReflect) {
  StartServer();
  const int64_t empty = ListRevision();
  const v1::Ledger ledger = CreateLedger("2024年修订号台账");
  CreateCase(ValidCase("修订人", ResidentId("21099919800101001"), ledger.id()));
  const int64_t after = ListRevision();
  EXPECT_GE(after, empty + 2) << "a ledger and a case were written";

  v1::ListLedgersResponse ledgers;
  ASSERT_TRUE(stub_->ListLedgers(Ctx(kReaderToken).get(), {}, &ledgers).ok());
  EXPECT_EQ(ledgers.revision(), after);
  v1::ListMeetingsResponse meetings;
  ASSERT_TRUE(stub_->ListMeetings(Ctx(kReaderToken).get(), {}, &meetings).ok());
  EXPECT_EQ(meetings.revision(), after);
  v1::GetLedgerStatsRequest stats_req;
  stats_req.set_ledger_id(ledger.id());
  v1::LedgerStats stats;
  ASSERT_TRUE(stub_->GetLedgerStats(Ctx(kReaderToken).get(), stats_req, &stats).ok());
  EXPECT_EQ(stats.revision(), after);
}

TEST_F(PetitionWatchE2eTest, DeliversCaseChangesInOrderAndResumesExactly) {
  StartServer();
  const v1::Ledger ledger = CreateLedger("2024年观察台账");
  const int64_t start = ListRevision();
  std::vector<std::string> ids;
  int64_t resume_from = 0;
  {
    WatchClient watch(address(), start);
    for (int i = 0; i < 3; ++i) {
      ids.push_back(CreateCase(ValidCase("观察人", ResidentId(absl::StrCat("2109991980020200", i)),
                                         ledger.id()))
                        .id());
    }
    ASSERT_TRUE(Move(ids[0], v1::CASE_STATUS_ACCEPTED).ok());
    ASSERT_TRUE(watch.WaitForChanges(4));
    auto changes = watch.changes();
    ASSERT_EQ(changes.size(), 4u);
    ExpectStrictlyIncreasing(changes);
    EXPECT_GT(changes[0].revision(), start);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(changes[i].petition_case().id(), ids[i]);
      EXPECT_EQ(changes[i].kind(), common::v1::CHANGE_KIND_CREATED);
      EXPECT_EQ(changes[i].petition_case().status(), v1::CASE_STATUS_RECEIVED);
      EXPECT_TRUE(changes[i].has_change_time());
    }
    EXPECT_EQ(changes[3].petition_case().id(), ids[0]);
    EXPECT_EQ(changes[3].kind(), common::v1::CHANGE_KIND_UPDATED);
    EXPECT_EQ(changes[3].petition_case().status(), v1::CASE_STATUS_ACCEPTED);
    EXPECT_EQ(changes[3].petition_case().etag(), "2");
    // Derived fields as on Get: the handling limit runs from acceptance (today) for 60 days.
    EXPECT_EQ(ToCivilDay(changes[3].petition_case().due_date()), TodayInZone(absl::Now()) + 60);
    EXPECT_FALSE(changes[3].petition_case().overdue());
    // The last message's revision covers everything delivered.
    EXPECT_GE(watch.messages().back().revision(), changes.back().revision());
    resume_from = changes[1].revision();
  }
  // Resume from the middle: exactly the changes after it, even those made while nobody watched.
  ASSERT_TRUE(Move(ids[1], v1::CASE_STATUS_ACCEPTED).ok());
  WatchClient resumed(address(), resume_from);
  ASSERT_TRUE(resumed.WaitForChanges(3));
  absl::SleepFor(absl::Milliseconds(300));
  auto changes = resumed.changes();
  ASSERT_EQ(changes.size(), 3u) << "no gap, no duplicate";
  EXPECT_EQ(changes[0].petition_case().id(), ids[2]);
  EXPECT_EQ(changes[1].petition_case().id(), ids[0]);
  EXPECT_EQ(changes[2].petition_case().id(), ids[1]);
  EXPECT_GT(changes[0].revision(), resume_from);
  ExpectStrictlyIncreasing(changes);
}

TEST_F(PetitionWatchE2eTest, FiltersApplyToTheNewStateAndLedgersAreNotCases) {
  StartServer();
  const v1::Ledger a = CreateLedger("甲台账");
  const v1::Ledger b = CreateLedger("乙台账");
  v1::WatchCasesRequest on_a = WatchClient::Since(ListRevision());
  on_a.set_ledger_id(a.id());
  v1::WatchCasesRequest accepted = WatchClient::Since(ListRevision());
  accepted.set_status(v1::CASE_STATUS_ACCEPTED);
  v1::WatchCasesRequest dept = WatchClient::Since(ListRevision());
  dept.set_department("住建局");
  WatchClient watch_a(address(), kReaderToken, on_a);
  WatchClient watch_accepted(address(), kReaderToken, accepted);
  WatchClient watch_dept(address(), kReaderToken, dept);

  const v1::Case ca = CreateCase(ValidCase("甲", ResidentId("21099919800303001"), a.id()));
  const v1::Case cb =
      CreateCase(ValidCase("乙", ResidentId("21099919800303002"), b.id(), "住建局"));
  CreateLedger("丙台账");  // not a case: on no case watch
  ASSERT_TRUE(Move(cb.id(), v1::CASE_STATUS_ACCEPTED).ok());

  ASSERT_TRUE(watch_a.WaitForChanges(1));
  ASSERT_TRUE(watch_accepted.WaitForChanges(1));
  ASSERT_TRUE(watch_dept.WaitForChanges(2));
  absl::SleepFor(absl::Milliseconds(400));
  ASSERT_EQ(watch_a.changes().size(), 1u);
  EXPECT_EQ(watch_a.changes()[0].petition_case().id(), ca.id());
  ASSERT_EQ(watch_accepted.changes().size(), 1u);
  EXPECT_EQ(watch_accepted.changes()[0].petition_case().id(), cb.id());
  EXPECT_EQ(watch_accepted.changes()[0].kind(), common::v1::CHANGE_KIND_UPDATED);
  ASSERT_EQ(watch_dept.changes().size(), 2u);
  EXPECT_EQ(watch_dept.changes()[0].petition_case().id(), cb.id());

  // Bad requests and roles.
  v1::WatchCasesRequest bad = WatchClient::Since(0);
  bad.set_ledger_id("case-nope");
  WatchClient bad_watch(address(), kReaderToken, bad);
  ASSERT_TRUE(bad_watch.WaitForEnd());
  EXPECT_EQ(bad_watch.status().code(), absl::StatusCode::kInvalidArgument);
  WatchClient other(address(), 0, kOtherToken);
  ASSERT_TRUE(other.WaitForEnd());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(PetitionWatchE2eTest, PetitionerDataIsMaskedOnTheStreamForEveryCaller) {
  StartServer();
  const std::string id_number = ResidentId("21090219800101123");
  const std::string name = "张三丰";
  const std::string phone = "13987654321";
  const int64_t start = ListRevision();
  WatchClient reader(address(), start, kReaderToken);
  WatchClient officer(address(), start, kOfficerToken);  // has petition.pii
  // Created by a pii caller: the write's own response is plaintext (and audited), the stream
  // is not.
  v1::Case created = CreateCase(ValidCase(name, id_number), kOfficerToken);
  ASSERT_EQ(created.petitioner().id_number(), id_number);
  ASSERT_TRUE(reader.WaitForChanges(1));
  ASSERT_TRUE(officer.WaitForChanges(1));
  for (WatchClient* w : {&reader, &officer}) {
    const std::vector<v1::CaseChange> changes = w->changes();
    const v1::Petitioner& p = changes[0].petition_case().petitioner();
    EXPECT_EQ(p.name(), "张**");
    EXPECT_EQ(p.id_number(), "210902********" + id_number.substr(14));
    EXPECT_EQ(p.phone(), "139****4321");
    EXPECT_EQ(p.address(), "辽宁省阜新市****");
    const std::string bytes = w->bytes();
    EXPECT_EQ(bytes.find(id_number), std::string::npos) << "the ID number is on the stream";
    EXPECT_EQ(bytes.find(name), std::string::npos);
    EXPECT_EQ(bytes.find(phone), std::string::npos);
    EXPECT_EQ(bytes.find("enc:v1:"), std::string::npos) << "no ciphertext either";
  }
  // No audit record for a watch: only the CreateCase, its write and the read of its answer in
  // the clear.
  v1::ListAuditRecordsRequest audit_req;
  audit_req.set_case_id(created.id());
  v1::ListAuditRecordsResponse audit;
  ASSERT_TRUE(stub_->ListAuditRecords(Ctx(kAuditorToken).get(), audit_req, &audit).ok());
  ASSERT_EQ(audit.records_size(), 2);
  for (const v1::AuditRecord& r : audit.records()) EXPECT_EQ(r.method(), "CreateCase");
  EXPECT_EQ(audit.records(0).entry().kind(), audit::v1::AUDIT_KIND_WRITE);
  EXPECT_EQ(audit.records(1).entry().kind(), audit::v1::AUDIT_KIND_READ);
}

TEST_F(PetitionWatchE2eTest, ResumingFromCompactedHistoryIsOutOfRange) {
  StartServer({"--event_retention_count=3", "--event_compaction_s=1"});
  for (int i = 0; i < 8; ++i) {
    CreateCase(ValidCase("压缩人", ResidentId(absl::StrCat("2109991980040400", i))));
  }
  absl::SleepFor(absl::Milliseconds(1600));  // a compaction pass
  WatchClient old(address(), 1);
  ASSERT_TRUE(old.WaitForEnd());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ErrorReason(old.status()), "REVISION_COMPACTED");
  // The remedy: re-list, then watch from the list's revision.
  WatchClient fresh(address(), ListRevision());
  const v1::Case after = CreateCase(ValidCase("之后", ResidentId("21099919800404999")));
  ASSERT_TRUE(fresh.WaitForChanges(1));
  EXPECT_EQ(fresh.changes()[0].petition_case().id(), after.id());
}

TEST_F(PetitionWatchE2eTest, LedgerStatsStreamAtOnceThenAfterRelevantChangesAtABoundedRate) {
  StartServer({"--summary_min_interval_ms=500"});
  const v1::Ledger ledger = CreateLedger("2024年看板台账");
  const v1::Ledger other = CreateLedger("别的台账");
  const v1::Case c1 = CreateCase(ValidCase("看板甲", ResidentId("21099919800505001"), ledger.id()));
  CreateCase(ValidCase("看板乙", ResidentId("21099919800505002"), ledger.id()));
  absl::SleepFor(absl::Milliseconds(300));  // the feed has read the setup's changes

  StatsClient stats(address(), ledger.id());
  ASSERT_TRUE(stats.WaitFor([](const auto& m) { return !m.empty(); }, absl::Seconds(5)));
  const v1::LedgerStats first = stats.messages()[0];
  EXPECT_EQ(first.ledger_id(), ledger.id());
  EXPECT_EQ(first.totals().total(), 2);
  EXPECT_EQ(first.totals().resolved_and_reported(), 0);
  EXPECT_EQ(first.revision(), ListRevision());

  // A change on another ledger is not relevant: no new stats.
  CreateCase(ValidCase("别处", ResidentId("21099919800505003"), other.id()));
  absl::SleepFor(absl::Milliseconds(800));
  EXPECT_EQ(stats.messages().size(), 1u);

  // Walk one case to REPORTED: the stats follow, tagged with a newer revision.
  for (v1::CaseStatus to :
       {v1::CASE_STATUS_ACCEPTED, v1::CASE_STATUS_ASSIGNED, v1::CASE_STATUS_IN_PROGRESS,
        v1::CASE_STATUS_RESOLVED, v1::CASE_STATUS_REPORTED}) {
    auto moved = Move(c1.id(), to);
    ASSERT_TRUE(moved.ok()) << moved.status();
  }
  ASSERT_TRUE(
      stats.WaitFor([](const auto& m) { return m.back().totals().resolved_and_reported() == 1; }));
  const int64_t head = ListRevision();
  EXPECT_EQ(stats.messages().back().revision(), head);
  EXPECT_GT(stats.messages().back().revision(), first.revision());

  // A burst of 30 changes: coalesced to at most 2 per second, the last reflecting all of them.
  const size_t before = stats.messages().size();
  const absl::Time burst = absl::Now();
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(AssignLeader(c1.id(), absl::StrCat("领导", i)).ok());
  const int64_t burst_head = ListRevision();
  ASSERT_TRUE(
      stats.WaitFor([burst_head](const auto& m) { return m.back().revision() >= burst_head; }));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - burst);
  const size_t sent = stats.messages().size() - before;
  EXPECT_LE(sent, 2 + static_cast<size_t>(seconds * 2)) << sent << " in " << seconds << " s";
  auto all = stats.messages();
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LE(all[i - 1].revision(), all[i].revision());

  // A case taken off the ledger changes the stats though its new state no longer names it.
  v1::UpdateCaseRequest off;
  off.mutable_case_()->set_id(c1.id());
  off.mutable_update_mask()->add_paths("ledger_ids");
  v1::Case updated;
  ASSERT_TRUE(stub_->UpdateCase(Ctx().get(), off, &updated).ok());
  ASSERT_TRUE(stats.WaitFor([](const auto& m) { return m.back().totals().total() == 1; }));

  // Roles and unknown ledgers.
  StatsClient denied(address(), ledger.id(), kOtherToken);
  ASSERT_TRUE(denied.WaitForEnd());
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  StatsClient missing(address(), "ledger-00000000000000ff");
  ASSERT_TRUE(missing.WaitForEnd());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(PetitionWatchE2eTest, ShutdownEndsStreamsWithUnavailable) {
  StartServer();
  const v1::Ledger ledger = CreateLedger("关机台账");
  WatchClient watch(address(), 0);
  StatsClient stats(address(), ledger.id());
  ASSERT_TRUE(watch.WaitFor([](const auto& m) { return !m.empty(); }, absl::Seconds(5)))
      << "the opening progress message";
  ASSERT_TRUE(stats.WaitFor([](const auto& m) { return !m.empty(); }, absl::Seconds(5)));
  EXPECT_EQ(server_->Terminate(absl::Seconds(10)), 0);
  ASSERT_TRUE(watch.WaitForEnd());
  EXPECT_EQ(watch.status().code(), absl::StatusCode::kUnavailable) << watch.status();
  ASSERT_TRUE(stats.WaitForEnd());
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kUnavailable) << stats.status();
}

}  // namespace
}  // namespace gaoxin::petition
