// enterprise_server: serves gaoxin.enterprise.v1.EnterpriseService (default port 50052).
#include <atomic>
#include <memory>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/redis/cache.h"
#include "common/redis/enterprise_directory.h"
#include "common/server.h"
#include "common/service_main.h"
#include "common/status_macros.h"
#include "common/watch/watch_flags.h"
#include "services/enterprise/directory_publisher.h"
#include "services/enterprise/enterprise_service.h"
#include "services/enterprise/enterprise_store.h"
#include "services/enterprise/leads_consumer.h"

ABSL_FLAG(int32_t, alert_output_drop_percent, 20,
          "OUTPUT_DROP alert when a key enterprise's monthly output fell by at least this "
          "percentage year on year (1..100)");
ABSL_FLAG(
    int32_t, alert_report_due_day, 10,
    "a period's report is due by this day of the following month (1..28); NOT_REPORTED after");
ABSL_FLAG(int32_t, alert_sweep_interval_s, 3600,
          "seconds between NOT_REPORTED sweeps (also run at start-up); 0 disables the sweep");
ABSL_FLAG(int32_t, alert_sweep_lookback_months, 3,
          "how many due periods back each sweep checks for missing reports");
ABSL_FLAG(int32_t, directory_republish_interval_s, 600,
          "seconds between full republishes of the enterprise directory to Redis (also at "
          "start-up); 0 = start-up only");
ABSL_FLAG(int32_t, import_batch_rows, 1000, "ImportMonthlyReports: rows per unit of work");
ABSL_FLAG(std::string, leads_addr, "",
          "leads service to follow for leads reaching ABOVE_SCALE (入规), which become above-scale "
          "enterprises here; empty = do not follow");
ABSL_FLAG(std::string, leads_token, "",
          "bearer token (role leads.reader) for following the leads service; prefer the "
          "environment twin GAOXIN_LEADS_TOKEN, or --leads_token_file");
ABSL_FLAG(std::string, leads_token_file, "",
          "file holding the token for following the leads service (a mounted Secret)");

namespace {

void RepublishDirectory(gaoxin::enterprise::EnterpriseStore& store,
                        gaoxin::enterprise::DirectoryPublisher& publisher) {
  int64_t revision = 0;
  auto all = store.AllEnterprises(&revision);
  if (!all.ok()) {
    gaoxin::LogEvent("directory_republish_failed", "warn")
        .Str("error", all.status().ToString())
        .Emit();
    return;
  }
  for (const auto& e : *all) publisher.Enqueue(e, revision);
}

// The NOT_REPORTED sweep and the directory republish, at start-up and then periodically, on a
// thread of their own; stopped and joined when main returns.
class Maintenance {
 public:
  Maintenance(gaoxin::enterprise::EnterpriseStore* store,
              gaoxin::enterprise::DirectoryPublisher* publisher)
      : thread_([this, store, publisher] { Loop(*store, *publisher); }) {}
  ~Maintenance() {
    stop_.Notify();
    thread_.join();
  }

