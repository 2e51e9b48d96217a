// End-to-end tests of the live-update contract on enterprise_server: WatchEnterprises ordering,
// resume and filters, WatchAlerts delivering alerts raised by report rules, compaction
// (OUT_OF_RANGE), the StreamIndustryStructure dashboard stream and its rate, leads promotions
// arriving on the watch (the consumer writes through the feed's store view), and shutdown.
#include <functional>
#include <thread>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "common/uscc.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/enterprise_fixture.h"
#include "tests/support/leads_fixture.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::enterprise {
namespace {

using testing::RedisServer;
using testing::Subprocess;
using testing::TempDir;
using testing::enterprise_fixture::Uscc;
using testing::enterprise_fixture::YuanNanos;

constexpr char kService[] = "gaoxin.enterprise.v1.EnterpriseService";
constexpr char kWriterToken[] = "ent-watch-writer";
constexpr char kReaderToken[] = "ent-watch-reader";
constexpr char kOutsiderToken[] = "ent-watch-outsider";

// Reads one server stream on its own thread and keeps every message that arrives.
template <typename Response>
class StreamClient {
 public:
  using Open = std::function<std::unique_ptr<grpc::ClientReader<Response>>(
      v1::EnterpriseService::Stub*, grpc::ClientContext*)>;

