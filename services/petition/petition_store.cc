#include "services/petition/petition_store.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/db/common_tables.h"
#include "common/db/create_once.h"
#include "common/db/filters.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/petition/domain/case_input.h"
#include "services/petition/domain/derived_fields.h"
#include "services/petition/domain/repeat_detection.h"

namespace gaoxin::petition {
namespace {

using db::AddFilter;
using db::SqlValue;
using db::Transaction;

constexpr absl::string_view kSealPrefix = "enc:v1:";

constexpr db::Migration kMigrations[] = {
    {1, "ledgers, cases (petitioner data encrypted), meetings, append-only audit log",
     "CREATE TABLE ledgers (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,"
     "  year INTEGER NOT NULL, kind INTEGER NOT NULL);"
     "CREATE TABLE cases (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,"
     "  status INTEGER NOT NULL, due_day INTEGER, category TEXT NOT NULL, leader TEXT NOT NULL,"
     "  department TEXT NOT NULL, id_hash TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX cases_by_status ON cases(status, id);"
     "CREATE INDEX cases_by_due ON cases(due_day);"
     "CREATE INDEX cases_by_category ON cases(category, id);"
     "CREATE INDEX cases_by_leader ON cases(leader, id);"
     "CREATE INDEX cases_by_department ON cases(department, id);"
     "CREATE INDEX cases_by_id_hash ON cases(id_hash);"
     "CREATE TABLE case_ledgers (ledger_id TEXT NOT NULL, case_id TEXT NOT NULL,"
     "  PRIMARY KEY (ledger_id, case_id));"
     "CREATE INDEX case_ledgers_by_case ON case_ledgers(case_id);"
     "CREATE TABLE meetings (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,"
     "  kind INTEGER NOT NULL, day INTEGER NOT NULL);"
     "CREATE TABLE meeting_cases (case_id TEXT NOT NULL, meeting_id TEXT NOT NULL,"
     "  PRIMARY KEY (case_id, meeting_id));"
     "CREATE TABLE audit_records (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  id TEXT NOT NULL UNIQUE, actor TEXT NOT NULL, time_us INTEGER NOT NULL,"
     "  case_id TEXT NOT NULL, record BLOB NOT NULL);"
     "CREATE INDEX audit_by_case ON audit_records(case_id, seq);"
     "CREATE INDEX audit_by_actor ON audit_records(actor, seq);"
     "CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records"
     "  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"
     "CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records"
     "  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"},
};

std::string AssociatedData(absl::string_view case_id, absl::string_view field) {
  return absl::StrCat("case/", case_id, "/petitioner.", field);
}

// The four personal-data fields, by name, for sealing and opening in one loop.
struct PiiField {
  const char* name;
  std::string* (v1::Petitioner::*mutable_field)();
};
constexpr PiiField kPiiFields[] = {
    {"name", &v1::Petitioner::mutable_name},
    {"id_number", &v1::Petitioner::mutable_id_number},
    {"phone", &v1::Petitioner::mutable_phone},
    {"address", &v1::Petitioner::mutable_address},
};

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// Orders a petitioner's earlier cases oldest first (the order DetectRepeat reports links in).
bool CreatedBefore(const v1::Case& a, const v1::Case& b) {
  const absl::Time ta = FromTimestamp(a.create_time());
  const absl::Time tb = FromTimestamp(b.create_time());
  if (ta != tb) return ta < tb;
  return a.id() < b.id();
}

}  // namespace

absl::StatusOr<std::string> SealPiiField(const PiiCipher& cipher, absl::string_view case_id,
                                         absl::string_view field, absl::string_view value) {
  if (value.empty()) return std::string();
  ASSIGN_OR_RETURN(std::string sealed, cipher.Encrypt(value, AssociatedData(case_id, field)));
  return absl::StrCat(kSealPrefix, absl::Base64Escape(sealed));
}

std::vector<std::string> RevealedFields(const v1::Petitioner& p) {
  std::vector<std::string> out;
  if (!p.name().empty()) out.push_back("petitioner.name");
  if (!p.id_number().empty()) out.push_back("petitioner.id_number");
  if (!p.phone().empty()) out.push_back("petitioner.phone");
  if (!p.address().empty()) out.push_back("petitioner.address");
  return out;
}

int64_t DayNumber(absl::CivilDay day) {
  return int64_t{day.year()} * 10000 + int64_t{day.month()} * 100 + day.day();
}

PetitionStore::PetitionStore(db::Database* db, const PiiCipher* cipher, DeadlinePolicy policy,
                             Clock clock)
    : db_(db),
      cipher_(cipher),
      policy_(policy),
      clock_(std::move(clock)),
      ledgers_("ledgers", "ledger", {"year", "kind"},
               [](const v1::Ledger& l) {
                 return std::vector<SqlValue>{l.year(), l.kind()};
               }),
      cases_("cases", "case", {"status", "due_day", "category", "leader", "department"},
             [](const v1::Case& c) {
               return std::vector<SqlValue>{c.status(),
                                            IsSet(c.due_date())
                                                ? SqlValue(DayNumber(ToCivilDay(c.due_date())))
                                                : SqlValue::Null(),
                                            c.category(), c.leader(), c.department()};
             }),
      meetings_("meetings", "meeting", {"kind", "day"}, [](const v1::Meeting& m) {
        return std::vector<SqlValue>{m.kind(), DayNumber(ToCivilDay(m.date()))};
      }) {}

absl::Status PetitionStore::Migrate(db::Database& db) {
  RETURN_IF_ERROR(db::ApplyCommonSchema(db));
  return db::ApplyMigrations(db, "petition", kMigrations);
}

absl::CivilDay PetitionStore::Today() const { return TodayInZone(clock_()); }

google::protobuf::Timestamp PetitionStore::Now() const { return ToTimestamp(clock_()); }

absl::StatusOr<v1::Case> PetitionStore::Seal(v1::Case c) const {
  v1::Petitioner* p = c.mutable_petitioner();
  for (const PiiField& f : kPiiFields) {
    std::string* value = (p->*f.mutable_field)();
    ASSIGN_OR_RETURN(*value, SealPiiField(*cipher_, c.id(), f.name, *value));
  }
  return c;
}

absl::StatusOr<v1::Case> PetitionStore::Open(v1::Case c) const {
  v1::Petitioner* p = c.mutable_petitioner();
  for (const PiiField& f : kPiiFields) {
    std::string* value = (p->*f.mutable_field)();
    if (value->empty()) continue;
    std::string sealed;
    if (!absl::StartsWith(*value, kSealPrefix) ||
        !absl::Base64Unescape(absl::string_view(*value).substr(kSealPrefix.size()), &sealed)) {
      return absl::DataLossError(absl::StrCat("case ", c.id(), ": petitioner data is not sealed"));
    }
    absl::StatusOr<std::string> plain = cipher_->Decrypt(sealed, AssociatedData(c.id(), f.name));
    if (!plain.ok()) {
      return absl::DataLossError(absl::StrCat("case ", c.id(), ": ", plain.status().message()));
    }
    *value = *std::move(plain);
  }
  RefreshDerivedFields(&c, policy_, Today());
  return c;
}

absl::Status PetitionStore::CheckLedgers(Transaction& tx, const v1::Case& c) const {
  FieldViolations v;
  for (int i = 0; i < c.ledger_ids_size(); ++i) {
    ASSIGN_OR_RETURN(auto found, ledgers_.Find(tx, c.ledger_ids(i)));
    if (!found) {
      v.Add(absl::StrCat("case.ledger_ids[", i, "]"),
            absl::StrCat("ledger '", c.ledger_ids(i), "' does not exist"));
    }
  }
  return v.ToStatus();
}

absl::Status PetitionStore::SaveCaseLinks(Transaction& tx, const v1::Case& c, bool replace) const {
  if (replace) {
    RETURN_IF_ERROR(tx.Execute("DELETE FROM case_ledgers WHERE case_id = ?", {c.id()}));
  }
  for (const std::string& ledger : c.ledger_ids()) {
    RETURN_IF_ERROR(tx.Execute(
        "INSERT OR IGNORE INTO case_ledgers(ledger_id, case_id) VALUES(?, ?)", {ledger, c.id()}));
  }
  const std::string hash =
      c.petitioner().id_number().empty() ? "" : cipher_->KeyedHash(c.petitioner().id_number());
  return tx.Execute("UPDATE cases SET id_hash = ? WHERE id = ?", {hash, c.id()});
}

absl::Status PetitionStore::AppendAudit(Transaction& tx, const v1::Case& c,
                                        const std::string& actor, const std::string& method) const {
  std::vector<std::string> fields = RevealedFields(c.petitioner());
  if (fields.empty()) return absl::OkStatus();
  return AppendAuditRecord(tx, c.id(), std::move(fields), actor, method);
}

absl::Status PetitionStore::AppendAuditRecord(Transaction& tx, const std::string& case_id,
                                              std::vector<std::string> fields,
                                              const std::string& actor,
                                              const std::string& method) const {
  v1::AuditRecord record;
  record.set_id(NewId("audit"));
  record.set_actor(actor);
  const absl::Time now = clock_();
  *record.mutable_time() = ToTimestamp(now);
  record.set_case_id(case_id);
  for (auto& f : fields) record.add_fields(std::move(f));
  record.set_method(method);
  return tx.Execute(
      "INSERT INTO audit_records(id, actor, time_us, case_id, record) VALUES(?, ?, ?, ?, ?)",
      {record.id(), actor, absl::ToUnixMicros(now), case_id,
       SqlValue::Blob(record.SerializeAsString())});
}

// --- ledgers -----------------------------------------------------------------------------------

void PetitionStore::CreateLedger(v1::Ledger ledger, db::RequestKey request_key,
                                 Done<v1::Ledger> done) {
  ledger.set_id(NewId("ledger"));
  *ledger.mutable_create_time() = Now();
  *ledger.mutable_update_time() = ledger.create_time();
  db::WriteWithResult<v1::Ledger>(
      *db_,
      [this, ledger = std::move(ledger),
       request_key = std::move(request_key)](Transaction& tx) -> absl::StatusOr<v1::Ledger> {
        return db::CreateOnce<v1::Ledger>(
            tx, "CreateLedger", request_key,
            [&](Transaction& tx, const std::string& id) { return ledgers_.Get(tx, id); },
            [&](Transaction& tx) { return ledgers_.Insert(tx, ledger); });
      },
      std::move(done));
}

absl::StatusOr<v1::Ledger> PetitionStore::GetLedger(const std::string& id, int64_t* revision) {
  return db::ReadById(*db_, ledgers_, id, revision);
}

absl::StatusOr<db::ResourcePage<v1::Ledger>> PetitionStore::ListLedgers(int year,
                                                                        v1::LedgerKind kind,
                                                                        const Page& page,
                                                                        int64_t* revision) {
  std::string where;
  std::vector<SqlValue> params;
  if (year != 0) AddFilter(&where, &params, "year = ?", year);
  if (kind != v1::LEDGER_KIND_UNSPECIFIED) AddFilter(&where, &params, "kind = ?", kind);
  db::ResourcePage<v1::Ledger> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, ledgers_.List(tx, where, params, page.after_key, page.size));
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return result;
}

