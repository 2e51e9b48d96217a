#include "services/leads/lead_store.h"

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/db/common_tables.h"
#include "common/db/create_once.h"
#include "common/db/filters.h"
#include "common/field_mask.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/status_macros.h"
#include "services/leads/domain/year_summary.h"

namespace gaoxin::leads {
namespace {

using db::AddFilter;
using db::SqlValue;
using db::Transaction;

constexpr db::Migration kMigrations[] = {
    {1, "leads, fundings, idle assets, agents, tickets",
     "CREATE TABLE leads (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,"
     "  stage INTEGER NOT NULL, chain INTEGER NOT NULL, source INTEGER NOT NULL,"
     "  agent_id TEXT NOT NULL);"
     "CREATE INDEX leads_by_stage ON leads(stage, id);"
     "CREATE INDEX leads_by_chain ON leads(chain, id);"
     "CREATE INDEX leads_by_agent ON leads(agent_id, id);"
     "CREATE TABLE lead_years (year INTEGER NOT NULL, lead_id TEXT NOT NULL,"
     "  PRIMARY KEY (year, lead_id));"
     "CREATE TABLE fundings (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,"
     "  lead_id TEXT NOT NULL, year INTEGER NOT NULL);"
     "CREATE INDEX fundings_by_lead ON fundings(lead_id, id);"
     "CREATE INDEX fundings_by_year ON fundings(year, id);"
     "CREATE TABLE idle_assets (id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
     "  state BLOB NOT NULL, status INTEGER NOT NULL, year INTEGER NOT NULL);"
     "CREATE INDEX idle_assets_by_year ON idle_assets(year, id);"
     "CREATE TABLE agents (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL);"
     "CREATE TABLE tickets (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,"
     "  agent_id TEXT NOT NULL, status INTEGER NOT NULL);"
     "CREATE INDEX tickets_by_agent ON tickets(agent_id, status, id);"},
};

}  // namespace

LeadStore::LeadStore(db::Database* db, Clock clock)
    : db_(db),
      clock_(std::move(clock)),
      leads_(
          "leads", "lead", {"stage", "chain", "source", "agent_id"},
          [](const v1::Lead& l) {
            return std::vector<SqlValue>{l.stage(), l.industry_chain(), l.source(), l.agent_id()};
          }),
      fundings_("fundings", "funding", {"lead_id", "year"},
                [](const v1::Funding& f) {
                  return std::vector<SqlValue>{f.lead_id(), f.arrival_date().year()};
                }),
      idle_assets_("idle_assets", "idle_asset", {"status", "year"},
                   [](const v1::IdleAsset& a) {
                     return std::vector<SqlValue>{a.status(), a.revitalized_date().year()};
                   }),
      agents_("agents", "agent", {}, [](const v1::Agent&) { return std::vector<SqlValue>{}; }),
      tickets_("tickets", "ticket", {"agent_id", "status"}, [](const v1::Ticket& t) {
        return std::vector<SqlValue>{t.agent_id(), t.status()};
      }) {}

absl::Status LeadStore::Migrate(db::Database& db) {
  RETURN_IF_ERROR(db::ApplyCommonSchema(db));
  return db::ApplyMigrations(db, "leads", kMigrations);
}

google::protobuf::Timestamp LeadStore::Now() const { return ToTimestamp(clock_()); }

template <typename T>
void LeadStore::CreateOnce(const db::ResourceTable<T>& table, absl::string_view method, T item,
                           db::RequestKey request_key,
                           std::function<absl::Status(Transaction&)> check, Done<T> done) {
  db::WriteWithResult<T>(
      *db_,
      [&table, method = std::string(method), item = std::move(item),
       request_key = std::move(request_key),
       check = std::move(check)](Transaction& tx) -> absl::StatusOr<T> {
        return db::CreateOnce<T>(
            tx, method, request_key,
            [&](Transaction& tx, const std::string& id) { return table.Get(tx, id); },
            [&](Transaction& tx) -> absl::StatusOr<T> {
              if (check) RETURN_IF_ERROR(check(tx));
              return table.Insert(tx, item);
            });
      },
      std::move(done));
}

absl::Status LeadStore::SaveLeadYears(Transaction& tx, const v1::Lead& lead) {
  for (const auto& event : lead.history()) {
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO lead_years(year, lead_id) VALUES(?, ?) ON CONFLICT DO NOTHING",
                   {event.effective_date().year(), lead.id()}));
  }
  return absl::OkStatus();
}

