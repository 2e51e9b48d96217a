// The contract of db::Database, proved on both stores (a SQLite file and a PostgreSQL schema):
// durability across reopen, group commit, savepoint isolation of failing units, idempotent
// migrations (also when several processes start together), the change log's revisions (gap-free
// and in commit order even with several writers, as replicas are), error codes for constraint
// violations, and, on PostgreSQL, reconnecting after a server restart.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/db/common_tables.h"
#include "common/db/open_database.h"
#include "common/db/postgres_database.h"
#include "common/db/sqlite_database.h"
#include "common/db/write_queue.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::db {
namespace {

constexpr Migration kSchema[] = {
    {1, "items", "CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"},
    {2, "parts of items",
     "CREATE TABLE parts (id TEXT PRIMARY KEY, item_id TEXT NOT NULL REFERENCES items(id),"
     "  data BLOB)"},
};

class DatabaseTest : public testing::BackendTest {
 protected:
  // Opens the store `name` with kSchema and the common tables applied.
  std::unique_ptr<Database> OpenMigrated(const std::string& name = "t") {
    std::unique_ptr<Database> db;
    Open(name, &db);
    if (db == nullptr) return nullptr;
    EXPECT_TRUE(ApplyMigrations(*db, "test", kSchema).ok());
    EXPECT_TRUE(ApplyCommonSchema(*db).ok());
    return db;
  }

  static int64_t Count(Database& db, const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db.Read([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql));
                    n = row ? row->Int(0) : -1;
                    return absl::OkStatus();
                  }).ok());
    return n;
  }
};

TEST_P(DatabaseTest, DataSurvivesReopen) {
  {
    auto db = OpenMigrated();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Write([](Transaction& tx) {
                    return tx.Execute("INSERT INTO items VALUES(?, ?)", {"a", 1});
                  }).ok());
  }
  auto db = OpenMigrated();  // migrations applied once only
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(Count(*db, "SELECT n FROM items WHERE id = 'a'"), 1);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM schema_migrations WHERE component = 'test'"), 2);
}

TEST_P(DatabaseTest, ValuesRoundTripExactly) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  std::string blob;
  for (int i = 0; i < 256; ++i) blob.push_back(static_cast<char>(i));  // NUL and high bytes
  const std::string text = "企业 'quoted' \"double\" ? $1 -- not a comment";
  const int64_t big = std::numeric_limits<int64_t>::min();
  ASSERT_TRUE(
      db->Write([&](Transaction& tx) -> absl::Status {
          RETURN_IF_ERROR(tx.Execute("INSERT INTO items VALUES(?, ?)", {text, big}));
          return tx.Execute("INSERT INTO parts VALUES(?, ?, ?)", {"p", text, SqlValue::Blob(blob)});
        }).ok());
  ASSERT_TRUE(
      db->Read([&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT i.id, i.n, p.data, p.id FROM items i JOIN "
                                                 "parts p ON p.item_id = i.id WHERE i.id = ?",
                                                 {text}));
          EXPECT_TRUE(row.has_value());
          if (!row) return absl::OkStatus();
          EXPECT_EQ(row->Text(0), text);
          EXPECT_EQ(row->Int(1), big);
          EXPECT_EQ(row->Blob(2), blob);
          // A literal '?' in the SQL is not a placeholder.
          ASSIGN_OR_RETURN(auto lit, tx.QueryOne("SELECT '?', ?", {"x"}));
          EXPECT_EQ(lit->Text(0), "?");
          EXPECT_EQ(lit->Text(1), "x");
          // SQLite's numbered placeholders, reused.
          ASSIGN_OR_RETURN(auto numbered,
                           tx.QueryOne("SELECT COUNT(*) FROM items WHERE n = ?1 OR n = ?1 "
                                       "OR id = ?2",
                                       {big, "nothing"}));
          EXPECT_EQ(numbered->Int(0), 1);
          // Sums of integer columns are integers on both.
          ASSIGN_OR_RETURN(auto sum, tx.QueryOne("SELECT SUM(n) + 0 FROM items WHERE n < 0"));
          EXPECT_EQ(sum->Int(0), big);
          return absl::OkStatus();
        }).ok());
}