// --- cases -------------------------------------------------------------------------------------

void PetitionStore::CreateCase(v1::Case prepared, db::RequestKey request_key, Reveal reveal,
                               Done<v1::Case> done) {
  prepared.set_id(NewId("case"));
  const auto now = Now();
  for (v1::CaseEvent& e : *prepared.mutable_history()) *e.mutable_record_time() = now;
  *prepared.mutable_create_time() = now;
  *prepared.mutable_update_time() = now;
  prepared.clear_leader();
  prepared.clear_is_repeat();
  prepared.clear_repeat_of_case_ids();
  db::WriteWithResult<v1::Case>(
      *db_,
      [this, c = std::move(prepared), request_key = std::move(request_key),
       reveal = std::move(reveal)](Transaction& tx) mutable -> absl::StatusOr<v1::Case> {
        return db::CreateOnce<v1::Case>(
            tx, "CreateCase", request_key,
            [&](Transaction& tx, const std::string& id) -> absl::StatusOr<v1::Case> {
              ASSIGN_OR_RETURN(v1::Case original, LoadCase(tx, id));
              if (reveal.unmasked)
                RETURN_IF_ERROR(AppendAudit(tx, original, reveal.actor, reveal.method));
              return original;
            },
            [&](Transaction& tx) -> absl::StatusOr<v1::Case> {
              RETURN_IF_ERROR(CheckLedgers(tx, c));
              RETURN_IF_ERROR(LinkRepeats(tx, &c));
              RefreshDerivedFields(&c, policy_, Today());
              ASSIGN_OR_RETURN(v1::Case sealed, Seal(c));
              ASSIGN_OR_RETURN(v1::Case stored, cases_.Insert(tx, std::move(sealed)));
              RETURN_IF_ERROR(SaveCaseLinks(tx, c, /*replace=*/false));
              c.set_etag(stored.etag());
              if (reveal.unmasked) RETURN_IF_ERROR(AppendAudit(tx, c, reveal.actor, reveal.method));
              return c;
            });
      },
      std::move(done));
}

