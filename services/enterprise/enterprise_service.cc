#include "services/enterprise/enterprise_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/audit/audit_rpc.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/pagination.h"
#include "common/pipeline/service.h"
#include "common/rpc.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/uscc.h"
#include "common/validation.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/enterprise/domain/period.h"
#include "services/enterprise/domain/trend.h"
#include "services/enterprise/domain/validation.h"
#include "services/enterprise/domain/zone_indicators.h"

namespace gaoxin::enterprise {
namespace {

// An industry-structure request's year and month (0 = whole year); returns the last month.
absl::StatusOr<int> CheckStructurePeriod(int year, int month) {
  RETURN_IF_ERROR(CheckYear(year, "year"));
  if (month < 0 || month > 12)
    return InvalidField("month", "must be 1..12, or 0 for the whole year");
  return month == 0 ? 12 : month;
}

// Pages a computed, ordered list with a keyset key made by `key_of`.
template <typename T, typename KeyFn>
std::vector<T> PageOf(std::vector<T> all, const Page& page, KeyFn key_of,
                      bool (*after)(const T&, absl::string_view), std::string* next_key) {
  std::vector<T> out;
  size_t i = 0;
  if (!page.after_key.empty()) {
    while (i < all.size() && !after(all[i], page.after_key)) ++i;
  }
  for (; i < all.size() && static_cast<int>(out.size()) < page.size; ++i) {
    out.push_back(std::move(all[i]));
  }
  if (i < all.size() && !out.empty()) *next_key = key_of(out.back());
  return out;
}

// Candidate order: last-12-month revenue descending, then id ascending. Key "nanos|id".
std::string CandidateKey(const v1::CultivationCandidate& c) {
  return absl::StrCat(Int128ToString(ToNanos(c.last_12_month_revenue())), "|", c.enterprise_id());
}

bool CandidateAfter(const v1::CultivationCandidate& c, absl::string_view key) {
  std::vector<std::string> parts = absl::StrSplit(key, '|');
  Nanos key_rev = 0;
  if (parts.size() != 2 || !ParseYuan(parts[0], &key_rev)) return true;
  key_rev /= kNanosPerUnit;  // ParseYuan read nanos as yuan
  const Nanos rev = ToNanos(c.last_12_month_revenue());
  if (rev != key_rev) return rev < key_rev;
  return c.enterprise_id() > parts[1];
}

// ------------------------------------------------------------------------------------------
// The client-streaming bulk import. Rows are validated as they arrive; valid ones are written in
// batches of options.import_batch_rows, each one unit of work of the group-committing writer, with
// at most import_max_in_flight batches outstanding (the stream stops reading meanwhile), so memory
// stays bounded whatever the size of the import.
class ImportReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  ImportReactor(grpc::CallbackServerContext* ctx, v1::ImportMonthlyReportsResponse* response,
                EnterpriseStore* store, absl::CivilDay today, const ServiceOptions& options)
      : response_(response),
        store_(store),
        today_(today),
        options_(options),
        audit_call_(pipeline::AuditCallOf(ctx)) {
    // The pipeline has checked the caller's role before the stream reached here.
    StartRead(&raw_);
  }

  void OnReadDone(bool ok) override {
    std::vector<ImportRow> to_write;
    bool read_more = false;
    {
      absl::MutexLock lock(&mu_);
      if (!ok) {
        reading_done_ = true;
        to_write = std::move(batch_);
        batch_.clear();
      } else {
        ++received_;
        // A row that does not parse is that row's error, not the end of the import.
        const absl::Status parsed = pipeline::ParseMessage(raw_, &request_);
        raw_.Clear();
        if (received_ == 1) validate_only_ = request_.validate_only();
        if (parsed.ok()) {
          AddRowLocked(request_);
        } else {
          ++rejected_;
          const auto violations = FieldViolationsOf(parsed);
          if (violations.empty()) {
            AddErrorLocked(static_cast<int>(received_), "", "INVALID_ARGUMENT", parsed.message());
          }
          for (const auto& [field, message] : violations) {
            AddErrorLocked(static_cast<int>(received_), field, "INVALID_ARGUMENT", message);
          }
        }
        if (static_cast<int>(batch_.size()) >= options_.import_batch_rows) {
          to_write = std::move(batch_);
          batch_.clear();
        }
      }
      if (!to_write.empty()) ++in_flight_;
      if (ok) {
        read_more = in_flight_ < options_.import_max_in_flight;
        paused_ = !read_more;
      }
    }
    if (!to_write.empty()) Write(std::move(to_write));
    if (read_more) StartRead(&raw_);
    if (!ok) MaybeFinish();
  }

