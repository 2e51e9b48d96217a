// The two SQL dialects the stores run on, and the small, mechanical translation from the one the
// services write (SQLite's, restricted to what PostgreSQL also accepts) to PostgreSQL's.
//
// Services write every statement once, with `?` placeholders and portable SQL (INSERT ... ON
// CONFLICT, RETURNING, standard joins and aggregates). What cannot be written once is translated
// here, and only here:
//   - placeholders: `?` becomes `$1`, `$2`, ... and `?3` becomes `$3` (outside quoted text);
//   - schema (migrations only): column types BLOB -> BYTEA and INTEGER -> BIGINT (SQLite integers
//     are 64-bit; PostgreSQL's INTEGER is 32-bit), TEXT -> TEXT COLLATE "C" (SQLite compares text
//     byte by byte; "C" does the same, so ordering and paging agree across stores), and
//     SQLite's table option WITHOUT ROWID dropped. A migration whose SQL cannot be translated
//     carries its own PostgreSQL text (db::Migration::postgresql).
//
//   ToPostgresPlaceholders("SELECT a FROM t WHERE id = ? AND x = '?'")
//       == "SELECT a FROM t WHERE id = $1 AND x = '?'"
#ifndef GAOXIN_COMMON_DB_SQL_DIALECT_H_
#define GAOXIN_COMMON_DB_SQL_DIALECT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gaoxin::db {

enum class Dialect { kSqlite, kPostgresql };

// `?` -> `$n` and `?n` -> `$n`, skipping '...' literals, "..." identifiers and -- comments.
std::string ToPostgresPlaceholders(absl::string_view sql);

// Schema SQL in the services' dialect -> PostgreSQL (see the banner for what changes).
std::string ToPostgresSchema(absl::string_view sql);

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_SQL_DIALECT_H_