void LeadStore::CreateLead(v1::CreateLeadRequest request, std::string principal,
                           db::RequestKey request_key, Done<v1::Lead> done) {
  v1::Lead lead = request.lead();
  const auto now = Now();
  lead.set_id(NewId("lead"));
  if (lead.stage() == v1::STAGE_UNSPECIFIED) lead.set_stage(v1::STAGE_RESERVE);
  lead.set_suspended_from(v1::STAGE_UNSPECIFIED);
  lead.clear_history();
  if (lead.has_planned_investment()) {
    *lead.mutable_planned_investment() = FromNanos(ToNanos(lead.planned_investment()));
  }
  if (lead.has_signed_amount())
    *lead.mutable_signed_amount() = FromNanos(ToNanos(lead.signed_amount()));
  v1::StageEvent* first = lead.add_history();
  first->set_from_stage(v1::STAGE_UNSPECIFIED);
  first->set_to_stage(lead.stage());
  *first->mutable_effective_date() = IsSet(request.effective_date())
                                         ? request.effective_date()
                                         : FromCivilDay(TodayInZone(clock_()));
  first->set_actor(principal);
  first->set_note("created");
  *first->mutable_record_time() = now;
  *lead.mutable_create_time() = now;
  *lead.mutable_update_time() = now;
  db::WriteWithResult<v1::Lead>(
      *db_,
      [this, lead = std::move(lead),
       request_key = std::move(request_key)](Transaction& tx) -> absl::StatusOr<v1::Lead> {
        return db::CreateOnce<v1::Lead>(
            tx, "CreateLead", request_key,
            [&](Transaction& tx, const std::string& id) { return leads_.Get(tx, id); },
            [&](Transaction& tx) -> absl::StatusOr<v1::Lead> {
              ASSIGN_OR_RETURN(v1::Lead stored, leads_.Insert(tx, lead));
              RETURN_IF_ERROR(SaveLeadYears(tx, stored));
              return stored;
            });
      },
      std::move(done));
}

absl::StatusOr<v1::Lead> LeadStore::GetLead(const std::string& id, int64_t* revision) {
  return db::ReadById(*db_, leads_, id, revision);
}