  void OnDone() override { delete this; }

 private:
  void AddRowLocked(const v1::ImportMonthlyReportsRequest& req) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const int row = req.row_number() > 0 ? req.row_number() : static_cast<int>(received_);
    FieldViolations v;
    // The pipeline's text rules, per row: a stream's messages never pass through its admission.
    for (const auto& [field, message] : FieldViolationsOf(pipeline::CheckMessage(req))) {
      v.Add(field, message);
    }
    v1::MonthlyReport report = req.report();
    const bool by_id = !report.enterprise_id().empty();
    if (by_id) {
      if (!IsValidId(report.enterprise_id(), "ent")) {
        v.Add("report.enterprise_id", "is not an enterprise id");
      }
    } else if (req.enterprise_uscc().empty()) {
      v.Add("enterprise_uscc", "either report.enterprise_id or enterprise_uscc is required");
    } else if (absl::Status s = ValidateUscc(req.enterprise_uscc(), UsccCheck::kSkipCheckCharacter);
               !s.ok()) {
      v.Add("enterprise_uscc", s.message());
    }
    v1::MonthlyReport checked = report;
    if (!by_id) checked.set_enterprise_id("by-uscc");
    for (const auto& [field, message] : FieldViolationsOf(ValidateMonthlyReport(checked, today_))) {
      v.Add(field, message);
    }
    if (!v.empty()) {
      ++rejected_;
      for (const auto& [field, message] : v.violations()) {
        AddErrorLocked(row, field, "INVALID_ARGUMENT", message);
      }
      return;
    }
    ImportRow r;
    r.row_number = row;
    r.uscc = req.enterprise_uscc();
    r.report = std::move(report);
    batch_.push_back(std::move(r));
  }

  void AddErrorLocked(int row, absl::string_view field, absl::string_view reason,
                      absl::string_view message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (static_cast<int>(errors_.size()) >= options_.import_max_errors) return;
    v1::ImportRowError e;
    e.set_row_number(row);
    e.set_field(std::string(field));
    e.set_reason(std::string(reason));
    e.set_message(std::string(message));
    errors_.push_back(std::move(e));
  }

  void Write(std::vector<ImportRow> rows) {
    std::vector<int> row_numbers;
    row_numbers.reserve(rows.size());
    for (const auto& r : rows) row_numbers.push_back(r.row_number);
    // Reactions run on gRPC's threads, outside the handler's audit scope: open the call's here.
    db::AuditCallScope audit(audit_call_);
    store_->ImportBatch(
        std::move(rows), validate_only_,
        [this, row_numbers = std::move(row_numbers)](absl::StatusOr<ImportBatchResult> result) {
          bool resume = false;
          {
            absl::MutexLock lock(&mu_);
            --in_flight_;
            if (result.ok()) {
              accepted_ += result->accepted;
              unchanged_ += result->unchanged;
              rejected_ += static_cast<int>(result->errors.size());
              for (auto& e : result->errors) {
                AddErrorLocked(e.row_number(), e.field(), e.reason(), e.message());
              }
            } else {
              // The batch's unit of work failed as a whole: none of its rows was filed.
              rejected_ += static_cast<int>(row_numbers.size());
              for (int row : row_numbers) {
                AddErrorLocked(row, "", "WRITE_FAILED", result.status().ToString());
              }
            }
            if (paused_ && !reading_done_) {
              paused_ = false;
              resume = true;
            }
          }
          if (resume) StartRead(&raw_);
          MaybeFinish();
        });
  }