absl::Status PetitionStore::LinkRepeats(Transaction& tx, v1::Case* c) const {
  // Repeat petitions: the same ID number (by its keyed hash) on the same category.
  c->set_is_repeat(false);
  c->clear_repeat_of_case_ids();
  if (c->petitioner().id_number().empty()) return absl::OkStatus();
  const std::string hash = cipher_->KeyedHash(c->petitioner().id_number());
  ASSIGN_OR_RETURN(std::vector<v1::Case> same_person, cases_.All(tx, "id_hash = ?", {hash}));
  std::vector<v1::Case> earlier;
  for (v1::Case& e : same_person) {
    // Only cases before this one: a new case is not stored yet; an updated one was.
    if (e.id() != c->id() && (c->create_time().seconds() == 0 || CreatedBefore(e, *c))) {
      earlier.push_back(std::move(e));
    }
  }
  std::sort(earlier.begin(), earlier.end(), CreatedBefore);
  std::vector<PriorCase> prior;
  prior.reserve(earlier.size());
  for (const v1::Case& e : earlier) prior.push_back(ToPriorCase(e, hash));
  ASSIGN_OR_RETURN(RepeatResult repeat, DetectRepeat(hash, c->category(), prior));
  c->set_is_repeat(repeat.is_repeat);
  for (const std::string& id : repeat.repeat_of_case_ids) c->add_repeat_of_case_ids(id);
  return absl::OkStatus();
}

