// PetitionStore on both stores (a real SQLite file, a real PostgreSQL schema): no plaintext
// petitioner data or free text in the database file (nor in its WAL or change log), free text
// stored in the clear by an older version sealed by the start-up pass, key rotation re-sealing
// every row (with reads served meanwhile), the audit log refusing UPDATE and DELETE, repeat
// petitions linked (and refused after a 复核 decision), and the overdue filter following an
// injected clock across a year end.
#include "services/petition/petition_store.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "services/petition/domain/case_input.h"
#include "services/petition/domain/free_text.h"
#include "services/petition/domain/identity_codes.h"
#include "tests/support/petition_fixture.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::petition {
namespace {

using testing::Await;
using testing::petition_fixture::ResidentId;

absl::Time Noon(int y, int m, int d) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, 12, 0, 0), absl::FixedTimeZone(8 * 3600));
}

class PetitionStoreTest : public testing::StoreTest<PetitionStore> {
 protected:
  void SetUp() override {
    auto cipher = PiiCipher::FromRawKey(std::string(32, '\x5a'));
    ASSERT_TRUE(cipher.ok());
    cipher_ = std::make_unique<PiiCipher>(*std::move(cipher));
    now_ = absl::ToUnixSeconds(Noon(2024, 3, 31));
    Open();
  }

