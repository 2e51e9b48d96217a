// Where ledgers, cases, meetings and the audit log of the petition service are kept.
//
// Personal data never reaches the database file in the clear: a case is stored with each
// petitioner field and each free-text field (domain/free_text.h) replaced by its seal,
// "enc:v2:<key id>:" + base64(AES-256-GCM(value)) bound to "case/<id>/<path>"
// (domain/case_sealing.h), and so is a meeting's free text; the blobs in `cases.state`,
// `meetings.state` and the change log carry only seals. The ID number is findable only through
// its keyed hash in `cases.id_hash` (under the current key; searches look under every key of the
// ring). The store hands the service plaintext, with derived fields (due date, overdue, ...)
// refreshed as of today; the service masks and withholds it or, for a `petition.pii` caller, has
// the read audited first.
//
// Free text written before it was sealed is sealed by ResealAll(kPlaintextOnly), which the
// server runs at every start-up (a migration cannot: it has no key), and by any write of the
// row; ResealBatch re-seals under the current key after a key rotation.
//
// Unmasked reads of personal data are audited in the service's one tamper-evident audit chain
// (common/audit/audit_log.h), with its writes; the diffs of case and meeting writes hold
// personal data only sealed (PetitionAuditOptions). The older `audit_records` table keeps the
// reads audited before the chain existed (append-only); ImportLegacyAuditRecords copies them
// into the chain once, at start-up.
//
// Writes are asynchronous (group commit, see common/db/database.h) and run the domain rules inside
// the write transaction; reads are synchronous snapshots.
//
//   PetitionStore store(db, &cipher, policy, clock);
//   store.CreateCase(prepared, request_id, Reveal{true, "alice", "CreateCase"}, done);
//   ASSIGN_OR_RETURN(v1::Case c, store.GetCase(id));   // plaintext, derived fields as of today
#ifndef GAOXIN_SERVICES_PETITION_PETITION_STORE_H_
#define GAOXIN_SERVICES_PETITION_PETITION_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/audit/audit_log.h"
#include "common/db/common_tables.h"
#include "common/db/database.h"
#include "common/db/resource_table.h"
#include "common/pagination.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "services/petition/domain/case_sealing.h"
#include "services/petition/domain/case_state.h"
#include "services/petition/domain/deadlines.h"
#include "services/petition/domain/pii_access.h"
#include "services/petition/domain/pii_crypto.h"

namespace gaoxin::petition {

template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;

// Whether a write's result goes back to the caller unmasked; when it does, the store writes the
// audit record in the same transaction as the change.
struct Reveal {
  bool unmasked = false;
  std::string actor;
  std::string method;
};

struct CaseFilter {
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
  std::string ledger_id;
  std::string category;
  std::string leader;
  std::string department;
  bool overdue_only = false;
  // Keyed hashes of the petitioner's ID number, one per key (PiiCipher::KeyedHashes); a case
  // matches any of them. Empty = any petitioner.
  std::vector<std::string> id_hashes;
};

struct MeetingFilter {
  v1::MeetingKind kind = v1::MEETING_KIND_UNSPECIFIED;
  std::string case_id;
  absl::CivilDay start = absl::CivilDay(1900, 1, 1);
  absl::CivilDay end = absl::CivilDay(2200, 12, 31);
};

// "/gaoxin.petition.v1.PetitionService/": audit records carry full method names.
inline constexpr char kPetitionMethodPrefix[] = "/gaoxin.petition.v1.PetitionService/";

// How the write audit diffs and seals this service's resources: cases and meetings are opened
// before they are diffed, and each changed personal-data value (IsPersonalAuditPath) is sealed
// again under the PII key, bound to AuditSealAssociatedData(resource, path).
audit::AuditLogOptions PetitionAuditOptions(const PiiCipher* cipher);
std::string AuditSealAssociatedData(absl::string_view resource, absl::string_view path);
// True for a diff path ("petitioner.name", "history[2].note", "attendees[0]") of a case or
// meeting ("cases/...", "meetings/...") that is sealed at rest.
bool IsPersonalAuditPath(absl::string_view resource, absl::string_view path);

// The petition API's view of a chained record: fields 1-7 as before the chain (actor, case_id,
// meeting_id, field names, short method), `entry` the record itself.
v1::AuditRecord LegacyAuditView(audit::v1::AuditRecord entry);

// The seal ("enc:v2:<key id>:...") of `value` for petitioner field `field` ("name", ...) of case
// `case_id`, as the store keeps it; "" for "".
absl::StatusOr<std::string> SealPiiField(const PiiCipher& cipher, absl::string_view case_id,
                                         absl::string_view field, absl::string_view value);

// The petitioner fields that are not empty, as audit field names ("petitioner.name", ...).
std::vector<std::string> RevealedFields(const v1::Petitioner& p);
// Those and the non-empty free-text fields ("subject", "history.note", ...): what showing `c`
// unmasked reveals.
std::vector<std::string> RevealedCaseFields(const v1::Case& c);

// Where a re-sealing run stands and what it did (see PetitionStore::ResealBatch).
struct ResealProgress {
  std::string current_key_id;
  int64_t examined = 0;
  int64_t resealed = 0;
  int64_t conflicts = 0;
  int64_t unreadable = 0;
  SealCensus found_by_key;
  // "" when done.
  std::string next_cursor;

