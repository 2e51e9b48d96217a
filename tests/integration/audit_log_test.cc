// The audit log on both stores: an audited write and its record commit or roll back together,
// records chain from 1 without gaps and verify, the triggers refuse UPDATE and DELETE of
// audit_log and any head move but one step forward, filters and paging.
#include "common/audit/audit_log.h"

#include <memory>
#include <string>
#include <vector>

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

  db::AuditCall call_{"alice", "", "/gaoxin.leads.v1.LeadService/CreateLead", "req-7"};
  std::unique_ptr<LeadStore> store_;
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

GAOXIN_ON_EVERY_STORE(AuditLogTest);

}  // namespace
}  // namespace gaoxin::leads
