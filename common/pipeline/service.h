// The one request pipeline every gaoxin service runs its calls through. A service declares its
// methods once, in its constructor, each with the role it needs and whether it writes and takes
// a request_id; the pipeline then does, before the handler runs and the same way for every
// method of every service:
//   1. authentication (one SHA-256 of the token per call) and the role check;
//   2. parsing the request from its bytes itself, so that bytes that do not parse (a string that
//      is not UTF-8, random bytes) get INVALID_ARGUMENT naming the field instead of gRPC's bare
//      UNIMPLEMENTED;
//   3. the text rules of common/pipeline/message_rules.h on every string and repeated field;
//   4. the request_id (printable ASCII, at most 100 bytes) before anything echoes or stores it,
//      and its binding to the principal, the method and the request's content;
//   5. for List methods, the page: size rules and a signed page token bound to a fingerprint of
//      every other request field, so no filter can be forgotten.
// Before all of these, the pipeline refuses a call that cannot be served: one past
// --max_in_flight_calls (RESOURCE_EXHAUSTED with a retry hint, in_flight_limit.h), or one whose
// deadline has already passed (DEADLINE_EXCEEDED: no work is started for a caller that has given
// up). A writing handler's units of work carry the call's deadline to the store's writer, which
// does not start them once it has passed (common/call_deadline.h).
// Health and reflection are not gaoxin services and stay open.
//
//   class LeadServiceImpl final : public pipeline::Service<v1::LeadService> {
//     LeadServiceImpl(...) : Service(auth) {
//       Unary("CreateLead", kLeadsWriter, kWrites | kTakesRequestId, &LeadServiceImpl::CreateLead);
//       Unary("GetLead", kLeadsReader, kReads, &LeadServiceImpl::GetLead);
//       ...
//       CheckEveryMethodDeclared();   // start-up fails naming any method left out
//     }
//     grpc::ServerUnaryReactor* GetLead(grpc::CallbackServerContext* ctx,
//                                       const v1::GetLeadRequest* request, v1::Lead* resp)
//                                       override;
//   };
//
// Inside a handler, pipeline::Caller(ctx), PageOf(ctx), NextPageToken(ctx, key) and
// RequestKey(ctx) give what the pipeline worked out.
#ifndef GAOXIN_COMMON_PIPELINE_SERVICE_H_
#define GAOXIN_COMMON_PIPELINE_SERVICE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/call_deadline.h"
#include "common/db/common_tables.h"
#include "common/grpc_status.h"
#include "common/pagination.h"
#include "common/pipeline/call_state.h"
#include "common/watch/watch_reactor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"

namespace gaoxin::pipeline {

enum MethodFlags : unsigned {
  kReads = 0,
  kWrites = 1u << 0,
  kTakesRequestId = 1u << 1,
};

struct MethodSpec {
  std::string name;       // "CreateLead"
  std::string full_name;  // "/gaoxin.leads.v1.LeadService/CreateLead"
  std::string role;
  bool writes = false;
  bool takes_request_id = false;
  // The request has page_size and page_token fields: the pipeline parses the page.
  bool paged = false;
  // A server stream (a watch): long-lived, not counted under --max_in_flight_calls.
  bool server_streaming = false;
};

// The part of the pipeline that is not a template: everything but handing the parsed request to
// the typed handler.
class Admission {
 public:
  Admission(const google::protobuf::ServiceDescriptor* service, const Authenticator* auth);

  const google::protobuf::ServiceDescriptor* service() const { return service_; }
  const std::vector<std::unique_ptr<MethodSpec>>& methods() const { return methods_; }

  // Adds a method; the request and response types must be the proto's. Dies on a mismatch: that
  // is a programming error found at the first start.
  const MethodSpec* Declare(absl::string_view name, absl::string_view role, unsigned flags,
                            const google::protobuf::Descriptor* request,
                            const google::protobuf::Descriptor* response, int* index);
  // OK when every method of the service's proto has been declared; otherwise names the others.
  absl::Status CheckEveryMethodDeclared() const;

