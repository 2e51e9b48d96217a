// The base of the server-streaming reactors in common/watch/ (Watch streams, dashboard streams):
// one message in flight at a time (gRPC's rule), and a stream that ends exactly once, whichever
// side ends it.
//
// Why it exists: in gRPC's callback API, OnDone (where a reactor frees itself, and where the call
// stops counting as in flight) runs only after the reactor has called Finish, even when the
// client cancelled, its deadline passed or a write failed. A reactor that merely notes "finished"
// in OnCancel or OnWriteDone(false) is never freed (~18 KB per abandoned stream) and keeps the
// server's drain waiting forever. So here every end, from either side, goes through FinishOnce.
//
// The derived reactor says what to send next in Decide (under mu_); Pump calls it whenever the
// stream may move on (a feed wake-up, a finished write) and issues the write or the Finish.
// Finish may be called while a write is in flight (its status follows that message), but never
// before a StartWrite that Pump decided on and has not issued yet: such a Finish is deferred
// until the StartWrite is out.
#ifndef GAOXIN_COMMON_WATCH_STREAM_REACTOR_H_
#define GAOXIN_COMMON_WATCH_STREAM_REACTOR_H_

#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/grpc_status.h"
#include "grpcpp/support/server_callback.h"

namespace gaoxin::watch {

template <typename Response>
class StreamReactor : public grpc::ServerWriteReactor<Response> {
 public:
  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      // Free the sent message now (Clear() would keep every field's storage for reuse): an idle
      // stream then holds no message at all.
      message_ = Response();
    }
    if (!ok) {
      // The stream broke (client gone, deadline passed): nothing more can be sent, but the
      // stream must still be finished for OnDone to run.
      FinishOnce(absl::CancelledError("the stream ended before the message was delivered"));
      return;
    }
    Pump();
  }

  void OnCancel() override {
    FinishOnce(absl::CancelledError("the client cancelled the stream or its deadline passed"));
  }

 protected:
  // For OnDone, just before the reactor frees itself: takes mu_ once, so that whatever the
  // reactions did under it (an OnCancel's FinishOnce on another gRPC thread, say) visibly
  // happens before the delete. gRPC runs OnDone after the last reaction, but orders them inside
  // libgrpc, where the thread sanitizer cannot see it.
  void QuiesceBeforeDelete() { absl::MutexLock lock(&mu_); }

  enum class Next { kWait, kWrite, kFinish };

  // What the stream does now. kWrite: `message` holds the next message; kFinish: `*status` is
  // the stream's final status; kWait: nothing until the next Pump. `writing`: a message is
  // still in flight (then kWrite is not allowed; kFinish is).
  virtual Next Decide(Response* message, bool writing, absl::Status* status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;

  // Sends the next message or the final status if the stream can move on. The caller keeps the
  // reactor alive for the call (it is a gRPC reaction, the feed's wake-up under the feed's
  // subscriber lock, or the method handler before it returned the reactor). Nothing touches the
  // reactor after Finish: gRPC may run OnDone, which deletes it, inline.
  void Pump() {
    mu_.Lock();
    while (true) {
      if (finished_) break;
      if (starting_write_) {
        // Another thread is issuing a write; it pumps again once that write is out.
        pump_again_ = true;
        break;
      }
      absl::Status status;
      const Next next = Decide(&message_, writing_, &status);
      if (next == Next::kWait || (next == Next::kWrite && writing_)) break;
      if (next == Next::kFinish) {
        finished_ = true;
        mu_.Unlock();
        this->Finish(ToGrpcStatus(status));
        return;
      }
      writing_ = true;
      starting_write_ = true;
      pump_again_ = false;
      mu_.Unlock();
      // The write in flight holds a reference on the call, so OnDone cannot run before it ends.
      this->StartWrite(&message_);
      mu_.Lock();
      starting_write_ = false;
      if (deferred_finish_.has_value()) {
        const absl::Status deferred = *std::move(deferred_finish_);
        deferred_finish_.reset();
        mu_.Unlock();
        this->Finish(ToGrpcStatus(deferred));
        return;
      }
      // Still under mu_ since the write was issued, so nobody could have finished the stream
      // and let OnDone run in between.
      if (!pump_again_) break;
    }
    mu_.Unlock();
  }

  // Ends the stream with `status` unless it has ended already. Safe from any thread.
  void FinishOnce(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      if (starting_write_) {
        deferred_finish_ = status;
        return;
      }
    }
    this->Finish(ToGrpcStatus(status));
  }

  absl::Mutex mu_;

 private:
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // Pump has decided on a write and is issuing StartWrite outside the lock.
  bool starting_write_ ABSL_GUARDED_BY(mu_) = false;
  // A Pump arrived meanwhile (typically that write's OnWriteDone): the writer pumps again.
  bool pump_again_ ABSL_GUARDED_BY(mu_) = false;
  // A FinishOnce arrived meanwhile; issued once the StartWrite is out.
  std::optional<absl::Status> deferred_finish_ ABSL_GUARDED_BY(mu_);
  // The one message in flight (or being built under mu_).
  Response message_;
};

}  // namespace gaoxin::watch

#endif  // GAOXIN_COMMON_WATCH_STREAM_REACTOR_H_
