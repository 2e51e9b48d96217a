#include "common/db/postgres_database.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/call_deadline.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace gaoxin::db {
namespace {

// Type OIDs of PostgreSQL's built-in types (pg_type.dat; stable across releases).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kOidOid = 26;
constexpr Oid kNumericOid = 1700;

// The class half of this suite's advisory lock keys ("gx" + 1 for writes, + 2 for migrations).
constexpr int32_t kWriteLockClass = 0x67780001;
constexpr int32_t kExclusiveLockClass = 0x67780002;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

int32_t SchemaHash(absl::string_view schema) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : schema) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int32_t>(h);
}

absl::Status CheckSchemaName(absl::string_view schema) {
  bool ok = !schema.empty() && schema.size() <= 63 &&
            (absl::ascii_islower(schema[0]) || schema[0] == '_');
  for (char c : schema) ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_');
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PostgreSQL schema '", schema, "' must be 1-63 of [a-z0-9_], starting with a letter or _"));
  }
  return absl::OkStatus();
}

// The error a failed statement (or a lost connection) is reported as; see the header.
absl::Status PgError(PGconn* conn, const PGresult* res, absl::string_view what) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary != nullptr ? primary : PQerrorMessage(conn);
  absl::StripTrailingAsciiWhitespace(&msg);
  std::string text = absl::StrCat(what, ": ", msg);
  if (PQstatus(conn) != CONNECTION_OK || state == nullptr) {
    return absl::UnavailableError(absl::StrCat(text, " (database connection lost)"));
  }
  const absl::string_view code(state);
  absl::StrAppend(&text, " [SQLSTATE ", code, "]");
  if (code == "23505") return absl::AlreadyExistsError(text);
  if (code == "23503") return absl::FailedPreconditionError(text);
  if (code == "40001" || code == "40P01") return absl::AbortedError(text);
  if (code == "53100") return StorageFullError(text);
  if (code == "57014" || code == "55P03") return absl::DeadlineExceededError(text);
  if (absl::StartsWith(code, "08") || absl::StartsWith(code, "57P") || code == "53300") {
    return absl::UnavailableError(text);
  }
  if (absl::StartsWith(code, "22")) return absl::InvalidArgumentError(text);
  return absl::InternalError(text);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea in text output format: "\x" followed by two hex digits per byte.
absl::StatusOr<std::string> DecodeBytea(const char* text, int length) {
  if (length < 2 || text[0] != '\\' || text[1] != 'x') {
    return absl::InternalError("bytea column not in hex format (bytea_output must be hex)");
  }
  std::string out;
  out.resize((length - 2) / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexValue(text[2 + 2 * i]);
    const int lo = HexValue(text[3 + 2 * i]);
    if (hi < 0 || lo < 0) return absl::InternalError("bad hex digit in bytea column");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

absl::StatusOr<SqlValue> ColumnValue(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return SqlValue::Null();
  const char* text = PQgetvalue(res, row, col);
  const int length = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kOidOid:
    case kNumericOid: {  // SUM over BIGINT columns is NUMERIC; integral here
      int64_t v = 0;
      if (!absl::SimpleAtoi(absl::string_view(text, length), &v)) {
        return absl::InternalError(absl::StrCat("integer column holds '", text, "'"));
      }
      return SqlValue(v);
    }
    case kBoolOid:
      return SqlValue(text[0] == 't');
    case kByteaOid: {
      ASSIGN_OR_RETURN(std::string bytes, DecodeBytea(text, length));
      return SqlValue::Blob(std::move(bytes));
    }
    default:
      return SqlValue(std::string(text, length));
  }
}

}  // namespace

bool IsPostgresUri(absl::string_view db) {
  return absl::StartsWith(db, "postgresql://") || absl::StartsWith(db, "postgres://");
}

