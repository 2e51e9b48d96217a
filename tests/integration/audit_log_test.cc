// The audit log on both stores: an audited write and its record commit or roll back together,
// records chain from 1 without gaps and verify, the triggers refuse UPDATE and DELETE of
// audit_log and any head move but one step forward, filters and paging; the retention pass
// removes what is older than the retention (never the newest), in batches, moving the anchor
// and stating it in the chain, which still verifies from the anchor, while the triggers refuse
// a DELETE above the anchor and any anchor move backwards, and replicas pruning at once agree.
#include "common/audit/audit_log.h"

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_chain.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "services/leads/lead_store.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::leads {
namespace {

using testing::Await;

class AuditLogTest : public testing::StoreTest<LeadStore> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase("leads"));
    db_->SetAuditSink(std::make_shared<audit::AuditLog>(Key()));
    store_ = std::make_unique<LeadStore>(db_.get(), [] { return absl::Now(); });
  }

  static audit::AuditKey Key() { return audit::AuditKey::FromBytesForTest(std::string(32, 'q')); }

  absl::StatusOr<v1::Lead> Create(const std::string& name) {
    v1::CreateLeadRequest req;
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    *req.mutable_effective_date() = MakeDate(2023, 1, 1);
    db::AuditCallScope scope(&call_);
    return Await<v1::Lead>(
        [&](Done<v1::Lead> done) { store_->CreateLead(req, call_.principal, {}, done); });
  }

  absl::StatusOr<v1::Lead> Move(const std::string& id, v1::Stage to, const std::string& etag = "") {
    StageMove m;
    m.to_stage = to;
    m.effective_date = MakeDate(2023, 2, 1);
    m.actor = "tester";
    if (to == v1::STAGE_SIGNED) m.signed_amount = Yuan(100);
    db::AuditCallScope scope(&call_);
    return Await<v1::Lead>([&](Done<v1::Lead> done) { store_->TransitionLead(id, m, etag, done); });
  }

  audit::AuditPage List(const audit::AuditFilter& filter = {}, const std::string& after = "",
                        int limit = 100) {
    audit::AuditPage page;
    absl::Status s = db_->Read([&](db::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(page, audit::ListAuditRecords(tx, filter, after, limit));
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return page;
  }

  // The audit log with `retention`, on the test's clock (now_), for records and the pass.
  std::shared_ptr<audit::AuditLog> RetainingLog(absl::Duration retention, int batch = 1000) {
    audit::AuditLogOptions options;
    options.clock = [this] { return now_; };
    options.retention = retention;
    options.prune_batch = batch;
    return std::make_shared<audit::AuditLog>(Key(), std::move(options));
  }

  void UseRetention(absl::Duration retention, int batch = 1000) {
    db_->SetAuditSink(RetainingLog(retention, batch));
  }

  // Verifies the whole chain as gaoxinctl does, from the page's anchor; the break's reason or "".
  std::string VerifyFromAnchor() {
    const audit::AuditPage page = List({}, "", 1000);
    const audit::AuditKey key = Key();
    audit::ChainVerifier verifier(&key);
    verifier.StartAt(page.anchor_sequence, page.anchor_mac);
    for (const auto& wire : page.records) {
      std::string mac;
      auto r = audit::FromProto(wire, &mac);
      if (!r.ok()) return std::string(r.status().message());
      if (!verifier.Add(*r, mac)) break;
    }
    verifier.CheckHead(page.head_sequence, page.head_mac);
    return verifier.broken() ? verifier.broken()->reason : "";
  }

  absl::Status Sql(const std::string& sql) {
    return db_->Write([&](db::Transaction& tx) { return tx.Execute(sql); });
  }

  db::AuditCall call_{"alice", "", "/gaoxin.leads.v1.LeadService/CreateLead", "req-7"};
  std::unique_ptr<LeadStore> store_;
  // Set on the test's thread only, while no write runs.
  absl::Time now_ = absl::FromUnixSeconds(1800000000);
};

TEST_P(AuditLogTest, AuditedWritesChainAndVerify) {
  auto lead = Create("审计项目");
  ASSERT_TRUE(lead.ok()) << lead.status();
  call_.method = "/gaoxin.leads.v1.LeadService/TransitionLead";
  call_.on_behalf_of = "bob";
  ASSERT_TRUE(Move(lead->id(), v1::STAGE_NEGOTIATING).ok());
  // Outside any call scope nothing is audited (start-up passes, followers).
  StageMove m;
  m.to_stage = v1::STAGE_SIGNED;
  m.effective_date = MakeDate(2023, 3, 1);
  m.signed_amount = Yuan(5);
  ASSERT_TRUE(Await<v1::Lead>([&](Done<v1::Lead> d) {
                store_->TransitionLead(lead->id(), m, "", d);
              }).ok());

  const audit::AuditPage page = List();
  ASSERT_EQ(page.records.size(), 2u);
  EXPECT_EQ(page.head_sequence, 2);
  const auto& created = page.records[0];
  EXPECT_EQ(created.sequence(), 1);
  EXPECT_EQ(created.principal(), "alice");
  EXPECT_EQ(created.on_behalf_of(), "");
  EXPECT_EQ(created.resource(), "leads/" + lead->id());
  EXPECT_EQ(created.request_id(), "req-7");
  EXPECT_EQ(created.etag_before(), "");
  EXPECT_EQ(created.etag_after(), "1");
  const auto& moved = page.records[1];
  EXPECT_EQ(moved.on_behalf_of(), "bob");
  EXPECT_EQ(moved.etag_before(), "1");
  EXPECT_EQ(moved.etag_after(), "2");
  bool stage_changed = false;
  for (const auto& c : moved.changes()) {
    EXPECT_NE(c.path(), "etag");
    if (c.path() == "stage") {
      stage_changed = true;
      EXPECT_EQ(c.before(), "STAGE_RESERVE");
      EXPECT_EQ(c.after(), "STAGE_NEGOTIATING");
    }
  }
  EXPECT_TRUE(stage_changed);

  const audit::AuditKey key = Key();
  audit::ChainVerifier verifier(&key);
  for (const auto& wire : page.records) {
    std::string mac;
    auto r = audit::FromProto(wire, &mac);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(verifier.Add(*r, mac)) << verifier.broken()->reason;
  }
  EXPECT_TRUE(verifier.CheckHead(page.head_sequence, page.head_mac));
}

TEST_P(AuditLogTest, AWriteAndItsRecordRollBackTogether) {
  auto lead = Create("回滚项目");
  ASSERT_TRUE(lead.ok());
  // A stale etag: the transition fails after nothing was written, and nothing is audited.
  call_.method = "/gaoxin.leads.v1.LeadService/TransitionLead";
  EXPECT_EQ(Move(lead->id(), v1::STAGE_NEGOTIATING, "99").status().code(),
            absl::StatusCode::kAborted);
  // A unit of work that fails after its audited change: the change and its record both go.
  db::ResourceTable<v1::Lead> leads(
      "leads", "lead", {"stage", "chain", "source", "agent_id"}, [](const v1::Lead& l) {
        return std::vector<db::SqlValue>{l.stage(), l.industry_chain(), l.source(), l.agent_id()};
      });
  {
    db::AuditCallScope scope(&call_);
    absl::Status s = db_->Write([&](db::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(v1::Lead l, leads.Get(tx, lead->id()));
      l.set_name("改名");
      RETURN_IF_ERROR(leads.Update(tx, l, "").status());
      return absl::FailedPreconditionError("a rule failed after the update");
    });
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  }
  auto stored = store_->GetLead(lead->id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->name(), "回滚项目");
  const audit::AuditPage page = List();
  EXPECT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.head_sequence, 1);
  // The next record continues the chain without a gap.
  ASSERT_TRUE(Move(lead->id(), v1::STAGE_NEGOTIATING).ok());
  EXPECT_EQ(List().head_sequence, 2);
}

