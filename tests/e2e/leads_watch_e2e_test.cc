// End-to-end tests of the live-update contract on leads_server: WatchLeads ordering, resume,
// progress, compaction, slow clients, replicas sharing a store with and without Redis, shutdown,
// and the StreamYearSummary dashboard stream.
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/support/hostile.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"

namespace gaoxin::leads {
namespace {

using testing::RedisServer;
using testing::Subprocess;
using testing::TempDir;

constexpr char kService[] = "gaoxin.leads.v1.LeadService";
constexpr char kToken[] = "watch-test-token";

// Reads a WatchLeads stream on its own thread and keeps what arrives.
class WatchClient {
 public:
  WatchClient(const std::string& address, int64_t since,
              std::shared_ptr<grpc::Channel> channel = nullptr) {
    channel_ = channel ? channel : MakeChannel(address);
    stub_ = v1::LeadService::NewStub(channel_);
    PrepareContext(&ctx_, kToken, absl::InfiniteDuration());
    v1::WatchLeadsRequest req;
    req.set_since_revision(since);
    reader_ = stub_->WatchLeads(&ctx_, req);
    thread_ = std::thread([this] {
      v1::WatchLeadsResponse msg;
      while (reader_->Read(&msg)) {
        absl::MutexLock lock(&mu_);
        ++messages_;
        last_revision_ = msg.revision();
        for (const auto& c : msg.changes()) changes_.push_back(c);
      }
      grpc::Status s = reader_->Finish();
      absl::MutexLock lock(&mu_);
      status_ = FromGrpcStatus(s);
      done_ = true;
    });
  }
  ~WatchClient() {
    ctx_.TryCancel();
    thread_.join();
  }

  // Waits until `n` changes arrived (or the stream ended, or the timeout).
  bool WaitForChanges(size_t n, absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu_) { return changes_.size() >= n || done_; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
    return changes_.size() >= n;
  }
  bool WaitForEnd(absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&done_), timeout);
    return done_;
  }
  std::vector<v1::LeadChange> changes() {
    absl::MutexLock lock(&mu_);
    return changes_;
  }
  int messages() {
    absl::MutexLock lock(&mu_);
    return messages_;
  }
  int64_t last_revision() {
    absl::MutexLock lock(&mu_);
    return last_revision_;
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::WatchLeadsResponse>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<v1::LeadChange> changes_ ABSL_GUARDED_BY(mu_);
  int messages_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_revision_ ABSL_GUARDED_BY(mu_) = 0;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

class LeadsWatchE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("tokens"), Sha256Hex(kToken) + " watcher admin\n");
    ASSERT_TRUE(redis_.Start());
  }

  // Starts a replica on the shared store; returns its address.
  std::string StartReplica(std::vector<std::string> extra = {}) {
    const int port = testing::FreePort();
    std::vector<std::string> argv = testing::WithStore(
        {SERVER_PATH, absl::StrCat("--listen=127.0.0.1:", port), "--redis=" + redis_.address(),
         "--tokens_file=" + dir_.File("tokens"), "--shutdown_grace_ms=2000", "--log_rpcs=false"},
        dir_, "leads");
    for (auto& e : extra) argv.push_back(e);
    replicas_.push_back(std::make_unique<Subprocess>(
        argv, dir_.File(absl::StrCat("replica-", replicas_.size(), ".log"))));
    const std::string address = absl::StrCat("127.0.0.1:", port);
    EXPECT_TRUE(testing::WaitForServing(address, kService, absl::Seconds(15)));
    return address;
  }

  absl::StatusOr<v1::Lead> Create(const std::string& address, const std::string& name,
                                  const std::string& note = "") {
    auto stub = v1::LeadService::NewStub(MakeChannel(address));
    v1::CreateLeadRequest req;
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_note(note);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_NEW_ENERGY);
    *req.mutable_effective_date() = MakeDate(2024, 3, 1);
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kToken);
    v1::Lead lead;
    grpc::Status s = stub->CreateLead(&ctx, req, &lead);
    if (!s.ok()) return FromGrpcStatus(s);
    return lead;
  }

  int64_t ListRevision(const std::string& address) {
    auto stub = v1::LeadService::NewStub(MakeChannel(address));
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kToken);
    v1::ListLeadsRequest req;
    req.set_page_size(1);
    v1::ListLeadsResponse resp;
    EXPECT_TRUE(stub->ListLeads(&ctx, req, &resp).ok());
    return resp.revision();
  }

  static void ExpectStrictlyIncreasing(const std::vector<v1::LeadChange>& changes) {
    for (size_t i = 1; i < changes.size(); ++i) {
      ASSERT_LT(changes[i - 1].revision(), changes[i].revision()) << "at " << i;
    }
  }

  TempDir dir_;
  RedisServer redis_;
  std::vector<std::unique_ptr<Subprocess>> replicas_;
};

