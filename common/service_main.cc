#include "common/service_main.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/auth.h"
#include "common/call_deadline.h"
#include "common/config.h"
#include "common/db/open_database.h"
#include "common/log.h"
#include "common/pagination.h"
#include "common/pipeline/in_flight_limit.h"
#include "common/status_macros.h"
#include "common/watch/watch_flags.h"
#include "common/worker_pool.h"

namespace gaoxin {

int FailStartup(const absl::Status& status) {
  LogEvent("startup_failed", "error").Str("error", status.ToString()).Emit();
  FlushLogs();
  return 1;
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read --", flag, " ", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Files written by `echo` or a Secret editor end in a newline that is not part of the secret.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

absl::StatusOr<std::string> SecretFromFlags(const std::string& value, const std::string& file,
                                            absl::string_view flag) {
  if (file.empty()) return value;
  if (!value.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("give --", flag, " or --", flag, "_file, not both"));
  }
  return ReadSecretFile(file, absl::StrCat(flag, "_file"));
}

absl::StatusOr<audit::AuditKey> AuditKeyFromFlags() {
  const std::string path = absl::GetFlag(FLAGS_audit_key_file);
  if (path.empty()) {
    return absl::FailedPreconditionError(
        "--audit_key_file is required: a file with the write audit's key as at least 64 hex "
        "digits (openssl rand -hex 32 > audit.key), not the PII key");
  }
  // The PII key is a flag of the petition server only; any server that has it must not share it.
  if (const absl::CommandLineFlag* pii = absl::FindCommandLineFlag("pii_key_file")) {
    const std::string pii_path = pii->CurrentValue();
    std::error_code a, b;
    if (!pii_path.empty() && std::filesystem::exists(pii_path, a) &&
        std::filesystem::equivalent(path, pii_path, b)) {
      return absl::FailedPreconditionError(
          "--audit_key_file must not be the --pii_key_file: the audit key is a key of its own");
    }
  }
  return audit::AuditKey::LoadFromFile(path);
}

absl::StatusOr<absl::Duration> AuditRetentionFromFlags() {
  const int32_t days = absl::GetFlag(FLAGS_audit_retention_days);
  const int32_t seconds = absl::GetFlag(FLAGS_audit_retention_s_for_testing);
  if (days < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--audit_retention_days must be 0 (keep the write audit forever) or a "
                     "positive number of days, not ",
                     days));
  }
  if (seconds < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--audit_retention_s_for_testing must not be negative, not ", seconds));
  }
  if (seconds > 0) return absl::Seconds(seconds);
  return absl::Hours(24) * days;
}

absl::StatusOr<std::unique_ptr<db::Database>> OpenStore(
    absl::string_view service, const std::function<absl::Status(db::Database&)>& migrate,
    audit::AuditLogOptions audit) {
  // The key first: a server that could not audit its writes must not open its store at all.
  ASSIGN_OR_RETURN(audit::AuditKey audit_key, AuditKeyFromFlags());
  ASSIGN_OR_RETURN(audit.retention, AuditRetentionFromFlags());
  db::StoreLocation where;
  where.db = absl::GetFlag(FLAGS_db);
  if (where.db.empty()) where.db = absl::StrCat("var/", service, ".db");
  where.schema = absl::GetFlag(FLAGS_db_schema);
  if (where.schema.empty()) where.schema = std::string(service);
  if (const std::string file = absl::GetFlag(FLAGS_db_password_file); !file.empty()) {
    ASSIGN_OR_RETURN(where.password, ReadSecretFile(file, "db_password_file"));
  }
  where.max_connections = absl::GetFlag(FLAGS_db_max_connections);
  where.connect_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_db_connect_timeout_ms));
  where.statement_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_db_statement_timeout_ms));
  where.max_queued_writes = absl::GetFlag(FLAGS_db_max_queued_writes);
  ASSIGN_OR_RETURN(std::unique_ptr<db::Database> store, db::OpenDatabase(where));
  RETURN_IF_ERROR(migrate(*store));
  store->SetAuditSink(std::make_shared<audit::AuditLog>(std::move(audit_key), std::move(audit)));
  // Commit counts at start and stop let a benchmark work out the average group-commit size.
  LogEvent("db_ready")
      .Str("location", db::DescribeLocation(where))
      .Int("commits", store->commit_count())
      .Emit();
  return store;
}

absl::StatusOr<redis::RedisOptions> RedisOptionsFromFlags() {
  redis::RedisOptions options;
  options.address = absl::GetFlag(FLAGS_redis);
  options.timeout = absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms));
  options.user = absl::GetFlag(FLAGS_redis_user);
  if (const std::string file = absl::GetFlag(FLAGS_redis_password_file); !file.empty()) {
    ASSIGN_OR_RETURN(options.password, ReadSecretFile(file, "redis_password_file"));
    if (options.password.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--redis_password_file ", file, " is empty"));
    }
  } else if (!options.user.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis_user ", options.user, " needs --redis_password_file"));
  }
  return options;
}