  void Open() {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase("petition"));
    // The server's audit (OpenStore): the petition's reads are recorded in the chain.
    db_->SetAuditSink(
        std::make_shared<audit::AuditLog>(audit::AuditKey::FromBytesForTest(std::string(32, 'a')),
                                          PetitionAuditOptions(cipher_.get())));
    store_ = std::make_unique<PetitionStore>(db_.get(), cipher_.get(), DeadlinePolicy{},
                                             [this] { return absl::FromUnixSeconds(now_.load()); });
  }
  void Close() {
    store_.reset();
    db_.reset();
  }
  std::string path() const { return dir_.File("petition.db"); }
  // The audit records matching `filter`, in the petition API's view.
  std::vector<v1::AuditRecord> AuditRecords(const audit::AuditFilter& filter) {
    auto page = store_->ListAuditRecords(filter, Page{});
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<v1::AuditRecord> out;
    if (page.ok()) {
      for (auto& r : page->records) out.push_back(LegacyAuditView(std::move(r)));
    }
    return out;
  }
  void SetToday(int y, int m, int d) { now_ = absl::ToUnixSeconds(Noon(y, m, d)); }

  absl::StatusOr<v1::Ledger> Ledger(const std::string& name) {
    v1::Ledger l;
    l.set_name(name);
    l.set_year(2023);
    l.set_kind(v1::LEDGER_KIND_CAMPAIGN);
    return Await<v1::Ledger>([&](Done<v1::Ledger> d) { store_->CreateLedger(l, {}, d); });
  }

  v1::Case Input(const std::string& name, const std::string& id_number, const std::string& category,
                 common::v1::Date received) {
    v1::Case c;
    c.set_channel(v1::CHANNEL_VISIT);
    *c.mutable_received_date() = received;
    c.mutable_petitioner()->set_name(name);
    c.mutable_petitioner()->set_id_number(id_number);
    c.mutable_petitioner()->set_phone("13912345678");
    c.mutable_petitioner()->set_address("辽宁省阜新市高新区测试街道幸福小区7号楼3单元");
    c.set_petitioner_count(1);
    c.set_category(category);
    c.set_subject("测试事项");
    c.set_department("社会事业局");
    return c;
  }

  absl::StatusOr<v1::Case> Create(v1::Case input, Reveal reveal = {}) {
    // A second later than the previous write: cases created at the same instant would order by
    // their random ids in repeat detection (oldest first), making the expected links a coin toss.
    now_ += 1;
    auto prepared = PrepareNewCase(input, "tester", store_->policy(), store_->Today());
    if (!prepared.ok()) return prepared.status();
    return Await<v1::Case>([&](Done<v1::Case> d) { store_->CreateCase(*prepared, {}, reveal, d); });
  }

  absl::StatusOr<v1::Case> Move(const std::string& id, v1::CaseStatus to, int y, int m, int d,
                                const std::string& reason = "") {
    Move_ move{to, absl::CivilDay(y, m, d), "tester", "", reason};
    return Await<v1::Case>(
        [&](Done<v1::Case> done) { store_->TransitionCase(id, move, "", {}, done); });
  }
  using Move_ = petition::Move;

  // The ring `store_` uses from now on (the old one stays alive: readers may still hold it).
  void UseRing(const std::string& ring_text) {
    auto ring = PiiCipher::FromKeyRingText(ring_text, "test ring");
    ASSERT_TRUE(ring.ok()) << ring.status();
    old_ciphers_.push_back(std::move(cipher_));
    cipher_ = std::make_unique<PiiCipher>(*std::move(ring));
    store_ = std::make_unique<PetitionStore>(db_.get(), cipher_.get(), DeadlinePolicy{},
                                             [this] { return absl::FromUnixSeconds(now_.load()); });
  }

  // Every stored blob of cases, meetings and their change-log entries, raw from the tables.
  std::vector<std::string> RawStates() {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->Read([&](db::Transaction& tx) -> absl::Status {
                     for (const char* sql :
                          {"SELECT state FROM cases", "SELECT state FROM meetings",
                           "SELECT state FROM events WHERE resource_type IN ('case', 'meeting')"}) {
                       ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
                       for (const auto& row : rows) out.push_back(row.Blob(0));
                     }
                     return absl::OkStatus();
                   })
                    .ok());
    return out;
  }

  // A case with every free-text field written, a meeting on it; returns the case.
  v1::Case CaseWithEveryText(const std::string& id_number) {
    v1::Case input = Input("慕容测试某", id_number, "劳动争议", MakeDate(2024, 3, 1));
    input.set_subject("主题甲：慕容家拖欠工资");
    input.set_content("内容乙：本人在某厂工作十年未签合同");
    input.set_resolution_plan("方案丙：分三期支付");
    auto c = Create(input);
    EXPECT_TRUE(c.ok()) << c.status();
    Move_ accept{v1::CASE_STATUS_ACCEPTED, absl::CivilDay(2024, 3, 5), "tester",
                 "备注丁：已电话联系其妻", ""};
    EXPECT_TRUE(Await<v1::Case>([&](Done<v1::Case> d) {
                  store_->TransitionCase(c->id(), accept, "", {}, d);
                }).ok());
    ExtensionRequest ext{10, "延期戊：当事人住院", absl::CivilDay(2024, 3, 6), "tester"};
    auto extended =
        Await<v1::Case>([&](Done<v1::Case> d) { store_->ExtendDeadline(c->id(), ext, "", {}, d); });
    EXPECT_TRUE(extended.ok()) << extended.status();
    v1::Meeting m;
    m.set_kind(v1::MEETING_KIND_LEADER_RECEPTION);
    *m.mutable_date() = MakeDate(2024, 3, 7);
    m.add_attendees("出席己：慕容某之子");
    m.add_case_ids(c->id());
    m.set_notes("纪要庚：同意先行垫付");
    EXPECT_TRUE(
        Await<v1::Meeting>([&](Done<v1::Meeting> d) { store_->RecordMeeting(m, {}, {}, d); }).ok());
    return extended.ok() ? *extended : v1::Case();
  }
  // `state` (a sealed case or meeting) as the version before free-text sealing stored it: the
  // petitioner sealed "enc:v1:" + base64 (no key id), the free text in the clear.
  absl::StatusOr<std::string> LegacyState(const std::string& type, const std::string& state) {
    if (type == "meeting") {
      v1::Meeting m;
      if (!m.ParseFromString(state)) return absl::DataLossError("meeting");
      ASSIGN_OR_RETURN(m, OpenMeeting(*cipher_, std::move(m)));
      return m.SerializeAsString();
    }
    v1::Case c;
    if (!c.ParseFromString(state)) return absl::DataLossError("case");
    ASSIGN_OR_RETURN(c, OpenCase(*cipher_, std::move(c)));
    v1::Petitioner* p = c.mutable_petitioner();
    const std::pair<const char*, std::string*> fields[] = {{"name", p->mutable_name()},
                                                           {"id_number", p->mutable_id_number()},
                                                           {"phone", p->mutable_phone()},
                                                           {"address", p->mutable_address()}};
    for (const auto& [field, value] : fields) {
      if (value->empty()) continue;
      ASSIGN_OR_RETURN(std::string raw,
                       cipher_->Encrypt(*value, PetitionerAssociatedData(c.id(), field)));
      *value = absl::StrCat("enc:v1:", absl::Base64Escape(raw));
    }
    return c.SerializeAsString();
  }

  static std::vector<std::string> TextSecrets() {
    return {"慕容家拖欠工资", "本人在某厂工作十年", "分三期支付",   "已电话联系其妻",
            "当事人住院",     "慕容某之子",         "同意先行垫付", "慕容测试某"};
  }

  std::unique_ptr<PiiCipher> cipher_;
  std::vector<std::unique_ptr<PiiCipher>> old_ciphers_;
  std::atomic<int64_t> now_{0};
  std::unique_ptr<PetitionStore> store_;
};