TEST_F(LeadsWatchE2eTest, DeliversEveryChangeInOrderAndResumesExactlyAfterADisconnect) {
  const std::string a = StartReplica();
  const int64_t start = ListRevision(a);
  std::vector<std::string> names;
  int64_t resume_from = 0;
  {
    WatchClient watch(a, start);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create(a, absl::StrCat("first-", i)).ok());
    ASSERT_TRUE(watch.WaitForChanges(3));
    auto changes = watch.changes();
    ASSERT_EQ(changes.size(), 3u);
    ExpectStrictlyIncreasing(changes);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(changes[i].lead().name(), absl::StrCat("first-", i));
      EXPECT_EQ(changes[i].kind(), common::v1::CHANGE_KIND_CREATED);
    }
    resume_from = changes.back().revision();
  }
  // Changes made while nobody watches.
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Create(a, absl::StrCat("missed-", i)).ok());
  WatchClient resumed(a, resume_from);
  ASSERT_TRUE(resumed.WaitForChanges(2));
  absl::SleepFor(absl::Milliseconds(300));
  auto changes = resumed.changes();
  ASSERT_EQ(changes.size(), 2u) << "exactly the missed changes, no duplicates";
  EXPECT_EQ(changes[0].lead().name(), "missed-0");
  EXPECT_EQ(changes[1].lead().name(), "missed-1");
  EXPECT_GT(changes[0].revision(), resume_from);
}

TEST_F(LeadsWatchE2eTest, IdleStreamsGetProgressWithTheCurrentRevision) {
  const std::string a = StartReplica({"--watch_progress_ms=200"});
  ASSERT_TRUE(Create(a, "x").ok());
  const int64_t head = ListRevision(a);
  WatchClient watch(a, 0);
  absl::SleepFor(absl::Milliseconds(1100));
  EXPECT_GE(watch.messages(), 3);  // the opening message and progress every 200 ms
  EXPECT_EQ(watch.last_revision(), head);
  EXPECT_TRUE(watch.changes().empty());
}

TEST_F(LeadsWatchE2eTest, ResumingFromCompactedHistoryIsOutOfRange) {
  const std::string a = StartReplica({"--event_retention_count=3", "--event_compaction_s=1"});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Create(a, absl::StrCat("l", i)).ok());
  absl::SleepFor(absl::Milliseconds(1600));  // a compaction pass
  WatchClient old(a, 1);
  ASSERT_TRUE(old.WaitForEnd());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ErrorReason(old.status()), "REVISION_COMPACTED");
  // The remedy works: re-list, then watch from the list's revision.
  const int64_t listed = ListRevision(a);
  WatchClient fresh(a, listed);
  ASSERT_TRUE(Create(a, "after").ok());
  ASSERT_TRUE(fresh.WaitForChanges(1));
  EXPECT_EQ(fresh.changes()[0].lead().name(), "after");
}

