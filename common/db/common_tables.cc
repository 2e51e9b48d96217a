#include "common/db/common_tables.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/audit/audit_log.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace gaoxin::db {
namespace {

constexpr Migration kCommonMigrations[] = {
    {1, "request ids and change log",
     "CREATE TABLE request_ids ("
     "  method TEXT NOT NULL, request_id TEXT NOT NULL, resource_id TEXT NOT NULL,"
     "  created_unix_ms INTEGER NOT NULL, PRIMARY KEY (method, request_id));"
     "CREATE TABLE events ("
     "  revision INTEGER PRIMARY KEY AUTOINCREMENT, resource_type TEXT NOT NULL,"
     "  resource_id TEXT NOT NULL, kind INTEGER NOT NULL, state BLOB NOT NULL,"
     "  created_unix_ms INTEGER NOT NULL);"
     "CREATE INDEX events_by_time ON events(created_unix_ms);",
     // PostgreSQL: revisions come from change_log_head (migration 4) only.
     "CREATE TABLE request_ids ("
     "  method TEXT NOT NULL, request_id TEXT NOT NULL, resource_id TEXT NOT NULL,"
     "  created_unix_ms INTEGER NOT NULL, PRIMARY KEY (method, request_id));"
     "CREATE TABLE events ("
     "  revision INTEGER PRIMARY KEY, resource_type TEXT NOT NULL,"
     "  resource_id TEXT NOT NULL, kind INTEGER NOT NULL, state BLOB NOT NULL,"
     "  created_unix_ms INTEGER NOT NULL);"
     "CREATE INDEX events_by_time ON events(created_unix_ms);"},
    // A watch from since_revision 0 starts "from now". Were an empty store at revision 0 too, a
    // client that listed it (revision 0) and then watched from that revision would miss every
    // change made in between. So the log starts at revision 1: the empty store reports 1 and
    // the first change is 2. Stores that already have changes keep their revisions.
    {2, "revisions start above 0",
     "INSERT INTO sqlite_sequence(name, seq) SELECT 'events', 1 "
     "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events');",
     ""},
    // '' for rows written before request ids were bound: those match any request.
    {3, "request ids bound to principal, method and content",
     "ALTER TABLE request_ids ADD COLUMN binding TEXT NOT NULL DEFAULT '';"},
    // The change log's head in a row of its own, updated by every change in the committing
    // transaction. On PostgreSQL that is what keeps revisions gap-free and in commit order
    // across replicas (a sequence hands out numbers outside transactions: one holding 10 can
    // commit after one holding 11, and a watcher that read 11 would never see 10); on both
    // stores the head survives compaction emptying the log. SQLite continues from the old
    // AUTOINCREMENT high-water mark.
    {4, "change log head",
     "CREATE TABLE change_log_head (id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  revision INTEGER NOT NULL);"
     "INSERT INTO change_log_head(id, revision) SELECT 1, COALESCE((SELECT seq FROM "
     "  sqlite_sequence WHERE name = 'events'), 1);",
     "CREATE TABLE change_log_head (id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  revision INTEGER NOT NULL);"
     "INSERT INTO change_log_head(id, revision) VALUES (1, 1);"},
};

}  // namespace

absl::Status ApplyCommonSchema(Database& db) {
  RETURN_IF_ERROR(ApplyMigrations(db, "common", kCommonMigrations));
  return audit::ApplyAuditSchema(db);
}

absl::StatusOr<std::optional<std::string>> FindRequest(Transaction& tx, absl::string_view method,
                                                       const RequestKey& key) {
  if (key.id.empty()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT resource_id, binding FROM request_ids WHERE "
                                         "method = ? AND request_id = ?",
                                         {method, key.id}));
  if (!row) return std::optional<std::string>();
  const std::string bound = row->Text(1);
  if (!bound.empty() && !key.binding.empty() && bound != key.binding) {
    return InvalidField("request_id",
                        "was already used for a different request (another caller, or other "
                        "content); use a new request_id for a new request");
  }
  return std::optional<std::string>(row->Text(0));
}

absl::Status RememberRequest(Transaction& tx, absl::string_view method, const RequestKey& key,
                             absl::string_view resource_id) {
  if (key.id.empty()) return absl::OkStatus();
  return tx.Execute(
      "INSERT INTO request_ids(method, request_id, resource_id, created_unix_ms, binding) "
      "VALUES(?, ?, ?, ?, ?)",
      {method, key.id, resource_id, absl::ToUnixMillis(absl::Now()), key.binding});
}

absl::StatusOr<std::optional<std::string>> FindRequest(Transaction& tx, absl::string_view method,
                                                       absl::string_view request_id) {
  return FindRequest(tx, method, RequestKey{std::string(request_id), ""});
}

absl::Status RememberRequest(Transaction& tx, absl::string_view method,
                             absl::string_view request_id, absl::string_view resource_id) {
  return RememberRequest(tx, method, RequestKey{std::string(request_id), ""}, resource_id);
}

absl::StatusOr<int64_t> AppendEvent(Transaction& tx, absl::string_view resource_type,
                                    absl::string_view resource_id, EventKind kind,
                                    absl::string_view state) {
  const SqlValue blob = SqlValue::Blob(std::string(state));
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  if (tx.dialect() == Dialect::kPostgresql) {
    // One statement (one round trip) where the store allows a data-modifying WITH.
    ASSIGN_OR_RETURN(
        auto row,
        tx.QueryOne("WITH head AS (UPDATE change_log_head SET revision = revision + 1 WHERE id = 1 "
                    "RETURNING revision) "
                    "INSERT INTO events(revision, resource_type, resource_id, kind, state, "
                    "created_unix_ms) SELECT revision, ?, ?, ?, ?, ? FROM head RETURNING revision",
                    {resource_type, resource_id, static_cast<int>(kind), blob, now_ms}));
    if (!row) return absl::InternalError("the change log has no head row");
    return row->Int(0);
  }
  ASSIGN_OR_RETURN(auto head, tx.QueryOne("UPDATE change_log_head SET revision = revision + 1 "
                                          "WHERE id = 1 RETURNING revision"));
  if (!head) return absl::InternalError("the change log has no head row");
  const int64_t revision = head->Int(0);
  RETURN_IF_ERROR(tx.Execute(
      "INSERT INTO events(revision, resource_type, resource_id, kind, state, created_unix_ms) "
      "VALUES(?, ?, ?, ?, ?, ?)",
      {revision, resource_type, resource_id, static_cast<int>(kind), blob, now_ms}));
  return revision;
}

absl::StatusOr<int64_t> CurrentRevision(Transaction& tx) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT revision FROM change_log_head WHERE id = 1"));
  if (!row) return absl::InternalError("the change log has no head row");
  return row->Int(0);
}

}  // namespace gaoxin::db
