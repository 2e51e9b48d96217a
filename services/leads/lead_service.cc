#include "services/leads/lead_service.h"

#include "absl/strings/str_cat.h"
#include "common/audit/audit_rpc.h"
#include "common/date.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/pagination.h"
#include "common/pipeline/service.h"
#include "common/quantity.h"
#include "common/rpc.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/leads/domain/lead_rules.h"
#include "services/leads/domain/year_summary.h"

namespace gaoxin::leads {

LeadServiceImpl::LeadServiceImpl(LeadStore* store, const Authenticator* auth, redis::Cache* cache,
                                 watch::ChangeFeed* feed, LeadStore::Clock clock,
                                 watch::WatchOptions watch_options,
                                 watch::SummaryOptions summary_options)
    : Service(auth),
      store_(store),
      cache_(cache),
      feed_(feed),
      clock_(std::move(clock)),
      watch_options_(watch_options),
      summary_options_(summary_options) {
  using pipeline::kReads;
  using pipeline::kTakesRequestId;
  using pipeline::kWrites;
  Unary("CreateLead", kLeadsWriter, kWrites | kTakesRequestId, &LeadServiceImpl::CreateLead);
  Unary("GetLead", kLeadsReader, kReads, &LeadServiceImpl::GetLead);
  Unary("ListLeads", kLeadsReader, kReads, &LeadServiceImpl::ListLeads);
  Unary("UpdateLead", kLeadsWriter, kWrites, &LeadServiceImpl::UpdateLead);
  Unary("TransitionLead", kLeadsWriter, kWrites, &LeadServiceImpl::TransitionLead);
  Unary("RecordFunding", kLeadsWriter, kWrites | kTakesRequestId, &LeadServiceImpl::RecordFunding);
  Unary("ListFundings", kLeadsReader, kReads, &LeadServiceImpl::ListFundings);
  Unary("CreateIdleAsset", kLeadsWriter, kWrites | kTakesRequestId,
        &LeadServiceImpl::CreateIdleAsset);
  Unary("GetIdleAsset", kLeadsReader, kReads, &LeadServiceImpl::GetIdleAsset);
  Unary("RevitalizeIdleAsset", kLeadsWriter, kWrites, &LeadServiceImpl::RevitalizeIdleAsset);
  Unary("ListIdleAssets", kLeadsReader, kReads, &LeadServiceImpl::ListIdleAssets);
  Unary("CreateAgent", kLeadsWriter, kWrites | kTakesRequestId, &LeadServiceImpl::CreateAgent);
  Unary("GetAgent", kLeadsReader, kReads, &LeadServiceImpl::GetAgent);
  Unary("ListAgents", kLeadsReader, kReads, &LeadServiceImpl::ListAgents);
  Unary("OpenTicket", kLeadsWriter, kWrites | kTakesRequestId, &LeadServiceImpl::OpenTicket);
  Unary("GetTicket", kLeadsReader, kReads, &LeadServiceImpl::GetTicket);
  Unary("ResolveTicket", kLeadsWriter, kWrites, &LeadServiceImpl::ResolveTicket);
  Unary("ListTickets", kLeadsReader, kReads, &LeadServiceImpl::ListTickets);
  Unary("GetYearSummary", kLeadsReader, kReads, &LeadServiceImpl::GetYearSummary);
  Unary("ListAuditRecords", kAuditor, kReads, &LeadServiceImpl::ListAuditRecords);
  ServerStream("WatchLeads", kLeadsReader, kReads, &LeadServiceImpl::WatchLeads);
  ServerStream("StreamYearSummary", kLeadsReader, kReads, &LeadServiceImpl::StreamYearSummary);
  CheckEveryMethodDeclared();
}

absl::CivilDay LeadServiceImpl::Today() const { return TodayInZone(clock_()); }

grpc::ServerUnaryReactor* LeadServiceImpl::CreateLead(grpc::CallbackServerContext* ctx,
                                                      const v1::CreateLeadRequest* request,
                                                      v1::Lead* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    FieldViolations v = ValidateCreate(*request, Today());
    if (!request->lead().agent_id().empty() && !IsValidId(request->lead().agent_id(), "agent")) {
      v.Add("lead.agent_id", "is not an agent id");
    }
    RETURN_IF_ERROR(v.ToStatus());
    store_->CreateLead(*request, who->name, pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetLead(grpc::CallbackServerContext* ctx,
                                                   const v1::GetLeadRequest* request,
                                                   v1::Lead* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->id(), "lead", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(*response, store_->GetLead(request->id(), &revision));
    SetResponseRevision(ctx, revision);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListLeads(grpc::CallbackServerContext* ctx,
                                                     const v1::ListLeadsRequest* request,
                                                     v1::ListLeadsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    FieldViolations v;
    if (!v1::Stage_IsValid(request->stage())) v.Add("stage", "is not a known stage");
    if (!common::v1::IndustryChain_IsValid(request->industry_chain())) {
      v.Add("industry_chain", "is not a known industry chain");
    }
    if (!v1::LeadSource_IsValid(request->source())) v.Add("source", "is not a known source");
    if (!request->agent_id().empty() && !IsValidId(request->agent_id(), "agent")) {
      v.Add("agent_id", "is not an agent id");
    }
    if (request->year() != 0 && (request->year() < 1900 || request->year() > 2200)) {
      v.Add("year", "must be a year in 1900..2200");
    }
    ValidateBatchFilter(request->batch(), request->year(), &v);
    RETURN_IF_ERROR(v.ToStatus());
    LeadFilter filter{request->stage(),    request->industry_chain(), request->source(),
                      request->agent_id(), request->year(),           request->batch()};
    const Page page = pipeline::PageOf(ctx);
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto result, store_->ListLeads(filter, page, &revision));
    for (auto& lead : result.items) *response->add_leads() = std::move(lead);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    response->set_revision(revision);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::UpdateLead(grpc::CallbackServerContext* ctx,
                                                      const v1::UpdateLeadRequest* request,
                                                      v1::Lead* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->lead().id(), "lead", "lead.id"));
    RETURN_IF_ERROR(CheckOptionalId(request->lead().agent_id(), "agent", "lead.agent_id"));
    store_->UpdateLead(*request, finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::TransitionLead(grpc::CallbackServerContext* ctx,
                                                          const v1::TransitionLeadRequest* request,
                                                          v1::Lead* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "lead", "id"));
    StageMove move;
    move.to_stage = request->to_stage();
    move.effective_date = request->effective_date();
    move.actor = request->actor().empty() ? who->name : request->actor();
    move.note = request->note();
    move.reason = request->reason();
    if (request->has_signed_amount()) move.signed_amount = request->signed_amount();
    FieldViolations v = ValidateMove(move, Today());
    CheckText(request->actor(), "actor", 200, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    pipeline::OnBehalfOf(ctx, request->actor());
    store_->TransitionLead(request->id(), std::move(move), request->etag(), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::RecordFunding(grpc::CallbackServerContext* ctx,
                                                         const v1::RecordFundingRequest* request,
                                                         v1::Funding* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const v1::Funding& f = request->funding();
    FieldViolations v;
    if (f.lead_id().empty()) {
      v.Add("funding.lead_id", "is required");
    } else if (!IsValidId(f.lead_id(), "lead")) {
      v.Add("funding.lead_id", "is not a lead id");
    }
    if (!f.has_amount() || ToNanos(f.amount()) == 0) {
      v.Add("funding.amount", "is required and must be greater than zero");
    } else {
      ValidateMoney(f.amount(), "funding.amount", false, &v);
    }
    ValidateDate(f.arrival_date(), "funding.arrival_date", &v);
    if (v.empty() && ToCivilDay(f.arrival_date()) > Today()) {
      v.Add("funding.arrival_date", "must not be in the future");
    }
    CheckText(f.note(), "funding.note", 4000, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    store_->RecordFunding(f, pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListFundings(grpc::CallbackServerContext* ctx,
                                                        const v1::ListFundingsRequest* request,
                                                        v1::ListFundingsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckOptionalId(request->lead_id(), "lead", "lead_id"));
    RETURN_IF_ERROR(CheckYear(request->year(), "year", false));
    const Page page = pipeline::PageOf(ctx);
    ASSIGN_OR_RETURN(auto result, store_->ListFundings(request->lead_id(), request->year(), page));
    for (auto& f : result.items) *response->add_fundings() = std::move(f);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::CreateIdleAsset(
    grpc::CallbackServerContext* ctx, const v1::CreateIdleAssetRequest* request,
    v1::IdleAsset* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const v1::IdleAsset& a = request->idle_asset();
    FieldViolations v;
    CheckText(a.name(), "idle_asset.name", 200, true, &v);
    CheckText(a.location(), "idle_asset.location", 200, false, &v);
    CheckText(a.former_owner(), "idle_asset.former_owner", 200, false, &v);
    CheckText(a.note(), "idle_asset.note", 4000, false, &v);
    CheckArea(a.land_area_m2(), "idle_asset.land_area_m2", &v);
    CheckArea(a.building_area_m2(), "idle_asset.building_area_m2", &v);
    RETURN_IF_ERROR(v.ToStatus());
    store_->CreateIdleAsset(a, pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetIdleAsset(grpc::CallbackServerContext* ctx,
                                                        const v1::GetIdleAssetRequest* request,
                                                        v1::IdleAsset* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->id(), "asset", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(*response, store_->GetIdleAsset(request->id(), &revision));
    SetResponseRevision(ctx, revision);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::RevitalizeIdleAsset(
    grpc::CallbackServerContext* ctx, const v1::RevitalizeIdleAssetRequest* request,
    v1::IdleAsset* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    FieldViolations v;
    if (!IsValidId(request->id(), "asset")) v.Add("id", "is not an idle asset id");
    if (request->method() == v1::REVITALIZATION_METHOD_UNSPECIFIED ||
        !v1::RevitalizationMethod_IsValid(request->method())) {
      v.Add("method", "is required: lease, acquisition, auction or legal recovery");
    }
    ValidateDate(request->date(), "date", &v);
    if (IsSet(request->date()) && v.empty() && ToCivilDay(request->date()) > Today()) {
      v.Add("date", "must not be in the future");
    }
    CheckArea(request->land_area_m2(), "land_area_m2", &v);
    CheckArea(request->building_area_m2(), "building_area_m2", &v);
    if (!request->lead_id().empty() && !IsValidId(request->lead_id(), "lead")) {
      v.Add("lead_id", "is not a lead id");
    }
    CheckText(request->note(), "note", 4000, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    store_->RevitalizeIdleAsset(*request, finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListIdleAssets(grpc::CallbackServerContext* ctx,
                                                          const v1::ListIdleAssetsRequest* request,
                                                          v1::ListIdleAssetsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    if (!v1::IdleAssetStatus_IsValid(request->status())) {
      return InvalidField("status", "is not a known status");
    }
    RETURN_IF_ERROR(CheckYear(request->year(), "year", false));
    const Page page = pipeline::PageOf(ctx);
    ASSIGN_OR_RETURN(auto result, store_->ListIdleAssets(request->status(), request->year(), page));
    for (auto& a : result.items) *response->add_idle_assets() = std::move(a);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::CreateAgent(grpc::CallbackServerContext* ctx,
                                                       const v1::CreateAgentRequest* request,
                                                       v1::Agent* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    FieldViolations v;
    CheckText(request->agent().name(), "agent.name", 100, true, &v);
    CheckText(request->agent().phone(), "agent.phone", 30, false, &v);
    for (int i = 0; i < request->agent().enterprise_usccs_size(); ++i) {
      if (request->agent().enterprise_usccs(i).size() != 18) {
        v.Add(absl::StrCat("agent.enterprise_usccs[", i, "]"), "must be an 18-character USCC");
      }
    }
    RETURN_IF_ERROR(v.ToStatus());
    store_->CreateAgent(request->agent(), pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetAgent(grpc::CallbackServerContext* ctx,
                                                    const v1::GetAgentRequest* request,
                                                    v1::Agent* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->id(), "agent", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(*response, store_->GetAgent(request->id(), &revision));
    SetResponseRevision(ctx, revision);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListAgents(grpc::CallbackServerContext* ctx,
                                                      const v1::ListAgentsRequest* request,
                                                      v1::ListAgentsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    const Page page = pipeline::PageOf(ctx);
    ASSIGN_OR_RETURN(auto result, store_->ListAgents(page));
    for (auto& a : result.items) *response->add_agents() = std::move(a);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::OpenTicket(grpc::CallbackServerContext* ctx,
                                                      const v1::OpenTicketRequest* request,
                                                      v1::Ticket* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const v1::Ticket& t = request->ticket();
    FieldViolations v;
    if (!IsValidId(t.agent_id(), "agent")) v.Add("ticket.agent_id", "is required: an agent id");
    switch (t.subject_case()) {
      case v1::Ticket::kLeadId:
        if (!IsValidId(t.lead_id(), "lead")) v.Add("ticket.lead_id", "is not a lead id");
        break;
      case v1::Ticket::kEnterpriseUscc:
        if (t.enterprise_uscc().size() != 18) {
          v.Add("ticket.enterprise_uscc", "must be an 18-character USCC");
        }
        break;
      default:
        v.Add("ticket.subject", "name the lead_id or the enterprise_uscc the problem concerns");
    }
    CheckText(t.problem(), "ticket.problem", 4000, true, &v);
    ValidateDate(t.found_date(), "ticket.found_date", &v);
    if (IsSet(t.found_date()) && v.empty() && ToCivilDay(t.found_date()) > Today()) {
      v.Add("ticket.found_date", "must not be in the future");
    }
    RETURN_IF_ERROR(v.ToStatus());
    store_->OpenTicket(t, pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetTicket(grpc::CallbackServerContext* ctx,
                                                     const v1::GetTicketRequest* request,
                                                     v1::Ticket* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->id(), "ticket", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(*response, store_->GetTicket(request->id(), &revision));
    SetResponseRevision(ctx, revision);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ResolveTicket(grpc::CallbackServerContext* ctx,
                                                         const v1::ResolveTicketRequest* request,
                                                         v1::Ticket* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    FieldViolations v;
    if (!IsValidId(request->id(), "ticket")) v.Add("id", "is not a ticket id");
    CheckText(request->resolution(), "resolution", 4000, true, &v);
    ValidateDate(request->resolved_date(), "resolved_date", &v);
    if (IsSet(request->resolved_date()) && v.empty() &&
        ToCivilDay(request->resolved_date()) > Today()) {
      v.Add("resolved_date", "must not be in the future");
    }
    RETURN_IF_ERROR(v.ToStatus());
    store_->ResolveTicket(*request, finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListTickets(grpc::CallbackServerContext* ctx,
                                                       const v1::ListTicketsRequest* request,
                                                       v1::ListTicketsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckOptionalId(request->agent_id(), "agent", "agent_id"));
    if (!v1::TicketStatus_IsValid(request->status())) {
      return InvalidField("status", "is not a known status");
    }
    const Page page = pipeline::PageOf(ctx);
    ASSIGN_OR_RETURN(auto result,
                     store_->ListTickets(request->agent_id(), request->status(), page));
    for (auto& t : result.items) *response->add_tickets() = std::move(t);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::YearSummary> LeadServiceImpl::YearSummary(int year) {
  // The key carries the store revision (and today's date, which bounds the reserve batch), so a
  // cached summary is never stale, even if an invalidation was lost while Redis was down.
  // ("v2": entries since the summary dropped its lead ids, which an older entry would still carry
  // as unknown fields.)
  ASSIGN_OR_RETURN(int64_t revision, store_->CurrentRevision());
  const absl::CivilDay today = Today();
  const std::string key =
      absl::StrCat("summary:v2:", year, ":", revision, ":", absl::FormatCivilTime(today));
  ASSIGN_OR_RETURN(std::string bytes, cache_->GetOrLoad(key, [&]() -> absl::StatusOr<std::string> {
    // Streamed through the builder: memory stays flat however many leads the zone holds.
    YearSummaryBuilder builder(year, today);
    ASSIGN_OR_RETURN(int64_t snapshot, store_->FoldSummaryInputs(year, &builder));
    ASSIGN_OR_RETURN(v1::YearSummary s, builder.Finish());
    s.set_revision(snapshot);
    return s.SerializeAsString();
  }));
  v1::YearSummary summary;
  if (!summary.ParseFromString(bytes)) return absl::InternalError("corrupt cached summary");
  return summary;
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetYearSummary(grpc::CallbackServerContext* ctx,
                                                          const v1::GetYearSummaryRequest* request,
                                                          v1::YearSummary* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckYear(request->year(), "year", true));
    ASSIGN_OR_RETURN(*response, YearSummary(request->year()));
    return absl::OkStatus();
  });
}

namespace {

// A lead change as every watcher of it gets it.
struct PreparedLeadChange {
  bool valid = false;  // false: the state did not decode (never sent)
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_UNSPECIFIED;
  std::string wire;  // the serialized LeadChange
};

PreparedLeadChange PrepareLeadChange(const watch::ChangeEvent& e) {
  PreparedLeadChange out;
  v1::LeadChange change;
  if (!change.mutable_lead()->ParseFromString(e.state)) return out;
  change.set_revision(e.revision);
  change.set_kind(static_cast<common::v1::ChangeKind>(e.kind));
  *change.mutable_change_time() = ToTimestamp(e.time);
  out.valid = true;
  out.stage = change.lead().stage();
  out.chain = change.lead().industry_chain();
  out.wire = change.SerializeAsString();
  return out;
}

}  // namespace

grpc::ServerWriteReactor<v1::WatchLeadsResponse>* LeadServiceImpl::WatchLeads(
    grpc::CallbackServerContext* ctx, const v1::WatchLeadsRequest* request) {
  absl::Status ok;
  if (!v1::Stage_IsValid(request->stage())) {
    ok = InvalidField("stage", "is not a known stage");
  }
  if (ok.ok() && !common::v1::IndustryChain_IsValid(request->industry_chain())) {
    ok = InvalidField("industry_chain", "is not a known industry chain");
  }
  if (!ok.ok()) return watch::FailedWatch<v1::WatchLeadsResponse>(ok);
  const v1::Stage stage = request->stage();
  const common::v1::IndustryChain chain = request->industry_chain();
  return watch::StartWatch<v1::WatchLeadsResponse>(
      feed_, request->since_revision(), watch_options_,
      [stage, chain](const watch::ChangeEvent& e, v1::WatchLeadsResponse* out) {
        if (e.resource_type != "lead") return false;
        // Decoded and encoded once per change, not once per watcher.
        static const char kTag = 0;
        auto change = e.Memo<PreparedLeadChange>(&kTag, [&e] { return PrepareLeadChange(e); });
        if (!change->valid) return false;
        if (stage != v1::STAGE_UNSPECIFIED && change->stage != stage) return false;
        if (chain != common::v1::INDUSTRY_CHAIN_UNSPECIFIED && change->chain != chain) {
          return false;
        }
        // Appended already encoded: on the wire this is exactly one `changes` entry (clients
        // parse it as such; field order does not matter to protobuf), and gRPC's serialization
        // of the message is a copy instead of re-encoding every lead for every watcher.
        out->GetReflection()->MutableUnknownFields(out)->AddLengthDelimited(
            v1::WatchLeadsResponse::kChangesFieldNumber, change->wire);
        return true;
      },
      [](int64_t revision, v1::WatchLeadsResponse* out) { out->set_revision(revision); });
}

grpc::ServerWriteReactor<v1::YearSummary>* LeadServiceImpl::StreamYearSummary(
    grpc::CallbackServerContext* ctx, const v1::StreamYearSummaryRequest* request) {
  absl::Status ok = CheckYear(request->year(), "year", true);
  if (!ok.ok()) return watch::FailedWatch<v1::YearSummary>(ok);
  const int year = request->year();
  return watch::StartSummaryStream<v1::YearSummary>(
      feed_, summary_options_, [](const watch::ChangeEvent&) { return true; },
      [this, year]() { return YearSummary(year); });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListAuditRecords(
    grpc::CallbackServerContext* ctx, const audit::v1::ListAuditRecordsRequest* request,
    audit::v1::ListAuditRecordsResponse* response) {
  return audit::ServeListAuditRecords(ctx, store_->database(), request, response);
}

}  // namespace gaoxin::leads