TEST_F(LeadsWatchE2eTest, AWatcherThatCannotKeepUpIsCutOffAndTheServerStaysHealthy) {
  const std::string a = StartReplica({"--watch_max_lag=50"});
  // A client with a tiny flow-control window that does not read: the server's writes stall.
  auto slow_channel = testing::SlowReaderChannel(a);
  auto stub = v1::LeadService::NewStub(slow_channel);
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kToken, absl::Seconds(60));
  v1::WatchLeadsRequest req;
  req.set_since_revision(ListRevision(a));
  auto reader = stub->WatchLeads(&ctx, req);
  const std::string big_note(2000, 'n');
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(Create(a, absl::StrCat("c", i), big_note).ok());
  absl::SleepFor(absl::Milliseconds(500));
  // Now drain: some changes, then the cut-off.
  v1::WatchLeadsResponse msg;
  int64_t received = 0;
  while (reader->Read(&msg)) received += msg.changes_size();
  absl::Status status = FromGrpcStatus(reader->Finish());
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(ErrorReason(status), "WATCHER_TOO_SLOW");
  EXPECT_LT(received, 300);
  // Other clients are unaffected.
  EXPECT_TRUE(Create(a, "still-serving").ok());
}

// Many clients that open a watch and never read: the server keeps one message in flight per
// watcher and cuts them off, so its memory does not grow with what they failed to read.
TEST_F(LeadsWatchE2eTest, ClientsThatNeverReadDoNotGrowServerMemory) {
  const std::string a = StartReplica({"--watch_max_lag=100"});
  auto slow_channel = testing::SlowReaderChannel(a);
  auto stub = v1::LeadService::NewStub(slow_channel);
  constexpr int kWatchers = 100;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::WatchLeadsResponse>>> readers;
  v1::WatchLeadsRequest req;
  req.set_since_revision(ListRevision(a));
  for (int i = 0; i < kWatchers; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    PrepareContext(contexts.back().get(), kToken, absl::Seconds(60));
    readers.push_back(stub->WatchLeads(contexts.back().get(), req));
  }
  absl::SleepFor(absl::Milliseconds(300));
  const int64_t before_kb = testing::RssKb(replicas_[0]->pid());
  ASSERT_GT(before_kb, 0);
  // 600 changes of ~2 KB: every watcher owes ~1.2 MB, 120 MB in all if anything buffered it.
  const std::string big_note(2000, 'n');
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(Create(a, absl::StrCat("m", i), big_note).ok());
  absl::SleepFor(absl::Milliseconds(500));
  const int64_t after_kb = testing::RssKb(replicas_[0]->pid());
  EXPECT_LT(after_kb - before_kb, 60 * 1024) << before_kb << " KB -> " << after_kb << " KB";
  for (auto& ctx : contexts) ctx->TryCancel();
  for (auto& r : readers) r->Finish();
  EXPECT_TRUE(Create(a, "still-serving").ok());
}

TEST_F(LeadsWatchE2eTest, ReplicasSharingAStoreDeliverEveryChangeOnceThroughARedisOutage) {
  const std::string a = StartReplica();
  const std::string b = StartReplica();
  const int64_t start = ListRevision(a);
  WatchClient on_b(b, start);
  int created = 0;
  auto create_on_a = [&](int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(Create(a, absl::StrCat("r", created++)).ok());
  };
  create_on_a(10);
  ASSERT_TRUE(on_b.WaitForChanges(10));
  redis_.Stop();  // replicas fall back to reading the store's log
  create_on_a(10);
  ASSERT_TRUE(on_b.WaitForChanges(20));
  ASSERT_TRUE(redis_.Start());
  create_on_a(10);
  ASSERT_TRUE(on_b.WaitForChanges(30));
  absl::SleepFor(absl::Milliseconds(500));
  auto changes = on_b.changes();
  ASSERT_EQ(changes.size(), 30u) << "no change lost or repeated";
  ExpectStrictlyIncreasing(changes);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(changes[i].lead().name(), absl::StrCat("r", i));

  // Replica B restarts; a client resuming from its last revision on A misses nothing either.
  const int64_t last = changes.back().revision();
  replicas_[1]->Terminate();
  create_on_a(5);
  WatchClient resumed(a, last);
  ASSERT_TRUE(resumed.WaitForChanges(5));
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_EQ(resumed.changes().size(), 5u);
  EXPECT_EQ(resumed.changes()[0].lead().name(), "r30");
}

