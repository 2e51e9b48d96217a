// The translation of the services' SQL to PostgreSQL's (common/db/sql_dialect.h).
#include "common/db/sql_dialect.h"

#include "gtest/gtest.h"

namespace gaoxin::db {
namespace {

TEST(SqlDialectTest, PlaceholdersAreNumberedOutsideQuotesAndComments) {
  EXPECT_EQ(ToPostgresPlaceholders("SELECT a FROM t WHERE id = ? AND n > ?"),
            "SELECT a FROM t WHERE id = $1 AND n > $2");
  EXPECT_EQ(ToPostgresPlaceholders("SELECT '?', \"a?b\", ? -- why?\n, ?"),
            "SELECT '?', \"a?b\", $1 -- why?\n, $2");
  EXPECT_EQ(ToPostgresPlaceholders("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
  // SQLite's numbered form keeps its numbers.
  EXPECT_EQ(ToPostgresPlaceholders("WHERE a >= ?1 AND b <= ?3 OR c = ?1"),
            "WHERE a >= $1 AND b <= $3 OR c = $1");
  EXPECT_EQ(ToPostgresPlaceholders("SELECT ?::int4"), "SELECT $1::int4");
  // An unterminated literal is copied as it is (the server reports the syntax error).
  EXPECT_EQ(ToPostgresPlaceholders("SELECT 'open ?"), "SELECT 'open ?");
  EXPECT_EQ(ToPostgresPlaceholders(""), "");
}

TEST(SqlDialectTest, SchemaTypesBecomePostgresTypes) {
  EXPECT_EQ(ToPostgresSchema("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, "
                             "b BLOB) WITHOUT ROWID;"),
            "CREATE TABLE t (id TEXT COLLATE \"C\" PRIMARY KEY, n BIGINT NOT NULL, b BYTEA) ;");
  // Whole words only, any case, never inside quotes or names that merely contain them.
  EXPECT_EQ(ToPostgresSchema("CREATE TABLE texts (integer_part integer, note text DEFAULT "
                             "'BLOB TEXT')"),
            "CREATE TABLE texts (integer_part BIGINT, note TEXT COLLATE \"C\" DEFAULT "
            "'BLOB TEXT')");
}

}  // namespace
}  // namespace gaoxin::db