TEST_P(DatabaseTest, ConcurrentWritesShareCommits) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  const int64_t commits_before = db->commit_count();
  constexpr int kWrites = 2000;
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  absl::Notification all_done;
  for (int i = 0; i < kWrites; ++i) {
    db->WriteAsync(
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
  const int64_t commits = db->commit_count() - commits_before;
  // Queued faster than one commit each: many writes ride on each commit.
  EXPECT_LT(commits, kWrites / 4) << commits << " commits for " << kWrites << " writes";
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM items"), kWrites);
}

TEST_P(DatabaseTest, AFailingUnitRollsBackAloneInItsBatch) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  std::vector<absl::Status> results(4);
  absl::Notification done;
  std::atomic<int> count{0};
  auto record = [&](int i) {
    return [&, i](absl::Status s) {
      results[i] = s;
      if (count.fetch_add(1) + 1 == 4) done.Notify();
    };
  };
  db->WriteAsync([](Transaction& tx) { return tx.Execute("INSERT INTO items VALUES('x', 1)"); },
                 record(0));
  db->WriteAsync(
      [](Transaction& tx) -> absl::Status {
        RETURN_IF_ERROR(tx.Execute("INSERT INTO items VALUES('y', 2)"));
        return absl::FailedPreconditionError("rule broken after a write");
      },
      record(1));
  // A statement error inside a unit (on PostgreSQL it aborts the transaction until the unit's
  // savepoint is rolled back) must not take the next unit with it.
  db->WriteAsync([](Transaction& tx) { return tx.Execute("INSERT INTO items VALUES('x', 9)"); },
                 record(2));
  db->WriteAsync([](Transaction& tx) { return tx.Execute("INSERT INTO items VALUES('z', 3)"); },
                 record(3));
  done.WaitForNotification();
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(results[2].code(), absl::StatusCode::kAlreadyExists) << results[2];
  EXPECT_TRUE(results[3].ok()) << results[3];
  std::vector<std::string> ids;
  ASSERT_TRUE(db->Read([&](Transaction& tx) -> absl::Status {
                  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM items ORDER BY id"));
                  for (const auto& r : rows) ids.push_back(r.Text(0));
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"x", "z"}));
}

// A burst the writer cannot absorb is pushed back on at once: past max_queued_writes a write is
// refused with RESOURCE_EXHAUSTED and a retry hint, and is not stored; the queue takes writes
// again as soon as it drains.
TEST_P(DatabaseTest, AFullWriteQueueRefusesAtOnceWithARetryHint) {
  StoreLocation where = Location("t");
  where.max_queued_writes = 2;
  auto opened = OpenDatabase(where);
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Database> db = std::move(*opened);
  ASSERT_TRUE(ApplyMigrations(*db, "test", kSchema).ok());
  absl::Notification release;
  absl::Notification gate_running;
  absl::Notification gate_done;
  db->WriteAsync(
      [&](Transaction&) {
        gate_running.Notify();
        release.WaitForNotification();
        return absl::OkStatus();
      },
      [&](absl::Status) { gate_done.Notify(); });
  gate_running.WaitForNotification();  // the writer holds it: the queue is empty again
  constexpr int kWrites = 5;
  std::vector<absl::Status> results(kWrites, absl::UnknownError("not called"));
  std::atomic<int> finished{0};
  absl::Notification all_finished;
  for (int i = 0; i < kWrites; ++i) {
    db->WriteAsync(
        [i](Transaction& tx) {
          return tx.Execute("INSERT INTO items VALUES(?, ?)", {std::to_string(i), i});
        },
        [&, i](absl::Status s) {
          results[i] = std::move(s);
          if (finished.fetch_add(1) + 1 == kWrites) all_finished.Notify();
        });
  }
  // The refused ones were answered before the writer moved on.
  EXPECT_EQ(finished.load(), kWrites - 2);
  release.Notify();
  gate_done.WaitForNotification();
  all_finished.WaitForNotification();
  for (int i = 0; i < kWrites; ++i) {
    if (i < 2) {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i];
      continue;
    }
    EXPECT_EQ(results[i].code(), absl::StatusCode::kResourceExhausted) << i << ": " << results[i];
    EXPECT_EQ(ErrorReason(results[i]), "WRITE_QUEUE_FULL");
    auto delay = RetryDelayOf(results[i]);
    ASSERT_TRUE(delay.has_value()) << "no RetryInfo";
    EXPECT_GT(*delay, absl::ZeroDuration());
  }
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM items"), 2);
  // Drained: writes are taken again.
  EXPECT_TRUE(db->Write([](Transaction& tx) {
                  return tx.Execute("INSERT INTO items VALUES('again', 9)");
                }).ok());
}