TEST_F(LeadsWatchE2eTest, LatencyAcrossReplicasWithRedisIsLow) {
  // With Redis, B hears of A's commits through the stream rather than its poll: give the poll a
  // long interval (20 s) so only the stream can make delivery fast. The bound (3 s) leaves room
  // for the sanitizer builds; a delivery by the poll would take 10 s on average.
  const std::string a = StartReplica({"--watch_poll_ms=20000"});
  const std::string b = StartReplica({"--watch_poll_ms=20000"});
  WatchClient on_b(b, ListRevision(a));
  absl::SleepFor(absl::Milliseconds(300));  // let B's listener subscribe
  const absl::Time sent = absl::Now();
  ASSERT_TRUE(Create(a, "fast").ok());
  ASSERT_TRUE(on_b.WaitForChanges(1, absl::Seconds(5)));
  EXPECT_LT(absl::Now() - sent, absl::Seconds(3));
}

TEST_F(LeadsWatchE2eTest, ShutdownEndsWatchesWithUnavailable) {
  const std::string a = StartReplica();
  WatchClient watch(a, 0);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(replicas_[0]->Terminate(absl::Seconds(10)), 0);
  ASSERT_TRUE(watch.WaitForEnd());
  EXPECT_EQ(watch.status().code(), absl::StatusCode::kUnavailable);
}

// Opens and abandons `n` streams, the ways clients really abandon them: WatchLeads cancelled
// after its opening message, WatchLeads ended by a deadline shorter than its life, and
// StreamYearSummary cancelled after its first summary.
void AbandonStreams(const std::string& address, int n) {
  auto stub = v1::LeadService::NewStub(MakeChannel(address));
  for (int i = 0; i < n; ++i) {
    grpc::ClientContext ctx;
    if (i % 3 == 1) {
      PrepareContext(&ctx, kToken, absl::Milliseconds(10));
      v1::WatchLeadsRequest req;
      auto reader = stub->WatchLeads(&ctx, req);
      v1::WatchLeadsResponse msg;
      while (reader->Read(&msg)) {
      }
      reader->Finish();
      continue;
    }
    PrepareContext(&ctx, kToken, absl::Seconds(10));
    if (i % 3 == 0) {
      v1::WatchLeadsRequest req;
      auto reader = stub->WatchLeads(&ctx, req);
      v1::WatchLeadsResponse msg;
      reader->Read(&msg);  // the opening message: the server's reactor is running
      ctx.TryCancel();
      reader->Finish();
    } else {
      v1::StreamYearSummaryRequest req;
      req.set_year(2024);
      auto reader = stub->StreamYearSummary(&ctx, req);
      v1::YearSummary msg;
      reader->Read(&msg);
      ctx.TryCancel();
      reader->Finish();
    }
  }
}

// Abandons `n` streams from 4 client threads at once.
void AbandonStreamsConcurrently(const std::string& address, int n) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&address, n] { AbandonStreams(address, n / 4); });
  for (auto& t : threads) t.join();
}