// One libpq connection and its prepared statements. Used by one thread at a time.
class PgConnection final : public Transaction {
 public:
  static absl::StatusOr<std::unique_ptr<PgConnection>> Open(
      const PostgresDatabase::Options& options) {
    // Also bounded by the call this connection is opened for (libpq counts whole seconds, at
    // least 2).
    const absl::Duration call_left = CallDeadlineScope::Current() - absl::Now();
    const std::string connect_timeout = absl::StrCat(
        std::max<int64_t>(2, absl::ToInt64Seconds(absl::Ceil(
                                 std::min(options.connect_timeout, call_left), absl::Seconds(1)))));
    // A peer that stops answering mid-call (network partition, frozen server) surfaces as an
    // error after this long instead of a thread blocked forever.
    const std::string user_timeout =
        absl::StrCat(absl::ToInt64Milliseconds(options.statement_timeout + absl::Seconds(5)));
    std::vector<const char*> keys = {"dbname",           "connect_timeout",  "client_encoding",
                                     "application_name", "tcp_user_timeout", "keepalives",
                                     "keepalives_idle"};
    std::vector<const char*> values = {options.uri.c_str(),
                                       connect_timeout.c_str(),
                                       "UTF8",
                                       options.application_name.c_str(),
                                       user_timeout.c_str(),
                                       "1",
                                       "30"};
    if (!options.password.empty()) {
      keys.push_back("password");
      values.push_back(options.password.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* raw = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
    std::unique_ptr<PgConnection> conn(
        new PgConnection(raw, options.statement_timeout + absl::Seconds(5)));
    if (raw == nullptr) return absl::ResourceExhaustedError("libpq could not allocate");
    if (PQstatus(raw) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(raw);
      absl::StripTrailingAsciiWhitespace(&msg);
      return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL: ", msg));
    }
    RETURN_IF_ERROR(conn->ExecuteScript(absl::StrCat(
        "SET synchronous_commit TO on; SET bytea_output TO hex; SET client_min_messages TO "
        "warning; SET statement_timeout TO ",
        absl::ToInt64Milliseconds(options.statement_timeout), "; SET search_path TO \"",
        options.schema, "\"")));
    return conn;
  }

  ~PgConnection() override { PQfinish(conn_); }

  // Down, or abandoned after the server stopped answering (AwaitResult).
  bool broken() const { return abandoned_ || PQstatus(conn_) != CONNECTION_OK; }

  // Whether the connection is still up, without a round trip: reads what the server sent while
  // it was idle (a restart's termination notice and the close show up here).
  bool Alive() {
    if (abandoned_ || !DrainAsync().ok() || broken()) return false;
    return PQconsumeInput(conn_) == 1 && !broken();
  }

  absl::Status Execute(absl::string_view sql, absl::Span<const SqlValue> params) override {
    ASSIGN_OR_RETURN(Result res, Run(sql, params));
    int64_t n = 0;
    (void)absl::SimpleAtoi(PQcmdTuples(res.get()), &n);
    changes_ = n;
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         absl::Span<const SqlValue> params) override {
    ASSIGN_OR_RETURN(Result res, Run(sql, params));
    const int rows = PQntuples(res.get());
    const int columns = PQnfields(res.get());
    std::vector<Row> out;
    out.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      std::vector<SqlValue> values;
      values.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        ASSIGN_OR_RETURN(SqlValue v, ColumnValue(res.get(), r, c));
        values.push_back(std::move(v));
      }
      out.emplace_back(std::move(values));
    }
    int64_t n = 0;
    (void)absl::SimpleAtoi(PQcmdTuples(res.get()), &n);
    changes_ = n;
    return out;
  }

  int64_t changes() override { return changes_; }

  absl::Status ExecuteScript(absl::string_view sql) override {
    ASSIGN_OR_RETURN(Result res, Simple(sql));
    (void)res;
    return absl::OkStatus();
  }

  void Defer(absl::string_view sql) override { deferred_.emplace_back(sql); }
  // At most `n` more statements may run (0: no limit): ReadStatement's guard.
  void LimitStatements(int n) { statement_budget_ = n; }
  Dialect dialect() const override { return Dialect::kPostgresql; }

  // Sends the deferred commands and `sql` now without waiting for the replies (read before the
  // connection's next use). For ending a read-only transaction: the server ends it at once, so
  // an idle pooled connection holds no snapshot, and nobody waits for the reply.
  void SendAsync(absl::string_view sql) {
    if (!DrainAsync().ok()) return;
    std::string text;
    for (const std::string& d : deferred_) absl::StrAppend(&text, d, "; ");
    deferred_.clear();
    absl::StrAppend(&text, sql);
    awaiting_ = PQsendQuery(conn_, text.c_str()) == 1;
  }

  // Runs a parameterless command and returns its command tag ("COMMIT", "ROLLBACK", ...).
  absl::StatusOr<std::string> Command(absl::string_view sql) {
    ASSIGN_OR_RETURN(Result res, Simple(sql));
    return std::string(PQcmdStatus(res.get()));
  }

