// The SQLite store on a real file: durability across reopen, group commit, savepoint isolation
// of failing units, and idempotent migrations.
#include "common/db/sqlite_database.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/db/common_tables.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace gaoxin::db {
namespace {

constexpr Migration kSchema[] = {
    {1, "items", "CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"},
};

TEST(SqliteDatabaseTest, DataSurvivesReopen) {
  testing::TempDir dir;
  {
    auto db = SqliteDatabase::Open(dir.File("t.db"));
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(ApplyMigrations(**db, "test", kSchema).ok());
    ASSERT_TRUE((*db)
                    ->Write([](Transaction& tx) {
                      return tx.Execute("INSERT INTO items VALUES(?, ?)", {"a", 1});
                    })
                    .ok());
  }
  auto db = SqliteDatabase::Open(dir.File("t.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, "test", kSchema).ok());  // applied once only
  int64_t n = 0;
  ASSERT_TRUE((*db)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(auto row,
                                     tx.QueryOne("SELECT n FROM items WHERE id = ?", {"a"}));
                    n = row ? row->Int(0) : -1;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(n, 1);
}

TEST(SqliteDatabaseTest, ConcurrentWritesShareCommits) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.File("t.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, "test", kSchema).ok());
  const int64_t commits_before = (*db)->commit_count();
  constexpr int kWrites = 2000;
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  absl::Notification all_done;
  for (int i = 0; i < kWrites; ++i) {
    (*db)->WriteAsync(
        [i](Transaction& tx) {
          return tx.Execute("INSERT INTO items VALUES(?, ?)", {std::to_string(i), i});
        },
        [&](absl::Status s) {
          if (s.ok()) ok.fetch_add(1);
          if (done.fetch_add(1) + 1 == kWrites) all_done.Notify();
        });
  }
  all_done.WaitForNotification();
  EXPECT_EQ(ok.load(), kWrites);
  const int64_t commits = (*db)->commit_count() - commits_before;
  // Queued faster than one fsync each: many writes ride on each commit.
  EXPECT_LT(commits, kWrites / 4) << commits << " commits for " << kWrites << " writes";
}

TEST(SqliteDatabaseTest, AFailingUnitRollsBackAloneInItsBatch) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.File("t.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, "test", kSchema).ok());
  std::vector<absl::Status> results(3);
  absl::Notification done;
  std::atomic<int> count{0};
  auto record = [&](int i) {
    return [&, i](absl::Status s) {
      results[i] = s;
      if (count.fetch_add(1) + 1 == 3) done.Notify();
    };
  };
  (*db)->WriteAsync([](Transaction& tx) { return tx.Execute("INSERT INTO items VALUES('x', 1)"); },
                    record(0));
  (*db)->WriteAsync(
      [](Transaction& tx) -> absl::Status {
        RETURN_IF_ERROR(tx.Execute("INSERT INTO items VALUES('y', 2)"));
        return absl::FailedPreconditionError("rule broken after a write");
      },
      record(1));
  (*db)->WriteAsync([](Transaction& tx) { return tx.Execute("INSERT INTO items VALUES('z', 3)"); },
                    record(2));
  done.WaitForNotification();
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(results[2].ok());
  std::vector<std::string> ids;
  ASSERT_TRUE((*db)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM items ORDER BY id"));
                    for (const auto& r : rows) ids.push_back(r.Text(0));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"x", "z"}));
}

TEST(SqliteDatabaseTest, ChangeLogRevisionsIncreaseAndSurviveEmptying) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.File("t.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyCommonSchema(**db).ok());
  int64_t r1 = 0, r2 = 0, current = 0;
  ASSERT_TRUE((*db)
                  ->Write([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(r1, AppendEvent(tx, "lead", "a", EventKind::kCreated, "x"));
                    ASSIGN_OR_RETURN(r2, AppendEvent(tx, "lead", "a", EventKind::kUpdated, "y"));
                    RETURN_IF_ERROR(tx.Execute("DELETE FROM events"));
                    ASSIGN_OR_RETURN(current, CurrentRevision(tx));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_LT(r1, r2);
  EXPECT_EQ(current, r2);
}

// since_revision 0 means "from now" to a watch, so no revision a client can read may be 0.
TEST(SqliteDatabaseTest, AStoreWithoutChangesIsAtARevisionAboveZero) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.File("t.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyCommonSchema(**db).ok());
  int64_t empty = 0, first = 0;
  ASSERT_TRUE((*db)
                  ->Write([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(empty, CurrentRevision(tx));
                    ASSIGN_OR_RETURN(first, AppendEvent(tx, "lead", "a", EventKind::kCreated, "x"));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_GT(empty, 0);
  EXPECT_GT(first, empty);
  // Re-applying the schema (every start-up) changes nothing.
  ASSERT_TRUE(ApplyCommonSchema(**db).ok());
  int64_t after = 0;
  ASSERT_TRUE((*db)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(after, CurrentRevision(tx));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(after, first);
}

TEST(SqliteDatabaseTest, RequestIdsRememberWhatWasCreated) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.File("t.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyCommonSchema(**db).ok());
  std::optional<std::string> found;
  ASSERT_TRUE((*db)
                  ->Write([&](Transaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(RememberRequest(tx, "CreateLead", "r-1", "lead-1"));
                    ASSIGN_OR_RETURN(found, FindRequest(tx, "CreateLead", "r-1"));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(found, "lead-1");
}

}  // namespace
}  // namespace gaoxin::db