absl::StatusOr<db::ResourcePage<v1::Lead>> LeadStore::ListLeads(const LeadFilter& filter,
                                                                const Page& page,
                                                                int64_t* revision) {
  std::string where;
  std::vector<SqlValue> params;
  if (filter.stage != v1::STAGE_UNSPECIFIED) AddFilter(&where, &params, "stage = ?", filter.stage);
  if (filter.chain != common::v1::INDUSTRY_CHAIN_UNSPECIFIED) {
    AddFilter(&where, &params, "chain = ?", filter.chain);
  }
  if (filter.source != v1::LEAD_SOURCE_UNSPECIFIED) {
    AddFilter(&where, &params, "source = ?", filter.source);
  }
  if (!filter.agent_id.empty()) AddFilter(&where, &params, "agent_id = ?", filter.agent_id);
  if (filter.year != 0 && filter.batch == v1::BATCH_UNSPECIFIED) {
    AddFilter(&where, &params, "id IN (SELECT lead_id FROM lead_years WHERE year = ?)",
              filter.year);
  }
  db::ResourcePage<v1::Lead> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    if (filter.batch == v1::BATCH_UNSPECIFIED) {
      ASSIGN_OR_RETURN(result, leads_.List(tx, where, params, page.after_key, page.size));
    } else {
      ASSIGN_OR_RETURN(result, ListBatch(tx, filter, where, params, page));
    }
    ASSIGN_OR_RETURN(*revision, db::CurrentRevision(tx));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<db::ResourcePage<v1::Lead>> LeadStore::ListBatch(Transaction& tx,
                                                                const LeadFilter& filter,
                                                                const std::string& where,
                                                                const std::vector<SqlValue>& params,
                                                                const Page& page) {
  // Batch membership follows from each lead's history (and, for the reserve, today), which no
  // column holds: read on in id order from the page's key and keep the members, with the very
  // rule the summary counts with (InBatch).
  const absl::CivilDay today = TodayInZone(clock_());
  db::ResourcePage<v1::Lead> result;
  RETURN_IF_ERROR(leads_.ForEach(tx, where, params, page.after_key, [&](v1::Lead&& lead) {
    if (!InBatch(lead, filter.batch, filter.year, today)) return true;
    result.items.push_back(std::move(lead));
    if (static_cast<int>(result.items.size()) < page.size) return true;
    result.next_after_key = result.items.back().id();
    return false;
  }));
  return result;
}

void LeadStore::UpdateLead(v1::UpdateLeadRequest request, Done<v1::Lead> done) {
  db::WriteWithResult<v1::Lead>(
      *db_,
      [this, request = std::move(request)](Transaction& tx) -> absl::StatusOr<v1::Lead> {
        ASSIGN_OR_RETURN(v1::Lead lead, leads_.Get(tx, request.lead().id()));
        const std::string read_etag = lead.etag();
        RETURN_IF_ERROR(
            ApplyUpdateMask(request.lead(), request.update_mask(), UpdatableLeadFields(), &lead));
        RETURN_IF_ERROR(ValidateLeadFields(lead).ToStatus());
        lead.set_etag(read_etag);
        *lead.mutable_update_time() = Now();
        return leads_.Update(tx, std::move(lead), request.lead().etag());
      },
      std::move(done));
}

void LeadStore::TransitionLead(std::string id, StageMove move, std::string etag,
                               Done<v1::Lead> done) {
  db::WriteWithResult<v1::Lead>(
      *db_,
      [this, id = std::move(id), move = std::move(move),
       etag = std::move(etag)](Transaction& tx) -> absl::StatusOr<v1::Lead> {
        ASSIGN_OR_RETURN(v1::Lead lead, leads_.GetForUpdate(tx, id, etag));
        const auto now = Now();
        RETURN_IF_ERROR(ApplyTransition(move, now, &lead));
        *lead.mutable_update_time() = now;
        ASSIGN_OR_RETURN(v1::Lead stored, leads_.Update(tx, std::move(lead), ""));
        RETURN_IF_ERROR(SaveLeadYears(tx, stored));
        return stored;
      },
      std::move(done));
}

void LeadStore::RecordFunding(v1::Funding funding, db::RequestKey request_key,
                              Done<v1::Funding> done) {
  funding.set_id(NewId("funding"));
  *funding.mutable_amount() = FromNanos(ToNanos(funding.amount()));
  *funding.mutable_create_time() = Now();
  const std::string lead_id = funding.lead_id();
  CreateOnce<v1::Funding>(
      fundings_, "RecordFunding", std::move(funding), std::move(request_key),
      [this, lead_id](Transaction& tx) { return leads_.Get(tx, lead_id).status(); },
      std::move(done));
}

absl::StatusOr<db::ResourcePage<v1::Funding>> LeadStore::ListFundings(const std::string& lead_id,
                                                                      int year, const Page& page) {
  std::string where;
  std::vector<SqlValue> params;
  if (!lead_id.empty()) AddFilter(&where, &params, "lead_id = ?", lead_id);
  if (year != 0) AddFilter(&where, &params, "year = ?", year);
  db::ResourcePage<v1::Funding> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, fundings_.List(tx, where, params, page.after_key, page.size));
    return absl::OkStatus();
  }));
  return result;
}