 private:
  PgConnection(PGconn* conn, absl::Duration wait_limit) : conn_(conn), wait_limit_(wait_limit) {}

  // How long the statement about to be sent may take to answer: the store's own bound (the
  // statement timeout and a margin: a server that has not answered by then is not going to), or
  // the deadline of the call this thread works for, whichever comes first.
  absl::Time WaitDeadline() const {
    return std::min(absl::Now() + wait_limit_, CallDeadlineScope::Current());
  }

  // Waits until PQgetResult would not block, at most until `deadline`. libpq's own waits have no
  // bound: a server (or a network path) that accepts bytes and never answers would hold the
  // thread forever. Past the deadline the connection is abandoned: a reply that came later
  // would answer the wrong statement.
  absl::Status AwaitResult(absl::Time deadline) {
    if (abandoned_) return absl::UnavailableError("the database connection was abandoned");
    while (PQisBusy(conn_) == 1) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        abandoned_ = true;
        // The server notices at its next write; our side of the socket is done.
        shutdown(PQsocket(conn_), SHUT_RDWR);
        const bool call_gave_up = CallDeadlineScope::Current() <= absl::Now();
        return absl::Status(
            call_gave_up ? absl::StatusCode::kDeadlineExceeded : absl::StatusCode::kUnavailable,
            call_gave_up ? "the call's deadline passed while the database had not answered"
                         : absl::StrCat("the database did not answer within ",
                                        absl::FormatDuration(wait_limit_), "; retry shortly"));
      }
      pollfd pfd{PQsocket(conn_), POLLIN, 0};
      const int ms = static_cast<int>(
          std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 24 * 3600 * 1000));
      const int rc = poll(&pfd, 1, ms);
      if (rc < 0 && errno == EINTR) continue;
      if (rc < 0) return absl::UnavailableError(absl::StrCat("poll: ", std::strerror(errno)));
      if (rc > 0 && PQconsumeInput(conn_) != 1) return PgError(conn_, nullptr, "read");
    }
    return absl::OkStatus();
  }

  // Every result of what was just sent (PQexec's answer, with a bounded wait): the first error,
  // or the last result.
  absl::StatusOr<Result> CollectResults(absl::string_view what) {
    const absl::Time deadline = WaitDeadline();
    absl::Status first_error;
    Result last;
    while (true) {
      RETURN_IF_ERROR(AwaitResult(deadline));
      Result res(PQgetResult(conn_));
      if (res == nullptr) break;
      const ExecStatusType st = PQresultStatus(res.get());
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && first_error.ok()) {
        first_error = PgError(conn_, res.get(), what);
      }
      last = std::move(res);
      if (PQstatus(conn_) != CONNECTION_OK) break;
    }
    if (!first_error.ok()) return first_error;
    if (last == nullptr) return PgError(conn_, nullptr, what);
    return last;
  }

  // One simple-protocol round trip: the deferred commands, then `sql` (which may itself be
  // several statements). An error anywhere stops the rest and is returned.
  absl::StatusOr<Result> Simple(absl::string_view sql) {
    RETURN_IF_ERROR(DrainAsync());
    std::string text;
    for (const std::string& d : deferred_) absl::StrAppend(&text, d, "; ");
    deferred_.clear();
    absl::StrAppend(&text, sql);
    if (abandoned_) return absl::UnavailableError("the database connection was abandoned");
    if (PQsendQuery(conn_, text.c_str()) != 1) return PgError(conn_, nullptr, "statement");
    return CollectResults("statement");
  }

  // Prepares `sql` once per connection (and per parameter type list), then runs it with every
  // parameter in binary format: text goes as its bytes (a NUL or invalid UTF-8 is refused by
  // the server, never truncated), integers as int8.
  absl::StatusOr<Result> Run(absl::string_view sql, absl::Span<const SqlValue> params) {
    std::string key(sql);
    key.push_back('\x01');
    std::vector<Oid> types(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      switch (params[i].type()) {
        case SqlValue::Type::kNull:
          types[i] = 0;
          key.push_back('n');
          break;
        case SqlValue::Type::kInt:
          types[i] = kInt8Oid;
          key.push_back('i');
          break;
        case SqlValue::Type::kText:
          types[i] = kTextOid;
          key.push_back('t');
          break;
        case SqlValue::Type::kBlob:
          types[i] = kByteaOid;
          key.push_back('b');
          break;
      }
    }
    if (statement_budget_ < 0) {
      return absl::InternalError("ReadStatement ran a second statement; use Read");
    }
    if (statement_budget_ > 0 && --statement_budget_ == 0) statement_budget_ = -1;
    RETURN_IF_ERROR(DrainAsync());
    auto it = statements_.find(key);
    std::string prepare_name;
    std::string translated;
    if (it == statements_.end()) {
      prepare_name = absl::StrCat("s", statements_.size());
      translated = ToPostgresPlaceholders(sql);
    }
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size());
    std::vector<int> formats(params.size(), 1);
    std::vector<uint64_t> ints(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      switch (v.type()) {
        case SqlValue::Type::kNull:
          values[i] = nullptr;
          break;
        case SqlValue::Type::kInt: {
          uint64_t u = static_cast<uint64_t>(v.int_value());
          uint64_t be = 0;
          for (int b = 0; b < 8; ++b) {
            reinterpret_cast<unsigned char*>(&be)[b] =
                static_cast<unsigned char>(u >> (56 - 8 * b));
          }
          ints[i] = be;
          values[i] = reinterpret_cast<const char*>(&ints[i]);
          lengths[i] = 8;
          break;
        }
        case SqlValue::Type::kText:
        case SqlValue::Type::kBlob:
          values[i] = v.bytes().data();
          lengths[i] = static_cast<int>(v.bytes().size());
          break;
      }
    }
    if (abandoned_) return absl::UnavailableError("the database connection was abandoned");
    if (deferred_.empty() && it != statements_.end()) {
      if (PQsendQueryPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                              values.data(), lengths.data(), formats.data(),
                              /*resultFormat=*/0) != 1) {
        return PgError(conn_, nullptr, "statement");
      }
      return CollectResults("statement");
    }
    // Pipeline mode: the deferred commands, the statement's preparation when it is new, and the
    // statement itself go to the server together and cost one round trip.
    if (PQenterPipelineMode(conn_) != 1) return PgError(conn_, nullptr, "pipeline");
    std::vector<std::string> sent = std::move(deferred_);
    deferred_.clear();
    bool queued = true;
    for (const std::string& d : sent) {
      queued = queued &&
               PQsendQueryParams(conn_, d.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    }
    const std::string& name = it != statements_.end() ? it->second : prepare_name;
    size_t prepare_index = std::string::npos;
    if (it == statements_.end()) {
      prepare_index = sent.size();
      queued = queued && PQsendPrepare(conn_, name.c_str(), translated.c_str(),
                                       static_cast<int>(types.size()), types.data()) == 1;
      sent.push_back("prepare '" + std::string(sql) + "'");
    }
    queued = queued && PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                           values.data(), lengths.data(), formats.data(),
                                           /*resultFormat=*/0) == 1;
    sent.push_back("statement");
    queued = queued && PQpipelineSync(conn_) == 1;
    if (!queued) {
      (void)PQexitPipelineMode(conn_);
      return PgError(conn_, nullptr, "pipeline");
    }
    // One result (then a null) per command sent, then the sync.
    const absl::Time deadline = WaitDeadline();
    absl::Status first_error;
    Result last;
    for (size_t i = 0; i < sent.size(); ++i) {
      RETURN_IF_ERROR(AwaitResult(deadline));
      Result res(PQgetResult(conn_));
      const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && first_error.ok()) {
        first_error = PgError(conn_, st == PGRES_PIPELINE_ABORTED ? nullptr : res.get(), sent[i]);
      }
      // A statement prepared stays prepared whatever happens after it (even a rollback).
      if (i == prepare_index && st == PGRES_COMMAND_OK) {
        statements_.emplace(key, prepare_name);
      }
      if (res != nullptr) {
        while (true) {
          RETURN_IF_ERROR(AwaitResult(deadline));
          PGresult* extra = PQgetResult(conn_);
          if (extra == nullptr) break;
          PQclear(extra);
        }
      }
      if (i + 1 == sent.size()) last = std::move(res);
      if (PQstatus(conn_) != CONNECTION_OK) break;
    }
    if (PQstatus(conn_) == CONNECTION_OK) {
      RETURN_IF_ERROR(AwaitResult(deadline));
      Result sync(PQgetResult(conn_));  // PGRES_PIPELINE_SYNC
      (void)PQexitPipelineMode(conn_);
    }
    if (!first_error.ok()) return first_error;
    return last;
  }

  // Reads the replies of commands sent with SendAsync.
  absl::Status DrainAsync() {
    if (!awaiting_) return absl::OkStatus();
    awaiting_ = false;
    absl::Status s;
    const absl::Time deadline = WaitDeadline();
    while (true) {
      RETURN_IF_ERROR(AwaitResult(deadline));
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) break;
      const ExecStatusType st = PQresultStatus(r);
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && s.ok()) {
        s = PgError(conn_, r, "deferred command");
      }
      PQclear(r);
    }
    return s;
  }

  PGconn* conn_;
  const absl::Duration wait_limit_;
  // AwaitResult gave up on the server: never used again.
  bool abandoned_ = false;
  absl::flat_hash_map<std::string, std::string> statements_;
  int64_t changes_ = 0;
  // Commands waiting to travel with the next statement (Defer).
  std::vector<std::string> deferred_;
  // SendAsync sent commands whose replies are not read yet.
  bool awaiting_ = false;
  // LimitStatements: > 0 statements left, -1 none left, 0 no limit.
  int statement_budget_ = 0;
};