absl::StatusOr<v1::Case> PetitionStore::LoadCase(Transaction& tx, const std::string& id) const {
  ASSIGN_OR_RETURN(v1::Case sealed, cases_.Get(tx, id));
  return Open(std::move(sealed));
}

absl::StatusOr<v1::Case> PetitionStore::OpenStoredCase(absl::string_view state) const {
  v1::Case sealed;
  if (!sealed.ParseFromArray(state.data(), static_cast<int>(state.size()))) {
    return absl::DataLossError("a case change in the log does not decode");
  }
  return Open(std::move(sealed));
}

absl::StatusOr<v1::Case> PetitionStore::GetCase(const std::string& id, int64_t* revision) {
  v1::Case c;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(c, LoadCase(tx, id));
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return c;
}

absl::StatusOr<db::ResourcePage<v1::Case>> PetitionStore::ListCases(const CaseFilter& filter,
                                                                    const Page& page,
                                                                    int64_t* revision) {
  std::string where;
  std::vector<SqlValue> params;
  if (filter.status != v1::CASE_STATUS_UNSPECIFIED) {
    AddFilter(&where, &params, "status = ?", filter.status);
  }
  if (!filter.ledger_id.empty()) {
    AddFilter(&where, &params, "id IN (SELECT case_id FROM case_ledgers WHERE ledger_id = ?)",
              filter.ledger_id);
  }
  if (!filter.category.empty()) AddFilter(&where, &params, "category = ?", filter.category);
  if (!filter.leader.empty()) AddFilter(&where, &params, "leader = ?", filter.leader);
  if (!filter.department.empty()) AddFilter(&where, &params, "department = ?", filter.department);
  if (filter.overdue_only) {
    // A due date exists only while something is due from the office; overdue = past it today.
    AddFilter(&where, &params, "due_day IS NOT NULL AND due_day < ?", DayNumber(Today()));
  }
  if (!filter.id_hash.empty()) AddFilter(&where, &params, "id_hash = ?", filter.id_hash);
  db::ResourcePage<v1::Case> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, cases_.List(tx, where, params, page.after_key, page.size));
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  for (v1::Case& c : result.items) {
    ASSIGN_OR_RETURN(c, Open(std::move(c)));
  }
  return result;
}