TEST_P(AuditLogTest, TriggersKeepTheLogAppendOnly) {
  ASSERT_TRUE(Create("触发器项目").ok());
  for (const char* sql : {"UPDATE audit_log SET principal = 'mallory'", "DELETE FROM audit_log",
                          "UPDATE audit_head SET sequence = 0",
                          "UPDATE audit_head SET sequence = 7", "DELETE FROM audit_head"}) {
    absl::Status s = db_->Write([&](db::Transaction& tx) { return tx.Execute(sql); });
    EXPECT_FALSE(s.ok()) << sql;
  }
  const audit::AuditPage page = List();
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].principal(), "alice");
  EXPECT_EQ(page.head_sequence, 1);
}

TEST_P(AuditLogTest, FiltersAndPages) {
  auto a = Create("甲");
  call_.principal = "carol";
  auto b = Create("乙");
  ASSERT_TRUE(a.ok() && b.ok());
  call_.method = "/gaoxin.leads.v1.LeadService/TransitionLead";
  ASSERT_TRUE(Move(a->id(), v1::STAGE_NEGOTIATING).ok());

  audit::AuditFilter by_resource;
  by_resource.resource = "leads/" + a->id();
  EXPECT_EQ(List(by_resource).records.size(), 2u);
  audit::AuditFilter by_principal;
  by_principal.principal = "carol";
  EXPECT_EQ(List(by_principal).records.size(), 2u);
  audit::AuditFilter by_method;
  by_method.method = "/gaoxin.leads.v1.LeadService/CreateLead";
  EXPECT_EQ(List(by_method).records.size(), 2u);
  audit::AuditFilter future;
  future.start = absl::Now() + absl::Hours(1);
  EXPECT_TRUE(List(future).records.empty());
  audit::AuditFilter past;
  past.end = absl::Now() - absl::Hours(1);
  EXPECT_TRUE(List(past).records.empty());

  const audit::AuditPage first = List({}, "", 2);
  ASSERT_EQ(first.records.size(), 2u);
  EXPECT_EQ(first.next_after_key, "2");
  const audit::AuditPage second = List({}, first.next_after_key, 2);
  ASSERT_EQ(second.records.size(), 1u);
  EXPECT_EQ(second.records[0].sequence(), 3);
  EXPECT_TRUE(second.next_after_key.empty());

  absl::Status bad = db_->Read([&](db::Transaction& tx) {
    return audit::ListAuditRecords(tx, {}, "not-a-number", 10).status();
  });
  EXPECT_TRUE(absl::IsInvalidArgument(bad));
}