  // Steps 1 to 5 for a call whose request arrived as `raw`. On success the parsed request is
  // owned by the call's CallState (`prototype` gives its type) and returned.
  absl::StatusOr<const google::protobuf::Message*> Admit(
      grpc::CallbackServerContext* ctx, const MethodSpec& method, const grpc::ByteBuffer& raw,
      const google::protobuf::Message& prototype) const;
  // Steps 1 to 3 on their own: for client-streaming calls (auth at the start, `CheckMessage` on
  // each message the reactor reads).
  absl::Status AdmitStream(grpc::CallbackServerContext* ctx, const MethodSpec& method) const;

 private:
  absl::Status Authorize(grpc::CallbackServerContext* ctx, const MethodSpec& method,
                         CallState* call) const;
  // A call past its deadline, or past --max_in_flight_calls (which otherwise takes its slot).
  absl::Status Refuse(grpc::CallbackServerContext* ctx, const MethodSpec& method,
                      CallState* call) const;

  const google::protobuf::ServiceDescriptor* service_;
  const Authenticator* auth_;
  std::vector<std::unique_ptr<MethodSpec>> methods_;
};

// Step 3 alone, for one message of a client stream.
absl::Status CheckMessage(const google::protobuf::Message& message);
// Step 2 alone: `raw` parsed into `message`, or INVALID_ARGUMENT naming the field that does not
// parse (a string that is not UTF-8, say). Client-stream reactors read raw messages and parse
// each with it: gRPC's own parsing would report a bad message as the end of the stream.
absl::Status ParseMessage(const grpc::ByteBuffer& raw, google::protobuf::Message* message);

// What the pipeline worked out for the call being handled through `ctx`.
const Principal& Caller(const grpc::ServerContextBase* ctx);
Page PageOf(const grpc::ServerContextBase* ctx);
// The token of the page after `last_key`, bound to this request's fingerprint.
std::string NextPageToken(const grpc::ServerContextBase* ctx, absl::string_view last_key);
// The request_id and its binding, for a store's create-once (empty id: no idempotency).
db::RequestKey RequestKey(const grpc::ServerContextBase* ctx);
// Notes that the request names `who` as the person acting (TransitionLeadRequest.actor, ...):
// the write audit keeps it as "on behalf of", never as the principal. Ignored when empty or the
// principal itself. Call before handing the write to the store.
void OnBehalfOf(const grpc::ServerContextBase* ctx, absl::string_view who);
// Who the write audit records for this call (the principal, the full method name, the
// request_id or x-request-id, and on_behalf_of), owned by the call's state: what a stream reactor
// opens a db::AuditCallScope with around the writes it queues from its own threads.
const db::AuditCall* AuditCallOf(const grpc::ServerContextBase* ctx);
// Opens the write audit's scope for a writing method's handler (see db::AuditCallScope).
db::AuditCallScope OpenAuditScope(grpc::CallbackServerContext* ctx, const MethodSpec& method);

// The base of a service implementation: `Proto` is the generated service class (v1::LeadService).
template <typename Proto>
class Service : public Proto::CallbackService {
 public:
  const Admission& admission() const { return admission_; }

 protected:
  explicit Service(const Authenticator* auth)
      : admission_(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
                       Proto::service_full_name()),
                   auth) {}

  // The method's index in the generated service and its entry in the table.
  template <typename Req, typename Resp>
  std::pair<int, const MethodSpec*> Declare(absl::string_view name, absl::string_view role,
                                            unsigned flags) {
    int index = -1;
    const MethodSpec* spec =
        admission_.Declare(name, role, flags, Req::descriptor(), Resp::descriptor(), &index);
    return {index, spec};
  }

