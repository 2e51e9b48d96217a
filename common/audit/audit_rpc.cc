#include "common/audit/audit_rpc.h"

#include "common/errors.h"
#include "common/pipeline/service.h"
#include "common/rpc.h"
#include "common/status_macros.h"

namespace gaoxin::audit {
namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of google.protobuf.Timestamp.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

absl::StatusOr<absl::Time> TimeOf(const google::protobuf::Timestamp& t, absl::string_view field) {
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return InvalidField(field,
                        "is not a valid time (0001-01-01 to 9999-12-31, nanos 0..999999999)");
  }
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

absl::Status ParseTimeRange(const google::protobuf::Timestamp* start,
                            const google::protobuf::Timestamp* end, AuditFilter* filter) {
  if (start != nullptr) {
    ASSIGN_OR_RETURN(filter->start, TimeOf(*start, "start_time"));
  }
  if (end != nullptr) {
    ASSIGN_OR_RETURN(filter->end, TimeOf(*end, "end_time"));
  }
  if (filter->end < filter->start) {
    return InvalidField("end_time", "is before start_time");
  }
  return absl::OkStatus();
}

absl::StatusOr<AuditFilter> FilterFromRequest(const v1::ListAuditRecordsRequest& request) {
  // The pipeline has checked the text fields (UTF-8, length); what is left is the time range.
  AuditFilter filter;
  filter.resource = request.resource();
  filter.principal = request.principal();
  filter.method = request.method();
  RETURN_IF_ERROR(ParseTimeRange(request.has_start_time() ? &request.start_time() : nullptr,
                                 request.has_end_time() ? &request.end_time() : nullptr, &filter));
  return filter;
}

absl::StatusOr<AuditPage> ReadAuditPage(db::Database& db, const AuditFilter& filter,
                                        const grpc::ServerContextBase* ctx) {
  const Page page = pipeline::PageOf(ctx);
  AuditPage result;
  RETURN_IF_ERROR(db.Read([&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, ListAuditRecords(tx, filter, page.after_key, page.size));
    return absl::OkStatus();
  }));
  return result;
}

grpc::ServerUnaryReactor* ServeListAuditRecords(grpc::CallbackServerContext* ctx, db::Database* db,
                                                const v1::ListAuditRecordsRequest* request,
                                                v1::ListAuditRecordsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(AuditFilter filter, FilterFromRequest(*request));
    ASSIGN_OR_RETURN(AuditPage page, ReadAuditPage(*db, filter, ctx));
    for (auto& r : page.records) *response->add_records() = std::move(r);
    SetPageTail(ctx, page, response);
    return absl::OkStatus();
  });
}

}  // namespace gaoxin::audit
