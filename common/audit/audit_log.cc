#include "common/audit/audit_log.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace gaoxin::audit {
namespace {

using db::Row;
using db::SqlValue;
using db::Transaction;

constexpr db::Migration kAuditMigrations[] = {
    {1, "tamper-evident audit log",
     "CREATE TABLE audit_log (sequence INTEGER PRIMARY KEY, time_us INTEGER NOT NULL,"
     "  kind INTEGER NOT NULL, principal TEXT NOT NULL, on_behalf_of TEXT NOT NULL,"
     "  method TEXT NOT NULL, resource TEXT NOT NULL, request_id TEXT NOT NULL,"
     "  etag_before TEXT NOT NULL, etag_after TEXT NOT NULL, diff BLOB NOT NULL,"
     "  mac BLOB NOT NULL);"
     "CREATE INDEX audit_log_by_resource ON audit_log(resource, sequence);"
     "CREATE INDEX audit_log_by_principal ON audit_log(principal, sequence);"
     "CREATE INDEX audit_log_by_time ON audit_log(time_us);"
     "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  sequence INTEGER NOT NULL, mac BLOB NOT NULL);"
     "INSERT INTO audit_head(id, sequence, mac) VALUES (1, 0, X'');"
     "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
     "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
     "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
     "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
     "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head"
     "  WHEN NEW.sequence <> OLD.sequence + 1"
     "  BEGIN SELECT RAISE(ABORT, 'the audit head only moves one record forward'); END;"
     "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head"
     "  BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;",
     "CREATE TABLE audit_log (sequence INTEGER PRIMARY KEY, time_us INTEGER NOT NULL,"
     "  kind INTEGER NOT NULL, principal TEXT NOT NULL, on_behalf_of TEXT NOT NULL,"
     "  method TEXT NOT NULL, resource TEXT NOT NULL, request_id TEXT NOT NULL,"
     "  etag_before TEXT NOT NULL, etag_after TEXT NOT NULL, diff BLOB NOT NULL,"
     "  mac BLOB NOT NULL);"
     "CREATE INDEX audit_log_by_resource ON audit_log(resource, sequence);"
     "CREATE INDEX audit_log_by_principal ON audit_log(principal, sequence);"
     "CREATE INDEX audit_log_by_time ON audit_log(time_us);"
     "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  sequence INTEGER NOT NULL, mac BLOB NOT NULL);"
     "INSERT INTO audit_head(id, sequence, mac) VALUES (1, 0, ''::bytea);"
     "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;"
     "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
     "  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"
     "CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN IF TG_OP = 'DELETE' OR NEW.sequence <> OLD.sequence + 1 THEN"
     "    RAISE EXCEPTION 'the audit head only moves one record forward'; END IF;"
     "  RETURN NEW; END $$;"
     "CREATE TRIGGER audit_head_no_change BEFORE UPDATE OR DELETE ON audit_head"
     "  FOR EACH ROW EXECUTE FUNCTION audit_head_forward();"},
    // The retention anchor: the last record the retention pass removed (0 = none) and its mac,
    // the "mac before" of the first record kept. Records up to it may be deleted, no others; the
    // head's sequence still only moves one step forward, and its anchor only forward, to a record
    // that is there (with that mac) and below the head, never together with the sequence.
    {2, "audit retention anchor",
     "ALTER TABLE audit_head ADD COLUMN anchor_sequence INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE audit_head ADD COLUMN anchor_mac BLOB NOT NULL DEFAULT X'';"
     "DROP TRIGGER audit_log_no_delete;"
     "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
     "  WHEN OLD.sequence > (SELECT anchor_sequence FROM audit_head WHERE id = 1)"
     "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (only records up to the "
     "retention anchor may be removed)'); END;"
     "DROP TRIGGER audit_head_forward;"
     "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head"
     "  WHEN NOT ((NEW.sequence = OLD.sequence + 1 AND NEW.anchor_sequence = OLD.anchor_sequence"
     "             AND NEW.anchor_mac = OLD.anchor_mac)"
     "         OR (NEW.sequence = OLD.sequence AND NEW.mac = OLD.mac"
     "             AND NEW.anchor_sequence > OLD.anchor_sequence"
     "             AND NEW.anchor_sequence < OLD.sequence"
     "             AND EXISTS (SELECT 1 FROM audit_log WHERE sequence = NEW.anchor_sequence"
     "                         AND mac = NEW.anchor_mac)))"
     "  BEGIN SELECT RAISE(ABORT, 'the audit head only moves one record forward, and its "
     "retention anchor only forward to a record below it'); END;",
     "ALTER TABLE audit_head ADD COLUMN anchor_sequence INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE audit_head ADD COLUMN anchor_mac BLOB NOT NULL DEFAULT ''::bytea;"
     "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION 'the audit log is append-only'; END IF;"
     "  IF OLD.sequence > (SELECT anchor_sequence FROM audit_head WHERE id = 1) THEN"
     "    RAISE EXCEPTION 'the audit log is append-only (only records up to the retention "
     "anchor may be removed)'; END IF;"
     "  RETURN OLD; END $$;"
     "CREATE OR REPLACE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN IF TG_OP = 'DELETE' THEN"
     "    RAISE EXCEPTION 'the audit head cannot be deleted'; END IF;"
     "  IF NOT ((NEW.sequence = OLD.sequence + 1 AND NEW.anchor_sequence = OLD.anchor_sequence"
     "           AND NEW.anchor_mac = OLD.anchor_mac)"
     "       OR (NEW.sequence = OLD.sequence AND NEW.mac = OLD.mac"
     "           AND NEW.anchor_sequence > OLD.anchor_sequence"
     "           AND NEW.anchor_sequence < OLD.sequence"
     "           AND EXISTS (SELECT 1 FROM audit_log WHERE sequence = NEW.anchor_sequence"
     "                       AND mac = NEW.anchor_mac))) THEN"
     "    RAISE EXCEPTION 'the audit head only moves one record forward, and its retention "
     "anchor only forward to a record below it'; END IF;"
     "  RETURN NEW; END $$;"},
};

constexpr char kColumns[] =
    "sequence, time_us, kind, principal, on_behalf_of, method, resource, request_id, "
    "etag_before, etag_after, diff, mac";

absl::StatusOr<v1::AuditRecord> Decode(const Row& row) {
  AuditRecord r;
  r.sequence = row.Int(0);
  r.time_us = row.Int(1);
  r.kind =
      row.Int(2) == static_cast<int>(RecordKind::kRead) ? RecordKind::kRead : RecordKind::kWrite;
  r.principal = row.Text(3);
  r.on_behalf_of = row.Text(4);
  r.method = row.Text(5);
  r.resource = row.Text(6);
  r.request_id = row.Text(7);
  r.etag_before = row.Text(8);
  r.etag_after = row.Text(9);
  ASSIGN_OR_RETURN(r.diff, DecodeDiff(row.Blob(10)));
  return ToProto(r, row.Blob(11));
}

// The head row (sequence, mac, anchor_sequence, anchor_mac). Its lock (FOR UPDATE) orders the
// appends and retention passes of replicas sharing one PostgreSQL database; SQLite's writes are
// serialized already.
absl::StatusOr<Row> LockHead(Transaction& tx) {
  ASSIGN_OR_RETURN(
      auto head,
      tx.QueryOne(tx.dialect() == db::Dialect::kPostgresql
                      ? "SELECT sequence, mac, anchor_sequence, anchor_mac FROM audit_head "
                        "WHERE id = 1 FOR UPDATE"
                      : "SELECT sequence, mac, anchor_sequence, anchor_mac FROM audit_head "
                        "WHERE id = 1"));
  if (!head) return absl::InternalError("the audit log has no head row");
  return *std::move(head);
}

}  // namespace