PostgresDatabase::PostgresDatabase(Options options)
    : options_(std::move(options)),
      lock_key_(SchemaHash(options_.schema)),
      queue_({options_.max_batch, options_.max_queued_writes},
             [this](std::vector<WriteJob>& batch) { RunBatch(batch); }) {}

absl::StatusOr<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(Options options) {
  RETURN_IF_ERROR(CheckSchemaName(options.schema));
  if (!IsPostgresUri(options.uri)) {
    return absl::InvalidArgumentError("a PostgreSQL URI starts with postgresql://");
  }
  // postgresql://user:password@host: the password would be on a command line or in the
  // environment, readable by anyone who can list processes.
  const size_t authority = options.uri.find("://") + 3;
  const size_t at = options.uri.find('@', authority);
  const size_t slash = options.uri.find('/', authority);
  if (at != std::string::npos && (slash == std::string::npos || at < slash) &&
      options.uri.substr(authority, at - authority).find(':') != std::string::npos) {
    return absl::InvalidArgumentError(
        "the PostgreSQL URI must not contain a password: put it in --db_password_file (or "
        "PGPASSFILE)");
  }
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(std::move(options)));
  ASSIGN_OR_RETURN(db->writer_, db->Connect());
  // CREATE SCHEMA IF NOT EXISTS is not safe against itself: two replicas starting together can
  // both pass the check and one then fails on the catalog's unique index.
  RETURN_IF_ERROR(db->RunExclusive([&]() -> absl::Status {
    return db->writer_->ExecuteScript(
        absl::StrCat("CREATE SCHEMA IF NOT EXISTS \"", db->options_.schema, "\""));
  }));
  db->queue_.Start();
  return db;
}