 private:
  void Loop(gaoxin::enterprise::EnterpriseStore& store,
            gaoxin::enterprise::DirectoryPublisher& publisher) {
    const int sweep_s = absl::GetFlag(FLAGS_alert_sweep_interval_s);
    const int republish_s = absl::GetFlag(FLAGS_directory_republish_interval_s);
    const int lookback = absl::GetFlag(FLAGS_alert_sweep_lookback_months);
    absl::Time next_sweep = absl::Now();
    absl::Time next_republish = absl::Now();
    while (!stop_.HasBeenNotified()) {
      const absl::Time now = absl::Now();
      if (next_republish <= now) {
        RepublishDirectory(store, publisher);
        next_republish =
            republish_s > 0 ? now + absl::Seconds(republish_s) : absl::InfiniteFuture();
      }
      if (next_sweep <= now) {
        if (sweep_s > 0) {
          absl::Notification swept;
          // The alerts the sweep opens are in the audit chain, as the sweep's.
          const gaoxin::db::AuditCall sweep_call{"system:alert-sweep", "",
                                                 "internal:SweepNotReported", ""};
          gaoxin::db::AuditCallScope audit(&sweep_call);
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
      stop_.WaitForNotificationWithTimeout(std::min(next_sweep, next_republish) - absl::Now() +
                                           absl::Milliseconds(1));
    }
  }

  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  gaoxin::BlockTerminationSignals();
  gaoxin::InitConfig(argc, argv, "enterprise_server");

  gaoxin::enterprise::ServiceOptions options;
  options.thresholds.output_drop_percent = absl::GetFlag(FLAGS_alert_output_drop_percent);
  options.thresholds.report_due_day = absl::GetFlag(FLAGS_alert_report_due_day);
  options.import_batch_rows = std::max(1, absl::GetFlag(FLAGS_import_batch_rows));
  options.watch = gaoxin::watch::WatchOptionsFromFlags();
  options.summary = gaoxin::watch::SummaryOptionsFromFlags();
  if (auto s = gaoxin::enterprise::ValidateAlertThresholds(options.thresholds); !s.ok()) {
    return gaoxin::FailStartup(s);
  }

  auto auth = gaoxin::AuthenticatorFromFlags();
  if (!auth.ok()) return gaoxin::FailStartup(auth.status());
  auto leads_token = gaoxin::SecretFromFlags(absl::GetFlag(FLAGS_leads_token),
                                             absl::GetFlag(FLAGS_leads_token_file), "leads_token");
  if (!leads_token.ok()) return gaoxin::FailStartup(leads_token.status());
  auto db = gaoxin::OpenStore("enterprise", [](gaoxin::db::Database& d) -> absl::Status {
    RETURN_IF_ERROR(gaoxin::enterprise::EnterpriseStore::Migrate(d));
    return gaoxin::enterprise::LeadsConsumer::Migrate(d);
  });
  if (!db.ok()) return gaoxin::FailStartup(db.status());
  // Every write (the store's and the leads consumer's) goes through live->db, so the change feed
  // hears of each commit at once; Watch and dashboard streams read the feed.
  auto live = gaoxin::StartLiveStore(db->get(), "enterprise");
  if (!live.ok()) return gaoxin::FailStartup(live.status());

  auto redis = gaoxin::RedisFromFlags();
  gaoxin::redis::Cache cache(redis.get(), "enterprise",
                             absl::Seconds(absl::GetFlag(FLAGS_cache_ttl_s)));
  // The directory gets its own connection so publishing never queues behind cache reads.
  auto directory_redis = gaoxin::RedisFromFlags();
  gaoxin::redis::EnterpriseDirectory directory(directory_redis.get());
  gaoxin::enterprise::DirectoryPublisher publisher(&directory);

  auto clock = [] { return absl::Now(); };
  gaoxin::enterprise::EnterpriseStore store(live->db.get(), clock, options.thresholds);
  store.SetDirectoryHook([&publisher](const gaoxin::enterprise::v1::Enterprise& e,
                                      int64_t revision) { publisher.Enqueue(e, revision); });
  gaoxin::enterprise::EnterpriseServiceImpl service(&store, auth->get(), &cache, live->feed.get(),
                                                    clock, options);
  Maintenance maintenance(&store, &publisher);
  // Leads reaching 入规 become above-scale enterprises here (at least once, idempotent).
  gaoxin::enterprise::LeadsConsumer leads_consumer(live->db.get(), &store,
                                                   {absl::GetFlag(FLAGS_leads_addr), *leads_token});
  leads_consumer.Start();

  gaoxin::GrpcServer server(gaoxin::ServerSettings::FromFlags(
      "gaoxin.enterprise.v1.EnterpriseService", 50052, auth->get()));
  server.AddService(&service);
  const int code = gaoxin::ServeUntilSignal(server, live->feed.get(), db->get());
  gaoxin::LogEvent("directory_stats")
      .Int("published", publisher.published())
      .Int("failed", publisher.failed())
      .Emit();
  return code;
}
