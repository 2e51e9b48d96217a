// The deadline of the call the current thread is working for, so that work done for a caller
// who has given up is not started, and waits on a dependency end when the caller stops waiting:
//   - the request pipeline opens a scope around every handler (the client's grpc-timeout);
//   - RunUnary / RunAsyncRead carry it to the read pool and do not start a body past it;
//   - the store's write queue stamps each queued unit with it and does not start a late unit;
//   - the PostgreSQL store bounds its waits for the server by it.
//
//   CallDeadlineScope scope(absl::FromChrono(ctx->deadline()));
//   ...
//   if (absl::Now() > CallDeadlineScope::Current()) return absl::DeadlineExceededError(...);
#ifndef GAOXIN_COMMON_CALL_DEADLINE_H_
#define GAOXIN_COMMON_CALL_DEADLINE_H_

#include "absl/time/time.h"

namespace gaoxin {

class CallDeadlineScope {
 public:
  explicit CallDeadlineScope(absl::Time deadline);
  ~CallDeadlineScope();
  CallDeadlineScope(const CallDeadlineScope&) = delete;
  CallDeadlineScope& operator=(const CallDeadlineScope&) = delete;
  // The innermost open scope's deadline; InfiniteFuture outside any.
  static absl::Time Current();

 private:
  absl::Time previous_;
};

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_CALL_DEADLINE_H_