absl::StatusOr<v1::Case> PetitionStore::SaveCase(Transaction& tx, v1::Case next,
                                                 absl::string_view expected_etag,
                                                 const Reveal& reveal) const {
  *next.mutable_update_time() = Now();
  ASSIGN_OR_RETURN(v1::Case sealed, Seal(next));
  ASSIGN_OR_RETURN(v1::Case stored, cases_.Update(tx, std::move(sealed), expected_etag));
  RETURN_IF_ERROR(SaveCaseLinks(tx, next, /*replace=*/true));
  next.set_etag(stored.etag());
  if (reveal.unmasked) RETURN_IF_ERROR(AppendAudit(tx, next, reveal.actor, reveal.method));
  return next;
}

void PetitionStore::ChangeCase(std::string id, std::string etag, Reveal reveal,
                               std::function<absl::StatusOr<v1::Case>(const v1::Case&)> change,
                               Done<v1::Case> done) {
  db::WriteWithResult<v1::Case>(
      *db_,
      [this, id = std::move(id), etag = std::move(etag), reveal = std::move(reveal),
       change = std::move(change)](Transaction& tx) -> absl::StatusOr<v1::Case> {
        ASSIGN_OR_RETURN(v1::Case c, LoadCase(tx, id));
        if (!etag.empty() && etag != c.etag()) return EtagMismatch("case");
        const auto now = Now();
        ASSIGN_OR_RETURN(v1::Case next, change(c));
        for (v1::CaseEvent& e : *next.mutable_history()) {
          if (!e.has_record_time()) *e.mutable_record_time() = now;
        }
        next.set_etag(c.etag());
        return SaveCase(tx, std::move(next), "", reveal);
      },
      std::move(done));
}

void PetitionStore::UpdateCase(v1::UpdateCaseRequest request, PiiAccess access, Reveal reveal,
                               Done<v1::Case> done) {
  const std::string id = request.case_().id();
  const std::string etag = request.case_().etag();
  // ApplyCaseUpdate and the ledger check both need the transaction: run them in one write.
  db::WriteWithResult<v1::Case>(
      *db_,
      [this, request = std::move(request), id, etag, access,
       reveal = std::move(reveal)](Transaction& tx) -> absl::StatusOr<v1::Case> {
        ASSIGN_OR_RETURN(v1::Case c, LoadCase(tx, id));
        if (!etag.empty() && etag != c.etag()) return EtagMismatch("case");
        ASSIGN_OR_RETURN(v1::Case next, ApplyCaseUpdate(c, request.case_(), request.update_mask(),
                                                        access, policy_, Today()));
        RETURN_IF_ERROR(CheckLedgers(tx, next));
        // A corrected ID number or category changes which earlier cases this one repeats.
        if (next.petitioner().id_number() != c.petitioner().id_number() ||
            next.category() != c.category()) {
          RETURN_IF_ERROR(LinkRepeats(tx, &next));
        }
        next.set_etag(c.etag());
        return SaveCase(tx, std::move(next), "", reveal);
      },
      std::move(done));
}

