// PostgreSQL implementation of db::Database, for running several replicas of a service on one
// database server. The services' SQL runs unchanged (placeholders and schema are translated, see
// sql_dialect.h); each service lives in its own schema, so the services stay independent even on
// one database.
//
//   PostgresDatabase::Options options;
//   options.uri = "postgresql://gaoxin@db.internal:5432/gaoxin";
//   options.password = ReadFile("/etc/gaoxin/db/password");
//   options.schema = "leads";
//   ASSIGN_OR_RETURN(std::unique_ptr<db::Database> db, db::PostgresDatabase::Open(options));
//
// What it guarantees:
// - Durable: every session runs with synchronous_commit=on, so an OK reply means the commit is
//   flushed to the server's WAL. Writes are group-committed as on SQLite: one writer connection
//   per process runs queued units back to back in one transaction (write_queue.h).
// - Commit order: each write transaction first takes a transaction-scoped advisory lock for its
//   schema, so the writers of all replicas of a service commit one at a time. The change log's
//   revisions come from a counter row updated inside that transaction, so they are gap-free and
//   a reader that sees revision N+1 also sees N (the lock is released only after the commit is
//   visible). Taking the lock first also means writers never deadlock on each other's rows.
// - Failures: a lost connection is dropped and a new one made on the next use; calls in flight
//   then get UNAVAILABLE (retryable; creates are idempotent through request_id). A COMMIT whose
//   reply never arrived is reported UNAVAILABLE too: it may have committed, which a retry with
//   the same request_id finds. Connect and statement timeouts bound every wait; the reader pool
//   is bounded and a caller waits at most `pool_wait` for a connection.
// - Errors: unique violations are ALREADY_EXISTS, foreign-key violations FAILED_PRECONDITION,
//   serialization failures and deadlocks ABORTED, a full disk RESOURCE_EXHAUSTED, a statement
//   or lock timeout DEADLINE_EXCEEDED, connection trouble UNAVAILABLE.
#ifndef GAOXIN_COMMON_DB_POSTGRES_DATABASE_H_
#define GAOXIN_COMMON_DB_POSTGRES_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/database.h"
#include "common/db/write_queue.h"
#include "common/log_throttle.h"

namespace gaoxin::db {

class PgConnection;

class PostgresDatabase final : public Database {
 public:
  struct Options {
    // A libpq connection URI (postgresql://user@host:port/dbname?options). It must not carry a
    // password: that comes from `password` (or libpq's PGPASSFILE), never from a command line.
    std::string uri;
    std::string password;
    // The schema this store's tables live in; created when missing.
    std::string schema;
    int max_batch = 512;
    // Most units of work waiting for the writer; past it writes are refused (WriteQueueFullError).
    int max_queued_writes = 10000;
    // Reader connections, at most; a Read waits for one when all are busy.
    int max_readers = 8;
    absl::Duration pool_wait = absl::Seconds(5);
    absl::Duration connect_timeout = absl::Seconds(5);
    absl::Duration statement_timeout = absl::Seconds(15);
    std::string application_name = "gaoxin";
  };

  // Connects once (so a wrong URI or password fails start-up) and creates the schema.
  static absl::StatusOr<std::unique_ptr<PostgresDatabase>> Open(Options options);
  // Drains queued writes, then closes every connection.
  ~PostgresDatabase() override;

  absl::Status Read(absl::FunctionRef<absl::Status(Transaction&)> fn) override;
  absl::Status ReadStatement(absl::FunctionRef<absl::Status(Transaction&)> fn) override;
  void WriteAsync(WriteFn fn, DoneFn done) override;
  void SetAuditSink(std::shared_ptr<AuditSink> sink) override {
    queue_.SetAuditSink(std::move(sink));
  }
  Dialect dialect() const override { return Dialect::kPostgresql; }
  absl::Status RunExclusive(absl::FunctionRef<absl::Status()> fn) override;
  absl::Status Ping() override;
  int64_t commit_count() const override { return queue_.batches(); }

  const Options& options() const { return options_; }

 private:
  explicit PostgresDatabase(Options options);
  absl::StatusOr<std::unique_ptr<PgConnection>> Connect() const;
  void RunBatch(std::vector<WriteJob>& batch);
  absl::StatusOr<std::unique_ptr<PgConnection>> TakeReader();
  // A pooled reader that is still connected (replacing one the server dropped while idle).
  absl::StatusOr<std::unique_ptr<PgConnection>> TakeLiveReader();
  void ReturnReader(std::unique_ptr<PgConnection> conn);

  const Options options_;
  // Keys of the advisory locks: (class, schema hash). One for writes, one for RunExclusive.
  const int32_t lock_key_;

  // The writer thread's connection (null while disconnected), and when it may next try to
  // connect after a failed attempt.
  std::unique_ptr<PgConnection> writer_;
  absl::Time writer_retry_after_ = absl::InfinitePast();
  // A full disk or a lost database fails every batch: a line a second, not one a batch.
  ThrottledErrorLog commit_failures_{"db_commit_failed", "error"};
  WriteQueue queue_;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
  // Reader connections open or being opened, idle or not.
  int readers_open_ ABSL_GUARDED_BY(readers_mu_) = 0;
};

// True for `--db` values that name a PostgreSQL database rather than a SQLite file.
bool IsPostgresUri(absl::string_view db);

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_POSTGRES_DATABASE_H_
