// Carries 入规 from the leads service into enterprise monitoring: watches LeadService.WatchLeads
// (stage ABOVE_SCALE) from a cursor persisted in this service's store, and creates the enterprise
// or marks it above scale. At least once, idempotent: the cursor advances only after a change is
// applied, and applying one twice changes nothing, so an outage of either service delays the
// update but never loses or doubles it.
//
//   LeadsConsumer consumer(store_db, &enterprises, {.leads_addr = "leads:50051", .token = t});
//   consumer.Start();   // a thread; Stop() (or the destructor) ends it
#ifndef GAOXIN_SERVICES_ENTERPRISE_LEADS_CONSUMER_H_
#define GAOXIN_SERVICES_ENTERPRISE_LEADS_CONSUMER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/db/database.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "services/enterprise/enterprise_store.h"

namespace gaoxin::enterprise {

// Who the write audit records as making the follower's promotions.
inline constexpr char kLeadsFollowerPrincipal[] = "system:leads-follower";

class LeadsConsumer {
 public:
  struct Options {
    std::string leads_addr;  // empty: the consumer does not run
    std::string token;       // needs leads.reader
    std::string name = "leads-above-scale";
  };

  LeadsConsumer(db::Database* db, EnterpriseStore* store, Options options);
  ~LeadsConsumer();

  static absl::Status Migrate(db::Database& db);

  void Start();
  void Stop();

  // Applies one lead's state (exposed for tests and the re-list after OUT_OF_RANGE).
  absl::Status Apply(const leads::v1::Lead& lead);
  absl::StatusOr<int64_t> LoadCursor();
  absl::Status SaveCursor(int64_t revision);

 private:
  void Run();
  absl::StatusOr<int64_t> Relist();

  db::Database* db_;
  EnterpriseStore* store_;
  Options options_;
  std::unique_ptr<leads::v1::LeadService::Stub> stub_;
  std::atomic<bool> stopping_{false};
  absl::Mutex active_mu_;
  grpc::ClientContext* active_ ABSL_GUARDED_BY(active_mu_) = nullptr;
  std::thread thread_;
};

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_LEADS_CONSUMER_H_
