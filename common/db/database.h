// The small database interface between services and their store. Services write SQL with `?`
// placeholders against this interface, in the portable dialect of sql_dialect.h; SQLite
// (sqlite_database.h) is the embedded default and PostgreSQL (postgres_database.h) the
// scale-out store, chosen by --db (open_database.h) without touching service code.
//
// Writes are asynchronous and share commits: WriteAsync queues a unit of work; a single writer
// runs queued units back to back inside one transaction (each under its own savepoint, so one
// failing unit rolls back alone) and calls every unit's `done` only after the commit is durable.
// Many concurrent RPCs therefore pay for one fsync together ("group commit"), and an OK reply
// always means the change is on disk.
//
//   db.WriteAsync(
//       [lead](Transaction& tx) {
//         return tx.Execute("INSERT INTO leads(id, data) VALUES(?, ?)",
//                           {lead.id(), SqlValue::Blob(lead.SerializeAsString())});
//       },
//       [reactor](absl::Status s) { reactor->Finish(ToGrpcStatus(s)); });
//
//   ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT data FROM leads WHERE id = ?", {id}));
#ifndef GAOXIN_COMMON_DB_DATABASE_H_
#define GAOXIN_COMMON_DB_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/db/audit_hook.h"
#include "common/db/sql_dialect.h"

namespace gaoxin::db {

// A bound parameter or a result column: NULL, a 64-bit integer, text or a blob.
class SqlValue {
 public:
  enum class Type { kNull, kInt, kText, kBlob };

  SqlValue() = default;
  SqlValue(int64_t v) : type_(Type::kInt), int_(v) {}         // NOLINT: implicit by design
  SqlValue(int v) : type_(Type::kInt), int_(v) {}             // NOLINT
  SqlValue(bool v) : type_(Type::kInt), int_(v ? 1 : 0) {}    // NOLINT
  SqlValue(const char* v) : type_(Type::kText), bytes_(v) {}  // NOLINT
  SqlValue(std::string v) : type_(Type::kText), bytes_(std::move(v)) {}  // NOLINT
  SqlValue(absl::string_view v) : type_(Type::kText), bytes_(v) {}       // NOLINT
  static SqlValue Blob(std::string bytes) {
    SqlValue v(std::move(bytes));
    v.type_ = Type::kBlob;
    return v;
  }
  static SqlValue Null() { return SqlValue(); }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  int64_t int_value() const { return int_; }
  // Text or blob bytes.
  const std::string& bytes() const { return bytes_; }

 private:
  Type type_ = Type::kNull;
  int64_t int_ = 0;
  std::string bytes_;
};

class Row {
 public:
  explicit Row(std::vector<SqlValue> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return values_.at(i).is_null(); }
  int64_t Int(size_t i) const { return values_.at(i).int_value(); }
  const std::string& Text(size_t i) const { return values_.at(i).bytes(); }
  const std::string& Blob(size_t i) const { return values_.at(i).bytes(); }

 private:
  std::vector<SqlValue> values_;
};

// One transaction's view of the store. Not thread-safe; valid only inside the callback it was
// handed to.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual absl::Status Execute(absl::string_view sql, absl::Span<const SqlValue> params = {}) = 0;
  virtual absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                                 absl::Span<const SqlValue> params = {}) = 0;
  // Rows changed by the last Execute.
  virtual int64_t changes() = 0;
  // Runs several ';'-separated statements without parameters (schema migrations).
  virtual absl::Status ExecuteScript(absl::string_view sql) = 0;
  // A parameterless command whose reply nobody needs to wait for (BEGIN, SAVEPOINT, RELEASE):
  // a store may send it together with the next statement, which then also reports its error.
  // Saves a round trip on a networked store; SQLite runs it at once.
  virtual void Defer(absl::string_view sql) { (void)Execute(sql, {}); }
  virtual Dialect dialect() const { return Dialect::kSqlite; }
  // OK while this write transaction is open; otherwise the error that ended it before its commit.
  // SQLite rolls a transaction back by itself on some errors inside a statement (a full disk, an
  // I/O error): what the batch had done is gone, and a statement after that would run outside
  // any transaction and commit at once. The writer stops the batch when this turns non-OK.
  virtual absl::Status TransactionLost() const { return absl::OkStatus(); }

  // The single row of a query, or nullopt when it returned none.
  absl::StatusOr<std::optional<Row>> QueryOne(absl::string_view sql,
                                              absl::Span<const SqlValue> params = {});

  // The write audit (audit_hook.h). The writer sets these around each unit of work: the store's
  // sink and the call the unit was queued for (null outside an audited call).
  void SetAudit(AuditSink* sink, const AuditCall* call) {
    audit_sink_ = sink;
    audit_call_ = call;
  }
  // True when changes in this unit of work are audited (a sink and a call).
  bool audited() const { return audit_sink_ != nullptr && audit_call_ != nullptr; }
  // The call this unit of work is audited as, or null.
  const AuditCall* audit_call() const { return audit_call_; }
  // Appends the audit record of `change` for the unit's call; does nothing when not audited.
  absl::Status RecordChange(const AuditChange& change);
  // Appends an audit record for an explicit caller (a read of personal data audited where no
  // call scope is open). FAILED_PRECONDITION when the store has no audit sink.
  absl::Status RecordAudit(const AuditCall& call, const AuditChange& change);
  // One batch of the audit's retention pass (AuditSink::PruneBatch); 0 without a sink.
  absl::StatusOr<int64_t> PruneAudit();

 private:
  AuditSink* audit_sink_ = nullptr;
  const AuditCall* audit_call_ = nullptr;
};

