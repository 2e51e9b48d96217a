// Small pieces every unary handler needs: finish with an absl::Status, authorize, and hand an
// asynchronous store result to the reactor. Handlers stay a few lines long and never block a
// gRPC library thread on a commit.
//
//   grpc::ServerUnaryReactor* GetLead(grpc::CallbackServerContext* ctx, const GetLeadRequest* req,
//                                     Lead* resp) override {
//     return RunUnary(ctx, [=]() -> absl::Status {
//       RETURN_IF_ERROR(auth_.Authorize(ctx, kLeadsReader).status());
//       ASSIGN_OR_RETURN(*resp, store_.GetLead(req->id()));
//       return absl::OkStatus();
//     });
//   }
#ifndef GAOXIN_COMMON_RPC_H_
#define GAOXIN_COMMON_RPC_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/call_deadline.h"
#include "common/grpc_status.h"
#include "common/worker_pool.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace gaoxin {

// The metadata key under which Get responses carry the store revision they reflect (List
// responses carry it as a `revision` field).
inline constexpr char kRevisionMetadataKey[] = "x-gaoxin-revision";

// Sends the revision a Get response reflects as initial metadata. Call before finishing.
inline void SetResponseRevision(grpc::CallbackServerContext* ctx, int64_t revision) {
  ctx->AddInitialMetadata(kRevisionMetadataKey, std::to_string(revision));
}

// Finishes a unary call with `status`.
inline grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx,
                                             const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

namespace rpc_internal {

// DEADLINE_EXCEEDED once `deadline` has passed: the caller is no longer waiting.
inline absl::Status PastDeadline(absl::Time deadline) {
  if (absl::Now() < deadline) return absl::OkStatus();
  return absl::DeadlineExceededError(
      "the call's deadline passed while it waited for a worker; nothing was done");
}

}  // namespace rpc_internal

// Runs a synchronous handler body (reads) and finishes. With an in-process store the body runs
// at once; with a networked one (UnaryReadPool() set) it runs on that pool, so gRPC's callback
// threads never wait for the database. The body may therefore run after the handler returned:
// it must capture by value (`[=]`), never references to the handler's locals; the request, the
// response and the context stay valid until the call is finished.
template <typename Fn>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* ctx, Fn&& body) {
  WorkerPool* pool = UnaryReadPool();
  if (pool == nullptr) return FinishUnary(ctx, body());
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  pool->Schedule(
      [reactor, deadline = CallDeadlineScope::Current(), body = std::forward<Fn>(body)]() mutable {
        // A call whose caller gave up while it waited for a thread is not started.
        if (absl::Status late = rpc_internal::PastDeadline(deadline); !late.ok()) {
          reactor->Finish(ToGrpcStatus(late));
          return;
        }
        CallDeadlineScope scope(deadline);
        reactor->Finish(ToGrpcStatus(body()));
      });
  return reactor;
}

// Starts an asynchronous handler: `body` either fails at once (validation, auth) or returns OK
// after handing `FinishWith` to a store write, whose completion finishes the call.
// Usage:
//   return RunAsyncUnary(ctx, [&](auto finish) -> absl::Status {
//     ...checks...
//     store_.CreateLead(..., finish(resp));
//     return absl::OkStatus();
//   });
namespace rpc_internal {

// Runs an asynchronous handler body on `reactor` (see RunAsyncUnary).
template <typename Fn>
void StartAsync(grpc::ServerUnaryReactor* reactor, Fn& body) {
  auto finish = [reactor](auto* response) {
    using T = std::remove_pointer_t<decltype(response)>;
    return std::function<void(absl::StatusOr<T>)>([reactor, response](absl::StatusOr<T> result) {
      if (result.ok()) *response = std::move(*result);
      reactor->Finish(ToGrpcStatus(result.status()));
    });
  };
  absl::Status started = body(finish);
  if (!started.ok()) reactor->Finish(ToGrpcStatus(started));
}

}  // namespace rpc_internal

template <typename Fn>
grpc::ServerUnaryReactor* RunAsyncUnary(grpc::CallbackServerContext* ctx, Fn&& body) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  rpc_internal::StartAsync(reactor, body);
  return reactor;
}

// RunAsyncUnary for a read whose answer waits for a write (an audit record) after the store
// read: on the read pool, like RunUnary, when the store is networked. `body` must capture by
// value (`[=]`): it may run after the handler returned.
template <typename Fn>
grpc::ServerUnaryReactor* RunAsyncRead(grpc::CallbackServerContext* ctx, Fn&& body) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  WorkerPool* pool = UnaryReadPool();
  if (pool == nullptr) {
    rpc_internal::StartAsync(reactor, body);
  } else {
    pool->Schedule([reactor, deadline = CallDeadlineScope::Current(),
                    body = std::forward<Fn>(body)]() mutable {
      if (absl::Status late = rpc_internal::PastDeadline(deadline); !late.ok()) {
        reactor->Finish(ToGrpcStatus(late));
        return;
      }
      CallDeadlineScope scope(deadline);
      rpc_internal::StartAsync(reactor, body);
    });
  }
  return reactor;
}

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_RPC_H_
