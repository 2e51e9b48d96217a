// Where leads, funds arrived, idle assets, agents and tickets are kept. Writes are asynchronous
// (group-committed, see common/db/database.h) and run the domain rules inside the write
// transaction, so each rule sees the resource exactly as stored; reads are synchronous snapshots.
#ifndef GAOXIN_SERVICES_LEADS_LEAD_STORE_H_
#define GAOXIN_SERVICES_LEADS_LEAD_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/common_tables.h"
#include "common/db/database.h"
#include "common/db/resource_table.h"
#include "common/pagination.h"
#include "gaoxin/leads/v1/leads.pb.h"
#include "services/leads/domain/lead_rules.h"
#include "services/leads/domain/year_summary.h"

namespace gaoxin::leads {

template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;

struct LeadFilter {
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_UNSPECIFIED;
  v1::LeadSource source = v1::LEAD_SOURCE_UNSPECIFIED;
  std::string agent_id;
  // With batch: the batch's year (see v1::ListLeadsRequest).
  int year = 0;
  v1::Batch batch = v1::BATCH_UNSPECIFIED;
};

class LeadStore {
 public:
  using Clock = std::function<absl::Time()>;

  LeadStore(db::Database* db, Clock clock);
  // Creates or upgrades the schema.
  static absl::Status Migrate(db::Database& db);

  // `lead` has passed ValidateCreate. Idempotent per request_id.
  void CreateLead(v1::CreateLeadRequest request, std::string principal, db::RequestKey request_key,
                  Done<v1::Lead> done);
  // `revision`, when given, gets the store revision of the same snapshot.
  absl::StatusOr<v1::Lead> GetLead(const std::string& id, int64_t* revision = nullptr);
  absl::StatusOr<db::ResourcePage<v1::Lead>> ListLeads(const LeadFilter& filter, const Page& page,
                                                       int64_t* revision);
  void UpdateLead(v1::UpdateLeadRequest request, Done<v1::Lead> done);
  void TransitionLead(std::string id, StageMove move, std::string etag, Done<v1::Lead> done);

  void RecordFunding(v1::Funding funding, db::RequestKey request_key, Done<v1::Funding> done);
  absl::StatusOr<db::ResourcePage<v1::Funding>> ListFundings(const std::string& lead_id, int year,
                                                             const Page& page);

  void CreateIdleAsset(v1::IdleAsset asset, db::RequestKey request_key, Done<v1::IdleAsset> done);
  absl::StatusOr<v1::IdleAsset> GetIdleAsset(const std::string& id, int64_t* revision = nullptr);
  void RevitalizeIdleAsset(v1::RevitalizeIdleAssetRequest request, Done<v1::IdleAsset> done);
  absl::StatusOr<db::ResourcePage<v1::IdleAsset>> ListIdleAssets(v1::IdleAssetStatus status,
                                                                 int year, const Page& page);

  void CreateAgent(v1::Agent agent, db::RequestKey request_key, Done<v1::Agent> done);
  absl::StatusOr<v1::Agent> GetAgent(const std::string& id, int64_t* revision = nullptr);
  absl::StatusOr<db::ResourcePage<v1::Agent>> ListAgents(const Page& page);

  void OpenTicket(v1::Ticket ticket, db::RequestKey request_key, Done<v1::Ticket> done);
  absl::StatusOr<v1::Ticket> GetTicket(const std::string& id, int64_t* revision = nullptr);
  void ResolveTicket(v1::ResolveTicketRequest request, Done<v1::Ticket> done);
  absl::StatusOr<db::ResourcePage<v1::Ticket>> ListTickets(const std::string& agent_id,
                                                           v1::TicketStatus status,
                                                           const Page& page);

  // Streams what `year`'s summary counts (every lead, the fundings of year and year - 1, the
  // year's idle assets) through `builder` in one snapshot, a chunk of rows at a time, and returns
  // that snapshot's revision.
  absl::StatusOr<int64_t> FoldSummaryInputs(int year, YearSummaryBuilder* builder);
  // The store itself, for what every service reads the same way (the audit log).
  db::Database* database() const { return db_; }
  absl::StatusOr<int64_t> CurrentRevision();

 private:
  // Inserts a resource created with a request_id once: a retry returns what the first created.
  template <typename T>
  void CreateOnce(const db::ResourceTable<T>& table, absl::string_view method, T item,
                  db::RequestKey request_key, std::function<absl::Status(db::Transaction&)> check,
                  Done<T> done);
  absl::Status SaveLeadYears(db::Transaction& tx, const v1::Lead& lead);
  // One page of the leads in filter.batch, matching `where` too.
  absl::StatusOr<db::ResourcePage<v1::Lead>> ListBatch(db::Transaction& tx,
                                                       const LeadFilter& filter,
                                                       const std::string& where,
                                                       const std::vector<db::SqlValue>& params,
                                                       const Page& page);
  google::protobuf::Timestamp Now() const;

  db::Database* db_;
  Clock clock_;
  db::ResourceTable<v1::Lead> leads_;
  db::ResourceTable<v1::Funding> fundings_;
  db::ResourceTable<v1::IdleAsset> idle_assets_;
  db::ResourceTable<v1::Agent> agents_;
  db::ResourceTable<v1::Ticket> tickets_;
};

}  // namespace gaoxin::leads

#endif  // GAOXIN_SERVICES_LEADS_LEAD_STORE_H_
