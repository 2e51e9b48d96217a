// SQLite implementation of db::Database: WAL journal, synchronous=FULL (an acknowledged commit
// survives power loss), one writer thread doing group commit, a background thread that
// checkpoints the WAL into the database file (so commits never wait for a checkpoint), and a pool
// of reader connections each with its own prepared-statement cache.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<db::Database> db, db::SqliteDatabase::Open("var/leads.db"));
//
// Several processes may open the same file (replicas on one host): writers then take turns via
// SQLite's lock with a busy timeout.
#ifndef GAOXIN_COMMON_DB_SQLITE_DATABASE_H_
#define GAOXIN_COMMON_DB_SQLITE_DATABASE_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/db/database.h"
#include "common/db/write_queue.h"
#include "common/log_throttle.h"

struct sqlite3;

namespace gaoxin::db {

class SqliteConnection;

class SqliteDatabase final : public Database {
 public:
  struct Options {
    // Most units of work one commit may carry.
    int max_batch = 512;
    // Most units of work waiting for the writer; past it writes are refused (WriteQueueFullError).
    int max_queued_writes = 10000;
    // Idle reader connections kept open.
    int max_idle_readers = 8;
    int busy_timeout_ms = 5000;
    // When the WAL holds this many pages after a commit, the checkpoint thread copies it into the
    // database file (SQLite's own autocheckpoint default is also 1000, but runs it inside the
    // committing writer). 0 leaves checkpoints to SQLite's autocheckpoint on the writer.
    int checkpoint_pages = 1000;
  };

  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(const std::string& path,
                                                              Options options);
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(const std::string& path) {
    return Open(path, Options());
  }
  // Drains queued writes, then closes every connection.
  ~SqliteDatabase() override;

  absl::Status Read(absl::FunctionRef<absl::Status(Transaction&)> fn) override;
  void WriteAsync(WriteFn fn, DoneFn done) override;
  void SetAuditSink(std::shared_ptr<AuditSink> sink) override {
    queue_.SetAuditSink(std::move(sink));
  }
  int64_t commit_count() const override { return queue_.batches(); }

 private:
  SqliteDatabase(std::string path, Options options);
  void RunBatch(std::vector<WriteJob>& batch);
  void CheckpointLoop();
  // Called by SQLite on the writer thread after each commit with the WAL's size in pages.
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  absl::StatusOr<std::unique_ptr<SqliteConnection>> TakeReader();
  void ReturnReader(std::unique_ptr<SqliteConnection> conn);

  const std::string path_;
  const Options options_;
  std::unique_ptr<SqliteConnection> writer_;
  // A full disk or a lost database fails every batch: a line a second, not one a batch.
  ThrottledErrorLog commit_failures_{"db_commit_failed", "error"};

  WriteQueue queue_;
  std::unique_ptr<SqliteConnection> checkpointer_;
  absl::Mutex checkpoint_mu_;
  bool checkpoint_wanted_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  bool checkpoint_stopping_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  std::thread checkpoint_thread_;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
};

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_SQLITE_DATABASE_H_