// Every stream the client cancels or lets time out must end on the server too: its reactor
// freed, its call no longer in flight. A leak of ~18 KB per stream shows as ~70 MB here.
TEST_F(LeadsWatchE2eTest, CancelledAndTimedOutStreamsLeaveServerMemoryFlat) {
  const std::string a = StartReplica();
  ASSERT_TRUE(Create(a, "something-to-summarise").ok());
  // Warm-up: gRPC's and the allocator's pools reach their working size.
  AbandonStreamsConcurrently(a, 600);
  const int64_t before_kb = testing::RssKb(replicas_[0]->pid());
  ASSERT_GT(before_kb, 0);
  AbandonStreamsConcurrently(a, 4000);
  const int64_t after_kb = testing::RssKb(replicas_[0]->pid());
  EXPECT_LT(after_kb - before_kb, 20 * 1024) << before_kb << " KB -> " << after_kb << " KB";
  EXPECT_TRUE(Create(a, "still-serving").ok());
}

// SIGTERM drains within --shutdown_grace_ms (2 s here) whatever the streams did: cancelled,
// timed out, still open and read, still open and never read.
TEST_F(LeadsWatchE2eTest, SigtermDrainsWithinTheGraceWhateverTheStreamsDid) {
  const std::string a = StartReplica();
  ASSERT_TRUE(Create(a, "x").ok());
  AbandonStreams(a, 30);
  WatchClient open_watch(a, 0);
  ASSERT_TRUE(open_watch.WaitForChanges(0));
  // A dashboard stream left open, and a watch whose client never reads.
  auto stub = v1::LeadService::NewStub(MakeChannel(a));
  grpc::ClientContext summary_ctx;
  PrepareContext(&summary_ctx, kToken, absl::Seconds(60));
  v1::StreamYearSummaryRequest summary_req;
  summary_req.set_year(2024);
  auto summary = stub->StreamYearSummary(&summary_ctx, summary_req);
  v1::YearSummary first;
  ASSERT_TRUE(summary->Read(&first));
  grpc::ClientContext unread_ctx;
  PrepareContext(&unread_ctx, kToken, absl::Seconds(60));
  auto unread = stub->WatchLeads(&unread_ctx, v1::WatchLeadsRequest());

  const absl::Time start = absl::Now();
  const int code = replicas_[0]->Terminate(absl::Milliseconds(2000 + 1500));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(code, 0) << "-1: still draining after grace + 1.5 s, had to SIGKILL";
  EXPECT_LT(took, absl::Milliseconds(2000 + 1500));
  ASSERT_TRUE(open_watch.WaitForEnd());
  EXPECT_EQ(open_watch.status().code(), absl::StatusCode::kUnavailable);
  summary_ctx.TryCancel();
  summary->Finish();
  unread_ctx.TryCancel();
  unread->Finish();
}

// A watcher resuming from far behind is catching up from the log, not slow: it gets every
// change since its revision, once, in order, however far behind --watch_max_lag that is (and
// further back than the in-memory ring, so from the store).
TEST_F(LeadsWatchE2eTest, ResumingFromFarBehindDeliversEveryChangeOnceInOrder) {
  const std::string a = StartReplica({"--watch_max_lag=50", "--watch_ring_events=64"});
  // A revision to resume from that is not 0 ("from now") whatever an empty store reports.
  ASSERT_TRUE(Create(a, "before").ok());
  const int64_t start = ListRevision(a);
  constexpr int kChanges = 400;
  for (int i = 0; i < kChanges; ++i) ASSERT_TRUE(Create(a, absl::StrCat("behind-", i)).ok());
  WatchClient resumed(a, start);
  ASSERT_TRUE(resumed.WaitForChanges(kChanges, absl::Seconds(20))) << resumed.status();
  auto changes = resumed.changes();
  ASSERT_EQ(changes.size(), static_cast<size_t>(kChanges));
  ExpectStrictlyIncreasing(changes);
  for (int i = 0; i < kChanges; ++i) {
    EXPECT_EQ(changes[i].lead().name(), absl::StrCat("behind-", i)) << "at " << i;
  }
  EXPECT_TRUE(resumed.status().ok()) << resumed.status();
  // And it carries on live.
  ASSERT_TRUE(Create(a, "live").ok());
  ASSERT_TRUE(resumed.WaitForChanges(kChanges + 1));
  EXPECT_EQ(resumed.changes().back().lead().name(), "live");
}