TEST_P(PetitionStoreTest, DatabaseFileHoldsNoPlaintextPetitionerData) {
  const std::string name = "欧阳测试某";
  const std::string id_number = ResidentId("21099919761103123");
  auto ledger = Ledger("台账");
  ASSERT_TRUE(ledger.ok());
  v1::Case input = Input(name, id_number, "劳动争议", MakeDate(2024, 3, 1));
  input.add_ledger_ids(ledger->id());
  auto c = Create(input);
  ASSERT_TRUE(c.ok()) << c.status();
  // Changes write the case (and a change event) again.
  ASSERT_TRUE(Move(c->id(), v1::CASE_STATUS_ACCEPTED, 2024, 3, 5).ok());
  v1::UpdateCaseRequest update;
  update.mutable_case_()->set_id(c->id());
  update.mutable_case_()->mutable_petitioner()->set_phone("13812345678");
  update.mutable_update_mask()->add_paths("petitioner.phone");
  ASSERT_TRUE(Await<v1::Case>([&](Done<v1::Case> d) {
                store_->UpdateCase(update, PiiAccess::kPlaintext, {}, d);
              }).ok());

  // The store hands back plaintext.
  auto read = store_->GetCase(c->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->petitioner().name(), name);
  EXPECT_EQ(read->petitioner().id_number(), id_number);
  EXPECT_EQ(read->petitioner().phone(), "13812345678");
  // Found by ID number through the keyed hash.
  CaseFilter by_id;
  by_id.id_hashes = cipher_->KeyedHashes(id_number);
  auto found = store_->ListCases(by_id, Page{});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].id(), c->id());

  Close();
  std::string bytes;
  if (postgres()) {
    // Every file of the cluster: tables, indexes and the WAL (which holds each inserted row).
    for (const auto& f : std::filesystem::recursive_directory_iterator(
             testing::PostgresServer::Shared().data_dir())) {
      if (f.is_regular_file()) bytes += testing::ReadFileOrEmpty(f.path().string());
    }
  } else {
    for (const char* suffix : {"", "-wal", "-journal"}) {
      bytes += testing::ReadFileOrEmpty(path() + suffix);
    }
  }
  ASSERT_GT(bytes.size(), 0u);
  for (const std::string& secret : {name, id_number, std::string("13912345678"),
                                    std::string("13812345678"), std::string("幸福小区7号楼")}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << "plaintext found in the database file";
  }
  // Sanity: the scan would see plaintext that is stored (the category is not personal data).
  EXPECT_NE(bytes.find("劳动争议"), std::string::npos);
}

TEST_P(PetitionStoreTest, AuditRecordsCannotBeUpdatedOrDeleted) {
  auto c =
      Create(Input("李测试", ResidentId("21099919800101100"), "征地拆迁", MakeDate(2024, 3, 1)));
  ASSERT_TRUE(c.ok()) << c.status();
  absl::Notification audited;
  absl::Status audit_status;
  store_->AuditReads({&*c}, "auditor-x", "GetCase", [&](absl::Status s) {
    audit_status = s;
    audited.Notify();
  });
  audited.WaitForNotification();
  ASSERT_TRUE(audit_status.ok()) << audit_status;

  EXPECT_FALSE(db_->Write([](db::Transaction& tx) {
                    return tx.Execute("UPDATE audit_log SET principal = 'someone-else'");
                  })
                   .ok());
  EXPECT_FALSE(
      db_->Write([](db::Transaction& tx) { return tx.Execute("DELETE FROM audit_log"); }).ok());

  auto records = AuditRecords(audit::AuditFilter{});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].actor(), "auditor-x");
  EXPECT_EQ(records[0].case_id(), c->id());
  EXPECT_EQ(records[0].method(), "GetCase");
  EXPECT_EQ(records[0].entry().kind(), audit::v1::AUDIT_KIND_READ);
  EXPECT_EQ(records[0].entry().method(), "/gaoxin.petition.v1.PetitionService/GetCase");
  // The four petitioner fields and the subject (free text).
  EXPECT_EQ(records[0].fields_size(), 5);
}

TEST_P(PetitionStoreTest, UnmaskedWriteIsAuditedInTheSameTransaction) {
  auto c =
      Create(Input("王测试", ResidentId("21099919800101200"), "征地拆迁", MakeDate(2024, 3, 1)),
             Reveal{true, "writer-pii", "CreateCase"});
  ASSERT_TRUE(c.ok());
  audit::AuditFilter f;
  f.resource = "cases/" + c->id();
  auto records = AuditRecords(f);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].method(), "CreateCase");
}