void PetitionStore::TransitionCase(std::string id, Move move, std::string etag, Reveal reveal,
                                   Done<v1::Case> done) {
  ChangeCase(
      std::move(id), std::move(etag), std::move(reveal),
      [this, move = std::move(move)](const v1::Case& c) {
        return Transition(c, move, policy_, Today());
      },
      std::move(done));
}

void PetitionStore::ExtendDeadline(std::string id, ExtensionRequest request, std::string etag,
                                   Reveal reveal, Done<v1::Case> done) {
  ChangeCase(
      std::move(id), std::move(etag), std::move(reveal),
      [this, request = std::move(request)](const v1::Case& c) {
        return petition::ExtendDeadline(c, request, policy_, Today());
      },
      std::move(done));
}

void PetitionStore::AssignLeader(std::string id, std::string leader, std::string etag,
                                 Reveal reveal, Done<v1::Case> done) {
  ChangeCase(
      std::move(id), std::move(etag), std::move(reveal),
      [leader = std::move(leader)](const v1::Case& c) -> absl::StatusOr<v1::Case> {
        v1::Case next = c;
        next.set_leader(leader);
        return next;
      },
      std::move(done));
}

absl::StatusOr<std::pair<v1::Ledger, std::vector<v1::Case>>> PetitionStore::LoadLedgerCases(
    const std::string& ledger_id, int64_t* revision) {
  std::pair<v1::Ledger, std::vector<v1::Case>> out;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out.first, ledgers_.Get(tx, ledger_id));
    ASSIGN_OR_RETURN(out.second,
                     cases_.All(tx, "id IN (SELECT case_id FROM case_ledgers WHERE ledger_id = ?)",
                                {ledger_id}));
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  // Stats need no personal data: drop the ciphertext rather than decrypt it.
  for (v1::Case& c : out.second) c.clear_petitioner();
  return out;
}

// --- meetings ----------------------------------------------------------------------------------

void PetitionStore::RecordMeeting(v1::Meeting meeting, db::RequestKey request_key,
                                  Done<v1::Meeting> done) {
  meeting.set_id(NewId("meeting"));
  *meeting.mutable_create_time() = Now();
  db::WriteWithResult<v1::Meeting>(
      *db_,
      [this, meeting = std::move(meeting),
       request_key = std::move(request_key)](Transaction& tx) -> absl::StatusOr<v1::Meeting> {
        return db::CreateOnce<v1::Meeting>(
            tx, "RecordMeeting", request_key,
            [&](Transaction& tx, const std::string& id) { return meetings_.Get(tx, id); },
            [&](Transaction& tx) -> absl::StatusOr<v1::Meeting> {
              FieldViolations v;
              for (int i = 0; i < meeting.case_ids_size(); ++i) {
                ASSIGN_OR_RETURN(auto found, cases_.Find(tx, meeting.case_ids(i)));
                if (!found) {
                  v.Add(absl::StrCat("meeting.case_ids[", i, "]"),
                        absl::StrCat("case '", meeting.case_ids(i), "' does not exist"));
                }
              }
              RETURN_IF_ERROR(v.ToStatus());
              ASSIGN_OR_RETURN(v1::Meeting stored, meetings_.Insert(tx, meeting));
              for (const std::string& case_id : stored.case_ids()) {
                RETURN_IF_ERROR(tx.Execute(
                    "INSERT OR IGNORE INTO meeting_cases(case_id, meeting_id) VALUES(?, ?)",
                    {case_id, stored.id()}));
              }
              return stored;
            });
      },
      std::move(done));
}