// A write queued by a call whose deadline passes while it waits is not started: its caller has
// given up and would never learn the outcome.
TEST_P(DatabaseTest, AWriteWhoseDeadlinePassedWhileQueuedIsNotStarted) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  absl::Notification release;
  absl::Notification gate_running;
  db->WriteAsync(
      [&](Transaction&) {
        gate_running.Notify();
        release.WaitForNotification();
        return absl::OkStatus();
      },
      nullptr);
  gate_running.WaitForNotification();
  absl::Status late = absl::UnknownError("not called");
  absl::Status timely = absl::UnknownError("not called");
  absl::Notification late_done;
  absl::Notification timely_done;
  std::atomic<bool> late_ran{false};
  {
    CallDeadlineScope deadline(absl::Now() + absl::Milliseconds(50));
    db->WriteAsync(
        [&](Transaction& tx) {
          late_ran.store(true);
          return tx.Execute("INSERT INTO items VALUES('late', 1)");
        },
        [&](absl::Status s) {
          late = std::move(s);
          late_done.Notify();
        });
  }
  {
    CallDeadlineScope deadline(absl::Now() + absl::Seconds(60));
    db->WriteAsync(
        [](Transaction& tx) { return tx.Execute("INSERT INTO items VALUES('timely', 2)"); },
        [&](absl::Status s) {
          timely = std::move(s);
          timely_done.Notify();
        });
  }
  absl::SleepFor(absl::Milliseconds(100));
  release.Notify();
  late_done.WaitForNotification();
  timely_done.WaitForNotification();
  EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded) << late;
  EXPECT_FALSE(late_ran.load());
  EXPECT_TRUE(timely.ok()) << timely;
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM items WHERE id = 'late'"), 0);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM items WHERE id = 'timely'"), 1);
}

