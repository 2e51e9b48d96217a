// Where a service keeps its audit chain: the append-only `audit_log` table, one row per record
// (sequence, time, principal, on_behalf_of, method, resource, request_id, etags, diff, mac), and
// `audit_head`, one row with the newest sequence and mac. An append reads the head (on
// PostgreSQL with SELECT ... FOR UPDATE, so replicas sharing one database append one after the
// other; SQLite's writes are serialized already), chains the record after it
// (audit_chain.h) and moves the head, all in the transaction of the change it records. Triggers
// in both dialects refuse any UPDATE of audit_log, any DELETE but of records up to the head's
// retention anchor, and any move of the head other than one step forward (or of its anchor other
// than forward, to a record below the head).
//
// Retention (--audit_retention_days, default: forever) is the audit's own, never the change
// log's: the retention pass (PruneAuditLog, run on the change feed's compaction timer) removes,
// in batches of one transaction each, the oldest records older than the retention, never the
// newest. Each batch moves the anchor to the last record it removes (the head row locked as an
// append locks it), deletes up to it, and appends a record stating the range and the anchor
// (audit_chain.h), so a verifier starts from the anchor and finds an anchor moved without it.
//
//   RETURN_IF_ERROR(audit::ApplyAuditSchema(db));                  // ApplyCommonSchema does it
//   db.SetAuditSink(std::make_shared<audit::AuditLog>(std::move(key)));
//   ...
//   ASSIGN_OR_RETURN(audit::AuditPage page, audit::ListAuditRecords(tx, filter, "", 50));
//   ASSIGN_OR_RETURN(int64_t removed, audit::PruneAuditLog(db));   // options.retention > 0
#ifndef GAOXIN_COMMON_AUDIT_AUDIT_LOG_H_
#define GAOXIN_COMMON_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/audit/audit_chain.h"
#include "common/audit/audit_record.h"
#include "common/audit/field_diff.h"
#include "common/db/audit_hook.h"
#include "common/db/database.h"
#include "gaoxin/audit/v1/audit.pb.h"

namespace gaoxin::audit {

absl::Status ApplyAuditSchema(db::Database& db);

struct AuditLogOptions {
  // Turns a resource as stored into the form that is diffed (the petition service opens its
  // seals here, then seals the diff's personal data again through `seal`). Unset: as stored.
  std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
      const google::protobuf::Message& stored)>
      open;
  // Called with the resource, the diff path and each non-empty value of a changed field;
  // returns what the record keeps. Unset: values as they are.
  std::function<absl::StatusOr<std::string>(absl::string_view resource, absl::string_view path,
                                            absl::string_view value)>
      seal;
  // Left out of every diff (the record carries the etags itself).
  std::vector<std::string> ignored = {"etag"};
  // Also the retention pass's "now".
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Records older than this are removed by the retention pass; zero = kept forever.
  absl::Duration retention = absl::ZeroDuration();
  // Records removed per transaction of the pass, at most.
  int prune_batch = 1000;
};

class AuditLog final : public db::AuditSink {
 public:
  explicit AuditLog(AuditKey key, AuditLogOptions options = {})
      : key_(std::move(key)), options_(std::move(options)) {}

  absl::Status Append(db::Transaction& tx, const db::AuditCall& call,
                      const db::AuditChange& change) override;
  // One batch of the retention pass (see the banner); 0 when the retention is zero.
  absl::StatusOr<int64_t> PruneBatch(db::Transaction& tx) override;

 private:
  absl::StatusOr<std::vector<DiffEntry>> Diff(const db::AuditChange& change) const;
  // Chains `r` after the head (its sequence is set here) and moves the head.
  absl::Status AppendRecord(db::Transaction& tx, AuditRecord r) const;

  const AuditKey key_;
  const AuditLogOptions options_;
};

struct AuditFilter {
  std::string resource;
  std::string principal;
  std::string method;
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
};

struct AuditPage {
  std::vector<v1::AuditRecord> records;
  // Set when more follow: the key to continue after (a sequence number).
  std::string next_after_key;
  int64_t head_sequence = 0;
  std::string head_mac;
  // The retention anchor: the last record pruned (0 = none) and its mac.
  int64_t anchor_sequence = 0;
  std::string anchor_mac;
};

// Records matching `filter` with sequence > after_key ("" = from the start), in sequence order,
// at most `limit`, and the head, read in `tx`. INVALID_ARGUMENT naming page_token for a key
// that is not a sequence number.
absl::StatusOr<AuditPage> ListAuditRecords(db::Transaction& tx, const AuditFilter& filter,
                                           absl::string_view after_key, int limit);

// The retention pass over `db`'s audit sink: batches of AuditSink::PruneBatch, each a unit of
// work of its own (so other writes go between them), until one removes nothing or
// `max_batches` ran (the next pass goes on). Returns the records removed.
absl::StatusOr<int64_t> PruneAuditLog(db::Database& db, int max_batches = 100);

}  // namespace gaoxin::audit

#endif  // GAOXIN_COMMON_AUDIT_AUDIT_LOG_H_