  void Add(const ResealProgress& batch);
};

// YYYYMMDD, the form due dates are indexed in.
int64_t DayNumber(absl::CivilDay day);

class PetitionStore {
 public:
  using Clock = std::function<absl::Time()>;

  // `cipher` must outlive the store.
  PetitionStore(db::Database* db, const PiiCipher* cipher, DeadlinePolicy policy, Clock clock);
  static absl::Status Migrate(db::Database& db);

  const DeadlinePolicy& policy() const { return policy_; }
  absl::CivilDay Today() const;

  // Ledgers. Idempotent per request_id.
  void CreateLedger(v1::Ledger ledger, db::RequestKey request_key, Done<v1::Ledger> done);
  absl::StatusOr<v1::Ledger> GetLedger(const std::string& id, int64_t* revision = nullptr);
  // `revision` (optional): the store revision the page reflects, read in the same snapshot.
  absl::StatusOr<db::ResourcePage<v1::Ledger>> ListLedgers(int year, v1::LedgerKind kind,
                                                           const Page& page,
                                                           int64_t* revision = nullptr);

  // `prepared` came from PrepareNewCase (plaintext, status RECEIVED). Checks the ledgers exist,
  // detects repeats, assigns the id, stamps times, encrypts and stores. Idempotent per request_id.
  void CreateCase(v1::Case prepared, db::RequestKey request_key, Reveal reveal,
                  Done<v1::Case> done);
  // `revision`, when given, gets the store revision of the same snapshot.
  absl::StatusOr<v1::Case> GetCase(const std::string& id, int64_t* revision = nullptr);
  absl::StatusOr<db::ResourcePage<v1::Case>> ListCases(const CaseFilter& filter, const Page& page,
                                                       int64_t* revision = nullptr);
  // `access`: whether the caller may write petitioner data (see ApplyCaseUpdate).
  void UpdateCase(v1::UpdateCaseRequest request, PiiAccess access, Reveal reveal,
                  Done<v1::Case> done);
  void TransitionCase(std::string id, Move move, std::string etag, Reveal reveal,
                      Done<v1::Case> done);
  void ExtendDeadline(std::string id, ExtensionRequest request, std::string etag, Reveal reveal,
                      Done<v1::Case> done);
  void AssignLeader(std::string id, std::string leader, std::string etag, Reveal reveal,
                    Done<v1::Case> done);

  // The ledger and every case on it (petitioner fields dropped: stats need none of them), and
  // (optional) the store revision they reflect.
  absl::StatusOr<std::pair<v1::Ledger, std::vector<v1::Case>>> LoadLedgerCases(
      const std::string& ledger_id, int64_t* revision = nullptr);

  // A case as the change log stores it (a change event's `state`: petitioner fields sealed)
  // made into what GetCase would return: petitioner decrypted, derived fields as of today.
  // The caller masks or audits, exactly as for GetCase.
  absl::StatusOr<v1::Case> OpenStoredCase(absl::string_view state) const;

  // Meetings come back plaintext, like cases: the service withholds or audits.
  void RecordMeeting(v1::Meeting meeting, db::RequestKey request_key, Reveal reveal,
                     Done<v1::Meeting> done);
  absl::StatusOr<v1::Meeting> GetMeeting(const std::string& id, int64_t* revision = nullptr);
  absl::StatusOr<db::ResourcePage<v1::Meeting>> ListMeetings(const MeetingFilter& filter,
                                                             const Page& page,
                                                             int64_t* revision = nullptr);

