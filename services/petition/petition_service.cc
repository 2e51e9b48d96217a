#include "services/petition/petition_service.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_rpc.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/pagination.h"
#include "common/pipeline/service.h"
#include "common/rpc.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "services/petition/domain/case_input.h"
#include "services/petition/domain/derived_fields.h"
#include "services/petition/domain/free_text.h"
#include "services/petition/domain/identity_codes.h"
#include "services/petition/domain/ledger_stats.h"
#include "services/petition/domain/masking.h"
#include "services/petition/domain/pii_access.h"
#include "services/petition/domain/validation.h"

namespace gaoxin::petition {
namespace {

// A date argument that defaults to today and must not be in the future.
absl::CivilDay DayOrToday(const common::v1::Date& date, absl::string_view field,
                          absl::CivilDay today, FieldViolations* v) {
  if (!IsSet(date)) return today;
  FieldViolations date_v;
  ValidateDate(date, field, &date_v);
  if (!date_v.empty()) {
    v->Merge("", date_v);
    return today;
  }
  return ToCivilDay(date);
}

PiiAccess PiiAccessFor(const Principal* who) { return PiiAccessOf(who->HasRole(kPetitionPii)); }

Reveal RevealFor(const Principal* who, absl::string_view method) {
  return Reveal{PiiAccessFor(who) == PiiAccess::kPlaintext, who->name, std::string(method)};
}

// What a caller without petition.pii (and every watcher) sees of a case: the petitioner masked,
// the free text withheld.
void MaskCase(v1::Case* c) {
  *c->mutable_petitioner() = MaskPetitioner(c->petitioner());
  WithholdCaseText(c);
}

// Hands a written case to `done`, masked unless the write revealed it (and audited it already).
Done<v1::Case> MaskUnlessRevealed(Done<v1::Case> done, bool unmasked) {
  return [done = std::move(done), unmasked](absl::StatusOr<v1::Case> result) {
    if (result.ok() && !unmasked) MaskCase(&*result);
    done(std::move(result));
  };
}

// The same for a written meeting.
Done<v1::Meeting> WithholdUnlessRevealed(Done<v1::Meeting> done, bool unmasked) {
  return [done = std::move(done), unmasked](absl::StatusOr<v1::Meeting> result) {
    if (result.ok() && !unmasked) WithholdMeetingText(&*result);
    done(std::move(result));
  };
}

absl::Status AuditFailed(const absl::Status& s) {
  return MakeError(absl::StatusCode::kUnavailable, "AUDIT_UNAVAILABLE",
                   absl::StrCat("the read could not be written to the audit log, so no personal "
                                "data is returned: ",
                                s.message()));
}

}  // namespace

PetitionServiceImpl::PetitionServiceImpl(PetitionStore* store, const Authenticator* auth,
                                         const PiiCipher* cipher, EnterpriseResolver* enterprises,
                                         watch::ChangeFeed* feed, watch::WatchOptions watch_options,
                                         watch::SummaryOptions summary_options)
    : Service(auth),
      store_(store),
      cipher_(cipher),
      enterprises_(enterprises),
      feed_(feed),
      watch_options_(watch_options),
      summary_options_(summary_options) {
  using pipeline::kReads;
  using pipeline::kTakesRequestId;
  using pipeline::kWrites;
  using Self = PetitionServiceImpl;
  Unary("CreateLedger", kPetitionWriter, kWrites | kTakesRequestId, &Self::CreateLedger);
  Unary("GetLedger", kPetitionReader, kReads, &Self::GetLedger);
  Unary("ListLedgers", kPetitionReader, kReads, &Self::ListLedgers);
  Unary("GetLedgerStats", kPetitionReader, kReads, &Self::GetLedgerStats);
  Unary("CreateCase", kPetitionWriter, kWrites | kTakesRequestId, &Self::CreateCase);
  Unary("GetCase", kPetitionReader, kReads, &Self::GetCase);
  Unary("ListCases", kPetitionReader, kReads, &Self::ListCases);
  Unary("UpdateCase", kPetitionWriter, kWrites, &Self::UpdateCase);
  Unary("TransitionCase", kPetitionWriter, kWrites, &Self::TransitionCase);
  Unary("ExtendDeadline", kPetitionWriter, kWrites, &Self::ExtendDeadline);
  Unary("AssignLeader", kPetitionWriter, kWrites, &Self::AssignLeader);
  Unary("RecordMeeting", kPetitionWriter, kWrites | kTakesRequestId, &Self::RecordMeeting);
  Unary("GetMeeting", kPetitionReader, kReads, &Self::GetMeeting);
  Unary("ListMeetings", kPetitionReader, kReads, &Self::ListMeetings);
  // `auditor`, the role petition.proto names for it.
  Unary("ListAuditRecords", kAuditor, kReads, &Self::ListAuditRecords);
  // Key rotation is the operators' business: `admin` only.
  Unary("ResealPersonalData", kAdmin, kWrites, &Self::ResealPersonalData);
  ServerStream("WatchCases", kPetitionReader, kReads, &Self::WatchCases);
  ServerStream("StreamLedgerStats", kPetitionReader, kReads, &Self::StreamLedgerStats);
  CheckEveryMethodDeclared();
}

// --- ledgers -----------------------------------------------------------------------------------

grpc::ServerUnaryReactor* PetitionServiceImpl::CreateLedger(grpc::CallbackServerContext* ctx,
                                                            const v1::CreateLedgerRequest* request,
                                                            v1::Ledger* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    FieldViolations v;
    ValidateLedgerInput(request->ledger(), "ledger", &v);
    CheckText(request->ledger().description(), "ledger.description", 4000, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    v1::Ledger ledger;
    ledger.set_name(request->ledger().name());
    ledger.set_year(request->ledger().year());
    ledger.set_kind(request->ledger().kind());
    ledger.set_description(request->ledger().description());
    store_->CreateLedger(std::move(ledger), pipeline::RequestKey(ctx), finish(response));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::GetLedger(grpc::CallbackServerContext* ctx,
                                                         const v1::GetLedgerRequest* request,
                                                         v1::Ledger* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->id(), "ledger", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(*response, store_->GetLedger(request->id(), &revision));
    SetResponseRevision(ctx, revision);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::ListLedgers(grpc::CallbackServerContext* ctx,
                                                           const v1::ListLedgersRequest* request,
                                                           v1::ListLedgersResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    FieldViolations v;
    if (request->year() != 0 && (request->year() < 1990 || request->year() > 2100)) {
      v.Add("year", "must be a year between 1990 and 2100");
    }
    if (!v1::LedgerKind_IsValid(request->kind())) v.Add("kind", "is not a known ledger kind");
    RETURN_IF_ERROR(v.ToStatus());
    const Page page = pipeline::PageOf(ctx);
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto result,
                     store_->ListLedgers(request->year(), request->kind(), page, &revision));
    for (auto& l : result.items) *response->add_ledgers() = std::move(l);
    response->set_revision(revision);
    if (!result.next_after_key.empty()) {
      response->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::GetLedgerStats(
    grpc::CallbackServerContext* ctx, const v1::GetLedgerStatsRequest* request,
    v1::LedgerStats* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(CheckId(request->ledger_id(), "ledger", "ledger_id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto loaded, store_->LoadLedgerCases(request->ledger_id(), &revision));
    *response = ComputeLedgerStats(loaded.first, loaded.second, store_->policy(), store_->Today());
    response->set_revision(revision);
    return absl::OkStatus();
  });
}

// --- cases -------------------------------------------------------------------------------------

grpc::ServerUnaryReactor* PetitionServiceImpl::CreateCase(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateCaseRequest* request,
                                                          v1::Case* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckMayCreateWithPetitioner(request->case_().petitioner(), PiiAccessFor(who)));
    FieldViolations v;
    for (int i = 0; i < request->case_().ledger_ids_size(); ++i) {
      CheckOptionalId(request->case_().ledger_ids(i), "ledger",
                      absl::StrCat("case.ledger_ids[", i, "]"), &v);
    }
    CheckText(request->case_().resolution_plan(), "case.resolution_plan", 20000, false, &v);
    v1::Case input = request->case_();
    // The enterprise's name comes from the directory; a client need not send it.
    const bool name_from_directory = !input.enterprise_uscc().empty();
    if (name_from_directory && input.enterprise_name().empty()) input.set_enterprise_name("?");
    absl::StatusOr<v1::Case> checked =
        PrepareNewCase(input, who->name, store_->policy(), store_->Today());
    if (!checked.ok()) {
      if (!absl::IsInvalidArgument(checked.status())) return checked.status();
      // Report every bad field at once: the domain's and the ones checked here.
      for (const auto& [field, description] : FieldViolationsOf(checked.status())) {
        v.Add(field, description);
      }
    }
    RETURN_IF_ERROR(v.ToStatus());
    v1::Case prepared = *std::move(checked);
    Reveal reveal = RevealFor(who, "CreateCase");
    Done<v1::Case> done = MaskUnlessRevealed(finish(response), reveal.unmasked);
    if (!name_from_directory) {
      store_->CreateCase(std::move(prepared), pipeline::RequestKey(ctx), std::move(reveal),
                         std::move(done));
      return absl::OkStatus();
    }
    const std::string uscc = prepared.enterprise_uscc();
    enterprises_->Resolve(
        uscc, [this, prepared = std::move(prepared), request_key = pipeline::RequestKey(ctx),
               reveal = std::move(reveal), audit_call = pipeline::AuditCallOf(ctx),
               done = std::move(done)](absl::StatusOr<std::string> name) mutable {
          if (!name.ok()) {
            done(name.status());
            return;
          }
          // The lookup answers on another thread: the write is still this call's.
          db::AuditCallScope audit(audit_call);
          prepared.set_enterprise_name(*name);
          store_->CreateCase(std::move(prepared), std::move(request_key), std::move(reveal),
                             std::move(done));
        });
    return absl::OkStatus();
  });
}

void PetitionServiceImpl::ShowCurrentEnterpriseName(v1::Case* c) {
  if (c->enterprise_uscc().empty()) return;
  if (std::optional<std::string> name = enterprises_->CurrentName(c->enterprise_uscc())) {
    c->set_enterprise_name(*name);
  }
}

grpc::ServerUnaryReactor* PetitionServiceImpl::GetCase(grpc::CallbackServerContext* ctx,
                                                       const v1::GetCaseRequest* request,
                                                       v1::Case* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "case", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(v1::Case c, store_->GetCase(request->id(), &revision));
    ShowCurrentEnterpriseName(&c);
    SetResponseRevision(ctx, revision);
    Done<v1::Case> done = finish(response);
    if (!who->HasRole(kPetitionPii)) {
      MaskCase(&c);
      done(std::move(c));
      return absl::OkStatus();
    }
    auto shown = std::make_shared<v1::Case>(std::move(c));
    store_->AuditReads({shown.get()}, who->name, "GetCase",
                       [shown, done = std::move(done)](absl::Status s) {
                         if (!s.ok()) {
                           done(AuditFailed(s));
                         } else {
                           done(std::move(*shown));
                         }
                       });
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::ListCases(grpc::CallbackServerContext* ctx,
                                                         const v1::ListCasesRequest* request,
                                                         v1::ListCasesResponse* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    const PiiAccess access = PiiAccessFor(who);
    const bool by_id_number = !request->petitioner_id_number().empty();
    // Before any check of the number, so the answer never depends on it.
    if (by_id_number) RETURN_IF_ERROR(CheckMaySearchByIdNumber(access));
    FieldViolations v;
    if (!v1::CaseStatus_IsValid(request->status())) v.Add("status", "is not a known case status");
    CheckOptionalId(request->ledger_id(), "ledger", "ledger_id", &v);
    CheckText(request->category(), "category", 200, false, &v);
    CheckText(request->leader(), "leader", 400, false, &v);
    CheckText(request->department(), "department", 400, false, &v);
    CaseFilter filter;
    if (by_id_number) {
      // Never echoed: the number is personal data.
      std::string id_number = request->petitioner_id_number();
      v1::Case probe;
      probe.mutable_petitioner()->set_id_number(id_number);
      NormalizeCaseInput(&probe);
      const std::string& number = probe.petitioner().id_number();
      if (IsValidResidentId(number, store_->Today())) {
        // Under every key of the ring: cases not re-sealed since a rotation keep an older hash.
        filter.id_hashes = cipher_->KeyedHashes(number);
      } else {
        CheckResidentId(number, "petitioner_id_number", store_->Today(), &v);
      }
    }
    RETURN_IF_ERROR(v.ToStatus());
    filter.status = request->status();
    filter.ledger_id = request->ledger_id();
    filter.category = request->category();
    filter.leader = request->leader();
    filter.department = request->department();
    filter.overdue_only = request->overdue_only();
    const Page page = pipeline::PageOf(ctx);
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto result, store_->ListCases(filter, page, &revision));
    auto out = std::make_shared<v1::ListCasesResponse>();
    for (auto& c : result.items) {
      ShowCurrentEnterpriseName(&c);
      *out->add_cases() = std::move(c);
    }
    out->set_revision(revision);
    if (!result.next_after_key.empty()) {
      out->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    Done<v1::ListCasesResponse> done = finish(response);
    // A search by ID number is audited whatever it found (only petition.pii holders get here).
    if (access == PiiAccess::kMasked || (out->cases_size() == 0 && !by_id_number)) {
      for (v1::Case& c : *out->mutable_cases()) MaskCase(&c);
      done(std::move(*out));
      return absl::OkStatus();
    }
    std::vector<const v1::Case*> shown;
    for (const v1::Case& c : out->cases()) shown.push_back(&c);
    std::vector<std::string> searched_by;
    if (by_id_number) searched_by.emplace_back(kIdNumberSearchField);
    store_->AuditReads(
        shown, who->name, "ListCases",
        [out, done = std::move(done)](absl::Status s) {
          if (!s.ok()) {
            done(AuditFailed(s));
          } else {
            done(std::move(*out));
          }
        },
        std::move(searched_by));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::UpdateCase(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateCaseRequest* request,
                                                          v1::Case* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    const PiiAccess access = PiiAccessFor(who);
    // Here too (ApplyCaseUpdate checks it again), so the caller learns it before any etag check.
    RETURN_IF_ERROR(CheckMayWritePetitioner(request->update_mask(), access));
    RETURN_IF_ERROR(CheckId(request->case_().id(), "case", "case.id"));
    FieldViolations v;
    for (int i = 0; i < request->case_().ledger_ids_size(); ++i) {
      CheckOptionalId(request->case_().ledger_ids(i), "ledger",
                      absl::StrCat("case.ledger_ids[", i, "]"), &v);
    }
    RETURN_IF_ERROR(v.ToStatus());
    Reveal reveal = RevealFor(who, "UpdateCase");
    Done<v1::Case> done = MaskUnlessRevealed(finish(response), reveal.unmasked);
    v1::UpdateCaseRequest update = *request;
    const auto& paths = update.update_mask().paths();
    const bool touches_uscc =
        paths.empty() || std::find(paths.begin(), paths.end(), "*") != paths.end() ||
        std::find(paths.begin(), paths.end(), "enterprise_uscc") != paths.end();
    std::string uscc = update.case_().enterprise_uscc();
    NormalizeCaseInput(update.mutable_case_());
    uscc = update.case_().enterprise_uscc();
    if (!touches_uscc || uscc.empty()) {
      store_->UpdateCase(std::move(update), access, std::move(reveal), std::move(done));
      return absl::OkStatus();
    }
    if (!IsValidUscc(uscc)) {
      return InvalidField("case.enterprise_uscc",
                          "must be an 18-character unified social credit code with a valid check "
                          "character (GB 32100-2015)");
    }
    enterprises_->Resolve(
        uscc, [this, update = std::move(update), access, reveal = std::move(reveal),
               audit_call = pipeline::AuditCallOf(ctx),
               done = std::move(done)](absl::StatusOr<std::string> name) mutable {
          if (!name.ok()) {
            done(name.status());
            return;
          }
          db::AuditCallScope audit(audit_call);
          update.mutable_case_()->set_enterprise_name(*name);
          auto* mask = update.mutable_update_mask();
          const auto& p = mask->paths();
          if (!p.empty() && std::find(p.begin(), p.end(), "*") == p.end() &&
              std::find(p.begin(), p.end(), "enterprise_name") == p.end()) {
            mask->add_paths("enterprise_name");
          }
          store_->UpdateCase(std::move(update), access, std::move(reveal), std::move(done));
        });
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::TransitionCase(
    grpc::CallbackServerContext* ctx, const v1::TransitionCaseRequest* request,
    v1::Case* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "case", "id"));
    FieldViolations v;
    if (request->to_status() == v1::CASE_STATUS_UNSPECIFIED ||
        !v1::CaseStatus_IsValid(request->to_status())) {
      v.Add("to_status", "must be a case status");
    }
    const absl::CivilDay today = store_->Today();
    Move move;
    move.to = request->to_status();
    move.date = DayOrToday(request->date(), "date", today, &v);
    if (move.date > today) v.Add("date", "must not be in the future");
    move.actor = who->name;
    move.note = request->note();
    move.reason = request->reason();
    CheckText(move.note, "note", 4000, false, &v);
    CheckText(move.reason, "reason", 4000, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    Reveal reveal = RevealFor(who, "TransitionCase");
    const bool unmasked = reveal.unmasked;
    store_->TransitionCase(request->id(), std::move(move), request->etag(), std::move(reveal),
                           MaskUnlessRevealed(finish(response), unmasked));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::ExtendDeadline(
    grpc::CallbackServerContext* ctx, const v1::ExtendDeadlineRequest* request,
    v1::Case* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "case", "id"));
    FieldViolations v;
    const absl::CivilDay today = store_->Today();
    ExtensionRequest ext;
    ext.days = request->days();
    ext.reason = request->reason();
    ext.date = DayOrToday(request->date(), "date", today, &v);
    ext.actor = who->name;
    const int max_days = store_->policy().max_extension_days;
    if (ext.days < 1 || ext.days > max_days) {
      v.Add("days", absl::StrCat("must be between 1 and ", max_days));
    }
    if (ext.reason.empty()) v.Add("reason", "an extension needs a reason");
    CheckText(ext.reason, "reason", 4000, false, &v);
    if (ext.date > today) v.Add("date", "must not be in the future");
    RETURN_IF_ERROR(v.ToStatus());
    Reveal reveal = RevealFor(who, "ExtendDeadline");
    const bool unmasked = reveal.unmasked;
    store_->ExtendDeadline(request->id(), std::move(ext), request->etag(), std::move(reveal),
                           MaskUnlessRevealed(finish(response), unmasked));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::AssignLeader(grpc::CallbackServerContext* ctx,
                                                            const v1::AssignLeaderRequest* request,
                                                            v1::Case* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "case", "id"));
    FieldViolations v;
    CheckText(request->leader(), "leader", 400, true, &v);
    RETURN_IF_ERROR(v.ToStatus());
    Reveal reveal = RevealFor(who, "AssignLeader");
    const bool unmasked = reveal.unmasked;
    store_->AssignLeader(request->id(), request->leader(), request->etag(), std::move(reveal),
                         MaskUnlessRevealed(finish(response), unmasked));
    return absl::OkStatus();
  });
}

