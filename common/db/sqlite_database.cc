#include "common/db/sqlite_database.h"

#include <sqlite3.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace gaoxin::db {
namespace {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string text = absl::StrCat(what, ": ", msg);
  // The extended code tells which constraint; the codes match the PostgreSQL store's.
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  switch (extended) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return absl::AlreadyExistsError(text);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return absl::FailedPreconditionError(text);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::InternalError(text);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(text);
    case SQLITE_FULL:
      return StorageFullError(text);
    default:
      return absl::InternalError(text);
  }
}

}  // namespace

// One sqlite3 handle and its prepared statements. Used by one thread at a time.
class SqliteConnection final : public Transaction {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                                int busy_timeout_ms) {
    sqlite3* handle = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<SqliteConnection> conn(new SqliteConnection(handle));
    if (rc != SQLITE_OK) return SqliteError(handle, rc, absl::StrCat("open ", path));
    sqlite3_busy_timeout(handle, busy_timeout_ms);
    RETURN_IF_ERROR(conn->ExecuteScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
    return conn;
  }

  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  absl::Status Execute(absl::string_view sql, absl::Span<const SqlValue> params) override {
    RETURN_IF_ERROR(TransactionLost());
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return NoteIfRolledBack(SqliteError(db_, rc, "execute"));
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         absl::Span<const SqlValue> params) override {
    RETURN_IF_ERROR(TransactionLost());
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    std::vector<Row> rows;
    int rc;
    const int columns = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<SqlValue> values;
      values.reserve(columns);
      for (int i = 0; i < columns; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_NULL:
            values.emplace_back();
            break;
          case SQLITE_INTEGER:
            values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
            break;
          case SQLITE_BLOB: {
            const void* p = sqlite3_column_blob(stmt, i);
            int n = sqlite3_column_bytes(stmt, i);
            values.push_back(SqlValue::Blob(std::string(static_cast<const char*>(p), n)));
            break;
          }
          default: {
            const unsigned char* p = sqlite3_column_text(stmt, i);
            int n = sqlite3_column_bytes(stmt, i);
            values.emplace_back(std::string(reinterpret_cast<const char*>(p), n));
          }
        }
      }
      rows.emplace_back(std::move(values));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return NoteIfRolledBack(SqliteError(db_, rc, "query"));
    return rows;
  }

  int64_t changes() override { return sqlite3_changes64(db_); }

  sqlite3* handle() const { return db_; }

  absl::Status ExecuteScript(absl::string_view sql) override {
    RETURN_IF_ERROR(TransactionLost());
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return NoteIfRolledBack(absl::InternalError(absl::StrCat("script: ", msg)));
    }
    return absl::OkStatus();
  }

  // The writer's transaction, from BEGIN IMMEDIATE to EndBatch: while it is open every statement
  // first checks that SQLite has not rolled it back by itself (TransactionLost).
  absl::Status BeginBatch() {
    lost_ = absl::OkStatus();
    RETURN_IF_ERROR(Execute("BEGIN IMMEDIATE", {}));
    in_batch_ = true;
    return absl::OkStatus();
  }
  // COMMIT, or ROLLBACK when the batch cannot commit; returns the batch's outcome.
  absl::Status EndBatch() {
    absl::Status s = TransactionLost();
    if (s.ok()) s = Execute("COMMIT", {});
    in_batch_ = false;
    if (!s.ok() && !sqlite3_get_autocommit(db_)) (void)Execute("ROLLBACK", {});
    return s;
  }

  absl::Status TransactionLost() const override {
    if (!in_batch_ || !sqlite3_get_autocommit(db_)) return absl::OkStatus();
    if (!lost_.ok()) return lost_;
    return absl::InternalError("the write transaction ended before its commit");
  }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  // Keeps the error after which SQLite rolled the batch's transaction back, for TransactionLost.
  absl::Status NoteIfRolledBack(absl::Status error) {
    if (in_batch_ && lost_.ok() && sqlite3_get_autocommit(db_)) {
      lost_ = absl::Status(error.code(),
                           absl::StrCat("the store rolled the write transaction back (",
                                        error.message(), "): nothing of this commit was saved"));
      error.ForEachPayload([this](absl::string_view url, const absl::Cord& payload) {
        lost_.SetPayload(url, payload);
      });
    }
    return error;
  }

  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql, absl::Span<const SqlValue> params) {
    sqlite3_stmt* stmt;
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
      stmt = it->second;
    } else {
      int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, absl::StrCat("prepare '", sql, "'"));
      statements_.emplace(std::string(sql), stmt);
    }
    sqlite3_clear_bindings(stmt);
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return absl::InternalError(absl::StrCat("statement wants ",
                                              sqlite3_bind_parameter_count(stmt),
                                              " parameters, got ", params.size(), ": ", sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      int idx = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      switch (v.type()) {
        case SqlValue::Type::kNull:
          rc = sqlite3_bind_null(stmt, idx);
          break;
        case SqlValue::Type::kInt:
          rc = sqlite3_bind_int64(stmt, idx, v.int_value());
          break;
        case SqlValue::Type::kText:
          rc = sqlite3_bind_text(stmt, idx, v.bytes().data(), static_cast<int>(v.bytes().size()),
                                 SQLITE_TRANSIENT);
          break;
        case SqlValue::Type::kBlob:
          rc = sqlite3_bind_blob(stmt, idx, v.bytes().data(), static_cast<int>(v.bytes().size()),
                                 SQLITE_TRANSIENT);
          break;
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    return stmt;
  }

  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
  bool in_batch_ = false;
  absl::Status lost_;
};

SqliteDatabase::SqliteDatabase(std::string path, Options options)
    : path_(std::move(path)),
      options_(options),
      queue_({options.max_batch, options.max_queued_writes},
             [this](std::vector<WriteJob>& batch) { RunBatch(batch); }) {}

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                                     Options options) {
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(path, options));
  ASSIGN_OR_RETURN(db->writer_, SqliteConnection::Open(path, options.busy_timeout_ms));
  if (options.checkpoint_pages > 0) {
    ASSIGN_OR_RETURN(db->checkpointer_, SqliteConnection::Open(path, options.busy_timeout_ms));
    // Replaces the writer's autocheckpoint (which is itself a WAL hook).
    sqlite3_wal_hook(db->writer_->handle(), &SqliteDatabase::OnWalCommit, db.get());
    db->checkpoint_thread_ = std::thread([raw = db.get()] { raw->CheckpointLoop(); });
  }
  db->queue_.Start();
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  queue_.Stop();
  {
    absl::MutexLock lock(&checkpoint_mu_);
    checkpoint_stopping_ = true;
  }
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