  void MaybeFinish() {
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || !reading_done_ || in_flight_ > 0) return;
      finished_ = true;
      response_->set_rows_received(static_cast<int>(received_));
      response_->set_rows_accepted(accepted_);
      response_->set_rows_rejected(rejected_);
      std::sort(errors_.begin(), errors_.end(),
                [](const auto& a, const auto& b) { return a.row_number() < b.row_number(); });
      for (auto& e : errors_) *response_->add_errors() = std::move(e);
    }
    Finish(grpc::Status::OK);
  }

  v1::ImportMonthlyReportsResponse* response_;
  EnterpriseStore* store_;
  const absl::CivilDay today_;
  const ServiceOptions options_;
  const db::AuditCall* audit_call_;
  grpc::ByteBuffer raw_;                     // the one outstanding read
  v1::ImportMonthlyReportsRequest request_;  // raw_ parsed

  absl::Mutex mu_;
  std::vector<ImportRow> batch_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::ImportRowError> errors_ ABSL_GUARDED_BY(mu_);
  int64_t received_ ABSL_GUARDED_BY(mu_) = 0;
  int accepted_ ABSL_GUARDED_BY(mu_) = 0;
  int unchanged_ ABSL_GUARDED_BY(mu_) = 0;
  int rejected_ ABSL_GUARDED_BY(mu_) = 0;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool validate_only_ = false;  // set by the first row, before any write
};

}  // namespace

EnterpriseServiceImpl::EnterpriseServiceImpl(EnterpriseStore* store, const Authenticator* auth,
                                             redis::Cache* cache, watch::ChangeFeed* feed,
                                             EnterpriseStore::Clock clock, ServiceOptions options)
    : Service(auth),
      store_(store),
      cache_(cache),
      feed_(feed),
      clock_(std::move(clock)),
      options_(options) {
  using pipeline::kReads;
  using pipeline::kTakesRequestId;
  using pipeline::kWrites;
  using Self = EnterpriseServiceImpl;
  Unary("CreateEnterprise", kEnterpriseWriter, kWrites | kTakesRequestId, &Self::CreateEnterprise);
  Unary("GetEnterprise", kEnterpriseReader, kReads, &Self::GetEnterprise);
  Unary("ListEnterprises", kEnterpriseReader, kReads, &Self::ListEnterprises);
  Unary("UpdateEnterprise", kEnterpriseWriter, kWrites, &Self::UpdateEnterprise);
  Unary("SubmitMonthlyReport", kEnterpriseWriter, kWrites | kTakesRequestId,
        &Self::SubmitMonthlyReport);
  ClientStream<v1::ImportMonthlyReportsRequest>("ImportMonthlyReports", kEnterpriseWriter, kWrites,
                                                &Self::ImportMonthlyReportsStream);
  Unary("ListMonthlyReports", kEnterpriseReader, kReads, &Self::ListMonthlyReports);
  Unary("GetEnterpriseTrend", kEnterpriseReader, kReads, &Self::GetEnterpriseTrend);
  Unary("GetIndustryStructure", kEnterpriseReader, kReads, &Self::GetIndustryStructure);
  Unary("RecordIndicator", kEnterpriseWriter, kWrites | kTakesRequestId, &Self::RecordIndicator);
  Unary("GetZoneIndicators", kEnterpriseReader, kReads, &Self::GetZoneIndicators);
  Unary("GetAlert", kEnterpriseReader, kReads, &Self::GetAlert);
  Unary("ListAlerts", kEnterpriseReader, kReads, &Self::ListAlerts);
  Unary("AcknowledgeAlert", kEnterpriseWriter, kWrites, &Self::AcknowledgeAlert);
  Unary("ResolveAlert", kEnterpriseWriter, kWrites, &Self::ResolveAlert);
  Unary("ListAuditRecords", kAuditor, kReads, &Self::ListAuditRecords);
  Unary("ListCultivationCandidates", kEnterpriseReader, kReads, &Self::ListCultivationCandidates);
  ServerStream("WatchEnterprises", kEnterpriseReader, kReads, &Self::WatchEnterprises);
  ServerStream("WatchAlerts", kEnterpriseReader, kReads, &Self::WatchAlerts);
  ServerStream("StreamIndustryStructure", kEnterpriseReader, kReads,
               &Self::StreamIndustryStructure);
  CheckEveryMethodDeclared();
}

absl::CivilDay EnterpriseServiceImpl::Today() const { return TodayInZone(clock_()); }

// ------------------------------------------------------------------------------------------
// Enterprises