class Database {
 public:
  using WriteFn = std::function<absl::Status(Transaction&)>;
  using DoneFn = std::function<void(absl::Status)>;

  virtual ~Database() = default;

  // Runs `fn` on a consistent read snapshot, on the calling thread.
  virtual absl::Status Read(absl::FunctionRef<absl::Status(Transaction&)> fn) = 0;
  // Read for an `fn` that runs exactly one statement: a single statement is its own snapshot,
  // so a networked store can skip the transaction around it (PostgreSQL: a third of the work of
  // a GetLead). A second statement in `fn` fails with INTERNAL there.
  virtual absl::Status ReadStatement(absl::FunctionRef<absl::Status(Transaction&)> fn) {
    return Read(fn);
  }

  // Queues `fn` to run in a write transaction on the writer thread; `done` runs there too, after
  // the commit is durable, with fn's error, or the commit's. Neither may block for long: they
  // hold up every other writer. Writes are applied in the order they were queued.
  virtual void WriteAsync(WriteFn fn, DoneFn done) = 0;

  // WriteAsync and wait for it. Never call from inside a WriteFn or DoneFn.
  absl::Status Write(WriteFn fn);

  virtual Dialect dialect() const { return Dialect::kSqlite; }

  // Runs `fn` while no other process sharing this store runs its own RunExclusive (replicas
  // migrating at the same start-up). SQLite's write lock already serializes migrations.
  virtual absl::Status RunExclusive(absl::FunctionRef<absl::Status()> fn) { return fn(); }

  // OK when the store answers now; what health reports. Cheap: called every few seconds.
  virtual absl::Status Ping() { return absl::OkStatus(); }

  // Commits performed so far (a commit carries one or more units of work). For benchmarks.
  virtual int64_t commit_count() const { return 0; }

  // Where the audited units of work queued from now on record their changes (audit_hook.h).
  // A store without one audits nothing.
  virtual void SetAuditSink(std::shared_ptr<AuditSink> sink) { (void)sink; }
};

// Runs `fn` as a write (see Database::WriteAsync) and hands its value to `done` once durable.
// `done` gets fn's error, or the commit's.
template <typename T>
void WriteWithResult(Database& db, std::function<absl::StatusOr<T>(Transaction&)> fn,
                     std::function<void(absl::StatusOr<T>)> done) {
  auto result = std::make_shared<absl::StatusOr<T>>(absl::UnknownError("write did not run"));
  db.WriteAsync(
      [fn = std::move(fn), result](Transaction& tx) {
        *result = fn(tx);
        return result->status();
      },
      [result, done = std::move(done)](absl::Status s) {
        if (!s.ok()) {
          done(std::move(s));
        } else {
          done(std::move(*result));
        }
      });
}

// A numbered schema change. Versions of one component are applied once each, in order, at start-up.
// `sql` is in the services' dialect and is translated for PostgreSQL (sql_dialect.h); where that
// is not enough, `postgresql` replaces it there (also translated; "" when the change has nothing
// to do on PostgreSQL).
struct Migration {
  int version;
  const char* description;
  const char* sql;
  const char* postgresql = nullptr;
};

// Applies the migrations of `component` not yet applied, each in its own transaction, under
// Database::RunExclusive.
absl::Status ApplyMigrations(Database& db, absl::string_view component,
                             absl::Span<const Migration> migrations);

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_DATABASE_H_