  StreamClient(const std::string& address, const Open& open,
               const std::string& token = kReaderToken) {
    stub_ = v1::EnterpriseService::NewStub(MakeChannel(address));
    PrepareContext(&ctx_, token, absl::InfiniteDuration());
    reader_ = open(stub_.get(), &ctx_);
    thread_ = std::thread([this] {
      Response msg;
      while (reader_->Read(&msg)) {
        absl::MutexLock lock(&mu_);
        messages_.push_back(msg);
        times_.push_back(absl::Now());
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

  // Waits until `pred(messages)` holds, the stream ends, or the timeout passes.
  bool WaitFor(const std::function<bool(const std::vector<Response>&)>& pred,
               absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    auto ready = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return pred(messages_) || done_; };
    mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
    return pred(messages_);
  }
  bool WaitForMessages(size_t n, absl::Duration timeout = absl::Seconds(10)) {
    return WaitFor([n](const std::vector<Response>& m) { return m.size() >= n; }, timeout);
  }
  // Watch streams only: waits for `n` changes in all.
  bool WaitForChanges(size_t n, absl::Duration timeout = absl::Seconds(10)) {
    return WaitFor([n](const std::vector<Response>& m) { return CountChanges(m) >= n; }, timeout);
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
  std::vector<absl::Time> times() {
    absl::MutexLock lock(&mu_);
    return times_;
  }
  // Watch streams only: every change received, in order.
  auto changes() {
    absl::MutexLock lock(&mu_);
    std::vector<std::decay_t<decltype(Response().changes(0))>> out;
    for (const auto& m : messages_) {
      for (const auto& c : m.changes()) out.push_back(c);
    }
    return out;
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  static size_t CountChanges(const std::vector<Response>& m) {
    size_t n = 0;
    for (const auto& r : m) n += r.changes_size();
    return n;
  }

  std::unique_ptr<v1::EnterpriseService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<Response>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<Response> messages_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Time> times_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

using EnterpriseWatch = StreamClient<v1::WatchEnterprisesResponse>;
using AlertWatch = StreamClient<v1::WatchAlertsResponse>;
using StructureStream = StreamClient<v1::IndustryStructure>;

EnterpriseWatch::Open WatchEnterprises(v1::WatchEnterprisesRequest req) {
  return [req](v1::EnterpriseService::Stub* stub, grpc::ClientContext* ctx) {
    return stub->WatchEnterprises(ctx, req);
  };
}
EnterpriseWatch::Open WatchEnterprisesSince(int64_t since) {
  v1::WatchEnterprisesRequest req;
  req.set_since_revision(since);
  return WatchEnterprises(req);
}
AlertWatch::Open WatchAlerts(v1::WatchAlertsRequest req) {
  return [req](v1::EnterpriseService::Stub* stub, grpc::ClientContext* ctx) {
    return stub->WatchAlerts(ctx, req);
  };
}
StructureStream::Open StreamStructure(int year, int month = 0) {
  v1::StreamIndustryStructureRequest req;
  req.set_year(year);
  req.set_month(month);
  return [req](v1::EnterpriseService::Stub* stub, grpc::ClientContext* ctx) {
    return stub->StreamIndustryStructure(ctx, req);
  };
}

template <typename Change>
void ExpectStrictlyIncreasing(const std::vector<Change>& changes) {
  for (size_t i = 1; i < changes.size(); ++i) {
    ASSERT_LT(changes[i - 1].revision(), changes[i].revision()) << "at " << i;
  }
}

class EnterpriseWatchE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteTokensFile(dir_.File("tokens"),
                             {{kWriterToken, "writer", "enterprise.writer,enterprise.reader"},
                              {kReaderToken, "reader", "enterprise.reader"},
                              {kOutsiderToken, "outsider", "leads.reader"}});
    ASSERT_TRUE(redis_.Start());
  }

  void StartServer(std::vector<std::string> extra = {}) {
    port_ = testing::FreePort();
    std::vector<std::string> argv = testing::WithStore(
        {SERVER_PATH, absl::StrCat("--listen=", address()), "--redis=" + redis_.address(),
         "--tokens_file=" + dir_.File("tokens"), "--shutdown_grace_ms=2000",
         "--alert_sweep_interval_s=0", "--log_rpcs=false"},
        dir_, "enterprise");
    for (auto& e : extra) argv.push_back(e);
    ASSERT_TRUE(
        testing::StartServing(&server_, argv, dir_.File("server.log"), address(), kService));
    stub_ = v1::EnterpriseService::NewStub(MakeChannel(address()));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = kWriterToken) {
    return testing::TokenContext(token, absl::Seconds(20));
  }

  absl::StatusOr<v1::Enterprise> Create(
      int n, common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING,
      bool above_scale = true, bool key = true) {
    v1::CreateEnterpriseRequest req;
    v1::Enterprise* e = req.mutable_enterprise();
    e->set_uscc(Uscc(n));
    e->set_name(absl::StrCat("阜新监测企业", n, "有限公司"));
    e->set_industry_chain(chain);
    e->set_above_scale(above_scale);
    if (above_scale) *e->mutable_above_scale_date() = MakeDate(2020, 1, 1);
    e->set_key_enterprise(key);
    v1::Enterprise out;
    grpc::Status s = stub_->CreateEnterprise(Ctx().get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  absl::StatusOr<v1::Enterprise> Rename(const v1::Enterprise& e, const std::string& name) {
    v1::UpdateEnterpriseRequest req;
    req.mutable_enterprise()->set_id(e.id());
    req.mutable_enterprise()->set_name(name);
    req.mutable_update_mask()->add_paths("name");
    v1::Enterprise out;
    grpc::Status s = stub_->UpdateEnterprise(Ctx().get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  absl::StatusOr<v1::MonthlyReport> Submit(const std::string& id, const std::string& period,
                                           int64_t output) {
    v1::SubmitMonthlyReportRequest req;
    req.mutable_report()->set_enterprise_id(id);
    req.mutable_report()->set_period(period);
    *req.mutable_report()->mutable_output_value() = Yuan(output);
    *req.mutable_report()->mutable_revenue() = Yuan(output);
    req.mutable_report()->set_employees(20);
    v1::MonthlyReport out;
    grpc::Status s = stub_->SubmitMonthlyReport(Ctx().get(), req, &out);
    if (!s.ok()) return FromGrpcStatus(s);
    return out;
  }

  int64_t ListRevision() {
    v1::ListEnterprisesRequest req;
    req.set_page_size(1);
    v1::ListEnterprisesResponse resp;
    EXPECT_TRUE(stub_->ListEnterprises(Ctx(kReaderToken).get(), req, &resp).ok());
    return resp.revision();
  }

  TempDir dir_;
  RedisServer redis_;
  int port_ = 0;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<v1::EnterpriseService::Stub> stub_;
};

TEST_F(EnterpriseWatchE2eTest, DeliversCreateAndUpdateInOrderAndResumesExactlyAfterADisconnect) {
  StartServer();
  const int64_t start = ListRevision();
  EXPECT_GE(start, 0);
  int64_t resume_from = 0;
  v1::Enterprise first;
  {
    EnterpriseWatch watch(address(), WatchEnterprisesSince(start));
    auto a = Create(1);
    ASSERT_TRUE(a.ok()) << a.status();
    auto b = Create(2);
    ASSERT_TRUE(b.ok()) << b.status();
    ASSERT_TRUE(Rename(*a, "改名后的企业").ok());
    ASSERT_TRUE(watch.WaitForChanges(3));
    auto changes = watch.changes();
    ASSERT_EQ(changes.size(), 3u);
    ExpectStrictlyIncreasing(changes);
    EXPECT_GT(changes[0].revision(), start);
    EXPECT_EQ(changes[0].kind(), common::v1::CHANGE_KIND_CREATED);
    EXPECT_EQ(changes[0].enterprise().id(), a->id());
    EXPECT_EQ(changes[0].enterprise().uscc(), Uscc(1));
    EXPECT_TRUE(changes[0].has_change_time());
    EXPECT_EQ(changes[1].kind(), common::v1::CHANGE_KIND_CREATED);
    EXPECT_EQ(changes[1].enterprise().id(), b->id());
    EXPECT_EQ(changes[2].kind(), common::v1::CHANGE_KIND_UPDATED);
    EXPECT_EQ(changes[2].enterprise().name(), "改名后的企业");
    EXPECT_EQ(changes[2].enterprise().etag(), "2");
    // A list now reflects at least every change delivered.
    EXPECT_GE(ListRevision(), changes[2].revision());
    resume_from = changes.back().revision();
    first = changes[0].enterprise();
  }
  // Changes made while nobody watches.
  ASSERT_TRUE(Create(3).ok());
  ASSERT_TRUE(Rename(first, "再次改名").ok());
  EnterpriseWatch resumed(address(), WatchEnterprisesSince(resume_from));
  ASSERT_TRUE(resumed.WaitForChanges(2));
  absl::SleepFor(absl::Milliseconds(300));
  auto changes = resumed.changes();
  ASSERT_EQ(changes.size(), 2u) << "exactly the missed changes, no duplicates";
  EXPECT_GT(changes[0].revision(), resume_from);
  EXPECT_EQ(changes[0].enterprise().uscc(), Uscc(3));
  EXPECT_EQ(changes[0].kind(), common::v1::CHANGE_KIND_CREATED);
  EXPECT_EQ(changes[1].enterprise().name(), "再次改名");
  EXPECT_EQ(changes[1].kind(), common::v1::CHANGE_KIND_UPDATED);
}

TEST_F(EnterpriseWatchE2eTest, FiltersMatchEachChangesNewState) {
  StartServer({"--watch_progress_ms=200"});
  const int64_t start = ListRevision();
  v1::WatchEnterprisesRequest food;
  food.set_since_revision(start);
  food.set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
  v1::WatchEnterprisesRequest below_scale;
  below_scale.set_since_revision(start);
  below_scale.set_above_scale(false);
  v1::WatchEnterprisesRequest key_above;
  key_above.set_since_revision(start);
  key_above.set_above_scale(true);
  key_above.set_key_enterprise(true);
  EnterpriseWatch on_food(address(), WatchEnterprises(food));
  EnterpriseWatch on_below(address(), WatchEnterprises(below_scale));
  EnterpriseWatch on_key_above(address(), WatchEnterprises(key_above));
  EnterpriseWatch on_all(address(), WatchEnterprisesSince(start));

  ASSERT_TRUE(Create(10, common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING, true, true).ok());
  ASSERT_TRUE(Create(11, common::v1::INDUSTRY_CHAIN_GREEN_FOOD, true, false).ok());
  ASSERT_TRUE(Create(12, common::v1::INDUSTRY_CHAIN_GREEN_FOOD, false, false).ok());
  ASSERT_TRUE(on_all.WaitForChanges(3));
  const int64_t head = on_all.changes().back().revision();
  // Progress carries every watcher past the changes its filter skipped.
  for (auto* w : {&on_food, &on_below, &on_key_above}) {
    ASSERT_TRUE(w->WaitFor([head](const std::vector<v1::WatchEnterprisesResponse>& m) {
      return !m.empty() && m.back().revision() >= head;
    }));
  }
  auto uscc_of = [](const std::vector<v1::EnterpriseChange>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(c.enterprise().uscc());
    return out;
  };
  EXPECT_EQ(uscc_of(on_food.changes()), (std::vector<std::string>{Uscc(11), Uscc(12)}));
  EXPECT_EQ(uscc_of(on_below.changes()), (std::vector<std::string>{Uscc(12)}));
  EXPECT_EQ(uscc_of(on_key_above.changes()), (std::vector<std::string>{Uscc(10)}));

  // Bad filters and missing roles fail the stream at once.
  v1::WatchEnterprisesRequest bad;
  bad.set_industry_chain(static_cast<common::v1::IndustryChain>(999));
  EnterpriseWatch bad_watch(address(), WatchEnterprises(bad));
  ASSERT_TRUE(bad_watch.WaitForEnd());
  EXPECT_EQ(bad_watch.status().code(), absl::StatusCode::kInvalidArgument);
  EnterpriseWatch outsider(address(), WatchEnterprisesSince(0), kOutsiderToken);
  ASSERT_TRUE(outsider.WaitForEnd());
  EXPECT_EQ(outsider.status().code(), absl::StatusCode::kPermissionDenied);
  AlertWatch outsider_alerts(address(), WatchAlerts({}), kOutsiderToken);
  ASSERT_TRUE(outsider_alerts.WaitForEnd());
  EXPECT_EQ(outsider_alerts.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(EnterpriseWatchE2eTest, WatchAlertsDeliversAnAlertRaisedByAZeroOutputReport) {
  StartServer();
  auto e = Create(20);
  ASSERT_TRUE(e.ok()) << e.status();
  auto other = Create(21);
  ASSERT_TRUE(other.ok()) << other.status();
  v1::ListAlertsResponse listed;
  ASSERT_TRUE(stub_->ListAlerts(Ctx(kReaderToken).get(), {}, &listed).ok());
  EXPECT_GT(listed.revision(), 0);

  v1::WatchAlertsRequest all;
  all.set_since_revision(listed.revision());
  v1::WatchAlertsRequest open_of_e;
  open_of_e.set_since_revision(listed.revision());
  open_of_e.set_state(v1::ALERT_STATE_OPEN);
  open_of_e.set_rule(v1::ALERT_RULE_ZERO_OUTPUT);
  open_of_e.set_enterprise_id(e->id());
  AlertWatch on_all(address(), WatchAlerts(all));
  AlertWatch on_open_of_e(address(), WatchAlerts(open_of_e));

  ASSERT_TRUE(Submit(e->id(), "2023-06", 5000000).ok());  // no alert
  ASSERT_TRUE(Submit(other->id(), "2023-06", 0).ok());    // another enterprise's alert
  ASSERT_TRUE(Submit(e->id(), "2023-07", 0).ok());        // ZERO_OUTPUT for e
  ASSERT_TRUE(on_all.WaitForChanges(2));
  ASSERT_TRUE(on_open_of_e.WaitForChanges(1));
  auto mine = on_open_of_e.changes();
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].kind(), common::v1::CHANGE_KIND_CREATED);
  EXPECT_EQ(mine[0].alert().rule(), v1::ALERT_RULE_ZERO_OUTPUT);
  EXPECT_EQ(mine[0].alert().state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(mine[0].alert().period(), "2023-07");
  EXPECT_EQ(mine[0].alert().enterprise_id(), e->id());
  EXPECT_GT(mine[0].revision(), listed.revision());

  // Acknowledging is an update: the unfiltered watcher sees it, the OPEN-only one does not.
  v1::AcknowledgeAlertRequest ack;
  ack.set_id(mine[0].alert().id());
  v1::Alert acked;
  ASSERT_TRUE(stub_->AcknowledgeAlert(Ctx().get(), ack, &acked).ok());
  ASSERT_TRUE(on_all.WaitForChanges(3));
  auto changes = on_all.changes();
  ASSERT_EQ(changes.size(), 3u);
  ExpectStrictlyIncreasing(changes);
  EXPECT_EQ(changes[0].alert().enterprise_id(), other->id());
  EXPECT_EQ(changes[1].alert().id(), mine[0].alert().id());
  EXPECT_EQ(changes[2].kind(), common::v1::CHANGE_KIND_UPDATED);
  EXPECT_EQ(changes[2].alert().state(), v1::ALERT_STATE_ACKNOWLEDGED);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(on_open_of_e.changes().size(), 1u);

  // A bad filter fails at once.
  v1::WatchAlertsRequest bad;
  bad.set_enterprise_id("not-an-id");
  AlertWatch bad_watch(address(), WatchAlerts(bad));
  ASSERT_TRUE(bad_watch.WaitForEnd());
  EXPECT_EQ(bad_watch.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EnterpriseWatchE2eTest, ResumingFromCompactedHistoryIsOutOfRange) {
  StartServer({"--event_retention_count=3", "--event_compaction_s=1"});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Create(30 + i).ok());
  absl::SleepFor(absl::Milliseconds(1600));  // a compaction pass
  EnterpriseWatch old(address(), WatchEnterprisesSince(1));
  ASSERT_TRUE(old.WaitForEnd());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange) << old.status();
  EXPECT_EQ(ErrorReason(old.status()), "REVISION_COMPACTED");
  v1::WatchAlertsRequest old_alerts;
  old_alerts.set_since_revision(1);
  AlertWatch old_alert_watch(address(), WatchAlerts(old_alerts));
  ASSERT_TRUE(old_alert_watch.WaitForEnd());
  EXPECT_EQ(old_alert_watch.status().code(), absl::StatusCode::kOutOfRange);
  // The remedy works: re-list, then watch from the list's revision.
  const int64_t listed = ListRevision();
  EnterpriseWatch fresh(address(), WatchEnterprisesSince(listed));
  ASSERT_TRUE(Create(99).ok());
  ASSERT_TRUE(fresh.WaitForChanges(1));
  EXPECT_EQ(fresh.changes()[0].enterprise().uscc(), Uscc(99));
}

TEST_F(EnterpriseWatchE2eTest, IndustryStructureStreamsAtOnceThenAfterReportsAtABoundedRate) {
  StartServer({"--summary_min_interval_ms=500"});
  auto e = Create(40);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(Submit(e->id(), "2023-03", 1000000).ok());
  StructureStream stream(address(), StreamStructure(2023));
  ASSERT_TRUE(stream.WaitForMessages(1));
  const v1::IndustryStructure first = stream.messages()[0];
  EXPECT_EQ(first.year(), 2023);
  EXPECT_EQ(first.through_month(), 12);
  EXPECT_EQ(ToNanos(first.zone_total().output_value()), YuanNanos(1000000));
  EXPECT_EQ(first.zone_total().above_scale_count(), 1);
  EXPECT_GT(first.revision(), 0);
  // The unary read agrees and carries the same revision.
  v1::GetIndustryStructureRequest get;
  get.set_year(2023);
  v1::IndustryStructure unary;
  ASSERT_TRUE(stub_->GetIndustryStructure(Ctx(kReaderToken).get(), get, &unary).ok());
  EXPECT_EQ(unary.SerializeAsString(), first.SerializeAsString());

  // One more report: a fresh structure, tagged with a later revision.
  auto filed = Submit(e->id(), "2023-04", 2000000);
  ASSERT_TRUE(filed.ok()) << filed.status();
  ASSERT_TRUE(stream.WaitForMessages(2));
  const v1::IndustryStructure second = stream.messages()[1];
  EXPECT_EQ(ToNanos(second.zone_total().output_value()), YuanNanos(3000000));
  EXPECT_GT(second.revision(), first.revision());

  // A report outside the months summed is not a reason to send.
  ASSERT_TRUE(Submit(e->id(), "2019-04", 7).ok());
  absl::SleepFor(absl::Milliseconds(1000));
  EXPECT_EQ(stream.messages().size(), 2u);

  // A burst of 20 reports: coalesced into a few structures, the last reflecting all of them.
  const absl::Time start = absl::Now();
  int64_t expected = 3000000;
  for (int i = 0; i < 20; ++i) {
    auto other = Create(50 + i);
    ASSERT_TRUE(other.ok()) << other.status();
    ASSERT_TRUE(Submit(other->id(), "2023-05", 100 + i).ok());
    expected += 100 + i;
  }
  ASSERT_TRUE(stream.WaitFor([expected](const std::vector<v1::IndustryStructure>& m) {
    return ToNanos(m.back().zone_total().output_value()) == YuanNanos(expected);
  }));
  const auto messages = stream.messages();
  const auto times = stream.times();
  EXPECT_EQ(messages.back().zone_total().above_scale_count(), 21);
  const int sent = static_cast<int>(messages.size()) - 2;
  const double seconds = absl::ToDoubleSeconds(times.back() - start);
  EXPECT_LE(sent, 2 + static_cast<int>(seconds * 2)) << sent << " in " << seconds << "s";
  for (size_t i = 3; i < times.size(); ++i) {
    // At most 2 per second: consecutive messages at least ~500 ms apart (some slack for timing).
    EXPECT_GE(times[i] - times[i - 1], absl::Milliseconds(400)) << "message " << i;
    EXPECT_GE(messages[i].revision(), messages[i - 1].revision());
  }
}

TEST_F(EnterpriseWatchE2eTest, ALeadPromotedByTheLeadsServiceArrivesOnTheWatch) {
  constexpr char kLeadsToken[] = "ent-watch-leads";
  testing::WriteFile(dir_.File("tokens"),
                     absl::StrCat(testing::ReadFileOrEmpty(dir_.File("tokens")),
                                  Sha256Hex(kLeadsToken), " leads leads.reader,leads.writer\n"));
  const std::string leads_address = absl::StrCat("127.0.0.1:", testing::FreePort());
  Subprocess leads(testing::WithStore({LEADS_SERVER_PATH, "--listen=" + leads_address,
                                       "--tokens_file=" + dir_.File("tokens")},
                                      dir_, "leads"),
                   dir_.File("leads.log"));
  ASSERT_TRUE(
      testing::WaitForServing(leads_address, "gaoxin.leads.v1.LeadService", absl::Seconds(15)));
  setenv("GAOXIN_LEADS_TOKEN", kLeadsToken, 1);
  StartServer({"--leads_addr=" + leads_address});
  v1::WatchEnterprisesRequest req;
  req.set_since_revision(ListRevision());
  req.set_above_scale(true);
  EnterpriseWatch watch(address(), WatchEnterprises(req));

  auto leads_stub = leads::v1::LeadService::NewStub(MakeChannel(leads_address));
  ASSERT_NO_FATAL_FAILURE(
      testing::leads_fixture::PromoteLead(leads_stub.get(), kLeadsToken, "亿家兴", Uscc(77)));
  ASSERT_TRUE(watch.WaitForChanges(1, absl::Seconds(20)))
      << testing::ReadFileOrEmpty(dir_.File("server.log"));
  auto changes = watch.changes();
  EXPECT_EQ(changes[0].enterprise().uscc(), Uscc(77));
  EXPECT_TRUE(changes[0].enterprise().above_scale());
  EXPECT_EQ(changes[0].kind(), common::v1::CHANGE_KIND_CREATED);
}

TEST_F(EnterpriseWatchE2eTest, ShutdownEndsWatchesWithUnavailable) {
  StartServer();
  EnterpriseWatch enterprises(address(), WatchEnterprisesSince(0));
  AlertWatch alerts(address(), WatchAlerts({}));
  StructureStream structure(address(), StreamStructure(2023, 6));
  ASSERT_TRUE(enterprises.WaitForMessages(1));
  ASSERT_TRUE(alerts.WaitForMessages(1));
  ASSERT_TRUE(structure.WaitForMessages(1));
  EXPECT_EQ(server_->Terminate(absl::Seconds(10)), 0);
  for (auto status : {std::make_pair(enterprises.WaitForEnd(), enterprises.status()),
                      std::make_pair(alerts.WaitForEnd(), alerts.status()),
                      std::make_pair(structure.WaitForEnd(), structure.status())}) {
    EXPECT_TRUE(status.first);
    EXPECT_EQ(status.second.code(), absl::StatusCode::kUnavailable) << status.second;
  }
}

}  // namespace
}  // namespace gaoxin::enterprise