absl::Status ApplyAuditSchema(db::Database& db) {
  return db::ApplyMigrations(db, "audit", kAuditMigrations);
}

absl::StatusOr<std::vector<DiffEntry>> AuditLog::Diff(const db::AuditChange& change) const {
  if (change.read) {
    std::vector<DiffEntry> shown;
    for (const std::string& f : change.read_fields) shown.push_back({f, "", ""});
    return shown;
  }
  if (change.after == nullptr) return std::vector<DiffEntry>();
  const google::protobuf::Message* before = change.before;
  const google::protobuf::Message* after = change.after;
  std::unique_ptr<google::protobuf::Message> opened_before;
  std::unique_ptr<google::protobuf::Message> opened_after;
  if (options_.open) {
    if (before != nullptr) {
      ASSIGN_OR_RETURN(opened_before, options_.open(*before));
      before = opened_before.get();
    }
    ASSIGN_OR_RETURN(opened_after, options_.open(*after));
    after = opened_after.get();
  }
  DiffOptions diff;
  diff.ignored = options_.ignored;
  if (options_.seal) {
    diff.sealer = [&](absl::string_view path, absl::string_view value) {
      return options_.seal(change.resource, path, value);
    };
  }
  return DiffMessages(before, *after, diff);
}

absl::Status AuditLog::Append(Transaction& tx, const db::AuditCall& call,
                              const db::AuditChange& change) {
  AuditRecord r;
  r.time_us = change.time_us != 0 ? change.time_us : absl::ToUnixMicros(options_.clock());
  r.kind = change.read ? RecordKind::kRead : RecordKind::kWrite;
  r.principal = call.principal;
  r.on_behalf_of = call.on_behalf_of;
  r.method = call.method;
  r.resource = change.resource;
  r.request_id = call.request_id;
  r.etag_before = change.etag_before;
  r.etag_after = change.etag_after;
  ASSIGN_OR_RETURN(r.diff, Diff(change));
  return AppendRecord(tx, std::move(r));
}

