// The multi-replica rehearsal: PostgreSQL + Redis + two replicas of every service on loopback,
// as production runs them. Writers spread creates round-robin over both replicas of leads and
// petition (retrying a failed call on the other replica with the same request_id), watchers
// read WatchLeads from both leads replicas (resuming on the other one when theirs goes away),
// leads reach 入规 so that both enterprise replicas' consumers race to register them. Mid-run,
// one replica of each service is stopped with SIGTERM and another killed with SIGKILL, each
// comes back, and PostgreSQL is restarted once (every replica's health must turn NOT_SERVING
// while it is away and SERVING after). Then:
//   - no acknowledged write is lost (every acknowledged lead and ledger is there);
//   - no retried request made a duplicate (one lead per request, one ledger per request);
//   - every watcher saw every change once and in order (revisions contiguous, nothing twice);
//   - each lead reaching 入规 became exactly one above-scale enterprise.
#include <signal.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/date.h"
#include "common/grpc_status.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/audit_fixture.h"
#include "tests/support/leads_fixture.h"
#include "tests/support/postgres_server.h"
#include "tests/support/server_under_test.h"
#include "tests/support/store_fixture.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_certs.h"

namespace gaoxin {
namespace {

using testing::Subprocess;

constexpr char kToken[] = "rehearsal-token";
// Valid GB 32100-2015 codes (as in the promotion e2e test).
const std::vector<std::string> kUsccs = {"91350100M000100Y43", "91210900MA0U9K5HW0"};

bool Retryable(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    default:
      return false;
  }
}

// One replica of a service: its flags, so it can be restarted the same way.
struct Replica {
  std::string name;
  std::string service;
  std::vector<std::string> argv;
  int port = 0;
  std::unique_ptr<Subprocess> process;
  std::string address() const { return absl::StrCat("127.0.0.1:", port); }
};

class ReplicasRehearsal : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pg_.ok()) << pg_.error();
    ASSERT_TRUE(pg_.Start()) << pg_.error();
    ASSERT_TRUE(redis_.Start());
    testing::WriteTokensFile(dir_.File("tokens"), {{kToken, "rehearsal", "admin"}});
    std::string key(32, 'k');
    testing::WriteFile(dir_.File("pii.key"), key);
    testing::WriteFile(dir_.File("page.key"), std::string(32, 'p'));
    // Outgoing tokens as Kubernetes mounts them: a Secret file each (with the newline an editor
    // leaves), read by the servers themselves.
    testing::WriteFile(dir_.File("outgoing.token"), std::string(kToken) + "\n");
    for (int r = 0; r < 2; ++r) leads_.push_back(MakeReplica("leads", r, LEADS_SERVER_PATH, {}));
    for (auto& r : leads_) ASSERT_TRUE(Start(r)) << Log(r);
    for (int r = 0; r < 2; ++r) {
      // Each enterprise replica follows a different leads replica.
      enterprise_.push_back(
          MakeReplica("enterprise", r, ENTERPRISE_SERVER_PATH,
                      {"--leads_addr=" + leads_[r].address(), "--alert_sweep_interval_s=0",
                       "--leads_token_file=" + dir_.File("outgoing.token")}));
    }
    for (auto& r : enterprise_) ASSERT_TRUE(Start(r)) << Log(r);
    for (int r = 0; r < 2; ++r) {
      petition_.push_back(MakeReplica("petition", r, PETITION_SERVER_PATH,
                                      {"--pii_key_file=" + dir_.File("pii.key"),
                                       "--enterprise_addr=" + enterprise_[r].address(),
                                       "--enterprise_token_file=" + dir_.File("outgoing.token")}));
    }
    for (auto& r : petition_) ASSERT_TRUE(Start(r)) << Log(r);
  }

  Replica MakeReplica(const std::string& service, int index, const std::string& binary,
                      std::vector<std::string> extra) {
    Replica r;
    r.name = absl::StrCat(service, "-", index);
    r.service = service == "leads"        ? "gaoxin.leads.v1.LeadService"
                : service == "enterprise" ? "gaoxin.enterprise.v1.EnterpriseService"
                                          : "gaoxin.petition.v1.PetitionService";
    r.port = testing::FreePort();
    r.argv = {binary,
              "--listen=" + r.address(),
              "--db=" + pg_.uri(),
              "--db_password_file=" + pg_.password_file(),
              "--db_schema=" + service,
              "--db_connect_timeout_ms=1000",
              "--redis=" + redis_.address(),
              "--tokens_file=" + dir_.File("tokens"),
              "--page_token_key_file=" + dir_.File("page.key"),
              "--audit_key_file=" + testing::AuditKeyFile(dir_, service),  // shared by replicas
              "--shutdown_grace_ms=2000",
              "--log_rpcs=false"};
    for (auto& e : extra) r.argv.push_back(e);
    for (auto& f : testing::TestTransport::Get().ServerFlags()) r.argv.push_back(f);
    return r;
  }

  bool Start(Replica& r) {
    r.process = std::make_unique<Subprocess>(r.argv, dir_.File(r.name + ".log"));
    return testing::WaitForServing(r.address(), r.service, absl::Seconds(30));
  }
  std::string Log(const Replica& r) { return testing::ReadFileOrEmpty(dir_.File(r.name + ".log")); }

  // Calls `call(channel, ctx, &response)` on the replicas in turn (from `first`) until one
  // answers OK or with an error a retry cannot fix, or 60 s pass: what a client with a
  // request_id does when its replica goes away.
  template <typename Resp, typename Call>
  absl::StatusOr<Resp> OnSomeReplica(const std::vector<Replica>& replicas, int first, Call call) {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    grpc::Status s;
    for (int attempt = 0; absl::Now() < give_up; ++attempt) {
      grpc::ClientContext ctx;
      PrepareContext(&ctx, kToken, absl::Seconds(3));
      Resp response;
      s = call(MakeChannel(replicas[(first + attempt) % replicas.size()].address()), &ctx,
               &response);
      if (s.ok()) return response;
      if (!Retryable(s)) break;
      retries_.fetch_add(1);
      absl::SleepFor(absl::Milliseconds(50));
    }
    return FromGrpcStatus(s);
  }

  absl::StatusOr<leads::v1::Lead> CreateLead(int first, const std::string& name,
                                             const std::string& request_id) {
    leads::v1::CreateLeadRequest req;
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    *req.mutable_effective_date() = MakeDate(2024, 5, 1);
    req.set_request_id(request_id);
    return OnSomeReplica<leads::v1::Lead>(leads_, first, [&](auto channel, auto* ctx, auto* out) {
      return leads::v1::LeadService::NewStub(channel)->CreateLead(ctx, req, out);
    });
  }

  absl::StatusOr<petition::v1::Ledger> CreateLedger(int first, const std::string& name,
                                                    const std::string& request_id) {
    petition::v1::CreateLedgerRequest req;
    req.mutable_ledger()->set_name(name);
    req.mutable_ledger()->set_year(2024);
    req.mutable_ledger()->set_kind(petition::v1::LEDGER_KIND_OTHER);
    req.set_request_id(request_id);
    return OnSomeReplica<petition::v1::Ledger>(
        petition_, first, [&](auto channel, auto* ctx, auto* out) {
          return petition::v1::PetitionService::NewStub(channel)->CreateLedger(ctx, req, out);
        });
  }

  // Every lead in the store, read through replica `r` (all pages).
  std::vector<leads::v1::Lead> AllLeads(int r) {
    std::vector<leads::v1::Lead> all;
    auto stub = leads::v1::LeadService::NewStub(MakeChannel(leads_[r].address()));
    std::string token;
    do {
      leads::v1::ListLeadsRequest req;
      req.set_page_size(500);
      req.set_page_token(token);
      leads::v1::ListLeadsResponse resp;
      grpc::ClientContext ctx;
      PrepareContext(&ctx, kToken, absl::Seconds(10));
      grpc::Status s = stub->ListLeads(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& l : resp.leads()) all.push_back(l);
      token = resp.next_page_token();
    } while (!token.empty());
    return all;
  }

  int64_t ListRevision(int r) {
    auto stub = leads::v1::LeadService::NewStub(MakeChannel(leads_[r].address()));
    leads::v1::ListLeadsRequest req;
    req.set_page_size(1);
    leads::v1::ListLeadsResponse resp;
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kToken, absl::Seconds(10));
    EXPECT_TRUE(stub->ListLeads(&ctx, req, &resp).ok());
    return resp.revision();
  }

  testing::PostgresServer pg_;
  testing::RedisServer redis_;
  testing::TempDir dir_;
  std::vector<Replica> leads_, enterprise_, petition_;
  std::atomic<int> retries_{0};
};