TEST_P(AuditLogTest, RetentionPrunesOldRecordsAndKeepsTheNewest) {
  UseRetention(absl::Hours(1));
  const absl::Time t0 = now_;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Create(absl::StrCat("旧", i)).ok());  // 1..5 at t0
  now_ = t0 + absl::Minutes(50);
  ASSERT_TRUE(Create("新").ok());  // 6
  // Nothing is older than an hour yet.
  auto removed = audit::PruneAuditLog(*db_);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 0);
  EXPECT_EQ(List().head_sequence, 6);
  EXPECT_EQ(List().anchor_sequence, 0);

  now_ = t0 + absl::Minutes(61);
  removed = audit::PruneAuditLog(*db_);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 5);
  const audit::AuditPage page = List();
  EXPECT_EQ(page.anchor_sequence, 5);
  EXPECT_EQ(page.anchor_mac.size(), audit::kMacSize);
  ASSERT_EQ(page.records.size(), 2u);
  EXPECT_EQ(page.records[0].sequence(), 6);
  EXPECT_EQ(page.records[0].principal(), "alice");
  // The pass's own record, chained after the records kept.
  const auto& stated = page.records[1];
  EXPECT_EQ(stated.sequence(), 7);
  EXPECT_EQ(page.head_sequence, 7);
  EXPECT_EQ(stated.principal(), "system:audit-retention");
  EXPECT_EQ(stated.method(), "audit.retention");
  EXPECT_EQ(stated.resource(), "audit_log");
  EXPECT_EQ(stated.kind(), audit::v1::AUDIT_KIND_WRITE);
  std::map<std::string, std::pair<std::string, std::string>> changes;
  for (const auto& c : stated.changes()) changes[c.path()] = {c.before(), c.after()};
  EXPECT_EQ(changes["pruned_first"].second, "1");
  EXPECT_EQ(changes["pruned_last"].second, "5");
  EXPECT_EQ(changes["anchor_sequence"], std::make_pair(std::string("0"), std::string("5")));
  EXPECT_EQ(VerifyFromAnchor(), "");

  // Long after: everything but the newest goes; the head stays, the chain still verifies.
  now_ = t0 + absl::Hours(30);
  removed = audit::PruneAuditLog(*db_);
  ASSERT_TRUE(removed.ok()) << removed.status();
  const audit::AuditPage later = List();
  ASSERT_FALSE(later.records.empty());
  EXPECT_EQ(later.records.back().sequence(), later.head_sequence);
  EXPECT_EQ(later.records.front().sequence(), later.anchor_sequence + 1);
  EXPECT_GT(later.anchor_sequence, 5);
  EXPECT_EQ(VerifyFromAnchor(), "");
  // Appends go on after pruning.
  ASSERT_TRUE(Create("再").ok());
  EXPECT_EQ(VerifyFromAnchor(), "");
}

