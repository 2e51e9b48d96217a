#include "services/enterprise/leads_consumer.h"

#include "absl/synchronization/notification.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/watch/resume_loop.h"
#include "services/enterprise/domain/lead_promotion.h"

namespace gaoxin::enterprise {
namespace {

constexpr db::Migration kMigrations[] = {
    {1, "consumer cursors",
     "CREATE TABLE consumer_cursors (name TEXT PRIMARY KEY, revision INTEGER NOT NULL)"},
};

// Waits for an asynchronous store call (this runs on the consumer's own thread).
template <typename T, typename Start>
absl::StatusOr<T> Await(Start start) {
  absl::Notification done;
  absl::StatusOr<T> result = absl::UnknownError("unset");
  start([&](absl::StatusOr<T> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

}  // namespace

LeadsConsumer::LeadsConsumer(db::Database* db, EnterpriseStore* store, Options options)
    : db_(db), store_(store), options_(std::move(options)) {
  if (!options_.leads_addr.empty()) {
    stub_ = leads::v1::LeadService::NewStub(MakeChannel(options_.leads_addr));
  }
}

LeadsConsumer::~LeadsConsumer() { Stop(); }

absl::Status LeadsConsumer::Migrate(db::Database& db) {
  return db::ApplyMigrations(db, "enterprise_consumers", kMigrations);
}

absl::StatusOr<int64_t> LeadsConsumer::LoadCursor() {
  int64_t revision = 0;
  RETURN_IF_ERROR(db_->Read([&](db::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT revision FROM consumer_cursors WHERE name = ?",
                                           {options_.name}));
    if (row) revision = row->Int(0);
    return absl::OkStatus();
  }));
  return revision;
}

absl::Status LeadsConsumer::SaveCursor(int64_t revision) {
  return db_->Write([&](db::Transaction& tx) {
    return tx.Execute(
        "INSERT INTO consumer_cursors(name, revision) VALUES(?, ?) "
        "ON CONFLICT(name) DO UPDATE SET revision = excluded.revision "
        "WHERE excluded.revision > consumer_cursors.revision",
        {options_.name, revision});
  });
}

absl::Status LeadsConsumer::Apply(const leads::v1::Lead& lead) {
  // The follower's changes are in the audit chain too, as its own principal: no caller made them.
  const db::AuditCall audit_call{kLeadsFollowerPrincipal, "", "internal:PromoteLead",
                                 PromotionRequestId(lead.id())};
  db::AuditCallScope audit(&audit_call);
  std::optional<v1::Enterprise> existing;
  if (!lead.investor().uscc().empty()) {
    auto found = store_->GetEnterpriseByUscc(lead.investor().uscc());
    if (found.ok()) {
      existing = *found;
    } else if (!absl::IsNotFound(found.status())) {
      return found.status();
    }
  }
  PromotionPlan plan = PlanPromotion(lead, existing);
  switch (plan.action) {
    case PromotionAction::kNone:
      return absl::OkStatus();
    case PromotionAction::kSkip:
      LogEvent("lead_promotion_skipped", "warn")
          .Str("lead", lead.id())
          .Str("reason", plan.reason)
          .Emit();
      return absl::OkStatus();
    case PromotionAction::kCreate: {
      v1::CreateEnterpriseRequest req;
      *req.mutable_enterprise() = plan.enterprise;
      req.set_request_id(PromotionRequestId(lead.id()));
      auto created = Await<v1::Enterprise>([&](auto done) {
        // Unbound: the follower is the only writer of its own deterministic request ids.
        store_->CreateEnterprise(req, "leads-consumer", {req.request_id(), ""}, std::move(done));
      });
      // Registered meanwhile under the same USCC by someone else: mark it instead, next time.
      if (absl::IsAlreadyExists(created.status())) return absl::OkStatus();
      RETURN_IF_ERROR(created.status());
      LogEvent("lead_promoted").Str("lead", lead.id()).Str("enterprise", created->id()).Emit();
      return absl::OkStatus();
    }
    case PromotionAction::kMarkAboveScale: {
      v1::UpdateEnterpriseRequest req;
      *req.mutable_enterprise() = plan.enterprise;
      req.mutable_update_mask()->add_paths("above_scale");
      if (plan.enterprise.has_above_scale_date())
        req.mutable_update_mask()->add_paths("above_scale_date");
      auto updated =
          Await<v1::Enterprise>([&](auto done) { store_->UpdateEnterprise(req, std::move(done)); });
      RETURN_IF_ERROR(updated.status());
      LogEvent("lead_promoted").Str("lead", lead.id()).Str("enterprise", updated->id()).Emit();
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> LeadsConsumer::Relist() {
  // History we missed was compacted: apply every lead now at ABOVE_SCALE (idempotent), then
  // watch from the list's revision.
  leads::v1::ListLeadsRequest req;
  req.set_stage(leads::v1::STAGE_ABOVE_SCALE);
  req.set_page_size(1000);
  int64_t revision = 0;
  do {
    grpc::ClientContext ctx;
    PrepareContext(&ctx, options_.token, absl::Seconds(30));
    leads::v1::ListLeadsResponse page;
    RETURN_IF_ERROR(FromGrpcStatus(stub_->ListLeads(&ctx, req, &page)));
    if (revision == 0) revision = page.revision();
    for (const auto& lead : page.leads()) RETURN_IF_ERROR(Apply(lead));
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  RETURN_IF_ERROR(SaveCursor(revision));
  return revision;
}

void LeadsConsumer::Run() {
  auto cursor = LoadCursor();
  if (!cursor.ok()) {
    LogEvent("leads_consumer_failed", "error").Str("error", cursor.status().ToString()).Emit();
    return;
  }
  watch::ResumeHooks hooks;
  hooks.on_out_of_range = [this] { return Relist(); };
  hooks.on_retry = [](const absl::Status& s) {
    LogEvent("leads_consumer_retry", "warn").Str("error", s.ToString()).Emit();
  };
  absl::Status end = watch::ResumeLoop(
      "leads",
      [this](int64_t* since) -> absl::Status {
        // A cursor of 0 means "never ran" (or an empty leads store): re-list first, so leads
        // that reached ABOVE_SCALE before this consumer existed are not missed.
        if (*since == 0) {
          ASSIGN_OR_RETURN(*since, Relist());
          if (*since == 0) return absl::UnavailableError("the leads store is empty so far");
        }
        grpc::ClientContext ctx;
        PrepareContext(&ctx, options_.token, absl::InfiniteDuration());
        {
          absl::MutexLock lock(&active_mu_);
          active_ = &ctx;
          if (stopping_.load()) ctx.TryCancel();
        }
        leads::v1::WatchLeadsRequest req;
        req.set_since_revision(*since);
        req.set_stage(leads::v1::STAGE_ABOVE_SCALE);
        auto reader = stub_->WatchLeads(&ctx, req);
        leads::v1::WatchLeadsResponse msg;
        absl::Status applied;
        while (applied.ok() && reader->Read(&msg)) {
          for (const auto& change : msg.changes()) {
            applied = Apply(change.lead());
            if (!applied.ok()) break;
          }
          if (applied.ok() && msg.revision() > *since) {
            applied = SaveCursor(msg.revision());
            if (applied.ok()) *since = msg.revision();
          }
        }
        if (!applied.ok()) ctx.TryCancel();
        absl::Status status = FromGrpcStatus(reader->Finish());
        {
          absl::MutexLock lock(&active_mu_);
          active_ = nullptr;
        }
        // A failed apply is retried from the saved cursor: report it as transient.
        return applied.ok() ? status : absl::UnavailableError(applied.ToString());
      },
      *cursor, [this] { return stopping_.load(); }, hooks);
  if (!end.ok()) LogEvent("leads_consumer_stopped", "error").Str("error", end.ToString()).Emit();
}

void LeadsConsumer::Start() {
  if (stub_ == nullptr) return;
  thread_ = std::thread([this] { Run(); });
}

void LeadsConsumer::Stop() {
  stopping_.store(true);
  {
    absl::MutexLock lock(&active_mu_);
    if (active_ != nullptr) active_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace gaoxin::enterprise