PostgresDatabase::~PostgresDatabase() { queue_.Stop(); }

absl::StatusOr<std::unique_ptr<PgConnection>> PostgresDatabase::Connect() const {
  return PgConnection::Open(options_);
}

absl::Status PostgresDatabase::RunExclusive(absl::FunctionRef<absl::Status()> fn) {
  // A connection of its own: the lock is held by the session, and fn runs its statements on the
  // writer (through Write) or, in Open, directly.
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, Connect());
  RETURN_IF_ERROR(
      conn->Execute("SELECT pg_advisory_lock(?::int4, ?::int4)", {kExclusiveLockClass, lock_key_}));
  absl::Status s = fn();
  // Closing the session would release the lock too; unlock explicitly so a slow close cannot
  // hold up the next replica.
  (void)conn->Execute("SELECT pg_advisory_unlock(?::int4, ?::int4)",
                      {kExclusiveLockClass, lock_key_});
  return s;
}

void PostgresDatabase::WriteAsync(WriteFn fn, DoneFn done) {
  queue_.Push(WriteJob{std::move(fn), std::move(done)});
}

void PostgresDatabase::RunBatch(std::vector<WriteJob>& batch) {
  std::vector<absl::Status> results(batch.size());
  absl::Status tx_status;
  if (writer_ != nullptr && !writer_->Alive()) writer_.reset();  // e.g. the server restarted
  if (writer_ == nullptr) {
    // While the server is unreachable, fail batches at once rather than making every one
    // wait out a connect timeout; try again after a short pause.
    if (absl::Now() < writer_retry_after_) {
      tx_status = absl::UnavailableError("the database is unreachable; retry shortly");
    } else if (auto conn = Connect(); conn.ok()) {
      writer_ = *std::move(conn);
    } else {
      writer_retry_after_ = absl::Now() + absl::Milliseconds(500);
      tx_status = conn.status();
    }
  }
  if (tx_status.ok()) {
    writer_->Defer("BEGIN");
    tx_status = writer_->Execute("SELECT pg_advisory_xact_lock(?::int4, ?::int4)",
                                 {kWriteLockClass, lock_key_});
  }
  if (tx_status.ok()) {
    results = RunUnits(*writer_, batch);
    auto tag = writer_->Command("COMMIT");
    if (!tag.ok()) {
      // No reply to COMMIT: it may or may not have committed. UNAVAILABLE tells the client to
      // retry, and a retry with the same request_id finds what did commit.
      tx_status = tag.status();
    } else if (*tag != "COMMIT") {
      // PostgreSQL answers COMMIT of a transaction that an error aborted with ROLLBACK.
      tx_status = absl::AbortedError("the write transaction was rolled back");
    }
  } else if (writer_ != nullptr && !writer_->broken()) {
    (void)writer_->Command("ROLLBACK");
  }
  if (!tx_status.ok()) {
    commit_failures_.Record(tx_status);
  }
  FinishJobs(batch, results, tx_status);
}

