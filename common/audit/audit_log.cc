#include "common/audit/audit_log.h"

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
  // The head row's lock orders appends of replicas sharing one PostgreSQL database.
  ASSIGN_OR_RETURN(auto head,
                   tx.QueryOne(tx.dialect() == db::Dialect::kPostgresql
                                   ? "SELECT sequence, mac FROM audit_head WHERE id = 1 FOR UPDATE"
                                   : "SELECT sequence, mac FROM audit_head WHERE id = 1"));
  if (!head) return absl::InternalError("the audit log has no head row");
  r.sequence = head->Int(0) + 1;
  const std::string previous = head->Int(0) == 0 ? GenesisMac() : head->Blob(1);
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
  ASSIGN_OR_RETURN(auto head, tx.QueryOne("SELECT sequence, mac FROM audit_head WHERE id = 1"));
  if (!head) return absl::InternalError("the audit log has no head row");
  page.head_sequence = head->Int(0);
  page.head_mac = head->Blob(1);
  return page;
}

}  // namespace gaoxin::audit
