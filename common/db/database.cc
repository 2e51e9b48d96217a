#include "common/db/database.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_macros.h"

namespace gaoxin::db {

absl::StatusOr<std::optional<Row>> Transaction::QueryOne(absl::string_view sql,
                                                         absl::Span<const SqlValue> params) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

absl::Status Transaction::RecordChange(const AuditChange& change) {
  if (!audited()) return absl::OkStatus();
  return audit_sink_->Append(*this, *audit_call_, change);
}

absl::Status Transaction::RecordAudit(const AuditCall& call, const AuditChange& change) {
  if (audit_sink_ == nullptr) {
    return absl::FailedPreconditionError("this store has no audit log to record in");
  }
  return audit_sink_->Append(*this, call, change);
}

absl::StatusOr<int64_t> Transaction::PruneAudit() {
  if (audit_sink_ == nullptr) return 0;
  return audit_sink_->PruneBatch(*this);
}

namespace {
thread_local const AuditCall* current_audit_call = nullptr;
}  // namespace

AuditCallScope::AuditCallScope(const AuditCall* call) : previous_(current_audit_call) {
  current_audit_call = call;
}

AuditCallScope::~AuditCallScope() { current_audit_call = previous_; }

const AuditCall* AuditCallScope::Current() { return current_audit_call; }

absl::Status Database::Write(WriteFn fn) {
  absl::Notification done;
  absl::Status result;
  WriteAsync(std::move(fn), [&](absl::Status s) {
    result = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

namespace {

// The text of `m` for `db`'s dialect; "" when there is nothing to run.
std::string MigrationSql(const Database& db, const Migration& m) {
  if (db.dialect() != Dialect::kPostgresql) return m.sql;
  return ToPostgresSchema(m.postgresql != nullptr ? m.postgresql : m.sql);
}

absl::Status ApplyMigrationsNow(Database& db, absl::string_view component,
                                absl::Span<const Migration> migrations) {
  const Migration table = {0, "migration log",
                           "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           "  component TEXT NOT NULL, version INTEGER NOT NULL,"
                           "  description TEXT NOT NULL, applied_at TEXT NOT NULL,"
                           "  PRIMARY KEY (component, version))"};
  RETURN_IF_ERROR(
      db.Write([&](Transaction& tx) { return tx.ExecuteScript(MigrationSql(db, table)); }));
  for (const Migration& m : migrations) {
    std::string comp(component);
    absl::Status s = db.Write([&](Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto row,
                       tx.QueryOne("SELECT 1 FROM schema_migrations WHERE component = ? AND "
                                   "version = ?",
                                   {comp, m.version}));
      if (row.has_value()) return absl::OkStatus();
      const std::string sql = MigrationSql(db, m);
      if (!sql.empty()) RETURN_IF_ERROR(tx.ExecuteScript(sql));
      return tx.Execute(
          "INSERT INTO schema_migrations(component, version, description, applied_at) "
          "VALUES(?, ?, ?, ?)",
          {comp, m.version, m.description,
           absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone())});
    });
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("migration ", component, "/", m.version, " (",
                                                 m.description, "): ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(Database& db, absl::string_view component,
                             absl::Span<const Migration> migrations) {
  return db.RunExclusive([&] { return ApplyMigrationsNow(db, component, migrations); });
}

}  // namespace gaoxin::db