TEST_P(AuditLogTest, RetentionPrunesABacklogInBatches) {
  UseRetention(absl::Hours(1), /*batch=*/2);
  const absl::Time t0 = now_;
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Create(absl::StrCat("积压", i)).ok());  // 1..7
  now_ = t0 + absl::Hours(2);
  ASSERT_TRUE(Create("新").ok());  // 8
  auto removed = audit::PruneAuditLog(*db_);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 7);
  const audit::AuditPage page = List();
  EXPECT_EQ(page.anchor_sequence, 7);
  // Four batches (2+2+2+1), each with its statement: 8, then 9..12.
  ASSERT_EQ(page.records.size(), 5u);
  EXPECT_EQ(page.records[0].sequence(), 8);
  for (size_t i = 1; i < page.records.size(); ++i) {
    EXPECT_EQ(page.records[i].principal(), "system:audit-retention") << i;
  }
  EXPECT_EQ(VerifyFromAnchor(), "");
  // max_batches bounds one pass; the next pass goes on.
  now_ = t0 + absl::Hours(4);
  removed = audit::PruneAuditLog(*db_, /*max_batches=*/1);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(VerifyFromAnchor(), "");
}

TEST_P(AuditLogTest, ZeroRetentionPrunesNothing) {
  UseRetention(absl::ZeroDuration());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create(absl::StrCat("永久", i)).ok());
  now_ = now_ + absl::Hours(24 * 3650);
  auto removed = audit::PruneAuditLog(*db_);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 0);
  const audit::AuditPage page = List();
  EXPECT_EQ(page.records.size(), 3u);
  EXPECT_EQ(page.head_sequence, 3);
  EXPECT_EQ(page.anchor_sequence, 0);
  // The default sink keeps everything too.
  db_->SetAuditSink(std::make_shared<audit::AuditLog>(Key()));
  removed = audit::PruneAuditLog(*db_);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0);
  EXPECT_EQ(List().records.size(), 3u);
}