grpc::ServerUnaryReactor* EnterpriseServiceImpl::CreateEnterprise(
    grpc::CallbackServerContext* ctx, const v1::CreateEnterpriseRequest* request,
    v1::Enterprise* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    FieldViolations v;
    UsccCheck check = UsccCheck::kStrict;
    if (request->has_uscc_check_override()) {
      CheckText(request->uscc_check_override().reason(), "uscc_check_override.reason", 1000, true,
                &v);
      CheckText(request->uscc_check_override().approved_by(), "uscc_check_override.approved_by",
                200, true, &v);
      check = UsccCheck::kSkipCheckCharacter;
    }
    for (const auto& [field, message] :
         FieldViolationsOf(ValidateNewEnterprise(request->enterprise(), Today(), check))) {
      v.Add(field, message);
    }
    const std::string& agent = request->enterprise().agent_id();
    if (!agent.empty() && !IsValidId(agent, "agent"))
      v.Add("enterprise.agent_id", "is not an agent id");
    CheckText(request->enterprise().sub_sector(), "enterprise.sub_sector", 200, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    pipeline::OnBehalfOf(ctx, request->uscc_check_override().approved_by());
    store_->CreateEnterprise(*request, who->name, pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::GetEnterprise(
    grpc::CallbackServerContext* ctx, const v1::GetEnterpriseRequest* request,
    v1::Enterprise* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    switch (request->key_case()) {
      case v1::GetEnterpriseRequest::kId: {
        RETURN_IF_ERROR(CheckId(request->id(), "ent", "id"));
        int64_t revision = 0;
        ASSIGN_OR_RETURN(*response, store_->GetEnterprise(request->id(), &revision));
        SetResponseRevision(ctx, revision);
        return absl::OkStatus();
      }
      case v1::GetEnterpriseRequest::kUscc: {
        absl::Status s = ValidateUscc(request->uscc(), UsccCheck::kSkipCheckCharacter);
        if (!s.ok()) return InvalidField("uscc", s.message());
        int64_t revision = 0;
        ASSIGN_OR_RETURN(*response, store_->GetEnterpriseByUscc(request->uscc(), &revision));
        SetResponseRevision(ctx, revision);
        return absl::OkStatus();
      }
      default:
        return InvalidField("key", "set id or uscc");
    }
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::ListEnterprises(
    grpc::CallbackServerContext* ctx, const v1::ListEnterprisesRequest* request,
    v1::ListEnterprisesResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    FieldViolations v;
    if (!common::v1::IndustryChain_IsValid(request->industry_chain())) {
      v.Add("industry_chain", "is not a known industry chain");
    }
    if (!v1::TitleKind_IsValid(request->title())) v.Add("title", "is not a known title");
    if (!v1::EnterpriseStatus_IsValid(request->status())) v.Add("status", "is not a known status");
    RETURN_IF_ERROR(v.ToStatus());
    EnterpriseFilter filter;
    filter.chain = request->industry_chain();
    filter.title = request->title();
    if (request->has_above_scale()) filter.above_scale = request->above_scale();
    if (request->has_key_enterprise()) filter.key_enterprise = request->key_enterprise();
    filter.status = request->status();
    filter.today = Today();
    const Page page = pipeline::PageOf(ctx);
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto result, store_->ListEnterprises(filter, page, &revision));
    response->set_revision(revision);
    for (auto& e : result.items) *response->add_enterprises() = std::move(e);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::UpdateEnterprise(
    grpc::CallbackServerContext* ctx, const v1::UpdateEnterpriseRequest* request,
    v1::Enterprise* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->enterprise().id(), "ent", "enterprise.id"));
    const std::string& agent = request->enterprise().agent_id();
    if (!agent.empty() && !IsValidId(agent, "agent")) {
      return InvalidField("enterprise.agent_id", "is not an agent id");
    }
    store_->UpdateEnterprise(*request, finish(response));
    return absl::OkStatus();
  });
}

// ------------------------------------------------------------------------------------------
// Monthly reports

