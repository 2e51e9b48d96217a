#include "common/db/common_tables.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
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
     "CREATE INDEX events_by_time ON events(created_unix_ms);"},
    // A watch from since_revision 0 starts "from now". Were an empty store at revision 0 too, a
    // client that listed it (revision 0) and then watched from that revision would miss every
    // change made in between. So the log starts at revision 1: the empty store reports 1 and
    // the first change is 2. Stores that already have changes keep their revisions.
    {2, "revisions start above 0",
     "INSERT INTO sqlite_sequence(name, seq) SELECT 'events', 1 "
     "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events');"},
};

}  // namespace

absl::Status ApplyCommonSchema(Database& db) {
  return ApplyMigrations(db, "common", kCommonMigrations);
}

absl::StatusOr<std::optional<std::string>> FindRequest(Transaction& tx, absl::string_view method,
                                                       absl::string_view request_id) {
  if (request_id.empty()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT resource_id FROM request_ids WHERE method = ? AND "
                                         "request_id = ?",
                                         {method, request_id}));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(row->Text(0));
}

absl::Status RememberRequest(Transaction& tx, absl::string_view method,
                             absl::string_view request_id, absl::string_view resource_id) {
  if (request_id.empty()) return absl::OkStatus();
  return tx.Execute(
      "INSERT INTO request_ids(method, request_id, resource_id, created_unix_ms) "
      "VALUES(?, ?, ?, ?)",
      {method, request_id, resource_id, absl::ToUnixMillis(absl::Now())});
}

absl::StatusOr<int64_t> AppendEvent(Transaction& tx, absl::string_view resource_type,
                                    absl::string_view resource_id, EventKind kind,
                                    absl::string_view state) {
  ASSIGN_OR_RETURN(
      auto row,
      tx.QueryOne("INSERT INTO events(resource_type, resource_id, kind, state, created_unix_ms) "
                  "VALUES(?, ?, ?, ?, ?) RETURNING revision",
                  {resource_type, resource_id, static_cast<int>(kind),
                   SqlValue::Blob(std::string(state)), absl::ToUnixMillis(absl::Now())}));
  if (!row) return absl::InternalError("event insert returned no revision");
  return row->Int(0);
}

absl::StatusOr<int64_t> CurrentRevision(Transaction& tx) {
  // sqlite_sequence keeps the AUTOINCREMENT high-water mark even when compaction emptied the log.
  ASSIGN_OR_RETURN(auto row,
                   tx.QueryOne("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = "
                               "'events'), 0)"));
  return row ? row->Int(0) : 0;
}

}  // namespace gaoxin::db