// A case write in an audited call: one WRITE record whose diff holds the petitioner's data only
// sealed (under the PII key, bound to the record's resource and path), never in the clear.
TEST_P(PetitionStoreTest, AuditedWriteSealsPersonalDataInItsDiff) {
  db::AuditCall call{"officer", "", "/gaoxin.petition.v1.PetitionService/CreateCase", "req-1"};
  absl::StatusOr<v1::Case> c;
  {
    db::AuditCallScope scope(&call);
    c = Create(Input("沈测试", ResidentId("21099919800101300"), "征地拆迁", MakeDate(2024, 3, 1)));
  }
  ASSERT_TRUE(c.ok()) << c.status();
  audit::AuditFilter f;
  f.resource = "cases/" + c->id();
  auto records = AuditRecords(f);
  ASSERT_EQ(records.size(), 1u);
  const audit::v1::AuditRecord& e = records[0].entry();
  EXPECT_EQ(e.kind(), audit::v1::AUDIT_KIND_WRITE);
  EXPECT_EQ(e.principal(), "officer");
  EXPECT_EQ(e.request_id(), "req-1");
  EXPECT_EQ(e.etag_after(), "1");
  bool saw_name = false;
  bool saw_category = false;
  for (const auto& change : e.changes()) {
    EXPECT_EQ(change.after().find("沈测试"), std::string::npos) << change.path();
    EXPECT_EQ(change.after().find("幸福小区"), std::string::npos) << change.path();
    if (change.path() == "petitioner.name") {
      saw_name = true;
      EXPECT_TRUE(PiiCipher::IsSealed(change.after())) << change.after();
      auto opened =
          cipher_->Open(change.after(), AuditSealAssociatedData(f.resource, "petitioner.name"));
      ASSERT_TRUE(opened.ok()) << opened.status();
      EXPECT_EQ(*opened, "沈测试");
    }
    if (change.path() == "category") {
      saw_category = true;
      EXPECT_EQ(change.after(), "征地拆迁");  // not personal data: in the clear
    }
  }
  EXPECT_TRUE(saw_name);
  EXPECT_TRUE(saw_category);
}

// Reads audited before the chain (table audit_records) join it once, with their own times.
TEST_P(PetitionStoreTest, LegacyAuditRecordsJoinTheChainOnce) {
  v1::AuditRecord old;
  old.set_id("audit-legacy-1");
  old.set_actor("officer-2023");
  *old.mutable_time() = ToTimestamp(absl::FromUnixSeconds(1700000000));
  old.set_case_id("case-legacy");
  old.add_fields("petitioner.name");
  old.set_method("GetCase");
  ASSERT_TRUE(db_->Write([&](db::Transaction& tx) {
                   return tx.Execute(
                       "INSERT INTO audit_records(id, actor, time_us, case_id, "
                       "record) VALUES(?, ?, ?, ?, ?)",
                       {old.id(), old.actor(), int64_t{1700000000000000}, old.case_id(),
                        db::SqlValue::Blob(old.SerializeAsString())});
                 })
                  .ok());
  auto copied = store_->ImportLegacyAuditRecords();
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_EQ(*copied, 1);
  auto again = store_->ImportLegacyAuditRecords();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto records = AuditRecords(audit::AuditFilter{});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].actor(), "officer-2023");
  EXPECT_EQ(records[0].case_id(), "case-legacy");
  EXPECT_EQ(records[0].method(), "GetCase");
  EXPECT_EQ(records[0].time().seconds(), 1700000000);
  EXPECT_EQ(records[0].entry().kind(), audit::v1::AUDIT_KIND_READ);
  EXPECT_EQ(records[0].entry().sequence(), 1);
}

