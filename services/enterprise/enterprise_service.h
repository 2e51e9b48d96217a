// gaoxin.enterprise.v1.EnterpriseService over gRPC: authorization, request validation, paging,
// the bulk-import stream around EnterpriseStore, and the live streams (WatchEnterprises,
// WatchAlerts, StreamIndustryStructure) over the store's change feed. Rules live in domain/,
// persistence in enterprise_store; this file only wires them.
#ifndef GAOXIN_SERVICES_ENTERPRISE_ENTERPRISE_SERVICE_H_
#define GAOXIN_SERVICES_ENTERPRISE_ENTERPRISE_SERVICE_H_

#include "common/auth.h"
#include "common/pipeline/service.h"
#include "common/redis/cache.h"
#include "common/watch/change_feed.h"
#include "common/watch/summary_reactor.h"
#include "common/watch/watch_reactor.h"
#include "gaoxin/enterprise/v1/enterprise.grpc.pb.h"
#include "services/enterprise/enterprise_store.h"

namespace gaoxin::enterprise {

struct ServiceOptions {
  AlertThresholds thresholds;
  CultivationConfig cultivation;
  // Rows per unit of work of ImportMonthlyReports.
  int import_batch_rows = 1000;
  // Import batches written concurrently before the stream stops reading (back-pressure).
  int import_max_in_flight = 8;
  // Row errors returned at most (all are counted in rows_rejected).
  int import_max_errors = 10000;
  // Watch streams (progress interval, batch size) and dashboard streams (rate).
  watch::WatchOptions watch;
  watch::SummaryOptions summary;
};

// Every method runs through the request pipeline (common/pipeline/service.h).
class EnterpriseServiceImpl final : public pipeline::Service<v1::EnterpriseService> {
 public:
  // `cache` may be backed by no Redis at all. `feed` is the started change feed of the store
  // `store` writes through (StartLiveStore).
  EnterpriseServiceImpl(EnterpriseStore* store, const Authenticator* auth, redis::Cache* cache,
                        watch::ChangeFeed* feed, EnterpriseStore::Clock clock,
                        ServiceOptions options);

  grpc::ServerUnaryReactor* CreateEnterprise(grpc::CallbackServerContext* ctx,
                                             const v1::CreateEnterpriseRequest* request,
                                             v1::Enterprise* response) override;
  grpc::ServerUnaryReactor* GetEnterprise(grpc::CallbackServerContext* ctx,
                                          const v1::GetEnterpriseRequest* request,
                                          v1::Enterprise* response) override;
  grpc::ServerUnaryReactor* ListEnterprises(grpc::CallbackServerContext* ctx,
                                            const v1::ListEnterprisesRequest* request,
                                            v1::ListEnterprisesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateEnterprise(grpc::CallbackServerContext* ctx,
                                             const v1::UpdateEnterpriseRequest* request,
                                             v1::Enterprise* response) override;
  grpc::ServerUnaryReactor* SubmitMonthlyReport(grpc::CallbackServerContext* ctx,
                                                const v1::SubmitMonthlyReportRequest* request,
                                                v1::MonthlyReport* response) override;
  // ImportMonthlyReports: reads raw rows (see pipeline::Service::ClientStream).
  grpc::ServerReadReactor<grpc::ByteBuffer>* ImportMonthlyReportsStream(
      grpc::CallbackServerContext* ctx, v1::ImportMonthlyReportsResponse* response);
  grpc::ServerUnaryReactor* ListMonthlyReports(grpc::CallbackServerContext* ctx,
                                               const v1::ListMonthlyReportsRequest* request,
                                               v1::ListMonthlyReportsResponse* response) override;
  grpc::ServerUnaryReactor* GetEnterpriseTrend(grpc::CallbackServerContext* ctx,
                                               const v1::GetEnterpriseTrendRequest* request,
                                               v1::EnterpriseTrend* response) override;
  grpc::ServerUnaryReactor* GetIndustryStructure(grpc::CallbackServerContext* ctx,
                                                 const v1::GetIndustryStructureRequest* request,
                                                 v1::IndustryStructure* response) override;
  grpc::ServerUnaryReactor* RecordIndicator(grpc::CallbackServerContext* ctx,
                                            const v1::RecordIndicatorRequest* request,
                                            v1::IndicatorRecord* response) override;
  grpc::ServerUnaryReactor* GetZoneIndicators(grpc::CallbackServerContext* ctx,
                                              const v1::GetZoneIndicatorsRequest* request,
                                              v1::ZoneIndicators* response) override;
  grpc::ServerUnaryReactor* GetAlert(grpc::CallbackServerContext* ctx,
                                     const v1::GetAlertRequest* request,
                                     v1::Alert* response) override;
  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext* ctx,
                                       const v1::ListAlertsRequest* request,
                                       v1::ListAlertsResponse* response) override;
  grpc::ServerUnaryReactor* AcknowledgeAlert(grpc::CallbackServerContext* ctx,
                                             const v1::AcknowledgeAlertRequest* request,
                                             v1::Alert* response) override;
  grpc::ServerUnaryReactor* ResolveAlert(grpc::CallbackServerContext* ctx,
                                         const v1::ResolveAlertRequest* request,
                                         v1::Alert* response) override;
  grpc::ServerUnaryReactor* ListAuditRecords(
      grpc::CallbackServerContext* ctx, const audit::v1::ListAuditRecordsRequest* request,
      audit::v1::ListAuditRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ListCultivationCandidates(
      grpc::CallbackServerContext* ctx, const v1::ListCultivationCandidatesRequest* request,
      v1::ListCultivationCandidatesResponse* response) override;

  grpc::ServerWriteReactor<v1::WatchEnterprisesResponse>* WatchEnterprises(
      grpc::CallbackServerContext* ctx, const v1::WatchEnterprisesRequest* request) override;
  grpc::ServerWriteReactor<v1::WatchAlertsResponse>* WatchAlerts(
      grpc::CallbackServerContext* ctx, const v1::WatchAlertsRequest* request) override;
  grpc::ServerWriteReactor<v1::IndustryStructure>* StreamIndustryStructure(
      grpc::CallbackServerContext* ctx, const v1::StreamIndustryStructureRequest* request) override;

 private:
  absl::CivilDay Today() const;
  // The structure of `year` through `through_month`, tagged with its revision; cached in Redis
  // under the store revision, so a cached one is never stale.
  absl::StatusOr<v1::IndustryStructure> IndustryStructureOf(int year, int through_month);

  EnterpriseStore* store_;
  redis::Cache* cache_;
  watch::ChangeFeed* feed_;
  EnterpriseStore::Clock clock_;
  ServiceOptions options_;
};

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_ENTERPRISE_SERVICE_H_