std::unique_ptr<redis::RedisClient> RedisFromFlags() {
  absl::StatusOr<redis::RedisOptions> options = RedisOptionsFromFlags();
  if (!options.ok()) {
    LogEvent("redis_config_error", "error").Str("error", options.status().ToString()).Emit();
    return std::make_unique<redis::RedisClient>(redis::RedisOptions{});
  }
  return std::make_unique<redis::RedisClient>(*std::move(options));
}

absl::StatusOr<LiveStore> StartLiveStore(db::Database* store, absl::string_view service) {
  // Also the start-up check of the Redis flags (a bad password file stops the server here).
  ASSIGN_OR_RETURN(redis::RedisOptions redis, RedisOptionsFromFlags());
  ASSIGN_OR_RETURN(const absl::Duration audit_retention, AuditRetentionFromFlags());
  watch::FeedOptions options = watch::FeedOptionsFromFlags(service, redis);
  if (audit_retention > absl::ZeroDuration()) {
    // The audit's own retention, on the change log's compaction timer: one pass per replica,
    // each batch ordered by the audit head's lock, so replicas sharing a store do not clash.
    options.also_compact = [store]() -> absl::Status {
      ASSIGN_OR_RETURN(const int64_t removed, audit::PruneAuditLog(*store));
      if (removed > 0) LogEvent("audit_pruned").Int("removed", removed).Emit();
      return absl::OkStatus();
    };
  }
  LiveStore live;
  live.feed = std::make_unique<watch::ChangeFeed>(store, std::move(options));
  RETURN_IF_ERROR(live.feed->Start());
  watch::ChangeFeed* feed = live.feed.get();
  live.db = std::make_unique<db::CommitNotifier>(store, [feed] { feed->NotifyLocalCommit(); });
  return live;
}

absl::Status LoadPageTokenKey() {
  const std::string path = absl::GetFlag(FLAGS_page_token_key_file);
  if (path.empty()) {
    LogEvent("page_token_key").Str("source", "random, this process only").Emit();
    return absl::OkStatus();
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return absl::NotFoundError("cannot read --page_token_key_file");
  if (key.size() < 16) {
    return absl::InvalidArgumentError("--page_token_key_file must hold at least 16 bytes");
  }
  SetPageTokenKey(key);
  LogEvent("page_token_key").Str("source", path).Emit();
  return absl::OkStatus();
}

// Pings the store every `interval` and turns health NOT_SERVING while it does not answer, so
// Kubernetes takes a replica that lost its database out of the Service instead of routing calls
// to it that can only fail. Stops (and joins) when destroyed.
class StoreHealthWatch {
 public:
  StoreHealthWatch(GrpcServer* server, db::Database* store, absl::Duration interval)
      : server_(server), store_(store), interval_(interval), thread_([this] { Loop(); }) {}
  ~StoreHealthWatch() {
    stop_.Notify();
    thread_.join();
  }

 private:
  void Loop() {
    bool serving = true;
    while (!stop_.WaitForNotificationWithTimeout(interval_)) {
      absl::Status s;
      {
        // A store that accepts the question and never answers is as unavailable as one that
        // refuses it: health must not wait for it.
        CallDeadlineScope deadline(absl::Now() + std::max(interval_, absl::Seconds(2)));
        s = store_->Ping();
      }
      if (s.ok() == serving) continue;
      serving = s.ok();
      server_->SetServing(serving);
      LogEvent(serving ? "db_reachable" : "db_unreachable", serving ? "info" : "error")
          .Str("error", s.ToString())
          .Emit();
    }
  }

  GrpcServer* server_;
  db::Database* store_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

int ServeUntilSignal(GrpcServer& server, watch::ChangeFeed* feed, db::Database* store) {
  if (absl::Status s = LoadPageTokenKey(); !s.ok()) return FailStartup(s);
  if (feed != nullptr) server.OnShutdown([feed] { feed->Stop(); });
  // A networked store: read handlers wait for the database on threads of their own, one per
  // connection the store may use, instead of on gRPC's few callback threads.
  std::unique_ptr<WorkerPool> read_pool;
  if (store != nullptr && store->dialect() == db::Dialect::kPostgresql) {
    read_pool = std::make_unique<WorkerPool>(std::max(1, absl::GetFlag(FLAGS_db_max_connections)));
    SetUnaryReadPool(read_pool.get());
  }
  if (absl::Status s = server.Start(); !s.ok()) return FailStartup(s);
  std::unique_ptr<StoreHealthWatch> health;
  if (store != nullptr) {
    health = std::make_unique<StoreHealthWatch>(&server, store, absl::Seconds(1));
  }
  const int code = server.RunUntilSignal();
  health.reset();
  // Every call is finished once the server has shut down; what is still queued only finishes
  // reactors of calls already cancelled.
  SetUnaryReadPool(nullptr);
  read_pool.reset();
  if (store != nullptr) LogEvent("db_stats").Int("commits", store->commit_count()).Emit();
  LogEvent("auth_stats").Int("access_denied", AccessDeniedCount()).Emit();
  LogEvent("overload_stats")
      .Int("calls_refused", pipeline::InFlightLimit::Process().refused())
      .Emit();
  FlushLogs();
  return code;
}

}  // namespace gaoxin
