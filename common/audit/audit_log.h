// Where a service keeps its audit chain: the append-only `audit_log` table, one row per record
// (sequence, time, principal, on_behalf_of, method, resource, request_id, etags, diff, mac), and
// `audit_head`, one row with the newest sequence and mac. An append reads the head (on
// PostgreSQL with SELECT ... FOR UPDATE, so replicas sharing one database append one after the
// other; SQLite's writes are serialized already), chains the record after it
// (audit_chain.h) and moves the head, all in the transaction of the change it records. Triggers
// in both dialects refuse any UPDATE or DELETE of audit_log, and any move of the head other than
// one step forward; nothing prunes the log (the change log's compaction touches only `events`).
//
//   RETURN_IF_ERROR(audit::ApplyAuditSchema(db));                  // ApplyCommonSchema does it
//   db.SetAuditSink(std::make_shared<audit::AuditLog>(std::move(key)));
//   ...
//   ASSIGN_OR_RETURN(audit::AuditPage page, audit::ListAuditRecords(tx, filter, "", 50));
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
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class AuditLog final : public db::AuditSink {
 public:
  explicit AuditLog(AuditKey key, AuditLogOptions options = {})
      : key_(std::move(key)), options_(std::move(options)) {}

  absl::Status Append(db::Transaction& tx, const db::AuditCall& call,
                      const db::AuditChange& change) override;

 private:
  absl::StatusOr<std::vector<DiffEntry>> Diff(const db::AuditChange& change) const;

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
};

// Records matching `filter` with sequence > after_key ("" = from the start), in sequence order,
// at most `limit`, and the head, read in `tx`. INVALID_ARGUMENT naming page_token for a key
// that is not a sequence number.
absl::StatusOr<AuditPage> ListAuditRecords(db::Transaction& tx, const AuditFilter& filter,
                                           absl::string_view after_key, int limit);

}  // namespace gaoxin::audit

#endif  // GAOXIN_COMMON_AUDIT_AUDIT_LOG_H_
