#include "common/pipeline/service.h"

#include <chrono>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/pipeline/in_flight_limit.h"
#include "common/pipeline/message_rules.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "grpcpp/impl/codegen/proto_buffer_reader.h"

namespace gaoxin::pipeline {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* FieldOfType(const Descriptor* type, absl::string_view name,
                                   FieldDescriptor::CppType cpp_type) {
  const FieldDescriptor* f = type->FindFieldByName(std::string(name));
  return f != nullptr && !f->is_repeated() && f->cpp_type() == cpp_type ? f : nullptr;
}

absl::Status CheckRequestId(absl::string_view id) {
  if (id.size() > kMaxRequestIdBytes) {
    return InvalidField("request_id", absl::StrCat("must be at most ", kMaxRequestIdBytes,
                                                   " bytes (a UUID is 36)"));
  }
  if (!IsPrintableAscii(id)) {
    return InvalidField("request_id",
                        "must be printable ASCII (a UUID is best): it is echoed in metadata");
  }
  return absl::OkStatus();
}

CallState* StateOf(const grpc::ServerContextBase* ctx) {
  CallState* call = CallState::Of(ctx);
  if (call == nullptr) {
    // Only health checks have no state, and they never reach a handler: a programming error.
    LogEvent("pipeline_no_call_state", "error").Emit();
    std::abort();
  }
  return call;
}

}  // namespace

Admission::Admission(const google::protobuf::ServiceDescriptor* service, const Authenticator* auth)
    : service_(service), auth_(auth) {
  if (service_ == nullptr) {
    LogEvent("pipeline_unknown_service", "error").Emit();
    std::abort();
  }
}

const MethodSpec* Admission::Declare(absl::string_view name, absl::string_view role, unsigned flags,
                                     const Descriptor* request, const Descriptor* response,
                                     int* index) {
  const google::protobuf::MethodDescriptor* m = service_->FindMethodByName(std::string(name));
  if (m == nullptr || m->input_type() != request || m->output_type() != response ||
      !IsKnownRole(role)) {
    DieUnlessOk(absl::InternalError(absl::StrCat(
        "method table of ", service_->full_name(), ": '", name,
        "' is not a method of the proto with these types, or role '", role, "' is unknown")));
  }
  for (const auto& spec : methods_) {
    if (spec->name == name) {
      DieUnlessOk(absl::InternalError(absl::StrCat("method '", name, "' declared twice")));
    }
  }
  auto spec = std::make_unique<MethodSpec>();
  spec->name = std::string(name);
  spec->full_name = absl::StrCat("/", service_->full_name(), "/", name);
  spec->role = std::string(role);
  spec->writes = (flags & kWrites) != 0;
  spec->takes_request_id = (flags & kTakesRequestId) != 0;
  if (spec->takes_request_id &&
      FieldOfType(request, "request_id", FieldDescriptor::CPPTYPE_STRING) == nullptr) {
    DieUnlessOk(absl::InternalError(absl::StrCat("method '", name, "' has no request_id field")));
  }
  spec->server_streaming = m->server_streaming();
  spec->paged = FieldOfType(request, "page_size", FieldDescriptor::CPPTYPE_INT32) != nullptr &&
                FieldOfType(request, "page_token", FieldDescriptor::CPPTYPE_STRING) != nullptr;
  *index = m->index();
  methods_.push_back(std::move(spec));
  return methods_.back().get();
}

absl::Status Admission::CheckEveryMethodDeclared() const {
  std::vector<std::string> missing;
  for (int i = 0; i < service_->method_count(); ++i) {
    const std::string& name = service_->method(i)->name();
    bool found = false;
    for (const auto& spec : methods_) found = found || spec->name == name;
    if (!found) missing.push_back(name);
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(
      service_->full_name(),
      ": methods without an entry in the method table: ", absl::StrJoin(missing, ", ")));
}

absl::Status Admission::Authorize(grpc::CallbackServerContext* ctx, const MethodSpec& method,
                                  CallState* call) const {
  call->method = &method;
  // Authorize records the principal in the call state (for the log line) as it goes.
  absl::Status s = auth_->Authorize(ctx, method.role).status();
  if (absl::IsPermissionDenied(s)) {
    // Who tried what they may not: the operator's and the auditor's first question.
    LogEvent("access_denied", "warn")
        .Str("principal", call->principal_name())
        .Str("method", method.full_name)
        .Str("role", method.role)
        .Int("denied_total", AccessDeniedCount())
        .Emit();
  }
  return s;
}

absl::Status Admission::Refuse(grpc::CallbackServerContext* ctx, const MethodSpec& method,
                               CallState* call) const {
  if (ctx->deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(
        "the call's deadline had passed when it arrived; nothing was done");
  }
  if (!method.server_streaming) {
    ASSIGN_OR_RETURN(call->in_flight_slot, InFlightLimit::Process().TryAcquire());
  }
  return absl::OkStatus();
}

