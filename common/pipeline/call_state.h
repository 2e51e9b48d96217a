// What the request pipeline learns about one call, kept for the call's whole life so that the
// handler, the pipeline and the RPC log line share it instead of each working it out again: the
// principal (one SHA-256 of the token per call), the validated request_id, the parsed request,
// the page the request asks for.
//
// The server interceptor opens a CallState when a call arrives and closes it when the call is
// destroyed (after OnDone), so everything parked here lives exactly as long as the call:
//
//   CallState* call = CallState::Of(ctx);          // in the pipeline or a handler
//   call->principal = who;
//   ...
//   // in the log line: call->principal_name()
#ifndef GAOXIN_COMMON_PIPELINE_CALL_STATE_H_
#define GAOXIN_COMMON_PIPELINE_CALL_STATE_H_

#include <memory>
#include <optional>
#include <string>

#include "common/auth.h"
#include "common/db/audit_hook.h"
#include "common/pagination.h"
#include "common/pipeline/in_flight_limit.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"

namespace gaoxin::pipeline {

struct MethodSpec;

class CallState {
 public:
  // Opens the state of the call served through `ctx`; Close() (or the destructor of the returned
  // handle) ends it. Used by the server interceptor only.
  class Handle {
   public:
    explicit Handle(const grpc::ServerContextBase* ctx);
    ~Handle();
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    CallState* get() { return state_.get(); }

   private:
    const grpc::ServerContextBase* ctx_;
    std::unique_ptr<CallState> state_;
  };

  // The state of the call served through `ctx`, or null for a call the interceptor did not see
  // (health checks).
  static CallState* Of(const grpc::ServerContextBase* ctx);

  // Set by the pipeline before the handler runs.
  const MethodSpec* method = nullptr;
  const Principal* principal = nullptr;
  // Keeps `principal` alive for the whole call, across a reload of the tokens file.
  void SetPrincipal(std::shared_ptr<const Principal> who) {
    principal = who.get();
    principal_owner_ = std::move(who);
  }
  // Empty, or printable ASCII of at most 100 bytes: safe to echo in metadata and logs.
  std::string request_id;
  // Binds the request_id to the principal, the method and the request's content (AIP-155): a
  // reuse of the id with anything else is refused by the store instead of replaying.
  std::string request_binding;
  // For List methods: the page asked for, and the fingerprint of every other request field.
  std::optional<Page> page;
  std::string page_fingerprint;
  // The x-request-id the client sent as metadata, when well formed (set by the RPC log).
  std::string header_request_id;
  // For writing methods: who the write audit records as making the changes (set by the pipeline
  // before the handler runs; the handler may add on_behalf_of, see pipeline::OnBehalfOf).
  db::AuditCall audit;
  // The call's place under --max_in_flight_calls, given back when the call is destroyed.
  InFlightLimit::Slot in_flight_slot;
  // The request message, parsed by the pipeline from the call's bytes and owned here.
  std::unique_ptr<google::protobuf::Message> request;

  std::string principal_name() const { return principal == nullptr ? "" : principal->name; }

 private:
  std::shared_ptr<const Principal> principal_owner_;
};

}  // namespace gaoxin::pipeline

#endif  // GAOXIN_COMMON_PIPELINE_CALL_STATE_H_