TEST_P(DatabaseTest, ConstraintViolationsHaveTheirOwnCodes) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Write([](Transaction& tx) {
                  return tx.Execute("INSERT INTO items VALUES('a', 1)");
                }).ok());
  EXPECT_EQ(db->Write([](Transaction& tx) {
                return tx.Execute("INSERT INTO items VALUES('a', 2)");
              }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(db->Write([](Transaction& tx) {
                return tx.Execute("INSERT INTO parts(id, item_id) VALUES('p', 'missing')");
              }).code(),
            absl::StatusCode::kFailedPrecondition);
  // Upserts are portable.
  ASSERT_TRUE(
      db->Write([](Transaction& tx) {
          return tx.Execute(
              "INSERT INTO items VALUES('a', 5) ON CONFLICT(id) DO UPDATE SET n = excluded.n");
        }).ok());
  EXPECT_EQ(Count(*db, "SELECT n FROM items WHERE id = 'a'"), 5);
  ASSERT_TRUE(db->Write([](Transaction& tx) {
                  return tx.Execute("INSERT INTO items VALUES('a', 7) ON CONFLICT DO NOTHING");
                }).ok());
  EXPECT_EQ(Count(*db, "SELECT n FROM items WHERE id = 'a'"), 5);
}

TEST_P(DatabaseTest, ChangeLogRevisionsIncreaseAndSurviveEmptying) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  int64_t r1 = 0, r2 = 0, current = 0;
  ASSERT_TRUE(db->Write([&](Transaction& tx) -> absl::Status {
                  ASSIGN_OR_RETURN(r1, AppendEvent(tx, "lead", "a", EventKind::kCreated, "x"));
                  ASSIGN_OR_RETURN(r2, AppendEvent(tx, "lead", "a", EventKind::kUpdated, "y"));
                  RETURN_IF_ERROR(tx.Execute("DELETE FROM events"));
                  ASSIGN_OR_RETURN(current, CurrentRevision(tx));
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(r2, r1 + 1);
  EXPECT_EQ(current, r2);
}

// since_revision 0 means "from now" to a watch, so no revision a client can read may be 0.
TEST_P(DatabaseTest, AStoreWithoutChangesIsAtARevisionAboveZero) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  int64_t empty = 0, first = 0;
  ASSERT_TRUE(db->Write([&](Transaction& tx) -> absl::Status {
                  ASSIGN_OR_RETURN(empty, CurrentRevision(tx));
                  ASSIGN_OR_RETURN(first, AppendEvent(tx, "lead", "a", EventKind::kCreated, "x"));
                  return absl::OkStatus();
                }).ok());
  EXPECT_GT(empty, 0);
  EXPECT_EQ(first, empty + 1);
  // Re-applying the schema (every start-up) changes nothing.
  ASSERT_TRUE(ApplyCommonSchema(*db).ok());
  EXPECT_EQ(Count(*db, "SELECT revision FROM change_log_head"), first);
}

// A unit that appended an event and was then rolled back gives its revision back: the next
// change takes it, so the log has no gap.
TEST_P(DatabaseTest, ARolledBackChangeLeavesNoGapInRevisions) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  std::vector<int64_t> revisions(3, 0);
  std::vector<absl::Status> results(3);
  absl::Notification done;
  std::atomic<int> count{0};
  for (int i = 0; i < 3; ++i) {
    db->WriteAsync(
        [&, i](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(revisions[i], AppendEvent(tx, "lead", "a", EventKind::kUpdated, "s"));
          if (i == 1) return absl::AbortedError("rolled back after appending");
          return absl::OkStatus();
        },
        [&, i](absl::Status s) {
          results[i] = s;
          if (count.fetch_add(1) + 1 == 3) done.Notify();
        });
  }
  done.WaitForNotification();
  ASSERT_TRUE(results[0].ok() && results[2].ok());
  EXPECT_EQ(revisions[2], revisions[0] + 1);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM events"), 2);
}

TEST_P(DatabaseTest, RequestIdsRememberWhatWasCreated) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  std::optional<std::string> found;
  ASSERT_TRUE(db->Write([&](Transaction& tx) -> absl::Status {
                  RETURN_IF_ERROR(RememberRequest(tx, "CreateLead", "r-1", "lead-1"));
                  ASSIGN_OR_RETURN(found, FindRequest(tx, "CreateLead", "r-1"));
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(found, "lead-1");
}

// Replicas starting together each run the migrations: every one succeeds, and each version is
// applied once.
TEST_P(DatabaseTest, MigrationsRunOnceWhenSeveralProcessesStartTogether) {
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<Database>> dbs(kReplicas);
  for (auto& db : dbs) ASSERT_NO_FATAL_FAILURE(Open("shared", &db));
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      results[i] = ApplyMigrations(*dbs[i], "test", kSchema);
      if (results[i].ok()) results[i] = ApplyCommonSchema(*dbs[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(Count(*dbs[0], "SELECT COUNT(*) FROM schema_migrations"),
            2 + 4 + 2);  // kSchema, the common tables' four and the audit log's two
  EXPECT_EQ(Count(*dbs[0], "SELECT COUNT(*) FROM change_log_head"), 1);
  EXPECT_EQ(Count(*dbs[0], "SELECT COUNT(*) FROM audit_head"), 1);
}

// What a watcher on any replica relies on: with several processes writing the same store at
// once, a reader that sees revision N+1 already sees every revision up to N (revisions are
// handed out in commit order), and no revision is skipped. Readers poll the log as the change
// feed does (revision > last read) and check each batch continues exactly where the last
// ended.
TEST_P(DatabaseTest, RevisionsAreGapFreeAndInCommitOrderAcrossWriters) {
  constexpr int kWriters = 3;
  constexpr int kWritesPerWriter = 300;
  std::vector<std::unique_ptr<Database>> writers(kWriters);
  for (auto& db : writers) {
    ASSERT_NO_FATAL_FAILURE(Open("replicated", &db));
    ASSERT_TRUE(ApplyCommonSchema(*db).ok());
  }
  std::unique_ptr<Database> reader_db;
  ASSERT_NO_FATAL_FAILURE(Open("replicated", &reader_db));
  const int64_t start = Count(*reader_db, "SELECT revision FROM change_log_head");

  std::atomic<bool> writing{true};
  std::atomic<int> gaps{0};
  std::atomic<int64_t> seen_through{start};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      int64_t last = start;
      while (true) {
        const bool final_pass = !writing.load();
        std::vector<int64_t> got;
        absl::Status s = reader_db->Read([&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT revision FROM events WHERE revision > ? "
                                               "ORDER BY revision LIMIT 500",
                                               {last}));
          for (const auto& row : rows) got.push_back(row.Int(0));
          return absl::OkStatus();
        });
        if (!s.ok()) continue;
        for (int64_t rev : got) {
          if (rev != last + 1) gaps.fetch_add(1);
          last = rev;
        }
        if (final_pass && got.empty()) break;
      }
      seen_through.store(last);
    });
  }
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::atomic<int> pending{kWritesPerWriter};
      absl::Notification all;
      for (int i = 0; i < kWritesPerWriter; ++i) {
        writers[w]->WriteAsync(
            [](Transaction& tx) {
              return AppendEvent(tx, "lead", "a", EventKind::kUpdated, "s").status();
            },
            [&](absl::Status s) {
              if (!s.ok()) failed.fetch_add(1);
              if (pending.fetch_sub(1) == 1) all.Notify();
            });
        if (i % 16 == 0) absl::SleepFor(absl::Microseconds(200));  // spread over several batches
      }
      all.WaitForNotification();
    });
  }
  for (auto& t : threads) t.join();
  writing.store(false);
  for (auto& t : readers) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(gaps.load(), 0);
  EXPECT_EQ(seen_through.load(), start + kWriters * kWritesPerWriter);
  EXPECT_EQ(Count(*reader_db, "SELECT COUNT(*) FROM events"), kWriters * kWritesPerWriter);
}