absl::Status AuditLog::AppendRecord(Transaction& tx, AuditRecord r) const {
  ASSIGN_OR_RETURN(Row head, LockHead(tx));
  r.sequence = head.Int(0) + 1;
  const std::string previous = head.Int(0) == 0 ? GenesisMac() : head.Blob(1);
  const std::string mac = ChainMac(key_, previous, r);
  RETURN_IF_ERROR(
      tx.Execute(absl::StrCat("INSERT INTO audit_log(", kColumns,
                              ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                 {r.sequence, r.time_us, static_cast<int>(r.kind), r.principal, r.on_behalf_of,
                  r.method, r.resource, r.request_id, r.etag_before, r.etag_after,
                  SqlValue::Blob(EncodeDiff(r.diff)), SqlValue::Blob(mac)}));
  return tx.Execute("UPDATE audit_head SET sequence = ?, mac = ? WHERE id = 1",
                    {r.sequence, SqlValue::Blob(mac)});
}

absl::StatusOr<int64_t> AuditLog::PruneBatch(Transaction& tx) {
  if (options_.retention <= absl::ZeroDuration()) return 0;
  const absl::Time now = options_.clock();
  const int64_t cutoff_us = absl::ToUnixMicros(now - options_.retention);
  ASSIGN_OR_RETURN(Row head, LockHead(tx));
  const int64_t head_sequence = head.Int(0);
  const int64_t anchor = head.Int(2);
  // The oldest records after the anchor, never the newest (the head stays), in order; the run
  // ends at the first one inside the retention.
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT sequence, time_us, mac FROM audit_log "
                            "WHERE sequence > ? AND sequence < ? ORDER BY sequence LIMIT ?",
                            {anchor, head_sequence, std::max(1, options_.prune_batch)}));
  int64_t last = anchor;
  std::string last_mac;
  for (const Row& row : rows) {
    if (row.Int(0) != last + 1 || row.Int(1) >= cutoff_us) break;
    last = row.Int(0);
    last_mac = row.Blob(2);
  }
  if (last == anchor) return 0;
  // The anchor first (the delete trigger allows removing only records up to it), then the
  // records, then the statement of both in the chain.
  RETURN_IF_ERROR(
      tx.Execute("UPDATE audit_head SET anchor_sequence = ?, anchor_mac = ? WHERE id = 1",
                 {last, SqlValue::Blob(last_mac)}));
  RETURN_IF_ERROR(tx.Execute("DELETE FROM audit_log WHERE sequence <= ?", {last}));
  const int64_t removed = tx.changes();
  RetentionStatement statement;
  statement.pruned_first = anchor + 1;
  statement.pruned_last = last;
  statement.anchor_before = anchor;
  statement.anchor_mac_before = head.Blob(3);
  statement.anchor_after = last;
  statement.anchor_mac_after = last_mac;
  AuditRecord r = RetentionRecord(statement);
  r.time_us = absl::ToUnixMicros(now);
  RETURN_IF_ERROR(AppendRecord(tx, std::move(r)));
  return removed;
}

absl::StatusOr<int64_t> PruneAuditLog(db::Database& db, int max_batches) {
  int64_t total = 0;
  for (int i = 0; i < max_batches; ++i) {
    int64_t removed = 0;
    RETURN_IF_ERROR(db.Write([&](Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(removed, tx.PruneAudit());
      return absl::OkStatus();
    }));
    if (removed == 0) break;
    total += removed;
  }
  return total;
}

absl::StatusOr<AuditPage> ListAuditRecords(Transaction& tx, const AuditFilter& filter,
                                           absl::string_view after_key, int limit) {
  int64_t after = 0;
  if (!after_key.empty() && (!absl::SimpleAtoi(after_key, &after) || after < 0)) {
    return InvalidField("page_token", "is not a valid page token");
  }
  std::string sql = absl::StrCat("SELECT ", kColumns, " FROM audit_log WHERE sequence > ?");
  std::vector<SqlValue> params = {after};
  auto add = [&](absl::string_view clause, SqlValue value) {
    absl::StrAppend(&sql, " AND ", clause);
    params.push_back(std::move(value));
  };
  if (!filter.resource.empty()) add("resource = ?", filter.resource);
  if (!filter.principal.empty()) add("principal = ?", filter.principal);
  if (!filter.method.empty()) add("method = ?", filter.method);
  if (filter.start != absl::InfinitePast()) add("time_us >= ?", absl::ToUnixMicros(filter.start));
  if (filter.end != absl::InfiniteFuture()) add("time_us < ?", absl::ToUnixMicros(filter.end));
  absl::StrAppend(&sql, " ORDER BY sequence LIMIT ?");
  params.push_back(limit + 1);
  AuditPage page;
  ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
    ASSIGN_OR_RETURN(v1::AuditRecord record, Decode(rows[i]));
    page.records.push_back(std::move(record));
  }
  if (static_cast<int>(rows.size()) > limit && !page.records.empty()) {
    page.next_after_key = absl::StrCat(page.records.back().sequence());
  }
  ASSIGN_OR_RETURN(auto head, tx.QueryOne("SELECT sequence, mac, anchor_sequence, anchor_mac "
                                          "FROM audit_head WHERE id = 1"));
  if (!head) return absl::InternalError("the audit log has no head row");
  page.head_sequence = head->Int(0);
  page.head_mac = head->Blob(1);
  page.anchor_sequence = head->Int(2);
  page.anchor_mac = head->Blob(3);
  return page;
}

}  // namespace gaoxin::audit
