#include "common/db/open_database.h"

#include "absl/strings/str_cat.h"
#include "common/db/postgres_database.h"
#include "common/db/sqlite_database.h"
#include "common/status_macros.h"

namespace gaoxin::db {

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const StoreLocation& where) {
  if (IsPostgresUri(where.db)) {
    PostgresDatabase::Options options;
    options.uri = where.db;
    options.password = where.password;
    options.schema = where.schema;
    options.max_readers = where.max_connections;
    options.connect_timeout = where.connect_timeout;
    options.statement_timeout = where.statement_timeout;
    options.max_queued_writes = where.max_queued_writes;
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresDatabase> pg, PostgresDatabase::Open(options));
    return std::unique_ptr<Database>(std::move(pg));
  }
  SqliteDatabase::Options options;
  options.max_queued_writes = where.max_queued_writes;
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> lite, SqliteDatabase::Open(where.db, options));
  return std::unique_ptr<Database>(std::move(lite));
}

std::string DescribeLocation(const StoreLocation& where) {
  if (IsPostgresUri(where.db)) return absl::StrCat(where.db, " schema ", where.schema);
  return where.db;
}

}  // namespace gaoxin::db