TEST_P(PetitionStoreTest, RepeatPetitionsAreLinkedAndRefusedAfterRecheck) {
  const std::string id_number = ResidentId("21099919650707300");
  auto first = Create(Input("赵测试", id_number, "回迁房办证", MakeDate(2023, 1, 2)));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->is_repeat());

  auto second = Create(Input("赵测试", id_number, "回迁房办证", MakeDate(2023, 2, 2)));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->is_repeat());
  ASSERT_EQ(second->repeat_of_case_ids_size(), 1);
  EXPECT_EQ(second->repeat_of_case_ids(0), first->id());

  auto other_matter = Create(Input("赵测试", id_number, "劳动争议", MakeDate(2023, 2, 3)));
  ASSERT_TRUE(other_matter.ok());
  EXPECT_FALSE(other_matter->is_repeat());

  auto third = Create(Input("赵测试", id_number, "回迁房办证", MakeDate(2023, 2, 4)));
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->repeat_of_case_ids_size(), 2);
  EXPECT_EQ(third->repeat_of_case_ids(0), first->id());
  EXPECT_EQ(third->repeat_of_case_ids(1), second->id());

  // Take the first case through 复查 and 复核.
  const std::string id = first->id();
  ASSERT_TRUE(Move(id, v1::CASE_STATUS_ACCEPTED, 2023, 1, 5).ok());
  ASSERT_TRUE(Move(id, v1::CASE_STATUS_ASSIGNED, 2023, 1, 6).ok());
  ASSERT_TRUE(Move(id, v1::CASE_STATUS_IN_PROGRESS, 2023, 1, 7).ok());
  ASSERT_TRUE(Move(id, v1::CASE_STATUS_RESOLVED, 2023, 1, 20).ok());
  ASSERT_TRUE(Move(id, v1::CASE_STATUS_REVIEW_REQUESTED, 2023, 2, 1).ok());
  ASSERT_TRUE(Move(id, v1::CASE_STATUS_REVIEWED, 2023, 2, 20).ok());
  ASSERT_TRUE(Move(id, v1::CASE_STATUS_RECHECK_REQUESTED, 2023, 3, 1).ok());
  auto final_case = Move(id, v1::CASE_STATUS_RECHECKED, 2023, 3, 20);
  ASSERT_TRUE(final_case.ok()) << final_case.status();
  EXPECT_TRUE(final_case->review().final());

  auto refused = Create(Input("赵测试", id_number, "回迁房办证", MakeDate(2023, 4, 1)));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "MATTER_CLOSED_AFTER_RECHECK");
  EXPECT_EQ(refused.status().message().find(id_number), std::string::npos);
  // Nothing was stored by the refused create.
  CaseFilter by_id;
  by_id.id_hashes = cipher_->KeyedHashes(id_number);
  auto all = store_->ListCases(by_id, Page{});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 4u);
}

TEST_P(PetitionStoreTest, CorrectingTheIdNumberOrCategoryRelinksRepeats) {
  const std::string id_number = ResidentId("21099919700101300");
  auto first = Create(Input("钱测试", id_number, "企业拖欠养老保险", MakeDate(2023, 5, 1)));
  ASSERT_TRUE(first.ok()) << first.status();
  // Entered with another category by mistake: not a repeat yet.
  auto second = Create(Input("钱测试", id_number, "劳动争议", MakeDate(2023, 6, 1)));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->is_repeat());

  v1::UpdateCaseRequest fix;
  fix.mutable_case_()->set_id(second->id());
  fix.mutable_case_()->set_category("企业拖欠养老保险");
  fix.mutable_update_mask()->add_paths("category");
  auto fixed = Await<v1::Case>(
      [&](Done<v1::Case> d) { store_->UpdateCase(fix, PiiAccess::kPlaintext, {}, d); });
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_TRUE(fixed->is_repeat());
  ASSERT_EQ(fixed->repeat_of_case_ids_size(), 1);
  EXPECT_EQ(fixed->repeat_of_case_ids(0), first->id());

  // And back: the link goes away. The first case never links to a later one.
  fix.mutable_case_()->set_category("劳动争议");
  auto back = Await<v1::Case>(
      [&](Done<v1::Case> d) { store_->UpdateCase(fix, PiiAccess::kPlaintext, {}, d); });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_FALSE(back->is_repeat());
  EXPECT_EQ(back->repeat_of_case_ids_size(), 0);
}

TEST_P(PetitionStoreTest, OverdueFilterFollowsTheClockAcrossTheYearEnd) {
  SetToday(2023, 12, 25);
  auto late = Create(Input("钱测试", "", "其他", MakeDate(2023, 12, 20)));  // due 2024-01-04
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(FormatDate(late->due_date()), "2024-01-04");
  auto later = Create(Input("孙测试", "", "其他", MakeDate(2023, 12, 25)));  // due 2024-01-09
  ASSERT_TRUE(later.ok());

  CaseFilter overdue;
  overdue.overdue_only = true;
  auto page = store_->ListCases(overdue, Page{});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());

  SetToday(2024, 1, 4);  // the last day allowed: not yet overdue
  page = store_->ListCases(overdue, Page{});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_FALSE(store_->GetCase(late->id())->overdue());

  SetToday(2024, 1, 5);
  page = store_->ListCases(overdue, Page{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id(), late->id());
  EXPECT_TRUE(page->items[0].overdue());
  EXPECT_TRUE(store_->GetCase(late->id())->overdue());

  // Accepting it starts the 60-day handling limit: no longer overdue.
  ASSERT_TRUE(Move(late->id(), v1::CASE_STATUS_ACCEPTED, 2024, 1, 5).ok());
  page = store_->ListCases(overdue, Page{});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(FormatDate(store_->GetCase(late->id())->due_date()), "2024-03-05");  // leap year

  SetToday(2024, 3, 6);
  page = store_->ListCases(overdue, Page{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 2u);
}

TEST_P(PetitionStoreTest, CaseOnAMissingLedgerStoresNothing) {
  v1::Case input = Input("周测试", "", "其他", MakeDate(2024, 3, 1));
  input.add_ledger_ids("ledger-0000000000000000");
  auto c = Create(input);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  auto all = store_->ListCases(CaseFilter{}, Page{});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->items.empty());
}