  template <typename Impl, typename Req, typename Resp>
  void Unary(absl::string_view name, absl::string_view role, unsigned flags,
             grpc::ServerUnaryReactor* (Impl::*handler)(grpc::CallbackServerContext*, const Req*,
                                                        Resp*)) {
    // Not a structured binding: C++17 lambdas cannot capture those (clang refuses).
    const std::pair<int, const MethodSpec*> declared = Declare<Req, Resp>(name, role, flags);
    const int index = declared.first;
    const MethodSpec* spec = declared.second;
    Impl* impl = static_cast<Impl*>(this);
    const Admission* admission = &admission_;
    this->MarkMethodRawCallback(
        index, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, Resp>(
                   [impl, admission, spec, handler](grpc::CallbackServerContext* ctx,
                                                    const grpc::ByteBuffer* raw, Resp* response) {
                     auto request = admission->Admit(ctx, *spec, *raw, Req::default_instance());
                     if (!request.ok()) {
                       grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
                       reactor->Finish(ToGrpcStatus(request.status()));
                       return reactor;
                     }
                     // Work for the call (reads on the pool, queued writes, waits on the
                     // database) is bounded by its deadline.
                     CallDeadlineScope deadline(absl::FromChrono(ctx->deadline()));
                     if (!spec->writes) {
                       return (impl->*handler)(ctx, static_cast<const Req*>(*request), response);
                     }
                     // The writes the handler queues are audited as this call.
                     db::AuditCallScope audit = OpenAuditScope(ctx, *spec);
                     return (impl->*handler)(ctx, static_cast<const Req*>(*request), response);
                   }));
  }

  template <typename Impl, typename Req, typename Resp>
  void ServerStream(absl::string_view name, absl::string_view role, unsigned flags,
                    grpc::ServerWriteReactor<Resp>* (Impl::*handler)(grpc::CallbackServerContext*,
                                                                     const Req*)) {
    // Not a structured binding: C++17 lambdas cannot capture those (clang refuses).
    const std::pair<int, const MethodSpec*> declared = Declare<Req, Resp>(name, role, flags);
    const int index = declared.first;
    const MethodSpec* spec = declared.second;
    Impl* impl = static_cast<Impl*>(this);
    const Admission* admission = &admission_;
    this->MarkMethodRawCallback(
        index, new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, Resp>(
                   [impl, admission, spec, handler](grpc::CallbackServerContext* ctx,
                                                    const grpc::ByteBuffer* raw) {
                     auto request = admission->Admit(ctx, *spec, *raw, Req::default_instance());
                     if (!request.ok()) return watch::FailedWatch<Resp>(request.status());
                     return (impl->*handler)(ctx, static_cast<const Req*>(*request));
                   }));
  }

  // Client streams: the reactor reads raw messages and parses each with ParseMessage (gRPC's
  // parsing would end the stream silently at a message that does not parse), then applies
  // CheckMessage. `handler` is not the generated virtual (its reactor type differs), so it is
  // named otherwise, e.g. ImportMonthlyReportsStream for ImportMonthlyReports.
  template <typename Req, typename Impl, typename Resp>
  void ClientStream(absl::string_view name, absl::string_view role, unsigned flags,
                    grpc::ServerReadReactor<grpc::ByteBuffer>* (Impl::*handler)(
                        grpc::CallbackServerContext*, Resp*)) {
    // Not a structured binding: C++17 lambdas cannot capture those (clang refuses).
    const std::pair<int, const MethodSpec*> declared = Declare<Req, Resp>(name, role, flags);
    const int index = declared.first;
    const MethodSpec* spec = declared.second;
    Impl* impl = static_cast<Impl*>(this);
    const Admission* admission = &admission_;
    this->MarkMethodRawCallback(
        index, new grpc::internal::CallbackClientStreamingHandler<grpc::ByteBuffer, Resp>(
                   [impl, admission, spec, handler](
                       grpc::CallbackServerContext* ctx,
                       Resp* response) -> grpc::ServerReadReactor<grpc::ByteBuffer>* {
                     absl::Status admitted = admission->AdmitStream(ctx, *spec);
                     if (!admitted.ok()) {
                       class Failed final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
                        public:
                         explicit Failed(const absl::Status& s) { this->Finish(ToGrpcStatus(s)); }
                         void OnDone() override { delete this; }
                       };
                       return new Failed(admitted);
                     }
                     return (impl->*handler)(ctx, response);
                   }));
  }

  // Dies naming the undeclared methods: a method without an entry would bypass the pipeline.
  void CheckEveryMethodDeclared() const;

 private:
  Admission admission_;
};

// Aborts start-up with `status` logged (a service without a complete method table must not run).
void DieUnlessOk(const absl::Status& status);

template <typename Proto>
void Service<Proto>::CheckEveryMethodDeclared() const {
  DieUnlessOk(admission_.CheckEveryMethodDeclared());
}

}  // namespace gaoxin::pipeline

#endif  // GAOXIN_COMMON_PIPELINE_SERVICE_H_
