// What every server's main() does around its own wiring, written once: fail start-up with a
// logged reason, open and migrate the store named by --db, connect Redis, start the change feed
// with a store view that tells it of each commit, and serve until SIGTERM/SIGINT.
//
//   int main(int argc, char** argv) {
//     gaoxin::BlockTerminationSignals();
//     gaoxin::InitConfig(argc, argv, "leads_server");
//     auto auth = gaoxin::AuthenticatorFromFlags();
//     if (!auth.ok()) return gaoxin::FailStartup(auth.status());
//     auto store = gaoxin::OpenStore("leads", &LeadStore::Migrate);
//     ...
//     auto live = gaoxin::StartLiveStore(store->get(), "leads");
//     LeadStore leads(live->db.get(), clock);
//     ...
//     return gaoxin::ServeUntilSignal(server, live->feed.get(), store->get());
//   }
#ifndef GAOXIN_COMMON_SERVICE_MAIN_H_
#define GAOXIN_COMMON_SERVICE_MAIN_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/audit/audit_chain.h"
#include "common/audit/audit_log.h"
#include "common/db/commit_notifier.h"
#include "common/db/database.h"
#include "common/redis/redis_client.h"
#include "common/server.h"
#include "common/watch/change_feed.h"

namespace gaoxin {

// Logs why start-up failed; returns the exit code 1.
int FailStartup(const absl::Status& status);

// The store at --db (default var/<service>.db; a postgresql:// URI opens PostgreSQL, in schema
// --db_schema, default `service`), with `migrate` applied and the write audit on (its key from
// --audit_key_file; `audit` says how to diff and seal what is audited).
absl::StatusOr<std::unique_ptr<db::Database>> OpenStore(
    absl::string_view service, const std::function<absl::Status(db::Database&)>& migrate,
    audit::AuditLogOptions audit = {});

// The key of --audit_key_file. FAILED_PRECONDITION when the flag is empty or names the same file
// as --pii_key_file; NOT_FOUND when unreadable; INVALID_ARGUMENT when short or not hex.
absl::StatusOr<audit::AuditKey> AuditKeyFromFlags();

// The write audit's retention: --audit_retention_s_for_testing seconds when above 0, else
// --audit_retention_days (0 = forever). INVALID_ARGUMENT for a negative value.
absl::StatusOr<absl::Duration> AuditRetentionFromFlags();

// The contents of a secret file (a password, a token), without the trailing newline.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path, absl::string_view flag);
// A secret given either as a flag's value or as the file its <flag>_file twin names (the form
// for Kubernetes Secrets mounted as files); both is an error.
absl::StatusOr<std::string> SecretFromFlags(const std::string& value, const std::string& file,
                                            absl::string_view flag);

// --redis, --redis_timeout_ms, --redis_user and the password in --redis_password_file. An
// unreadable or empty password file, or a user without one, is an error.
absl::StatusOr<redis::RedisOptions> RedisOptionsFromFlags();

// Redis at --redis (disabled when empty), as RedisOptionsFromFlags says. StartLiveStore, which
// every server calls first, fails start-up on a bad --redis_password_file; should the file have
// gone since, this logs why and returns a disabled client (the services work without Redis).
std::unique_ptr<redis::RedisClient> RedisFromFlags();

// A started change feed over `store` and the view of `store` services must write through, so
// the feed hears of every local commit at once. The feed's compaction timer also runs the write
// audit's retention pass (audit::PruneAuditLog) when a retention is set.
struct LiveStore {
  std::unique_ptr<watch::ChangeFeed> feed;
  std::unique_ptr<db::CommitNotifier> db;
};
absl::StatusOr<LiveStore> StartLiveStore(db::Database* store, absl::string_view service);

// Starts `server`, ends watch streams (feed) first on shutdown, waits for SIGTERM/SIGINT and
// drains. While it serves, health follows store->Ping() (NOT_SERVING while the database is
// unreachable). Returns the process exit code.
int ServeUntilSignal(GrpcServer& server, watch::ChangeFeed* feed, db::Database* store);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_SERVICE_MAIN_H_