TEST_P(PetitionStoreTest, DataSurvivesReopen) {
  auto c = Create(Input("吴测试", ResidentId("21099919900909400"), "其他", MakeDate(2024, 3, 1)));
  ASSERT_TRUE(c.ok());
  Close();
  Open();
  auto read = store_->GetCase(c->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->petitioner().name(), "吴测试");
}

TEST_P(PetitionStoreTest, FreeTextIsSealedInEveryRawRow) {
  const v1::Case c = CaseWithEveryText(ResidentId("21099919761103124"));
  // The store hands back plaintext.
  auto read = store_->GetCase(c.id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->content(), "内容乙：本人在某厂工作十年未签合同");
  EXPECT_EQ(read->history(1).note(), "备注丁：已电话联系其妻");
  EXPECT_EQ(read->extension().reason(), "延期戊：当事人住院");
  auto meetings = store_->ListMeetings(MeetingFilter{}, Page{});
  ASSERT_TRUE(meetings.ok());
  ASSERT_EQ(meetings->items.size(), 1u);
  EXPECT_EQ(meetings->items[0].attendees(0), "出席己：慕容某之子");
  EXPECT_EQ(store_->GetMeeting(meetings->items[0].id())->notes(), "纪要庚：同意先行垫付");

  const std::vector<std::string> states = RawStates();
  ASSERT_GE(states.size(), 5u);  // case, meeting, 3+1 change-log entries
  for (const std::string& state : states) {
    for (const std::string& secret : TextSecrets()) {
      EXPECT_EQ(state.find(secret), std::string::npos) << secret << " stored in the clear";
    }
  }
  // Sanity: the scan sees what is stored in the clear (the category).
  bool category_seen = false;
  for (const std::string& state : states)
    category_seen |= state.find("劳动争议") != std::string::npos;
  EXPECT_TRUE(category_seen);

  // And the whole database file (SQLite: with its WAL), the free pages included.
  if (!postgres()) {
    Close();
    std::string bytes;
    for (const char* suffix : {"", "-wal", "-journal"}) {
      bytes += testing::ReadFileOrEmpty(path() + suffix);
    }
    for (const std::string& secret : TextSecrets()) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in the database file";
    }
  }
}