absl::StatusOr<std::unique_ptr<PgConnection>> PostgresDatabase::TakeReader() {
  {
    absl::MutexLock lock(&readers_mu_);
    const absl::Time deadline = absl::Now() + options_.pool_wait;
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(readers_mu_) {
      return !idle_readers_.empty() || readers_open_ < options_.max_readers;
    };
    while (!available()) {
      if (readers_mu_.AwaitWithDeadline(
              absl::Condition(
                  +[](PostgresDatabase* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                    return !self->idle_readers_.empty() ||
                           self->readers_open_ < self->options_.max_readers;
                  },
                  this),
              deadline)) {
        break;
      }
      return absl::UnavailableError(absl::StrCat("all ", options_.max_readers,
                                                 " database connections stayed busy for ",
                                                 absl::FormatDuration(options_.pool_wait)));
    }
    if (!idle_readers_.empty()) {
      auto conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return conn;
    }
    ++readers_open_;
  }
  auto conn = Connect();
  if (!conn.ok()) {
    absl::MutexLock lock(&readers_mu_);
    --readers_open_;
  }
  return conn;
}

void PostgresDatabase::ReturnReader(std::unique_ptr<PgConnection> conn) {
  absl::MutexLock lock(&readers_mu_);
  if (conn != nullptr && !conn->broken()) {
    idle_readers_.push_back(std::move(conn));
  } else {
    --readers_open_;
  }
}

absl::StatusOr<std::unique_ptr<PgConnection>> PostgresDatabase::TakeLiveReader() {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, TakeReader());
  if (!conn->Alive()) {
    // An idle connection the server dropped (a restart): nothing has run yet, take a fresh one.
    ReturnReader(std::move(conn));
    ASSIGN_OR_RETURN(conn, TakeReader());
  }
  return conn;
}

absl::Status PostgresDatabase::ReadStatement(absl::FunctionRef<absl::Status(Transaction&)> fn) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, TakeLiveReader());
  conn->LimitStatements(1);
  absl::Status s = fn(*conn);
  conn->LimitStatements(0);
  ReturnReader(std::move(conn));
  return s;
}

absl::Status PostgresDatabase::Read(absl::FunctionRef<absl::Status(Transaction&)> fn) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, TakeLiveReader());
  // One snapshot for the whole read, as on SQLite. BEGIN travels with the first statement and
  // the end is sent without waiting for its reply: a read costs one round trip per statement.
  conn->Defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  absl::Status s = fn(*conn);
  conn->SendAsync(s.ok() ? "COMMIT" : "ROLLBACK");
  ReturnReader(std::move(conn));
  return s;
}

absl::Status PostgresDatabase::Ping() {
  return Read([](Transaction& tx) { return tx.Query("SELECT 1").status(); });
}

}  // namespace gaoxin::db