GAOXIN_ON_EVERY_STORE(DatabaseTest);

// PostgreSQL only: a server restart under a running store.
TEST(PostgresDatabaseTest, ReconnectsAfterAServerRestartAndLosesNoAcknowledgedWrite) {
  testing::PostgresServer pg;
  ASSERT_TRUE(pg.Start()) << pg.error();
  StoreLocation where = pg.Location("restart");
  where.connect_timeout = absl::Seconds(1);
  auto opened = OpenDatabase(where);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Database& db = **opened;
  ASSERT_TRUE(ApplyMigrations(db, "test", kSchema).ok());
  auto insert = [&db](int i) {
    return db.Write([i](Transaction& tx) {
      return tx.Execute("INSERT INTO items VALUES(?, ?)", {absl::StrCat("i", i), i});
    });
  };
  ASSERT_TRUE(insert(0).ok());
  ASSERT_TRUE(db.Ping().ok());

  pg.Stop();
  // While it is down: writes and reads fail as UNAVAILABLE (retryable), health sees it.
  absl::Status down = insert(1);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  EXPECT_EQ(db.Ping().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE(pg.Start()) << pg.error();
  // Back: the store reconnects by itself (the writer after its short back-off).
  absl::Status up = absl::UnknownError("not tried");
  for (int attempt = 0; attempt < 50 && !up.ok(); ++attempt) {
    up = insert(2);
    if (!up.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(up.ok()) << up;
  EXPECT_TRUE(db.Ping().ok());
  int64_t n = -1;
  ASSERT_TRUE(db.Read([&](Transaction& tx) -> absl::Status {
                  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT COUNT(*) FROM items WHERE id IN "
                                                         "('i0', 'i2')"));
                  n = row->Int(0);
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(n, 2);

  // A crash (immediate shutdown, crash recovery on start) keeps every acknowledged write too.
  pg.Crash();
  ASSERT_TRUE(pg.Start()) << pg.error();
  up = absl::UnknownError("not tried");
  for (int attempt = 0; attempt < 50 && !up.ok(); ++attempt) {
    up = db.Read([&](Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT COUNT(*) FROM items"));
      n = row->Int(0);
      return absl::OkStatus();
    });
    if (!up.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(up.ok()) << up;
  EXPECT_EQ(n, 2);
}

// ReadStatement skips the transaction on PostgreSQL, which is only safe for one statement: a
// second one is refused rather than run on another snapshot.
TEST(PostgresDatabaseTest, ReadStatementRunsOneStatementAndRefusesASecond) {
  testing::PostgresServer& pg = testing::PostgresServer::Shared();
  ASSERT_TRUE(pg.ok()) << pg.error();
  auto db = OpenDatabase(pg.Location(pg.NewSchema()));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(ApplyCommonSchema(**db).ok());
  int64_t revision = 0;
  ASSERT_TRUE((*db)
                  ->ReadStatement([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(revision, CurrentRevision(tx));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_GT(revision, 0);
  absl::Status two = (*db)->ReadStatement([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CurrentRevision(tx).status());
    return CurrentRevision(tx).status();
  });
  EXPECT_EQ(two.code(), absl::StatusCode::kInternal) << two;
  // The connection goes back to the pool usable, without the limit.
  EXPECT_TRUE((*db)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(CurrentRevision(tx).status());
                    return CurrentRevision(tx).status();
                  })
                  .ok());
}

TEST(PostgresDatabaseTest, RefusesAPasswordInTheUriAndABadSchemaName) {
  StoreLocation where;
  where.db = "postgresql://user:secret@127.0.0.1:1/db";
  where.schema = "leads";
  auto with_password = OpenDatabase(where);
  EXPECT_EQ(with_password.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(with_password.status().message().find("secret"), absl::string_view::npos);
  where.db = "postgresql://user@127.0.0.1:1/db";
  where.schema = "leads\"; DROP SCHEMA public; --";
  EXPECT_EQ(OpenDatabase(where).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PostgresDatabaseTest, AnUnreachableServerFailsOpenWithUnavailable) {
  StoreLocation where;
  where.db = absl::StrCat("postgresql://gaoxin_test@127.0.0.1:", testing::FreePort(), "/x");
  where.schema = "leads";
  where.connect_timeout = absl::Seconds(1);
  EXPECT_EQ(OpenDatabase(where).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace gaoxin::db