int SqliteDatabase::OnWalCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto* me = static_cast<SqliteDatabase*>(self);
  const int threshold = me->options_.checkpoint_pages;
  if (pages >= 8 * threshold) {
    // The checkpoint thread is not keeping up (or readers hold it back): checkpoint here, as
    // SQLite's autocheckpoint would, so the WAL cannot grow without bound.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= threshold) {
    absl::MutexLock lock(&me->checkpoint_mu_);
    me->checkpoint_wanted_ = true;
  }
  return SQLITE_OK;
}

void SqliteDatabase::CheckpointLoop() {
  while (true) {
    {
      absl::MutexLock lock(&checkpoint_mu_);
      checkpoint_mu_.Await(absl::Condition(
          +[](SqliteDatabase* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return self->checkpoint_stopping_ || self->checkpoint_wanted_;
          },
          this));
      if (checkpoint_stopping_) return;
      checkpoint_wanted_ = false;
    }
    // PASSIVE never blocks the writer or readers; it copies what it can and the WAL restarts
    // from the beginning once everything is copied and no reader still needs it.
    int rc = sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      LogEvent("db_checkpoint_failed", "warn")
          .Str("error", sqlite3_errmsg(checkpointer_->handle()))
          .Emit();
    }
  }
}

void SqliteDatabase::WriteAsync(WriteFn fn, DoneFn done) {
  queue_.Push(WriteJob{std::move(fn), std::move(done)});
}

void SqliteDatabase::RunBatch(std::vector<WriteJob>& batch) {
  std::vector<absl::Status> results(batch.size());
  absl::Status tx_status = writer_->BeginBatch();
  if (tx_status.ok()) {
    results = RunUnits(*writer_, batch);
    tx_status = writer_->EndBatch();
  }
  if (!tx_status.ok()) {
    commit_failures_.Record(tx_status);
  }
  FinishJobs(batch, results, tx_status);
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteDatabase::TakeReader() {
  {
    absl::MutexLock lock(&readers_mu_);
    if (!idle_readers_.empty()) {
      auto conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return conn;
    }
  }
  return SqliteConnection::Open(path_, options_.busy_timeout_ms);
}

void SqliteDatabase::ReturnReader(std::unique_ptr<SqliteConnection> conn) {
  absl::MutexLock lock(&readers_mu_);
  if (static_cast<int>(idle_readers_.size()) < options_.max_idle_readers) {
    idle_readers_.push_back(std::move(conn));
  }
}

absl::Status SqliteDatabase::Read(absl::FunctionRef<absl::Status(Transaction&)> fn) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> conn, TakeReader());
  RETURN_IF_ERROR(conn->Execute("BEGIN", {}));
  absl::Status s = fn(*conn);
  absl::Status end = conn->Execute(s.ok() ? "COMMIT" : "ROLLBACK", {});
  if (end.ok()) ReturnReader(std::move(conn));
  return s.ok() ? end : s;
}

}  // namespace gaoxin::db
