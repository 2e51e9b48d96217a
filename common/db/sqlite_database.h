// SQLite implementation of db::Database: WAL journal, synchronous=FULL (an acknowledged commit
// survives power loss), one writer thread doing group commit, and a pool of reader connections
// each with its own prepared-statement cache.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<db::Database> db, db::SqliteDatabase::Open("var/leads.db"));
//
// Several processes may open the same file (replicas on one host): writers then take turns via
// SQLite's lock with a busy timeout.
#ifndef GAOXIN_COMMON_DB_SQLITE_DATABASE_H_
#define GAOXIN_COMMON_DB_SQLITE_DATABASE_H_

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/db/database.h"

struct sqlite3;

namespace gaoxin::db {

class SqliteConnection;

class SqliteDatabase final : public Database {
 public:
  struct Options {
    // Most units of work one commit may carry.
    int max_batch = 512;
    // Idle reader connections kept open.
    int max_idle_readers = 8;
    int busy_timeout_ms = 5000;
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

  // Commits performed so far (a commit carries one or more units of work). For benchmarks.
  int64_t commit_count() const;

 private:
  struct Job {
    WriteFn fn;
    DoneFn done;
  };

  SqliteDatabase(std::string path, Options options);
  void WriterLoop();
  void RunBatch(std::vector<Job>& batch);
  absl::StatusOr<std::unique_ptr<SqliteConnection>> TakeReader();
  void ReturnReader(std::unique_ptr<SqliteConnection> conn);

  const std::string path_;
  const Options options_;
  std::unique_ptr<SqliteConnection> writer_;

  mutable absl::Mutex queue_mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  int64_t commits_ ABSL_GUARDED_BY(queue_mu_) = 0;
  std::thread writer_thread_;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
};

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_SQLITE_DATABASE_H_
