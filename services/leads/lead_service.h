// gaoxin.leads.v1.LeadService over gRPC: authorization, request validation and paging around
// LeadStore. Rules live in domain/, persistence in lead_store; this file only wires them.
#ifndef GAOXIN_SERVICES_LEADS_LEAD_SERVICE_H_
#define GAOXIN_SERVICES_LEADS_LEAD_SERVICE_H_

#include "common/auth.h"
#include "common/pipeline/service.h"
#include "common/redis/cache.h"
#include "common/watch/change_feed.h"
#include "common/watch/summary_reactor.h"
#include "common/watch/watch_reactor.h"
#include "gaoxin/leads/v1/leads.grpc.pb.h"
#include "services/leads/lead_store.h"

namespace gaoxin::leads {

// Every method runs through the request pipeline (common/pipeline/service.h): by the time a
// handler runs, the caller holds the method's role and the request obeys the text rules.
class LeadServiceImpl final : public pipeline::Service<v1::LeadService> {
 public:
  // `cache` may be backed by no Redis at all.
  LeadServiceImpl(LeadStore* store, const Authenticator* auth, redis::Cache* cache,
                  watch::ChangeFeed* feed, LeadStore::Clock clock,
                  watch::WatchOptions watch_options = {},
                  watch::SummaryOptions summary_options = {});

  grpc::ServerUnaryReactor* CreateLead(grpc::CallbackServerContext* ctx,
                                       const v1::CreateLeadRequest* request,
                                       v1::Lead* response) override;
  grpc::ServerUnaryReactor* GetLead(grpc::CallbackServerContext* ctx,
                                    const v1::GetLeadRequest* request, v1::Lead* response) override;
  grpc::ServerUnaryReactor* ListLeads(grpc::CallbackServerContext* ctx,
                                      const v1::ListLeadsRequest* request,
                                      v1::ListLeadsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLead(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateLeadRequest* request,
                                       v1::Lead* response) override;
  grpc::ServerUnaryReactor* TransitionLead(grpc::CallbackServerContext* ctx,
                                           const v1::TransitionLeadRequest* request,
                                           v1::Lead* response) override;
  grpc::ServerUnaryReactor* RecordFunding(grpc::CallbackServerContext* ctx,
                                          const v1::RecordFundingRequest* request,
                                          v1::Funding* response) override;
  grpc::ServerUnaryReactor* ListFundings(grpc::CallbackServerContext* ctx,
                                         const v1::ListFundingsRequest* request,
                                         v1::ListFundingsResponse* response) override;
  grpc::ServerUnaryReactor* CreateIdleAsset(grpc::CallbackServerContext* ctx,
                                            const v1::CreateIdleAssetRequest* request,
                                            v1::IdleAsset* response) override;
  grpc::ServerUnaryReactor* GetIdleAsset(grpc::CallbackServerContext* ctx,
                                         const v1::GetIdleAssetRequest* request,
                                         v1::IdleAsset* response) override;
  grpc::ServerUnaryReactor* RevitalizeIdleAsset(grpc::CallbackServerContext* ctx,
                                                const v1::RevitalizeIdleAssetRequest* request,
                                                v1::IdleAsset* response) override;
  grpc::ServerUnaryReactor* ListIdleAssets(grpc::CallbackServerContext* ctx,
                                           const v1::ListIdleAssetsRequest* request,
                                           v1::ListIdleAssetsResponse* response) override;
  grpc::ServerUnaryReactor* CreateAgent(grpc::CallbackServerContext* ctx,
                                        const v1::CreateAgentRequest* request,
                                        v1::Agent* response) override;
  grpc::ServerUnaryReactor* GetAgent(grpc::CallbackServerContext* ctx,
                                     const v1::GetAgentRequest* request,
                                     v1::Agent* response) override;
  grpc::ServerUnaryReactor* ListAgents(grpc::CallbackServerContext* ctx,
                                       const v1::ListAgentsRequest* request,
                                       v1::ListAgentsResponse* response) override;
  grpc::ServerUnaryReactor* OpenTicket(grpc::CallbackServerContext* ctx,
                                       const v1::OpenTicketRequest* request,
                                       v1::Ticket* response) override;
  grpc::ServerUnaryReactor* GetTicket(grpc::CallbackServerContext* ctx,
                                      const v1::GetTicketRequest* request,
                                      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ResolveTicket(grpc::CallbackServerContext* ctx,
                                          const v1::ResolveTicketRequest* request,
                                          v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListTickets(grpc::CallbackServerContext* ctx,
                                        const v1::ListTicketsRequest* request,
                                        v1::ListTicketsResponse* response) override;
  grpc::ServerUnaryReactor* GetYearSummary(grpc::CallbackServerContext* ctx,
                                           const v1::GetYearSummaryRequest* request,
                                           v1::YearSummary* response) override;
  grpc::ServerUnaryReactor* ListAuditRecords(
      grpc::CallbackServerContext* ctx, const audit::v1::ListAuditRecordsRequest* request,
      audit::v1::ListAuditRecordsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchLeadsResponse>* WatchLeads(
      grpc::CallbackServerContext* ctx, const v1::WatchLeadsRequest* request) override;
  grpc::ServerWriteReactor<v1::YearSummary>* StreamYearSummary(
      grpc::CallbackServerContext* ctx, const v1::StreamYearSummaryRequest* request) override;

 private:
  absl::CivilDay Today() const;
  absl::StatusOr<v1::YearSummary> YearSummary(int year);

  LeadStore* store_;
  redis::Cache* cache_;
  watch::ChangeFeed* feed_;
  LeadStore::Clock clock_;
  watch::WatchOptions watch_options_;
  watch::SummaryOptions summary_options_;
};

}  // namespace gaoxin::leads

#endif  // GAOXIN_SERVICES_LEADS_LEAD_SERVICE_H_
