// Opens the store a --db value names: a postgresql:// URI opens PostgreSQL (in `schema`), any
// other value is a SQLite file path. Services and tests open stores only through this, so every
// service runs on either store unchanged.
//
//   db::StoreLocation where{.db = "postgresql://gaoxin@db:5432/gaoxin", .schema = "leads"};
//   where.password = "...";  // read from --db_password_file
//   ASSIGN_OR_RETURN(std::unique_ptr<db::Database> db, db::OpenDatabase(where));
#ifndef GAOXIN_COMMON_DB_OPEN_DATABASE_H_
#define GAOXIN_COMMON_DB_OPEN_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/database.h"

namespace gaoxin::db {

struct StoreLocation {
  // A SQLite file path, or a PostgreSQL URI (postgresql://...).
  std::string db;
  // Both stores: most writes waiting for the writer before new ones are refused.
  int max_queued_writes = 10000;
  // PostgreSQL only: the password (never part of the URI), the schema, pool and timeouts.
  std::string password;
  std::string schema;
  int max_connections = 8;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration statement_timeout = absl::Seconds(15);
};

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const StoreLocation& where);

// What to log about a location: the path, or the URI (it never holds a password) and schema.
std::string DescribeLocation(const StoreLocation& where);

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_OPEN_DATABASE_H_