absl::Status Admission::AdmitStream(grpc::CallbackServerContext* ctx,
                                    const MethodSpec& method) const {
  CallState* call = StateOf(ctx);
  RETURN_IF_ERROR(Refuse(ctx, method, call));
  return Authorize(ctx, method, call);
}

absl::StatusOr<const Message*> Admission::Admit(grpc::CallbackServerContext* ctx,
                                                const MethodSpec& method,
                                                const grpc::ByteBuffer& raw,
                                                const Message& prototype) const {
  CallState* call = StateOf(ctx);
  // Cheapest first: under overload a refusal must cost less than the call would.
  RETURN_IF_ERROR(Refuse(ctx, method, call));
  // Who next: an anonymous caller learns nothing about what a valid request looks like.
  RETURN_IF_ERROR(Authorize(ctx, method, call));

  call->request.reset(prototype.New());
  Message* request = call->request.get();
  RETURN_IF_ERROR(ParseMessage(raw, request));

  const Descriptor* type = request->GetDescriptor();
  if (method.takes_request_id) {
    const FieldDescriptor* f = type->FindFieldByName("request_id");
    const std::string id = request->GetReflection()->GetString(*request, f);
    // Checked before the text rules, which could otherwise be the first to mention it.
    RETURN_IF_ERROR(CheckRequestId(id));
    if (!id.empty()) {
      call->request_id = id;
      call->request_binding = Sha256Hex(absl::StrCat(call->principal_name(), "\n", method.full_name,
                                                     "\n", MessageFingerprint(*request)));
      ctx->AddTrailingMetadata("x-request-id", id);
    }
  }
  RETURN_IF_ERROR(CheckMessageText(*request).ToStatus());

  if (method.paged) {
    const auto* reflection = request->GetReflection();
    const int size = reflection->GetInt32(*request, type->FindFieldByName("page_size"));
    const std::string token = reflection->GetString(*request, type->FindFieldByName("page_token"));
    call->page_fingerprint = MessageFingerprint(*request, {"page_size", "page_token"});
    ASSIGN_OR_RETURN(Page page, ParsePage(size, token, call->page_fingerprint));
    call->page = std::move(page);
  }
  return request;
}

absl::Status CheckMessage(const Message& message) { return CheckMessageText(message).ToStatus(); }

absl::Status ParseMessage(const grpc::ByteBuffer& raw, Message* message) {
  grpc::ByteBuffer copy(raw);  // shares the slices; the reader needs a mutable buffer
  grpc::ProtoBufferReader reader(&copy);
  if (message->ParseFromZeroCopyStream(&reader)) return absl::OkStatus();
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (raw.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  message->Clear();
  return DiagnoseUnparsable(message->GetDescriptor(), bytes);
}

const Principal& Caller(const grpc::ServerContextBase* ctx) {
  const CallState* call = StateOf(ctx);
  if (call->principal == nullptr) {
    LogEvent("pipeline_no_principal", "error").Emit();
    std::abort();
  }
  return *call->principal;
}

Page PageOf(const grpc::ServerContextBase* ctx) {
  const CallState* call = StateOf(ctx);
  return call->page.value_or(Page{});
}

std::string NextPageToken(const grpc::ServerContextBase* ctx, absl::string_view last_key) {
  return gaoxin::NextPageToken(last_key, StateOf(ctx)->page_fingerprint);
}

db::RequestKey RequestKey(const grpc::ServerContextBase* ctx) {
  const CallState* call = StateOf(ctx);
  return db::RequestKey{call->request_id, call->request_binding};
}

void OnBehalfOf(const grpc::ServerContextBase* ctx, absl::string_view who) {
  CallState* call = StateOf(ctx);
  if (who.empty() || who == call->principal_name()) return;
  call->audit.on_behalf_of = std::string(who);
}

const db::AuditCall* AuditCallOf(const grpc::ServerContextBase* ctx) {
  CallState* call = StateOf(ctx);
  call->audit.principal = call->principal_name();
  call->audit.method = call->method != nullptr ? call->method->full_name : "";
  call->audit.request_id = call->request_id.empty() ? call->header_request_id : call->request_id;
  return &call->audit;
}

db::AuditCallScope OpenAuditScope(grpc::CallbackServerContext* ctx, const MethodSpec& method) {
  (void)method;  // the call state's own method, set by the pipeline
  return db::AuditCallScope(AuditCallOf(ctx));
}

void DieUnlessOk(const absl::Status& status) {
  if (status.ok()) return;
  LogEvent("pipeline_misconfigured", "error").Str("error", status.ToString()).Emit();
  FlushLogs();
  std::abort();
}

}  // namespace gaoxin::pipeline