// --- meetings ----------------------------------------------------------------------------------

grpc::ServerUnaryReactor* PetitionServiceImpl::RecordMeeting(
    grpc::CallbackServerContext* ctx, const v1::RecordMeetingRequest* request,
    v1::Meeting* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    const v1::Meeting& m = request->meeting();
    FieldViolations v;
    ValidateMeetingInput(m, "meeting", store_->Today(), &v);
    for (int i = 0; i < m.case_ids_size(); ++i) {
      if (!m.case_ids(i).empty()) {
        CheckOptionalId(m.case_ids(i), "case", absl::StrCat("meeting.case_ids[", i, "]"), &v);
      }
    }
    for (int i = 0; i < m.attendees_size(); ++i) {
      CheckText(m.attendees(i), absl::StrCat("meeting.attendees[", i, "]"), 400, true, &v);
    }
    CheckText(m.notes(), "meeting.notes", 20000, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    v1::Meeting meeting;
    meeting.set_kind(m.kind());
    *meeting.mutable_date() = m.date();
    *meeting.mutable_attendees() = m.attendees();
    *meeting.mutable_case_ids() = m.case_ids();
    meeting.set_notes(m.notes());
    Reveal reveal = RevealFor(&pipeline::Caller(ctx), "RecordMeeting");
    const bool unmasked = reveal.unmasked;
    store_->RecordMeeting(std::move(meeting), pipeline::RequestKey(ctx), std::move(reveal),
                          WithholdUnlessRevealed(finish(response), unmasked));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::GetMeeting(grpc::CallbackServerContext* ctx,
                                                          const v1::GetMeetingRequest* request,
                                                          v1::Meeting* response) {
  return RunAsyncRead(ctx, [=](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    RETURN_IF_ERROR(CheckId(request->id(), "meeting", "id"));
    int64_t revision = 0;
    ASSIGN_OR_RETURN(v1::Meeting m, store_->GetMeeting(request->id(), &revision));
    SetResponseRevision(ctx, revision);
    Done<v1::Meeting> done = finish(response);
    if (!who->HasRole(kPetitionPii)) {
      WithholdMeetingText(&m);
      done(std::move(m));
      return absl::OkStatus();
    }
    auto shown = std::make_shared<v1::Meeting>(std::move(m));
    store_->AuditMeetingReads({shown.get()}, who->name, "GetMeeting",
                              [shown, done = std::move(done)](absl::Status s) {
                                if (!s.ok()) {
                                  done(AuditFailed(s));
                                } else {
                                  done(std::move(*shown));
                                }
                              });
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PetitionServiceImpl::ListMeetings(grpc::CallbackServerContext* ctx,
                                                            const v1::ListMeetingsRequest* request,
                                                            v1::ListMeetingsResponse* response) {
  return RunAsyncRead(ctx, [=](auto finish) -> absl::Status {
    const Principal* who = &pipeline::Caller(ctx);
    FieldViolations v;
    if (!v1::MeetingKind_IsValid(request->kind())) v.Add("kind", "is not a known meeting kind");
    CheckOptionalId(request->case_id(), "case", "case_id", &v);
    MeetingFilter filter;
    filter.kind = request->kind();
    filter.case_id = request->case_id();
    if (IsSet(request->start_date())) {
      ValidateDate(request->start_date(), "start_date", &v);
      if (v.empty()) filter.start = ToCivilDay(request->start_date());
    }
    if (IsSet(request->end_date())) {
      ValidateDate(request->end_date(), "end_date", &v);
      if (v.empty()) filter.end = ToCivilDay(request->end_date());
    }
    RETURN_IF_ERROR(v.ToStatus());
    const Page page = pipeline::PageOf(ctx);
    int64_t revision = 0;
    ASSIGN_OR_RETURN(auto result, store_->ListMeetings(filter, page, &revision));
    auto out = std::make_shared<v1::ListMeetingsResponse>();
    for (auto& m : result.items) *out->add_meetings() = std::move(m);
    out->set_revision(revision);
    if (!result.next_after_key.empty()) {
      out->set_next_page_token(pipeline::NextPageToken(ctx, result.next_after_key));
    }
    Done<v1::ListMeetingsResponse> done = finish(response);
    if (!who->HasRole(kPetitionPii) || out->meetings_size() == 0) {
      for (v1::Meeting& m : *out->mutable_meetings()) WithholdMeetingText(&m);
      done(std::move(*out));
      return absl::OkStatus();
    }
    std::vector<const v1::Meeting*> shown;
    for (const v1::Meeting& m : out->meetings()) shown.push_back(&m);
    store_->AuditMeetingReads(shown, who->name, "ListMeetings",
                              [out, done = std::move(done)](absl::Status s) {
                                if (!s.ok()) {
                                  done(AuditFailed(s));
                                } else {
                                  done(std::move(*out));
                                }
                              });
    return absl::OkStatus();
  });
}

// --- audit -------------------------------------------------------------------------------------

grpc::ServerUnaryReactor* PetitionServiceImpl::ListAuditRecords(
    grpc::CallbackServerContext* ctx, const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  return RunUnary(ctx, [=]() -> absl::Status {
    FieldViolations v;
    CheckOptionalId(request->case_id(), "case", "case_id", &v);
    CheckText(request->actor(), "actor", 200, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    // The older filters are other names for the shared ones (see petition.proto).
    audit::AuditFilter filter;
    filter.principal = request->principal().empty() ? request->actor() : request->principal();
    filter.resource = request->resource().empty() && !request->case_id().empty()
                          ? absl::StrCat("cases/", request->case_id())
                          : request->resource();
    filter.method = request->method();
    RETURN_IF_ERROR(
        audit::ParseTimeRange(request->has_start_time() ? &request->start_time() : nullptr,
                              request->has_end_time() ? &request->end_time() : nullptr, &filter));
    const bool contradictory =
        (!request->actor().empty() && filter.principal != request->actor()) ||
        (!request->case_id().empty() &&
         filter.resource != absl::StrCat("cases/", request->case_id()));
    audit::AuditPage page;
    if (contradictory) {
      // Both forms of a filter, with different values: nothing matches both. The head still.
      ASSIGN_OR_RETURN(page,
                       store_->ListAuditRecords(audit::AuditFilter{"-", "-", "-"}, Page{1, ""}));
      page.records.clear();
      page.next_after_key.clear();
    } else {
      ASSIGN_OR_RETURN(page, store_->ListAuditRecords(filter, pipeline::PageOf(ctx)));
    }
    for (auto& r : page.records) *response->add_records() = LegacyAuditView(std::move(r));
    audit::SetPageTail(ctx, page, response);
    return absl::OkStatus();
  });
}

// --- key rotation ------------------------------------------------------------------------------

grpc::ServerUnaryReactor* PetitionServiceImpl::ResealPersonalData(
    grpc::CallbackServerContext* ctx, const v1::ResealPersonalDataRequest* request,
    v1::ResealPersonalDataResponse* response) {
  return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
    FieldViolations v;
    if (request->batch_size() < 0) v.Add("batch_size", "must not be negative");
    CheckText(request->cursor(), "cursor", 200, false, &v);
    CheckText(request->expected_key_id(), "expected_key_id", 32, false, &v);
    RETURN_IF_ERROR(v.ToStatus());
    if (!request->expected_key_id().empty() &&
        request->expected_key_id() != cipher_->current_key_id()) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "PII_KEY_MISMATCH",
                       absl::StrCat("this server seals under key '", cipher_->current_key_id(),
                                    "', not the expected one: restart it with the new key ring "
                                    "before re-sealing"));
    }
    const int batch = request->batch_size() == 0 ? 200 : std::min(request->batch_size(), 1000);
    Done<v1::ResealPersonalDataResponse> done = finish(response);
    store_->ResealBatch(request->cursor(), batch, ResealMode::kCurrentKey,
                        [done = std::move(done)](absl::StatusOr<ResealProgress> p) {
                          if (!p.ok()) {
                            done(p.status());
                            return;
                          }
                          v1::ResealPersonalDataResponse out;
                          out.set_current_key_id(p->current_key_id);
                          out.set_examined(static_cast<int32_t>(p->examined));
                          out.set_resealed(static_cast<int32_t>(p->resealed));
                          out.set_conflicts(static_cast<int32_t>(p->conflicts));
                          out.set_unreadable(static_cast<int32_t>(p->unreadable));
                          out.set_next_cursor(p->next_cursor);
                          for (const auto& [key, count] : p->found_by_key) {
                            (*out.mutable_found_by_key())[key] = count;
                          }
                          done(std::move(out));
                        });
    return absl::OkStatus();
  });
}

// --- live updates ------------------------------------------------------------------------------

namespace {

struct WatchCaseFilter {
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
  std::string ledger_id;
  std::string department;
  std::string category;

  bool Matches(const v1::Case& c) const {
    if (status != v1::CASE_STATUS_UNSPECIFIED && c.status() != status) return false;
    if (!department.empty() && c.department() != department) return false;
    if (!category.empty() && c.category() != category) return false;
    if (!ledger_id.empty() && std::find(c.ledger_ids().begin(), c.ledger_ids().end(), ledger_id) ==
                                  c.ledger_ids().end()) {
      return false;
    }
    return true;
  }
};

}  // namespace

grpc::ServerWriteReactor<v1::WatchCasesResponse>* PetitionServiceImpl::WatchCases(
    grpc::CallbackServerContext* ctx, const v1::WatchCasesRequest* request) {
  absl::Status ok;
  {
    FieldViolations v;
    if (!v1::CaseStatus_IsValid(request->status())) v.Add("status", "is not a known case status");
    CheckOptionalId(request->ledger_id(), "ledger", "ledger_id", &v);
    CheckText(request->department(), "department", 400, false, &v);
    CheckText(request->category(), "category", 200, false, &v);
    if (request->since_revision() < 0) v.Add("since_revision", "must not be negative");
    ok = v.ToStatus();
  }
  if (!ok.ok()) return watch::FailedWatch<v1::WatchCasesResponse>(ok);
  WatchCaseFilter filter;
  filter.status = request->status();
  filter.ledger_id = request->ledger_id();
  filter.department = request->department();
  filter.category = request->category();
  // Runs on the feed's threads: nothing here may block (no audit write, see the header), and
  // every path masks the petitioner.
  return watch::StartWatch<v1::WatchCasesResponse>(
      feed_, request->since_revision(), watch_options_,
      [this, filter = std::move(filter)](const watch::ChangeEvent& e, v1::WatchCasesResponse* out) {
        if (e.resource_type != "case") return false;
        v1::CaseChange change;
        absl::StatusOr<v1::Case> opened = store_->OpenStoredCase(e.state);
        if (opened.ok()) {
          *change.mutable_petition_case() = *std::move(opened);
        } else {
          // A change the key cannot open (data loss) is still delivered, without petitioner
          // data, rather than leaving a silent gap in the stream.
          v1::Case* c = change.mutable_petition_case();
          if (!c->ParseFromString(e.state)) return false;
          c->clear_petitioner();
          WithholdCaseText(c);
          RefreshDerivedFields(c, store_->policy(), store_->Today());
          LogEvent("watch_case_unreadable", "error")
              .Str("case_id", e.resource_id)
              .Int("revision", e.revision)
              .Str("error", opened.status().ToString())
              .Emit();
        }
        if (!filter.Matches(change.petition_case())) return false;
        MaskCase(change.mutable_petition_case());
        change.set_revision(e.revision);
        change.set_kind(static_cast<common::v1::ChangeKind>(e.kind));
        *change.mutable_change_time() = ToTimestamp(e.time);
        *out->add_changes() = std::move(change);
        return true;
      },
      [](int64_t revision, v1::WatchCasesResponse* out) { out->set_revision(revision); });
}

grpc::ServerWriteReactor<v1::LedgerStats>* PetitionServiceImpl::StreamLedgerStats(
    grpc::CallbackServerContext* ctx, const v1::StreamLedgerStatsRequest* request) {
  absl::Status ok = CheckId(request->ledger_id(), "ledger", "ledger_id");
  if (!ok.ok()) return watch::FailedWatch<v1::LedgerStats>(ok);
  // The cases on the ledger as of the last stats sent: a change that takes a case off the ledger
  // matters although the case's new state no longer names it.
  struct Members {
    std::mutex mu;
    absl::flat_hash_set<std::string> case_ids;
  };
  auto members = std::make_shared<Members>();
  const std::string ledger_id = request->ledger_id();
  return watch::StartSummaryStream<v1::LedgerStats>(
      feed_, summary_options_,
      [ledger_id, members](const watch::ChangeEvent& e) {
        if (e.resource_type == "ledger") return e.resource_id == ledger_id;
        if (e.resource_type != "case") return false;
        {
          std::lock_guard<std::mutex> lock(members->mu);
          if (members->case_ids.contains(e.resource_id)) return true;
        }
        v1::Case c;
        if (!c.ParseFromString(e.state)) return true;  // cannot tell: recompute
        return std::find(c.ledger_ids().begin(), c.ledger_ids().end(), ledger_id) !=
               c.ledger_ids().end();
      },
      [this, ledger_id, members]() -> absl::StatusOr<v1::LedgerStats> {
        int64_t revision = 0;
        ASSIGN_OR_RETURN(auto loaded, store_->LoadLedgerCases(ledger_id, &revision));
        {
          std::lock_guard<std::mutex> lock(members->mu);
          members->case_ids.clear();
          for (const v1::Case& c : loaded.second) members->case_ids.insert(c.id());
        }
        v1::LedgerStats stats =
            ComputeLedgerStats(loaded.first, loaded.second, store_->policy(), store_->Today());
        stats.set_revision(revision);
        return stats;
      });
}

}  // namespace gaoxin::petition