// A client that opens a watch and does not read while changes happen is cut off within a bounded
// time even when it is nowhere near --watch_max_lag (the default, 20,000) behind: its write has
// been stuck longer than --watch_max_stall_ms.
TEST_F(LeadsWatchE2eTest, AWatcherWhoseWriteStallsIsCutOffWithinABoundedTime) {
  const std::string a = StartReplica({"--watch_max_stall_ms=1000"});
  auto slow_channel = testing::SlowReaderChannel(a);
  auto stub = v1::LeadService::NewStub(slow_channel);
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kToken, absl::Seconds(20));
  v1::WatchLeadsRequest req;
  req.set_since_revision(ListRevision(a));
  auto reader = stub->WatchLeads(&ctx, req);
  const std::string big_note(2000, 'n');
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(Create(a, absl::StrCat("s", i), big_note).ok());
  // Bounded from the last change on (the writes' own pace varies, e.g. under a sanitizer).
  const absl::Time start = absl::Now();
  // Not reading for a while: longer than the stall limit.
  absl::SleepFor(absl::Seconds(3));
  v1::WatchLeadsResponse msg;
  int64_t received = 0;
  while (reader->Read(&msg)) received += msg.changes_size();
  absl::Status status = FromGrpcStatus(reader->Finish());
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(ErrorReason(status), "WATCHER_TOO_SLOW");
  EXPECT_LT(received, 200);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_TRUE(Create(a, "still-serving").ok());
}

// List on an empty store, then Watch from the List's revision: a change made in between is
// delivered (an empty store's revision must not be 0, which means "from now").
TEST_F(LeadsWatchE2eTest, ListThenWatchOnAnEmptyStoreMissesNothing) {
  const std::string a = StartReplica();
  const int64_t listed = ListRevision(a);
  EXPECT_GT(listed, 0);
  ASSERT_TRUE(Create(a, "between-list-and-watch").ok());
  WatchClient watch(a, listed);
  ASSERT_TRUE(watch.WaitForChanges(1, absl::Seconds(3))) << watch.status();
  EXPECT_EQ(watch.changes()[0].lead().name(), "between-list-and-watch");
}

TEST_F(LeadsWatchE2eTest, YearSummaryStreamsAtOnceThenAfterChangesAtABoundedRate) {
  const std::string a = StartReplica({"--summary_min_interval_ms=500"});
  auto lead = Create(a, "summary-lead");
  ASSERT_TRUE(lead.ok());
  auto stub = v1::LeadService::NewStub(MakeChannel(a));
  grpc::ClientContext ctx;
  PrepareContext(&ctx, kToken, absl::Seconds(30));
  v1::StreamYearSummaryRequest req;
  req.set_year(2024);
  auto reader = stub->StreamYearSummary(&ctx, req);
  v1::YearSummary first;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_EQ(first.batches().reserve().count(), 1);

  // 20 changes in a burst: coalesced into a few summaries, the last reflecting all of them.
  const absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Create(a, absl::StrCat("burst-", i)).ok());
  int summaries = 0;
  v1::YearSummary latest;
  while (latest.batches().reserve().count() < 21 && absl::Now() - start < absl::Seconds(10)) {
    ASSERT_TRUE(reader->Read(&latest));
    ++summaries;
    EXPECT_GT(latest.revision(), first.revision());
  }
  EXPECT_EQ(latest.batches().reserve().count(), 21);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  EXPECT_LE(summaries, 2 + static_cast<int>(seconds * 2)) << summaries << " in " << seconds;
  ctx.TryCancel();
  reader->Finish();
}

}  // namespace
}  // namespace gaoxin::leads
