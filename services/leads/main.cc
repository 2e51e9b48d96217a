// leads_server: serves gaoxin.leads.v1.LeadService (default port 50051).
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/redis/cache.h"
#include "common/server.h"
#include "common/service_main.h"
#include "common/watch/watch_flags.h"
#include "services/leads/lead_service.h"
#include "services/leads/lead_store.h"

int main(int argc, char** argv) {
  gaoxin::BlockTerminationSignals();
  gaoxin::InitConfig(argc, argv, "leads_server");

  auto auth = gaoxin::AuthenticatorFromFlags();
  if (!auth.ok()) return gaoxin::FailStartup(auth.status());
  auto store_db = gaoxin::OpenStore("leads", &gaoxin::leads::LeadStore::Migrate);
  if (!store_db.ok()) return gaoxin::FailStartup(store_db.status());
  auto live = gaoxin::StartLiveStore(store_db->get(), "leads");
  if (!live.ok()) return gaoxin::FailStartup(live.status());

  auto redis = gaoxin::RedisFromFlags();
  gaoxin::redis::Cache cache(redis.get(), "leads", absl::Seconds(absl::GetFlag(FLAGS_cache_ttl_s)));

  auto clock = [] { return absl::Now(); };
  gaoxin::leads::LeadStore store(live->db.get(), clock);
  gaoxin::leads::LeadServiceImpl service(&store, auth->get(), &cache, live->feed.get(), clock,
                                         gaoxin::watch::WatchOptionsFromFlags(),
                                         gaoxin::watch::SummaryOptionsFromFlags());

  gaoxin::GrpcServer server(
      gaoxin::ServerSettings::FromFlags("gaoxin.leads.v1.LeadService", 50051, auth->get()));
  server.AddService(&service);
  return gaoxin::ServeUntilSignal(server, live->feed.get(), store_db->get());
}