void LeadStore::CreateIdleAsset(v1::IdleAsset asset, db::RequestKey request_key,
                                Done<v1::IdleAsset> done) {
  asset.set_id(NewId("asset"));
  asset.set_status(v1::IDLE_ASSET_STATUS_IDLE);
  asset.clear_method();
  asset.clear_revitalized_date();
  asset.clear_lead_id();
  *asset.mutable_create_time() = Now();
  *asset.mutable_update_time() = asset.create_time();
  CreateOnce<v1::IdleAsset>(idle_assets_, "CreateIdleAsset", std::move(asset),
                            std::move(request_key), nullptr, std::move(done));
}

absl::StatusOr<v1::IdleAsset> LeadStore::GetIdleAsset(const std::string& id, int64_t* revision) {
  return db::ReadById(*db_, idle_assets_, id, revision);
}

void LeadStore::RevitalizeIdleAsset(v1::RevitalizeIdleAssetRequest request,
                                    Done<v1::IdleAsset> done) {
  db::WriteWithResult<v1::IdleAsset>(
      *db_,
      [this, request = std::move(request)](Transaction& tx) -> absl::StatusOr<v1::IdleAsset> {
        ASSIGN_OR_RETURN(v1::IdleAsset asset,
                         idle_assets_.GetForUpdate(tx, request.id(), request.etag()));
        if (asset.status() == v1::IDLE_ASSET_STATUS_REVITALIZED) {
          return FailedPrecondition(
              "ALREADY_REVITALIZED",
              "the asset was already revitalised on " + FormatDate(asset.revitalized_date()));
        }
        if (!request.lead_id().empty()) RETURN_IF_ERROR(leads_.Get(tx, request.lead_id()).status());
        asset.set_status(v1::IDLE_ASSET_STATUS_REVITALIZED);
        asset.set_method(request.method());
        *asset.mutable_revitalized_date() = request.date();
        if (request.land_area_m2() > 0) asset.set_land_area_m2(request.land_area_m2());
        if (request.building_area_m2() > 0) asset.set_building_area_m2(request.building_area_m2());
        asset.set_lead_id(request.lead_id());
        if (!request.note().empty()) asset.set_note(request.note());
        *asset.mutable_update_time() = Now();
        return idle_assets_.Update(tx, std::move(asset), "");
      },
      std::move(done));
}

absl::StatusOr<db::ResourcePage<v1::IdleAsset>> LeadStore::ListIdleAssets(
    v1::IdleAssetStatus status, int year, const Page& page) {
  std::string where;
  std::vector<SqlValue> params;
  if (status != v1::IDLE_ASSET_STATUS_UNSPECIFIED) AddFilter(&where, &params, "status = ?", status);
  if (year != 0) AddFilter(&where, &params, "year = ?", year);
  db::ResourcePage<v1::IdleAsset> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, idle_assets_.List(tx, where, params, page.after_key, page.size));
    return absl::OkStatus();
  }));
  return result;
}

void LeadStore::CreateAgent(v1::Agent agent, db::RequestKey request_key, Done<v1::Agent> done) {
  agent.set_id(NewId("agent"));
  *agent.mutable_create_time() = Now();
  CreateOnce<v1::Agent>(agents_, "CreateAgent", std::move(agent), std::move(request_key), nullptr,
                        std::move(done));
}

absl::StatusOr<v1::Agent> LeadStore::GetAgent(const std::string& id, int64_t* revision) {
  return db::ReadById(*db_, agents_, id, revision);
}

absl::StatusOr<db::ResourcePage<v1::Agent>> LeadStore::ListAgents(const Page& page) {
  db::ResourcePage<v1::Agent> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, agents_.List(tx, "", {}, page.after_key, page.size));
    return absl::OkStatus();
  }));
  return result;
}