  // Appends one audit record per case (unmasked read by `actor` through `method`); `done` runs
  // once they are durable. Cases without personal data get no record. A request that searched by
  // personal data (`searched_by`, e.g. {"petitioner.id_number"}) gets one more record, with those
  // fields and no case id, in the same transaction: written even when nothing was found, since
  // "no case has this number" is an answer about a person too.
  void AuditReads(const std::vector<const v1::Case*>& cases, const std::string& actor,
                  const std::string& method, std::function<void(absl::Status)> done,
                  std::vector<std::string> searched_by = {});
  // One audit record per meeting with attendees or notes shown (meeting_id set, no case id).
  void AuditMeetingReads(const std::vector<const v1::Meeting*>& meetings, const std::string& actor,
                         const std::string& method, std::function<void(absl::Status)> done);
  absl::StatusOr<audit::AuditPage> ListAuditRecords(const audit::AuditFilter& filter,
                                                    const Page& page);
  // Copies the reads audited before the audit chain existed (table audit_records) into the chain,
  // with their original times, once each; the start-up pass (it needs the audit key, which a
  // migration does not have). Returns how many it copied; blocks.
  absl::StatusOr<int64_t> ImportLegacyAuditRecords();

  // Re-sealing: one batch of at most `limit` rows from `cursor` ("" = the start; then cases,
  // meetings, the change log's entries of either) in one write transaction. Each row is
  // rewritten only if ResealCase / ResealMeeting changes it, and only at the version read (no new
  // version, etag or change event: the content is the same). Under kCurrentKey the ID-number hash
  // is recomputed under the current key too. A row that does not open is left alone and counted
  // unreadable. INVALID_ARGUMENT "cursor" for a cursor this store did not make.
  void ResealBatch(std::string cursor, int limit, ResealMode mode, Done<ResealProgress> done);
  // Every batch from the start until done (the start-up pass); blocks.
  absl::StatusOr<ResealProgress> ResealAll(ResealMode mode, int batch_rows = 200);

 private:
  // Seals the personal data of `c` (its id set).
  absl::StatusOr<v1::Case> Seal(v1::Case c) const;
  // Opens it and refreshes the derived fields as of today.
  absl::StatusOr<v1::Case> Open(v1::Case c) const;
  absl::StatusOr<ResealProgress> ResealRows(db::Transaction& tx, const std::string& cursor,
                                            int limit, ResealMode mode) const;
  absl::Status CheckLedgers(db::Transaction& tx, const v1::Case& c) const;
  // Sets is_repeat and repeat_of_case_ids of `c` from the same petitioner's (same ID-number hash)
  // cases created before it; FAILED_PRECONDITION when the matter was closed by a 复核 decision.
  absl::Status LinkRepeats(db::Transaction& tx, v1::Case* c) const;
  absl::Status SaveCaseLinks(db::Transaction& tx, const v1::Case& c, bool replace) const;
  // The record of the unmasked read of `c`'s petitioner (none when it has no personal data).
  absl::Status AppendAudit(db::Transaction& tx, const v1::Case& c, const std::string& actor,
                           const std::string& method) const;
  // One audit record; `case_id` is empty for a search and for a meeting read (`meeting_id`).
  absl::Status AppendAuditRecord(db::Transaction& tx, const std::string& case_id,
                                 std::vector<std::string> fields, const std::string& actor,
                                 const std::string& method,
                                 const std::string& meeting_id = "") const;
  // Stores `next` (plaintext, read at `next.etag()`) over the stored case, with `expected_etag`.
  absl::StatusOr<v1::Case> SaveCase(db::Transaction& tx, v1::Case next,
                                    absl::string_view expected_etag, const Reveal& reveal) const;
  absl::StatusOr<v1::Case> LoadCase(db::Transaction& tx, const std::string& id) const;
  // Read-modify-write of one case by `change`.
  void ChangeCase(std::string id, std::string etag, Reveal reveal,
                  std::function<absl::StatusOr<v1::Case>(const v1::Case&)> change,
                  Done<v1::Case> done);
  google::protobuf::Timestamp Now() const;

  db::Database* db_;
  const PiiCipher* cipher_;
  DeadlinePolicy policy_;
  Clock clock_;
  db::ResourceTable<v1::Ledger> ledgers_;
  db::ResourceTable<v1::Case> cases_;
  db::ResourceTable<v1::Meeting> meetings_;
};

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_PETITION_STORE_H_