TEST_P(PetitionStoreTest, FreeTextStoredInTheClearIsSealedByTheStartupPass) {
  const v1::Case c = CaseWithEveryText(ResidentId("21099919761103125"));
  // What an older version stored: petitioner sealed "enc:v1:" (no key id), free text in the clear,
  // in the row and in its change-log entries alike.
  ASSERT_TRUE(db_->Write([&](db::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto cases, tx.Query("SELECT id, state FROM cases"));
                   for (const auto& row : cases) {
                     ASSIGN_OR_RETURN(std::string legacy, LegacyState("case", row.Blob(1)));
                     RETURN_IF_ERROR(tx.Execute("UPDATE cases SET state = ? WHERE id = ?",
                                                {db::SqlValue::Blob(legacy), row.Text(0)}));
                   }
                   ASSIGN_OR_RETURN(auto meetings, tx.Query("SELECT id, state FROM meetings"));
                   for (const auto& row : meetings) {
                     ASSIGN_OR_RETURN(std::string legacy, LegacyState("meeting", row.Blob(1)));
                     RETURN_IF_ERROR(tx.Execute("UPDATE meetings SET state = ? WHERE id = ?",
                                                {db::SqlValue::Blob(legacy), row.Text(0)}));
                   }
                   ASSIGN_OR_RETURN(auto events,
                                    tx.Query("SELECT revision, resource_type, state FROM events "
                                             "WHERE resource_type IN ('case', 'meeting')"));
                   for (const auto& row : events) {
                     ASSIGN_OR_RETURN(std::string legacy, LegacyState(row.Text(1), row.Blob(2)));
                     RETURN_IF_ERROR(tx.Execute("UPDATE events SET state = ? WHERE revision = ?",
                                                {db::SqlValue::Blob(legacy), row.Int(0)}));
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  bool plaintext_seen = false;
  for (const std::string& state : RawStates()) {
    plaintext_seen |= state.find("分三期支付") != std::string::npos;
  }
  ASSERT_TRUE(plaintext_seen) << "the legacy rows were not written";
  // Such a store still reads (the start-up pass may not have run yet).
  auto before = store_->GetCase(c.id());
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->resolution_plan(), "方案丙：分三期支付");

  auto pass = store_->ResealAll(ResealMode::kPlaintextOnly, /*batch_rows=*/2);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_GE(pass->resealed, 6);  // the case, the meeting and their 4 change-log entries
  EXPECT_EQ(pass->unreadable, 0);
  EXPECT_GT(pass->found_by_key[std::string(kPlaintextCensusKey)], 0);
  for (const std::string& state : RawStates()) {
    for (const std::string& secret : TextSecrets()) {
      if (secret == "慕容测试某") continue;  // the name was sealed all along
      EXPECT_EQ(state.find(secret), std::string::npos) << secret << " still in the clear";
    }
    // The pass leaves the old petitioner seals alone: it needs no key but the current one.
    EXPECT_TRUE(state.find("enc:v1:") != std::string::npos ||
                state.find("慕容某之子") == std::string::npos);
  }
  // Idempotent: a second start finds nothing to do.
  auto again = store_->ResealAll(ResealMode::kPlaintextOnly);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->resealed, 0);
  EXPECT_EQ(again->found_by_key.count(std::string(kPlaintextCensusKey)), 0u);
  auto after = store_->GetCase(c.id());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->SerializeAsString(), before->SerializeAsString());
}