TEST_P(AuditLogTest, TriggersKeepPruningBehindTheAnchor) {
  UseRetention(absl::Hours(1));
  const absl::Time t0 = now_;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Create(absl::StrCat("锚", i)).ok());  // 1..4
  // Before any pruning no record may be deleted, nor the anchor moved without its record's mac.
  EXPECT_FALSE(Sql("DELETE FROM audit_log WHERE sequence = 1").ok());
  EXPECT_FALSE(Sql("UPDATE audit_head SET anchor_sequence = 2").ok());
  now_ = t0 + absl::Hours(2);
  ASSERT_TRUE(Create("新").ok());  // 5
  ASSERT_TRUE(audit::PruneAuditLog(*db_).ok());
  ASSERT_EQ(List().anchor_sequence, 4);  // 6 states it
  for (const char* sql : {
           // A record above the anchor.
           "DELETE FROM audit_log WHERE sequence = 5",
           "DELETE FROM audit_log",
           "UPDATE audit_log SET principal = 'mallory' WHERE sequence = 5",
           // The anchor backwards, or forward to a record that is gone or with another mac.
           "UPDATE audit_head SET anchor_sequence = 2",
           "UPDATE audit_head SET anchor_sequence = 0",
           "UPDATE audit_head SET anchor_sequence = 5",
           // To the head itself, or together with the sequence.
           "UPDATE audit_head SET anchor_sequence = sequence, anchor_mac = mac",
           "UPDATE audit_head SET sequence = sequence + 1, anchor_sequence = 5, anchor_mac = "
           "(SELECT mac FROM audit_log WHERE sequence = 5)",
           // The sequence more than one step, or back.
           "UPDATE audit_head SET sequence = sequence + 2",
           "UPDATE audit_head SET sequence = sequence - 1",
           "DELETE FROM audit_head",
       }) {
    EXPECT_FALSE(Sql(sql).ok()) << sql;
  }
  const audit::AuditPage page = List();
  EXPECT_EQ(page.anchor_sequence, 4);
  EXPECT_EQ(page.head_sequence, 6);
  ASSERT_EQ(page.records.size(), 2u);
  EXPECT_EQ(page.records[0].principal(), "alice");
  EXPECT_EQ(VerifyFromAnchor(), "");

  // What the triggers allow a tamperer (the anchor forward to a kept record with its mac, and
  // that record deleted) the verifier finds: no retention record states that anchor.
  ASSERT_TRUE(Create("后").ok());  // 7
  ASSERT_TRUE(Sql("UPDATE audit_head SET anchor_sequence = 6, anchor_mac = "
                  "(SELECT mac FROM audit_log WHERE sequence = 6)")
                  .ok());
  ASSERT_TRUE(Sql("DELETE FROM audit_log WHERE sequence <= 6").ok());
  const std::string broken = VerifyFromAnchor();
  EXPECT_NE(broken.find("anchor was moved"), std::string::npos) << broken;
}

TEST_P(AuditLogTest, ReplicasPruningAtOnceKeepOneChain) {
  // A second handle on the same store: another replica, with its own audit log (same key).
  std::unique_ptr<db::Database> other;
  ASSERT_NO_FATAL_FAILURE(Open("leads", &other));
  UseRetention(absl::Hours(1), /*batch=*/3);
  other->SetAuditSink(RetainingLog(absl::Hours(1), /*batch=*/3));
  const absl::Time t0 = now_;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Create(absl::StrCat("副本", i)).ok());
  now_ = t0 + absl::Hours(2);
  ASSERT_TRUE(Create("新").ok());  // 21
  absl::StatusOr<int64_t> a = 0, b = 0;
  std::thread first([&] { a = audit::PruneAuditLog(*db_); });
  std::thread second([&] { b = audit::PruneAuditLog(*other); });
  first.join();
  second.join();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*a + *b, 20);
  EXPECT_EQ(List().anchor_sequence, 20);
  EXPECT_EQ(VerifyFromAnchor(), "");
}

GAOXIN_ON_EVERY_STORE(AuditLogTest);

}  // namespace
}  // namespace gaoxin::leads