void LeadStore::OpenTicket(v1::Ticket ticket, db::RequestKey request_key, Done<v1::Ticket> done) {
  ticket.set_id(NewId("ticket"));
  ticket.set_status(v1::TICKET_STATUS_OPEN);
  ticket.clear_resolution();
  ticket.clear_resolved_date();
  *ticket.mutable_create_time() = Now();
  *ticket.mutable_update_time() = ticket.create_time();
  const std::string agent_id = ticket.agent_id();
  const std::string lead_id = ticket.lead_id();
  CreateOnce<v1::Ticket>(
      tickets_, "OpenTicket", std::move(ticket), std::move(request_key),
      [this, agent_id, lead_id](Transaction& tx) -> absl::Status {
        RETURN_IF_ERROR(agents_.Get(tx, agent_id).status());
        if (!lead_id.empty()) RETURN_IF_ERROR(leads_.Get(tx, lead_id).status());
        return absl::OkStatus();
      },
      std::move(done));
}

absl::StatusOr<v1::Ticket> LeadStore::GetTicket(const std::string& id, int64_t* revision) {
  return db::ReadById(*db_, tickets_, id, revision);
}

void LeadStore::ResolveTicket(v1::ResolveTicketRequest request, Done<v1::Ticket> done) {
  db::WriteWithResult<v1::Ticket>(
      *db_,
      [this, request = std::move(request)](Transaction& tx) -> absl::StatusOr<v1::Ticket> {
        ASSIGN_OR_RETURN(v1::Ticket ticket,
                         tickets_.GetForUpdate(tx, request.id(), request.etag()));
        if (ticket.status() == v1::TICKET_STATUS_RESOLVED) {
          return FailedPrecondition("ALREADY_RESOLVED", "the ticket is already resolved");
        }
        if (ToCivilDay(request.resolved_date()) < ToCivilDay(ticket.found_date())) {
          return FailedPrecondition("RESOLVED_BEFORE_FOUND",
                                    "resolved_date precedes the date the problem was found");
        }
        ticket.set_status(v1::TICKET_STATUS_RESOLVED);
        ticket.set_resolution(request.resolution());
        *ticket.mutable_resolved_date() = request.resolved_date();
        *ticket.mutable_update_time() = Now();
        return tickets_.Update(tx, std::move(ticket), "");
      },
      std::move(done));
}

absl::StatusOr<db::ResourcePage<v1::Ticket>> LeadStore::ListTickets(const std::string& agent_id,
                                                                    v1::TicketStatus status,
                                                                    const Page& page) {
  std::string where;
  std::vector<SqlValue> params;
  if (!agent_id.empty()) AddFilter(&where, &params, "agent_id = ?", agent_id);
  if (status != v1::TICKET_STATUS_UNSPECIFIED) AddFilter(&where, &params, "status = ?", status);
  db::ResourcePage<v1::Ticket> result;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, tickets_.List(tx, where, params, page.after_key, page.size));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<int64_t> LeadStore::FoldSummaryInputs(int year, YearSummaryBuilder* builder) {
  int64_t revision = 0;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(leads_.ForEach(tx, "", {}, "", [&](v1::Lead&& lead) {
      builder->AddLead(lead);
      return true;
    }));
    RETURN_IF_ERROR(
        fundings_.ForEach(tx, "year IN (?, ?)", {year - 1, year}, "", [&](v1::Funding&& f) {
          builder->AddFunding(f);
          return true;
        }));
    RETURN_IF_ERROR(idle_assets_.ForEach(tx, "year = ?", {year}, "", [&](v1::IdleAsset&& a) {
      builder->AddIdleAsset(a);
      return true;
    }));
    ASSIGN_OR_RETURN(revision, db::CurrentRevision(tx));
    return absl::OkStatus();
  }));
  return revision;
}

absl::StatusOr<int64_t> LeadStore::CurrentRevision() {
  int64_t revision = 0;
  RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(revision, db::CurrentRevision(tx));
    return absl::OkStatus();
  }));
  return revision;
}

}  // namespace gaoxin::leads