TEST_P(PetitionStoreTest, KeyRotationReSealsEveryRowWhileReadsGoOn) {
  const std::string k1 = "k1 " + absl::BytesToHexString(std::string(32, '\x5a'));  // SetUp's key
  const std::string k2 = "k2 " + std::string(64, 'e');
  std::vector<std::string> ids;
  std::map<std::string, std::string> number_of;
  for (int i = 0; i < 7; ++i) {
    const std::string number = ResidentId(absl::StrCat("2109991976110312", i));
    const v1::Case c = CaseWithEveryText(number);
    ids.push_back(c.id());
    number_of[c.id()] = number;
  }
  std::map<std::string, std::string> expected;  // id -> the case as read before the rotation
  for (const std::string& id : ids) expected[id] = store_->GetCase(id)->SerializeAsString();

  // Step 1 and 2 of the rotation: the ring holds k2, then k2 becomes current.
  ASSERT_NO_FATAL_FAILURE(UseRing(k1 + "\n" + k2 + " current"));
  // Reads go on throughout the re-sealing, each returning the text it did before.
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, bad_reads{0};
  std::thread reader([&] {
    while (!stop) {
      for (const std::string& id : ids) {
        auto c = store_->GetCase(id);
        if (!c.ok() || c->content() != "内容乙：本人在某厂工作十年未签合同" ||
            c->petitioner().id_number() != number_of[id]) {
          ++bad_reads;
        }
        ++reads;
      }
    }
  });
  // Step 3: batches of 3 rows, each resumed from the last cursor.
  ResealProgress total;
  std::string cursor;
  int batches = 0;
  do {
    auto batch = Await<ResealProgress>([&](Done<ResealProgress> d) {
      store_->ResealBatch(cursor, 3, ResealMode::kCurrentKey, d);
    });
    ASSERT_TRUE(batch.ok()) << batch.status();
    EXPECT_LE(batch->examined, 3);
    EXPECT_EQ(batch->current_key_id, "k2");
    total.Add(*batch);
    cursor = batch->next_cursor;
    ++batches;
  } while (!cursor.empty() && batches < 1000);
  stop = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);
  EXPECT_GT(batches, 5);
  EXPECT_GT(total.resealed, 14);  // 7 cases, 7 meetings and their change-log entries
  EXPECT_EQ(total.unreadable, 0);
  EXPECT_EQ(total.conflicts, 0);
  EXPECT_GT(total.found_by_key["k1"], 0);

  // Every seal of every row now names k2, and every ID-number hash is k2's.
  for (const std::string& state : RawStates()) {
    EXPECT_EQ(state.find("enc:v1:"), std::string::npos);
    EXPECT_EQ(state.find("enc:v2:k1:"), std::string::npos);
    EXPECT_NE(state.find("enc:v2:k2:"), std::string::npos);
  }
  ASSERT_TRUE(db_->Read([&](db::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, id_hash FROM cases"));
                   for (const auto& row : rows) {
                     EXPECT_EQ(row.Text(1), cipher_->KeyedHash(number_of[row.Text(0)]));
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  // A second run re-seals nothing: idempotent.
  auto again = store_->ResealAll(ResealMode::kCurrentKey);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->resealed, 0);
  EXPECT_EQ(again->found_by_key.count("k1"), 0u);

  // Step 4: k1 leaves the ring. Everything still reads, searches and links repeats.
  ASSERT_NO_FATAL_FAILURE(UseRing(k2));
  for (const std::string& id : ids) {
    auto c = store_->GetCase(id);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->SerializeAsString(), expected[id]);
    CaseFilter by_id;
    by_id.id_hashes = cipher_->KeyedHashes(number_of[id]);
    auto found = store_->ListCases(by_id, Page{});
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->items.size(), 1u);
    EXPECT_EQ(found->items[0].id(), id);
  }
  auto meetings = store_->ListMeetings(MeetingFilter{}, Page{});
  ASSERT_TRUE(meetings.ok()) << meetings.status();
  EXPECT_EQ(meetings->items.size(), 7u);
  ASSERT_TRUE(db_->Read([&](db::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT state FROM events WHERE "
                                                        "resource_type = 'case'"));
                   for (const auto& row : rows) {
                     auto opened = store_->OpenStoredCase(row.Blob(0));
                     EXPECT_TRUE(opened.ok()) << opened.status();
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  v1::Case repeat = Input("慕容测试某", number_of[ids[0]], "劳动争议", MakeDate(2024, 3, 20));
  auto linked = Create(repeat);
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_TRUE(linked->is_repeat());
}

TEST_P(PetitionStoreTest, SearchFindsCasesNotYetReSealed) {
  const std::string number = ResidentId("21099919761103126");
  auto first = Create(Input("诸葛测试", number, "征地拆迁", MakeDate(2024, 3, 1)));
  ASSERT_TRUE(first.ok());
  // k2 becomes current before any re-sealing: the stored hash is still k1's.
  ASSERT_NO_FATAL_FAILURE(UseRing("k1 " + absl::BytesToHexString(std::string(32, '\x5a')) +
                                  "\nk2 " + std::string(64, 'f') + " current"));
  CaseFilter by_id;
  by_id.id_hashes = cipher_->KeyedHashes(number);
  auto found = store_->ListCases(by_id, Page{});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->items.size(), 1u);
  // The current key's hash alone would miss it: the ring's other hashes are what finds it.
  by_id.id_hashes = {cipher_->KeyedHash(number)};
  EXPECT_TRUE(store_->ListCases(by_id, Page{})->items.empty());
  // Repeat detection looks under every key too.
  auto second = Create(Input("诸葛测试", number, "征地拆迁", MakeDate(2024, 3, 2)));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->is_repeat());
  ASSERT_EQ(second->repeat_of_case_ids_size(), 1);
  EXPECT_EQ(second->repeat_of_case_ids(0), first->id());
}

TEST_P(PetitionStoreTest, ResealCursorFromElsewhereIsRefused) {
  for (const char* bad : {"nowhere/x", "events/abc", "cases", "../etc"}) {
    auto r = Await<ResealProgress>(
        [&](Done<ResealProgress> d) { store_->ResealBatch(bad, 10, ResealMode::kCurrentKey, d); });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST_P(PetitionStoreTest, UnmaskedMeetingReadsAreAudited) {
  CaseWithEveryText(ResidentId("21099919761103127"));
  auto meetings = store_->ListMeetings(MeetingFilter{}, Page{});
  ASSERT_TRUE(meetings.ok());
  ASSERT_EQ(meetings->items.size(), 1u);
  absl::Notification audited;
  absl::Status status;
  store_->AuditMeetingReads({&meetings->items[0]}, "officer-m", "GetMeeting", [&](absl::Status s) {
    status = s;
    audited.Notify();
  });
  audited.WaitForNotification();
  ASSERT_TRUE(status.ok()) << status;
  audit::AuditFilter f;
  f.principal = "officer-m";
  auto records = AuditRecords(f);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].meeting_id(), meetings->items[0].id());
  EXPECT_EQ(records[0].case_id(), "");
  EXPECT_EQ(std::vector<std::string>(records[0].fields().begin(), records[0].fields().end()),
            (std::vector<std::string>{"attendees", "notes"}));
}

GAOXIN_ON_EVERY_STORE(PetitionStoreTest);

}  // namespace
}  // namespace gaoxin::petition
