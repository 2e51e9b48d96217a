// gaoxin.petition.v1.PetitionService over gRPC: authorization, request validation, enterprise
// lookup, paging, and the personal-data rule of every output path: callers without
// `petition.pii` get petitioner fields masked and free text (domain/free_text.h) withheld;
// callers with it get them only after the audit record of the read is durable (no audit, no
// plaintext). ResealPersonalData (admin) re-seals the store under the current PII key. Rules live
// in domain/, persistence in petition_store; this file wires them.
//
// Live updates: WatchCases streams case changes from the store's change log (the feed) and
// StreamLedgerStats a ledger's stats after each relevant change. On the watch stream petitioner
// data is always masked, for every caller (see WatchCases below).
#ifndef GAOXIN_SERVICES_PETITION_PETITION_SERVICE_H_
#define GAOXIN_SERVICES_PETITION_PETITION_SERVICE_H_

#include "common/auth.h"
#include "common/pipeline/service.h"
#include "common/watch/change_feed.h"
#include "common/watch/summary_reactor.h"
#include "common/watch/watch_reactor.h"
#include "gaoxin/petition/v1/petition.grpc.pb.h"
#include "services/petition/enterprise_lookup.h"
#include "services/petition/petition_store.h"

namespace gaoxin::petition {

// Every method runs through the request pipeline (common/pipeline/service.h).
class PetitionServiceImpl final : public pipeline::Service<v1::PetitionService> {
 public:
  // All pointers must outlive the service. `feed` is the change feed of `store`'s database.
  PetitionServiceImpl(PetitionStore* store, const Authenticator* auth, const PiiCipher* cipher,
                      EnterpriseResolver* enterprises, watch::ChangeFeed* feed,
                      watch::WatchOptions watch_options = {},
                      watch::SummaryOptions summary_options = {});

#define GAOXIN_PETITION_RPC(Method, Request, Response)                                           \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const v1::Request* request, \
                                   v1::Response* response) override;
  GAOXIN_PETITION_RPC(CreateLedger, CreateLedgerRequest, Ledger)
  GAOXIN_PETITION_RPC(GetLedger, GetLedgerRequest, Ledger)
  GAOXIN_PETITION_RPC(ListLedgers, ListLedgersRequest, ListLedgersResponse)
  GAOXIN_PETITION_RPC(GetLedgerStats, GetLedgerStatsRequest, LedgerStats)
  GAOXIN_PETITION_RPC(CreateCase, CreateCaseRequest, Case)
  GAOXIN_PETITION_RPC(GetCase, GetCaseRequest, Case)
  GAOXIN_PETITION_RPC(ListCases, ListCasesRequest, ListCasesResponse)
  GAOXIN_PETITION_RPC(UpdateCase, UpdateCaseRequest, Case)
  GAOXIN_PETITION_RPC(TransitionCase, TransitionCaseRequest, Case)
  GAOXIN_PETITION_RPC(ExtendDeadline, ExtendDeadlineRequest, Case)
  GAOXIN_PETITION_RPC(AssignLeader, AssignLeaderRequest, Case)
  GAOXIN_PETITION_RPC(RecordMeeting, RecordMeetingRequest, Meeting)
  GAOXIN_PETITION_RPC(GetMeeting, GetMeetingRequest, Meeting)
  GAOXIN_PETITION_RPC(ListMeetings, ListMeetingsRequest, ListMeetingsResponse)
  GAOXIN_PETITION_RPC(ListAuditRecords, ListAuditRecordsRequest, ListAuditRecordsResponse)
  GAOXIN_PETITION_RPC(ResealPersonalData, ResealPersonalDataRequest, ResealPersonalDataResponse)
#undef GAOXIN_PETITION_RPC

  // Role petition.reader. Petitioner fields are masked on this stream for every caller, with
  // or without petition.pii, and no audit record is written: GetCase's rule is "plaintext only
  // once the read is audited", and a watch is a long-lived, usually unattended stream (a
  // dashboard, `gaoxinctl watch`) whose messages are built on the feed's threads, which must
  // not wait for an audit write. A watcher that needs the plaintext calls GetCase, audited.
  grpc::ServerWriteReactor<v1::WatchCasesResponse>* WatchCases(
      grpc::CallbackServerContext* ctx, const v1::WatchCasesRequest* request) override;
  // Role petition.reader. Stats carry no personal data.
  grpc::ServerWriteReactor<v1::LedgerStats>* StreamLedgerStats(
      grpc::CallbackServerContext* ctx, const v1::StreamLedgerStatsRequest* request) override;

 private:
  // Cases show the enterprise's current name from the shared directory (kept current by the
  // enterprise service); the name stored at creation is the fallback.
  void ShowCurrentEnterpriseName(v1::Case* c);
  PetitionStore* store_;
  const PiiCipher* cipher_;
  EnterpriseResolver* enterprises_;
  watch::ChangeFeed* feed_;
  const watch::WatchOptions watch_options_;
  const watch::SummaryOptions summary_options_;
};

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_PETITION_SERVICE_H_
