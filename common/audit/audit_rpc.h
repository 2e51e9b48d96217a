// ListAuditRecords, written once for every service: the filters checked (each bad one is
// INVALID_ARGUMENT naming its field), the page the pipeline parsed, the records in sequence order
// and the log's head, all read in one snapshot of the service's store.
//
//   grpc::ServerUnaryReactor* ListAuditRecords(grpc::CallbackServerContext* ctx,
//                                              const audit::v1::ListAuditRecordsRequest* req,
//                                              audit::v1::ListAuditRecordsResponse* resp) {
//     return audit::ServeListAuditRecords(ctx, store_->database(), req, resp);
//   }
#ifndef GAOXIN_COMMON_AUDIT_AUDIT_RPC_H_
#define GAOXIN_COMMON_AUDIT_AUDIT_RPC_H_

#include "absl/status/statusor.h"
#include "common/audit/audit_log.h"
#include "common/db/database.h"
#include "common/pipeline/service.h"
#include "gaoxin/audit/v1/audit.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace gaoxin::audit {

// The filter of a request; INVALID_ARGUMENT naming start_time/end_time for a time outside
// 0001..9999 or with bad nanos, and end_time for a range that ends before it starts.
absl::StatusOr<AuditFilter> FilterFromRequest(const v1::ListAuditRecordsRequest& request);
// The time bounds alone (`start`/`end` may be null: open).
absl::Status ParseTimeRange(const google::protobuf::Timestamp* start,
                            const google::protobuf::Timestamp* end, AuditFilter* filter);

// Reads a page of `filter` (and the head) after the pipeline's page key, in one snapshot.
absl::StatusOr<AuditPage> ReadAuditPage(db::Database& db, const AuditFilter& filter,
                                        const grpc::ServerContextBase* ctx);

// Everything of a ListAuditRecords response but its records: the next page token, the head and
// the retention anchor. Shared by the common response and petition's own (wire-compatible) one.
template <typename Response>
void SetPageTail(const grpc::ServerContextBase* ctx, const AuditPage& page, Response* response) {
  if (!page.next_after_key.empty()) {
    response->set_next_page_token(pipeline::NextPageToken(ctx, page.next_after_key));
  }
  response->set_head_sequence(page.head_sequence);
  response->set_head_mac(page.head_mac);
  response->set_anchor_sequence(page.anchor_sequence);
  response->set_anchor_mac(page.anchor_mac);
}

grpc::ServerUnaryReactor* ServeListAuditRecords(grpc::CallbackServerContext* ctx, db::Database* db,
                                                const v1::ListAuditRecordsRequest* request,
                                                v1::ListAuditRecordsResponse* response);

}  // namespace gaoxin::audit

#endif  // GAOXIN_COMMON_AUDIT_AUDIT_RPC_H_