grpc::ServerUnaryReactor* EnterpriseServiceImpl::SubmitMonthlyReport(
    grpc::CallbackServerContext* ctx, const v1::SubmitMonthlyReportRequest* request,
    v1::MonthlyReport* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    FieldViolations v;
    for (const auto& [field, message] :
         FieldViolationsOf(ValidateMonthlyReport(request->report(), Today()))) {
      v.Add(field, message);
    }
    const std::string& id = request->report().enterprise_id();
    if (!id.empty() && !IsValidId(id, "ent"))
      v.Add("report.enterprise_id", "is not an enterprise id");
    RETURN_IF_ERROR(v.ToStatus());
    store_->SubmitReport(request->report(), pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerReadReactor<grpc::ByteBuffer>* EnterpriseServiceImpl::ImportMonthlyReportsStream(
    grpc::CallbackServerContext* ctx, v1::ImportMonthlyReportsResponse* response) {
  return new ImportReactor(ctx, response, store_, Today(), options_);
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::ListMonthlyReports(
    grpc::CallbackServerContext* ctx, const v1::ListMonthlyReportsRequest* request,
    v1::ListMonthlyReportsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    FieldViolations v;
    absl::CivilMonth p;
    if (!request->enterprise_id().empty() && !IsValidId(request->enterprise_id(), "ent")) {
      v.Add("enterprise_id", "is not an enterprise id");
    }
    if (!request->start_period().empty() && !ParsePeriod(request->start_period(), &p)) {
      v.Add("start_period", "must be YYYY-MM");
    }
    if (!request->end_period().empty() && !ParsePeriod(request->end_period(), &p)) {
      v.Add("end_period", "must be YYYY-MM");
    }
    RETURN_IF_ERROR(v.ToStatus());
    ReportFilter filter{request->enterprise_id(), request->start_period(), request->end_period(),
                        request->include_superseded()};
    const Page page = pipeline::PageOf(ctx);
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto result, store_->ListReports(filter, page, &revision));
    response->set_revision(revision);
    for (auto& r : result.items) *response->add_reports() = std::move(r);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::GetEnterpriseTrend(
    grpc::CallbackServerContext* ctx, const v1::GetEnterpriseTrendRequest* request,
    v1::EnterpriseTrend* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->enterprise_id(), "ent", "enterprise_id"));
    absl::CivilMonth start, end;
    if (!ParsePeriod(request->start_period(), &start) ||
        !ParsePeriod(request->end_period(), &end)) {
      // ComputeTrend names the bad field.
      ASSIGN_OR_RETURN(*response, ComputeTrend(*request, {}));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(auto reports,
                     store_->CurrentReports(request->enterprise_id(),
                                            FormatPeriod(absl::CivilMonth(start.year() - 1, 1)),
                                            request->end_period()));
    ASSIGN_OR_RETURN(*response, ComputeTrend(*request, reports));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::GetIndustryStructure(
    grpc::CallbackServerContext* ctx, const v1::GetIndustryStructureRequest* request,
    v1::IndustryStructure* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(const int through, CheckStructurePeriod(request->year(), request->month()));
    ASSIGN_OR_RETURN(*response, IndustryStructureOf(request->year(), through));
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::IndustryStructure> EnterpriseServiceImpl::IndustryStructureOf(int year,
                                                                                 int through) {
  // The key carries the store revision, so a cached structure is never stale, even if Redis
  // missed an invalidation while it was down. ("v2": entries since the structure carries its
  // revision.)
  ASSIGN_OR_RETURN(int64_t revision, store_->CurrentRevision());
  const std::string key = absl::StrCat("structure:v2:", year, ":", through, ":", revision);
  ASSIGN_OR_RETURN(std::string bytes, cache_->GetOrLoad(key, [&]() -> absl::StatusOr<std::string> {
    // Read in one snapshot with the revision it reflects (at least `revision`).
    int64_t loaded_at = 0;
    ASSIGN_OR_RETURN(auto rows, store_->LoadStructureInputs(year, through, &loaded_at));
    ASSIGN_OR_RETURN(v1::IndustryStructure structure,
                     ComputeIndustryStructure(year, through, rows));
    structure.set_revision(loaded_at);
    return structure.SerializeAsString();
  }));
  v1::IndustryStructure structure;
  if (!structure.ParseFromString(bytes)) return absl::InternalError("corrupt cached structure");
  return structure;
}

// ------------------------------------------------------------------------------------------
// Zone indicators

grpc::ServerUnaryReactor* EnterpriseServiceImpl::RecordIndicator(
    grpc::CallbackServerContext* ctx, const v1::RecordIndicatorRequest* request,
    v1::IndicatorRecord* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    FieldViolations v;
    for (const auto& [field, message] :
         FieldViolationsOf(ValidateIndicatorRecord(request->record(), Today()))) {
      v.Add(field, message);
    }
    RETURN_IF_ERROR(v.ToStatus());
    store_->RecordIndicator(request->record(), pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::GetZoneIndicators(
    grpc::CallbackServerContext* ctx, const v1::GetZoneIndicatorsRequest* request,
    v1::ZoneIndicators* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckYear(request->year(), "year"));
    ASSIGN_OR_RETURN(auto records, store_->IndicatorsOf(request->year()));
    *response = ComputeZoneIndicators(request->year(), records);
    return absl::OkStatus();
  });
}

// ------------------------------------------------------------------------------------------
// Alerts

grpc::ServerUnaryReactor* EnterpriseServiceImpl::GetAlert(grpc::CallbackServerContext* ctx,
                                                          const v1::GetAlertRequest* request,
                                                          v1::Alert* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->id(), "alert", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(*response, store_->GetAlert(request->id(), &revision));
    SetResponseRevision(ctx, revision);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::ListAlerts(grpc::CallbackServerContext* ctx,
                                                            const v1::ListAlertsRequest* request,
                                                            v1::ListAlertsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    FieldViolations v;
    if (!v1::AlertState_IsValid(request->state())) v.Add("state", "is not a known alert state");
    if (!v1::AlertRule_IsValid(request->rule())) v.Add("rule", "is not a known alert rule");
    if (!request->enterprise_id().empty() && !IsValidId(request->enterprise_id(), "ent")) {
      v.Add("enterprise_id", "is not an enterprise id");
    }
    RETURN_IF_ERROR(v.ToStatus());
    AlertFilter filter{request->state(), request->rule(), request->enterprise_id()};
    const Page page = pipeline::PageOf(ctx);
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto result, store_->ListAlerts(filter, page, &revision));
    response->set_revision(revision);
    for (auto& a : result.items) *response->add_alerts() = std::move(a);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::AcknowledgeAlert(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeAlertRequest* request,
    v1::Alert* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "alert", "id"));
    FieldViolations v;
    CheckText(request->acknowledged_by(), "acknowledged_by", 200, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    v1::AcknowledgeAlertRequest req = *request;
    if (req.acknowledged_by().empty()) req.set_acknowledged_by(who->name);
    pipeline::OnBehalfOf(ctx, request->acknowledged_by());
    store_->AcknowledgeAlert(std::move(req), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::ResolveAlert(
    grpc::CallbackServerContext* ctx, const v1::ResolveAlertRequest* request, v1::Alert* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "alert", "id"));
    FieldViolations v;
    CheckText(request->resolved_by(), "resolved_by", 200, false, &v);
    CheckText(request->resolution_note(), "resolution_note", 4000, true, &v);
    RETURN_IF_ERROR(v.ToStatus());
    v1::ResolveAlertRequest req = *request;
    if (req.resolved_by().empty()) req.set_resolved_by(who->name);
    pipeline::OnBehalfOf(ctx, request->resolved_by());
    store_->ResolveAlert(std::move(req), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EnterpriseServiceImpl::ListAuditRecords(
    grpc::CallbackServerContext* ctx, const audit::v1::ListAuditRecordsRequest* request,
    audit::v1::ListAuditRecordsResponse* response) {
  return audit::ServeListAuditRecords(ctx, store_->database(), request, response);
}

// ------------------------------------------------------------------------------------------
// Cultivation

grpc::ServerUnaryReactor* EnterpriseServiceImpl::ListCultivationCandidates(
    grpc::CallbackServerContext* ctx, const v1::ListCultivationCandidatesRequest* request,
    v1::ListCultivationCandidatesResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    FieldViolations v;
    if (request->target() == v1::CULTIVATION_TARGET_UNSPECIFIED ||
        !v1::CultivationTarget_IsValid(request->target())) {
      v.Add("target", "is required: a rung of the cultivation ladder");
    }
    if (!common::v1::IndustryChain_IsValid(request->industry_chain())) {
      v.Add("industry_chain", "is not a known industry chain");
    }
    RETURN_IF_ERROR(v.ToStatus());
    const Page page = pipeline::PageOf(ctx);
    const absl::CivilDay today = Today();
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto inputs, store_->LoadCultivationInputs(
                                      request->industry_chain(),
                                      LatestDuePeriod(today, options_.thresholds), &revision));
    response->set_revision(revision);
    std::string next;
    auto page_items = PageOf<v1::CultivationCandidate>(
        FindCultivationCandidates(request->target(), inputs, today, options_.cultivation), page,
        CandidateKey, &CandidateAfter, &next);
    for (auto& c : page_items) *response->add_candidates() = std::move(c);
    if (!next.empty()) response->set_next_page_token(pipeline::NextPageToken(ctx, next));
    return absl::OkStatus();
  });
}

// ------------------------------------------------------------------------------------------
// Live updates

namespace {

absl::Status CheckSince(int64_t since) {
  if (since < 0) return InvalidField("since_revision", "must not be negative (0 = from now)");
  return absl::OkStatus();
}

// Every watcher of a change shares one decoding (for its filters) and one encoding (for the wire)
// of it, made by the first that asks (ChangeEvent::Memo): at thousands of watchers, the per-watcher
// cost of a change is a filter test and a copy.
struct PreparedEnterpriseChange {
  bool valid = false;  // false: the state did not decode (never sent)
  common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_UNSPECIFIED;
  bool above_scale = false;
  bool key_enterprise = false;
  std::string wire;  // the serialized EnterpriseChange
};

PreparedEnterpriseChange PrepareEnterpriseChange(const watch::ChangeEvent& e) {
  PreparedEnterpriseChange out;
  v1::EnterpriseChange change;
  if (!change.mutable_enterprise()->ParseFromString(e.state)) return out;
  change.set_revision(e.revision);
  change.set_kind(static_cast<common::v1::ChangeKind>(e.kind));
  *change.mutable_change_time() = ToTimestamp(e.time);
  out.valid = true;
  out.chain = change.enterprise().industry_chain();
  out.above_scale = change.enterprise().above_scale();
  out.key_enterprise = change.enterprise().key_enterprise();
  out.wire = change.SerializeAsString();
  return out;
}

struct PreparedAlertChange {
  bool valid = false;
  v1::AlertState state = v1::ALERT_STATE_UNSPECIFIED;
  v1::AlertRule rule = v1::ALERT_RULE_UNSPECIFIED;
  std::string enterprise_id;
  std::string wire;  // the serialized AlertChange
};

PreparedAlertChange PrepareAlertChange(const watch::ChangeEvent& e) {
  PreparedAlertChange out;
  v1::AlertChange change;
  if (!change.mutable_alert()->ParseFromString(e.state)) return out;
  change.set_revision(e.revision);
  change.set_kind(static_cast<common::v1::ChangeKind>(e.kind));
  *change.mutable_change_time() = ToTimestamp(e.time);
  out.valid = true;
  out.state = change.alert().state();
  out.rule = change.alert().rule();
  out.enterprise_id = change.alert().enterprise_id();
  out.wire = change.SerializeAsString();
  return out;
}

// Appends an already encoded change: on the wire exactly one `changes` entry (field order does
// not matter to protobuf), and serializing the message copies it instead of re-encoding it.
template <typename Response>
void AppendEncodedChange(const std::string& wire, Response* out) {
  out->GetReflection()->MutableUnknownFields(out)->AddLengthDelimited(Response::kChangesFieldNumber,
                                                                      wire);
}

// The statistical month of a report event; nullopt when it does not decode.
std::optional<absl::CivilMonth> ReportPeriodOf(const watch::ChangeEvent& e) {
  v1::MonthlyReport report;
  absl::CivilMonth period;
  if (!report.ParseFromString(e.state) || !ParsePeriod(report.period(), &period)) {
    return std::nullopt;
  }
  return period;
}

// Whether a change event can change the industry structure of `year` through `through`: any
// enterprise change (chain, above-scale status and date), and a report filed for one of the
// months summed (January..through of the year or of the year before).
bool AffectsStructure(const watch::ChangeEvent& e, int year, int through) {
  if (e.resource_type == kEnterpriseEvent) return true;
  if (e.resource_type != kMonthlyReportEvent) return false;
  static const char kTag = 0;
  auto period = e.Memo<std::optional<absl::CivilMonth>>(&kTag, [&e] { return ReportPeriodOf(e); });
  if (!period->has_value()) return true;  // cannot tell: assume it matters
  const absl::CivilMonth p = **period;
  return (p.year() == year || p.year() == year - 1) && p.month() <= through;
}

}  // namespace

grpc::ServerWriteReactor<v1::WatchEnterprisesResponse>* EnterpriseServiceImpl::WatchEnterprises(
    grpc::CallbackServerContext* ctx, const v1::WatchEnterprisesRequest* request) {
  absl::Status ok = CheckSince(request->since_revision());
  if (ok.ok() && !common::v1::IndustryChain_IsValid(request->industry_chain())) {
    ok = InvalidField("industry_chain", "is not a known industry chain");
  }
  if (!ok.ok()) return watch::FailedWatch<v1::WatchEnterprisesResponse>(ok);
  const common::v1::IndustryChain chain = request->industry_chain();
  std::optional<bool> above_scale;
  if (request->has_above_scale()) above_scale = request->above_scale();
  std::optional<bool> key_enterprise;
  if (request->has_key_enterprise()) key_enterprise = request->key_enterprise();
  return watch::StartWatch<v1::WatchEnterprisesResponse>(
      feed_, request->since_revision(), options_.watch,
      [chain, above_scale, key_enterprise](const watch::ChangeEvent& e,
                                           v1::WatchEnterprisesResponse* out) {
        if (e.resource_type != kEnterpriseEvent) return false;
        static const char kTag = 0;
        auto change =
            e.Memo<PreparedEnterpriseChange>(&kTag, [&e] { return PrepareEnterpriseChange(e); });
        if (!change->valid) return false;
        if (chain != common::v1::INDUSTRY_CHAIN_UNSPECIFIED && change->chain != chain) return false;
        if (above_scale && change->above_scale != *above_scale) return false;
        if (key_enterprise && change->key_enterprise != *key_enterprise) return false;
        AppendEncodedChange(change->wire, out);
        return true;
      },
      [](int64_t revision, v1::WatchEnterprisesResponse* out) { out->set_revision(revision); });
}

grpc::ServerWriteReactor<v1::WatchAlertsResponse>* EnterpriseServiceImpl::WatchAlerts(
    grpc::CallbackServerContext* ctx, const v1::WatchAlertsRequest* request) {
  absl::Status ok;
  {
    FieldViolations v;
    if (request->since_revision() < 0) {
      v.Add("since_revision", "must not be negative (0 = from now)");
    }
    if (!v1::AlertState_IsValid(request->state())) v.Add("state", "is not a known alert state");
    if (!v1::AlertRule_IsValid(request->rule())) v.Add("rule", "is not a known alert rule");
    if (!request->enterprise_id().empty() && !IsValidId(request->enterprise_id(), "ent")) {
      v.Add("enterprise_id", "is not an enterprise id");
    }
    ok = v.ToStatus();
  }
  if (!ok.ok()) return watch::FailedWatch<v1::WatchAlertsResponse>(ok);
  const v1::AlertState state = request->state();
  const v1::AlertRule rule = request->rule();
  const std::string enterprise_id = request->enterprise_id();
  return watch::StartWatch<v1::WatchAlertsResponse>(
      feed_, request->since_revision(), options_.watch,
      [state, rule, enterprise_id](const watch::ChangeEvent& e, v1::WatchAlertsResponse* out) {
        if (e.resource_type != kAlertEvent) return false;
        static const char kTag = 0;
        auto change = e.Memo<PreparedAlertChange>(&kTag, [&e] { return PrepareAlertChange(e); });
        if (!change->valid) return false;
        if (state != v1::ALERT_STATE_UNSPECIFIED && change->state != state) return false;
        if (rule != v1::ALERT_RULE_UNSPECIFIED && change->rule != rule) return false;
        if (!enterprise_id.empty() && change->enterprise_id != enterprise_id) return false;
        AppendEncodedChange(change->wire, out);
        return true;
      },
      [](int64_t revision, v1::WatchAlertsResponse* out) { out->set_revision(revision); });
}

grpc::ServerWriteReactor<v1::IndustryStructure>* EnterpriseServiceImpl::StreamIndustryStructure(
    grpc::CallbackServerContext* ctx, const v1::StreamIndustryStructureRequest* request) {
  absl::StatusOr<int> through = CheckStructurePeriod(request->year(), request->month());
  if (!through.ok()) return watch::FailedWatch<v1::IndustryStructure>(through.status());
  const int year = request->year();
  const int last_month = *through;
  return watch::StartSummaryStream<v1::IndustryStructure>(
      feed_, options_.summary,
      [year, last_month](const watch::ChangeEvent& e) {
        return AffectsStructure(e, year, last_month);
      },
      [this, year, last_month]() { return IndustryStructureOf(year, last_month); });
}

}  // namespace gaoxin::enterprise