// A watcher of every lead change, starting on replica `home` and resuming from its last revision
// on the other replica whenever its stream ends.
class ResumingWatcher {
 public:
  ResumingWatcher(std::vector<Replica>* replicas, int home, int64_t since)
      : replicas_(replicas), since_(since), start_(since) {
    thread_ = std::thread([this, home] { Run(home); });
  }
  ~ResumingWatcher() { Stop(); }

  void Stop() {
    stopping_.store(true);
    {
      absl::MutexLock lock(&mu_);
      if (ctx_ != nullptr) ctx_->TryCancel();
    }
    if (thread_.joinable()) thread_.join();
  }
  // Waits until the watcher has seen `revision`.
  bool WaitFor(int64_t revision, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return since_ >= revision; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  std::vector<int64_t> revisions() {
    absl::MutexLock lock(&mu_);
    return revisions_;
  }
  int64_t start() const { return start_; }
  int reconnects() const { return reconnects_.load(); }

 private:
  void Run(int replica) {
    while (!stopping_.load()) {
      auto stub = leads::v1::LeadService::NewStub(MakeChannel((*replicas_)[replica % 2].address()));
      auto ctx = std::make_unique<grpc::ClientContext>();
      PrepareContext(ctx.get(), kToken, absl::InfiniteDuration());
      leads::v1::WatchLeadsRequest req;
      {
        absl::MutexLock lock(&mu_);
        req.set_since_revision(since_);
        ctx_ = ctx.get();
      }
      if (stopping_.load()) break;
      auto reader = stub->WatchLeads(ctx.get(), req);
      leads::v1::WatchLeadsResponse msg;
      while (reader->Read(&msg)) {
        absl::MutexLock lock(&mu_);
        for (const auto& c : msg.changes()) revisions_.push_back(c.revision());
        since_ = std::max(since_, msg.revision());
      }
      (void)reader->Finish();
      {
        absl::MutexLock lock(&mu_);
        ctx_ = nullptr;
      }
      reconnects_.fetch_add(1);
      ++replica;  // the other replica next
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  std::vector<Replica>* replicas_;
  absl::Mutex mu_;
  int64_t since_ ABSL_GUARDED_BY(mu_);
  const int64_t start_;
  std::vector<int64_t> revisions_ ABSL_GUARDED_BY(mu_);
  grpc::ClientContext* ctx_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::atomic<bool> stopping_{false};
  std::atomic<int> reconnects_{0};
  std::thread thread_;
};

TEST_F(ReplicasRehearsal, FaultsOnEveryTierLoseNothingDuplicateNothingAndWatchersStayExact) {
  const int64_t start = ListRevision(0);
  std::vector<std::unique_ptr<ResumingWatcher>> watchers;
  watchers.push_back(std::make_unique<ResumingWatcher>(&leads_, 0, start));
  watchers.push_back(std::make_unique<ResumingWatcher>(&leads_, 1, start));

  // Writers: leads and ledgers, round-robin over the replicas, each with its own request id.
  std::atomic<bool> writing{true};
  absl::Mutex acked_mu;
  std::map<std::string, std::string> acked_leads;    // request id -> lead id
  std::map<std::string, std::string> acked_ledgers;  // request id -> ledger id
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; writing.load(); ++i) {
        const std::string rid = absl::StrCat("rehearsal-", w, "-", i);
        if (w < 3) {
          auto lead = CreateLead(i % 2, "演练项目 " + rid, rid);
          if (!lead.ok()) {
            failed.fetch_add(1);
            ADD_FAILURE() << rid << ": " << lead.status();
            continue;
          }
          absl::MutexLock lock(&acked_mu);
          acked_leads[rid] = lead->id();
        } else {
          auto ledger = CreateLedger(i % 2, "演练台账 " + rid, rid);
          if (!ledger.ok()) {
            failed.fetch_add(1);
            ADD_FAILURE() << rid << ": " << ledger.status();
            continue;
          }
          absl::MutexLock lock(&acked_mu);
          acked_ledgers[rid] = ledger->id();
        }
        absl::SleepFor(absl::Milliseconds(5));
      }
    });
  }
  auto promote = [&](int replica, int n) {
    auto stub = leads::v1::LeadService::NewStub(MakeChannel(leads_[replica].address()));
    testing::leads_fixture::PromoteLead(stub.get(), kToken, absl::StrCat("入规企业", n), kUsccs[n]);
  };

  absl::SleepFor(absl::Seconds(2));
  ASSERT_NO_FATAL_FAILURE(promote(0, 0));
  // SIGTERM: a rollout's stop. The replica drains and exits 0; calls move to the other.
  EXPECT_EQ(leads_[0].process->Terminate(), 0) << Log(leads_[0]);
  EXPECT_EQ(petition_[0].process->Terminate(), 0) << Log(petition_[0]);
  absl::SleepFor(absl::Seconds(1));
  enterprise_[1].process->Kill();  // a crash, while its consumer follows leads
  ASSERT_TRUE(Start(leads_[0])) << Log(leads_[0]);
  ASSERT_TRUE(Start(petition_[0])) << Log(petition_[0]);
  absl::SleepFor(absl::Seconds(1));
  ASSERT_TRUE(Start(enterprise_[1])) << Log(enterprise_[1]);
  EXPECT_EQ(enterprise_[0].process->Terminate(), 0) << Log(enterprise_[0]);
  // SIGKILL: a node lost mid-write.
  leads_[1].process->Kill();
  petition_[1].process->Kill();
  absl::SleepFor(absl::Seconds(1));
  ASSERT_TRUE(Start(leads_[1])) << Log(leads_[1]);
  ASSERT_TRUE(Start(petition_[1])) << Log(petition_[1]);
  ASSERT_TRUE(Start(enterprise_[0])) << Log(enterprise_[0]);
  absl::SleepFor(absl::Seconds(1));
  // PostgreSQL restarts under everything: sessions are cut, calls in flight fail as UNAVAILABLE
  // and are retried; the services reconnect by themselves.
  pg_.Stop();
  // Health tells Kubernetes: every replica turns NOT_SERVING while the database is away...
  for (auto* tier : {&leads_, &enterprise_, &petition_}) {
    for (const Replica& r : *tier) {
      EXPECT_TRUE(testing::WaitForHealth(r.address(), r.service, testing::kHealthNotServing,
                                         absl::Seconds(5)))
          << r.name;
    }
  }
  ASSERT_TRUE(pg_.Start()) << pg_.error();
  // ...and SERVING again once it is back, without a restart.
  for (auto* tier : {&leads_, &enterprise_, &petition_}) {
    for (const Replica& r : *tier) {
      EXPECT_TRUE(testing::WaitForServing(r.address(), r.service, absl::Seconds(10))) << r.name;
    }
  }
  absl::SleepFor(absl::Seconds(1));
  ASSERT_NO_FATAL_FAILURE(promote(1, 1));
  absl::SleepFor(absl::Seconds(2));
  writing.store(false);
  for (auto& t : writers) t.join();
  EXPECT_EQ(failed.load(), 0);

  // Every acknowledged write is there, once.
  const std::vector<leads::v1::Lead> leads = AllLeads(1);
  std::map<std::string, int> by_name;
  std::set<std::string> ids;
  for (const auto& l : leads) {
    ++by_name[l.name()];
    ids.insert(l.id());
  }
  int lost = 0, duplicated = 0;
  for (const auto& [rid, id] : acked_leads) {
    if (!ids.count(id)) ++lost;
    if (by_name["演练项目 " + rid] != 1) ++duplicated;
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  std::map<std::string, int> ledgers_by_name;
  {
    auto stub = petition::v1::PetitionService::NewStub(MakeChannel(petition_[0].address()));
    std::string token;
    do {
      petition::v1::ListLedgersRequest req;
      req.set_page_size(500);
      req.set_page_token(token);
      petition::v1::ListLedgersResponse resp;
      grpc::ClientContext ctx;
      PrepareContext(&ctx, kToken, absl::Seconds(10));
      grpc::Status s = stub->ListLedgers(&ctx, req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const auto& l : resp.ledgers()) ++ledgers_by_name[l.name()];
      token = resp.next_page_token();
    } while (!token.empty());
  }
  int lost_ledgers = 0;
  for (const auto& [rid, id] : acked_ledgers) {
    if (ledgers_by_name["演练台账 " + rid] != 1) ++lost_ledgers;
  }
  EXPECT_EQ(lost_ledgers, 0) << "ledgers missing or doubled";

  // Every watcher saw every change once and in order.
  const int64_t head = ListRevision(0);
  for (auto& w : watchers) {
    EXPECT_TRUE(w->WaitFor(head, absl::Seconds(30)));
    w->Stop();
    const std::vector<int64_t> seen = w->revisions();
    int gaps = 0;
    int64_t expect = w->start() + 1;
    for (int64_t rev : seen) {
      if (rev != expect) ++gaps;
      expect = rev + 1;
    }
    EXPECT_EQ(gaps, 0) << "changes missed, repeated or out of order";
    EXPECT_EQ(static_cast<int64_t>(seen.size()), head - w->start());
    EXPECT_GE(w->reconnects(), 1);  // its replica did go away
  }

  // Each lead reaching 入规 became exactly one above-scale enterprise, whichever consumer got
  // there first.
  auto stub = enterprise::v1::EnterpriseService::NewStub(MakeChannel(enterprise_[0].address()));
  std::map<std::string, int> by_uscc;
  for (int attempt = 0; attempt < 150; ++attempt) {
    by_uscc.clear();
    enterprise::v1::ListEnterprisesRequest req;
    req.set_page_size(1000);
    enterprise::v1::ListEnterprisesResponse resp;
    grpc::ClientContext ctx;
    PrepareContext(&ctx, kToken, absl::Seconds(10));
    if (stub->ListEnterprises(&ctx, req, &resp).ok()) {
      for (const auto& e : resp.enterprises()) {
        if (e.above_scale()) ++by_uscc[e.uscc()];
      }
    }
    if (by_uscc.size() == kUsccs.size()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  absl::SleepFor(absl::Seconds(1));  // a duplicate gets every chance to appear
  for (const auto& uscc : kUsccs) EXPECT_EQ(by_uscc[uscc], 1) << uscc;

  // Both replicas of each service appended to one audit chain through every fault (their head
  // row's lock orders them): each chain is whole.
  for (const auto& [service, replica] : std::vector<std::pair<std::string, const Replica*>>{
           {"leads", &leads_[0]}, {"enterprise", &enterprise_[0]}, {"petition", &petition_[0]}}) {
    const testing::audit_fixture::CtlResult verified = testing::audit_fixture::VerifyChain(
        dir_, service, absl::StrCat("--", service, "_addr=", replica->address()),
        testing::AuditKeyFile(dir_, service), kToken);
    EXPECT_EQ(verified.code, 0) << service << ": " << verified.output;
    EXPECT_NE(verified.output.find("intact"), std::string::npos) << verified.output;
  }

  std::printf(
      "rehearsal: %zu leads and %zu ledgers acknowledged, %d calls retried, lost %d, "
      "duplicated %d, watchers exact over %lld revisions\n",
      acked_leads.size(), acked_ledgers.size(), retries_.load(), lost, duplicated,
      static_cast<long long>(head - start));
}

}  // namespace
}  // namespace gaoxin
