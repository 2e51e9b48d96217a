// PetitionStore on both stores (a real SQLite file, a real PostgreSQL schema): no plaintext
// petitioner data in the database file (nor in its WAL or change log), the audit log refuses UPDATE
// and DELETE, repeat petitions are linked (and refused after a 复核 decision), and the overdue
// filter follows an injected clock across a year end.
#include "services/petition/petition_store.h"

#include <atomic>
#include <filesystem>

#include "absl/synchronization/notification.h"
#include "common/date.h"
#include "common/errors.h"
#include "gtest/gtest.h"
#include "services/petition/domain/case_input.h"
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
    store_ = std::make_unique<PetitionStore>(db_.get(), cipher_.get(), DeadlinePolicy{},
                                             [this] { return absl::FromUnixSeconds(now_.load()); });
  }
  void Close() {
    store_.reset();
    db_.reset();
  }
  std::string path() const { return dir_.File("petition.db"); }
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

  std::unique_ptr<PiiCipher> cipher_;
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
                    return tx.Execute("UPDATE audit_records SET actor = 'someone-else'");
                  })
                   .ok());
  EXPECT_FALSE(
      db_->Write([](db::Transaction& tx) { return tx.Execute("DELETE FROM audit_records"); }).ok());

  auto records = store_->ListAuditRecords(AuditFilter{}, Page{});
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->items.size(), 1u);
  EXPECT_EQ(records->items[0].actor(), "auditor-x");
  EXPECT_EQ(records->items[0].case_id(), c->id());
  EXPECT_EQ(records->items[0].fields_size(), 4);
}

TEST_P(PetitionStoreTest, UnmaskedWriteIsAuditedInTheSameTransaction) {
  auto c =
      Create(Input("王测试", ResidentId("21099919800101200"), "征地拆迁", MakeDate(2024, 3, 1)),
             Reveal{true, "writer-pii", "CreateCase"});
  ASSERT_TRUE(c.ok());
  AuditFilter f;
  f.case_id = c->id();
  auto records = store_->ListAuditRecords(f, Page{});
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->items.size(), 1u);
  EXPECT_EQ(records->items[0].method(), "CreateCase");
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

GAOXIN_ON_EVERY_STORE(PetitionStoreTest);

}  // namespace
}  // namespace gaoxin::petition
