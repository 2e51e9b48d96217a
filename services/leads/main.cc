// leads_server: serves gaoxin.leads.v1.LeadService (default port 50051).
#include <memory>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/db/commit_notifier.h"
#include "common/db/sqlite_database.h"
#include "common/log.h"
#include "common/redis/cache.h"
#include "common/redis/redis_client.h"
#include "common/server.h"
#include "common/watch/change_feed.h"
#include "common/watch/watch_flags.h"
#include "services/leads/lead_service.h"
#include "services/leads/lead_store.h"

namespace {

int Fail(const absl::Status& status) {
  gaoxin::LogEvent("startup_failed", "error").Str("error", status.ToString()).Emit();
  gaoxin::FlushLogs();
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  gaoxin::BlockTerminationSignals();
  gaoxin::InitConfig(argc, argv, "leads_server");

  auto auth = gaoxin::AuthenticatorFromFlags();
  if (!auth.ok()) return Fail(auth.status());

  std::string db_path = absl::GetFlag(FLAGS_db);
  if (db_path.empty()) db_path = "var/leads.db";
  auto db = gaoxin::db::SqliteDatabase::Open(db_path);
  if (!db.ok()) return Fail(db.status());
  if (auto s = gaoxin::leads::LeadStore::Migrate(**db); !s.ok()) return Fail(s);
  // Commit counts at start and stop let a benchmark work out the average group-commit size.
  gaoxin::LogEvent("db_ready").Int("commits", (*db)->commit_count()).Emit();

  gaoxin::redis::RedisClient redis(
      {absl::GetFlag(FLAGS_redis), absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms))});
  gaoxin::redis::Cache cache(&redis, "leads", absl::Seconds(absl::GetFlag(FLAGS_cache_ttl_s)));

  // Every change goes to the change log; the feed tails it for Watch and dashboard streams.
  gaoxin::watch::ChangeFeed feed(db->get(), gaoxin::watch::FeedOptionsFromFlags("leads"));
  if (auto s = feed.Start(); !s.ok()) return Fail(s);
  gaoxin::db::CommitNotifier notifying_db(db->get(), [&feed] { feed.NotifyLocalCommit(); });

  auto clock = [] { return absl::Now(); };
  gaoxin::leads::LeadStore store(&notifying_db, clock);
  gaoxin::leads::LeadServiceImpl service(&store, auth->get(), &cache, &feed, clock,
                                         gaoxin::watch::WatchOptionsFromFlags(),
                                         gaoxin::watch::SummaryOptionsFromFlags());

  gaoxin::GrpcServer server(
      gaoxin::ServerSettings::FromFlags("gaoxin.leads.v1.LeadService", 50051, auth->get()));
  server.AddService(&service);
  server.OnShutdown([&feed] { feed.Stop(); });
  if (auto s = server.Start(); !s.ok()) return Fail(s);
  const int code = server.RunUntilSignal();
  gaoxin::LogEvent("db_stats").Int("commits", (*db)->commit_count()).Emit();
  gaoxin::FlushLogs();
  return code;
}