absl::StatusOr<v1::Meeting> PetitionStore::GetMeeting(const std::string& id, int64_t* revision) {
  return db::ReadById(*db_, meetings_, id, revision);
}

absl::StatusOr<db::ResourcePage<v1::Meeting>> PetitionStore::ListMeetings(
    const MeetingFilter& filter, const Page& page, int64_t* revision) {
  std::string where;
  std::vector<SqlValue> params;
  if (filter.kind != v1::MEETING_KIND_UNSPECIFIED)
    AddFilter(&where, &params, "kind = ?", filter.kind);
  if (!filter.case_id.empty()) {
    AddFilter(&where, &params, "id IN (SELECT meeting_id FROM meeting_cases WHERE case_id = ?)",
              filter.case_id);
  }
  AddFilter(&where, &params, "day >= ?", DayNumber(filter.start));
  AddFilter(&where, &params, "day <= ?", DayNumber(filter.end));
  db::ResourcePage<v1::Meeting> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, meetings_.List(tx, where, params, page.after_key, page.size));
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    }
    return absl::OkStatus();
  }));
  return result;
}

// --- audit -------------------------------------------------------------------------------------

void PetitionStore::AuditReads(const std::vector<const v1::Case*>& cases, const std::string& actor,
                               const std::string& method, std::function<void(absl::Status)> done,
                               std::vector<std::string> searched_by) {
  // Copy only what the record needs: ids and which fields were shown.
  std::vector<v1::Case> shown;
  shown.reserve(cases.size());
  for (const v1::Case* c : cases) {
    v1::Case& s = shown.emplace_back();
    s.set_id(c->id());
    *s.mutable_petitioner() = c->petitioner();
  }
  db_->WriteAsync(
      [this, shown = std::move(shown), actor, method,
       searched_by = std::move(searched_by)](Transaction& tx) -> absl::Status {
        if (!searched_by.empty()) {
          RETURN_IF_ERROR(AppendAuditRecord(tx, /*case_id=*/"", searched_by, actor, method));
        }
        for (const v1::Case& c : shown) RETURN_IF_ERROR(AppendAudit(tx, c, actor, method));
        return absl::OkStatus();
      },
      std::move(done));
}

absl::StatusOr<db::ResourcePage<v1::AuditRecord>> PetitionStore::ListAuditRecords(
    const AuditFilter& filter, const Page& page) {
  int64_t after = 0;
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &after)) {
    return InvalidField("page_token", "is not a valid page token");
  }
  std::string sql = "SELECT seq, record FROM audit_records WHERE seq > ?";
  std::vector<SqlValue> params = {after};
  if (!filter.actor.empty()) {
    sql += " AND actor = ?";
    params.push_back(filter.actor);
  }
  if (!filter.case_id.empty()) {
    sql += " AND case_id = ?";
    params.push_back(filter.case_id);
  }
  if (filter.start != absl::InfinitePast()) {
    sql += " AND time_us >= ?";
    params.push_back(absl::ToUnixMicros(filter.start));
  }
  if (filter.end != absl::InfiniteFuture()) {
    sql += " AND time_us < ?";
    params.push_back(absl::ToUnixMicros(filter.end));
  }
  sql += " ORDER BY seq LIMIT ?";
  params.push_back(page.size + 1);
  db::ResourcePage<v1::AuditRecord> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<db::Row> rows, tx.Query(sql, params));
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < page.size; ++i) {
      v1::AuditRecord& r = result.items.emplace_back();
      if (!r.ParseFromString(rows[i].Blob(1))) return absl::DataLossError("corrupt audit row");
      if (static_cast<int>(rows.size()) > page.size) {
        result.next_after_key = absl::StrCat(rows[i].Int(0));
      }
    }
    return absl::OkStatus();
  }));
  return result;
}

}  // namespace gaoxin::petition
