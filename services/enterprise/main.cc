// enterprise_server: serves gaoxin.enterprise.v1.EnterpriseService (default port 50052).
#include <atomic>
#include <memory>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/db/sqlite_database.h"
#include "common/log.h"
#include "common/redis/cache.h"
#include "common/redis/enterprise_directory.h"
#include "common/redis/redis_client.h"
#include "common/server.h"
#include "services/enterprise/directory_publisher.h"
#include "services/enterprise/enterprise_service.h"
#include "services/enterprise/enterprise_store.h"

ABSL_FLAG(int32_t, alert_output_drop_percent, 20,
          "OUTPUT_DROP alert when a key enterprise's monthly output fell by at least this "
          "percentage year on year (1..100)");
ABSL_FLAG(int32_t, alert_report_due_day, 10,
          "a period's report is due by this day of the following month (1..28); NOT_REPORTED after");
ABSL_FLAG(int32_t, alert_sweep_interval_s, 3600,
          "seconds between NOT_REPORTED sweeps (also run at start-up); 0 disables the sweep");
ABSL_FLAG(int32_t, alert_sweep_lookback_months, 3,
          "how many due periods back each sweep checks for missing reports");
ABSL_FLAG(int32_t, directory_republish_interval_s, 600,
          "seconds between full republishes of the enterprise directory to Redis (also at "
          "start-up); 0 = start-up only");
ABSL_FLAG(int32_t, import_batch_rows, 1000, "ImportMonthlyReports: rows per unit of work");

namespace {

int Fail(const absl::Status& status) {
  gaoxin::LogEvent("startup_failed", "error").Str("error", status.ToString()).Emit();
  gaoxin::FlushLogs();
  return 1;
}

void RepublishDirectory(gaoxin::enterprise::EnterpriseStore& store,
                        gaoxin::enterprise::DirectoryPublisher& publisher) {
  int64_t revision = 0;
  auto all = store.AllEnterprises(&revision);
  if (!all.ok()) {
    gaoxin::LogEvent("directory_republish_failed", "warn").Str("error", all.status().ToString()).Emit();
    return;
  }
  for (const auto& e : *all) publisher.Enqueue(e, revision);
}

}  // namespace

int main(int argc, char** argv) {
  gaoxin::BlockTerminationSignals();
  gaoxin::InitConfig(argc, argv, "enterprise_server");

  gaoxin::enterprise::ServiceOptions options;
  options.thresholds.output_drop_percent = absl::GetFlag(FLAGS_alert_output_drop_percent);
  options.thresholds.report_due_day = absl::GetFlag(FLAGS_alert_report_due_day);
  options.import_batch_rows = std::max(1, absl::GetFlag(FLAGS_import_batch_rows));
  if (auto s = gaoxin::enterprise::ValidateAlertThresholds(options.thresholds); !s.ok()) {
    return Fail(s);
  }

  auto auth = gaoxin::AuthenticatorFromFlags();
  if (!auth.ok()) return Fail(auth.status());

  std::string db_path = absl::GetFlag(FLAGS_db);
  if (db_path.empty()) db_path = "var/enterprise.db";
  auto db = gaoxin::db::SqliteDatabase::Open(db_path);
  if (!db.ok()) return Fail(db.status());
  if (auto s = gaoxin::enterprise::EnterpriseStore::Migrate(**db); !s.ok()) return Fail(s);
  gaoxin::LogEvent("db_ready").Int("commits", (*db)->commit_count()).Emit();

  gaoxin::redis::RedisClient redis(
      {absl::GetFlag(FLAGS_redis), absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms))});
  gaoxin::redis::Cache cache(&redis, "enterprise", absl::Seconds(absl::GetFlag(FLAGS_cache_ttl_s)));
  // The directory gets its own connection so publishing never queues behind cache reads.
  gaoxin::redis::RedisClient directory_redis(
      {absl::GetFlag(FLAGS_redis), absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms))});
  gaoxin::redis::EnterpriseDirectory directory(&directory_redis);
  gaoxin::enterprise::DirectoryPublisher publisher(&directory);

  auto clock = [] { return absl::Now(); };
  gaoxin::enterprise::EnterpriseStore store(db->get(), clock, options.thresholds);
  store.SetDirectoryHook([&publisher](const gaoxin::enterprise::v1::Enterprise& e,
                                      int64_t revision) { publisher.Enqueue(e, revision); });
  gaoxin::enterprise::EnterpriseServiceImpl service(&store, auth->get(), &cache, clock, options);

  // Maintenance: the NOT_REPORTED sweep and the directory republish, at start-up and then
  // periodically, off the request path.
  absl::Notification stop;
  std::thread maintenance([&] {
    const int sweep_s = absl::GetFlag(FLAGS_alert_sweep_interval_s);
    const int republish_s = absl::GetFlag(FLAGS_directory_republish_interval_s);
    const int lookback = absl::GetFlag(FLAGS_alert_sweep_lookback_months);
    absl::Time next_sweep = absl::Now();
    absl::Time next_republish = absl::Now();
    while (!stop.HasBeenNotified()) {
      const absl::Time now = absl::Now();
      if (next_republish <= now) {
        RepublishDirectory(store, publisher);
        next_republish = republish_s > 0 ? now + absl::Seconds(republish_s) : absl::InfiniteFuture();
      }
      if (next_sweep <= now) {
        if (sweep_s > 0) {
          absl::Notification swept;
          store.SweepNotReported(lookback, [&](absl::StatusOr<int> opened) {
            auto log = gaoxin::LogEvent("alert_sweep", opened.ok() ? "info" : "warn");
            if (opened.ok()) {
              log.Int("opened", *opened);
            } else {
              log.Str("error", opened.status().ToString());
            }
            log.Emit();
            swept.Notify();
          });
          swept.WaitForNotification();
        }
        next_sweep = sweep_s > 0 ? now + absl::Seconds(sweep_s) : absl::InfiniteFuture();
      }
      stop.WaitForNotificationWithTimeout(
          std::min(next_sweep, next_republish) - absl::Now() + absl::Milliseconds(1));
    }
  });

  gaoxin::GrpcServer server(gaoxin::ServerSettings::FromFlags(
      "gaoxin.enterprise.v1.EnterpriseService", 50052, auth->get()));
  server.AddService(&service);
  if (auto s = server.Start(); !s.ok()) {
    stop.Notify();
    maintenance.join();
    return Fail(s);
  }
  const int code = server.RunUntilSignal();
  stop.Notify();
  maintenance.join();
  gaoxin::LogEvent("db_stats")
      .Int("commits", (*db)->commit_count())
      .Int("directory_published", publisher.published())
      .Int("directory_failed", publisher.failed())
      .Emit();
  gaoxin::FlushLogs();
  return code;
}
