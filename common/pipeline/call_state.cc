#include "common/pipeline/call_state.h"

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace gaoxin::pipeline {
namespace {

// Calls in progress by their context. Sharded so that thousands of calls a second on a few
// threads do not all queue on one lock.
class Registry {
 public:
  void Put(const grpc::ServerContextBase* ctx, CallState* state) {
    Shard& s = ShardOf(ctx);
    absl::MutexLock lock(&s.mu);
    s.calls[ctx] = state;
  }
  void Remove(const grpc::ServerContextBase* ctx) {
    Shard& s = ShardOf(ctx);
    absl::MutexLock lock(&s.mu);
    s.calls.erase(ctx);
  }
  CallState* Find(const grpc::ServerContextBase* ctx) {
    Shard& s = ShardOf(ctx);
    absl::MutexLock lock(&s.mu);
    auto it = s.calls.find(ctx);
    return it == s.calls.end() ? nullptr : it->second;
  }

 private:
  static constexpr int kShards = 16;
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<const grpc::ServerContextBase*, CallState*> calls ABSL_GUARDED_BY(mu);
  };
  Shard& ShardOf(const grpc::ServerContextBase* ctx) {
    return shards_[(reinterpret_cast<uintptr_t>(ctx) >> 6) % kShards];
  }
  Shard shards_[kShards];
};

Registry& TheRegistry() {
  static Registry* registry = new Registry;  // never destroyed: calls may end during exit
  return *registry;
}

}  // namespace

CallState::Handle::Handle(const grpc::ServerContextBase* ctx)
    : ctx_(ctx), state_(std::make_unique<CallState>()) {
  TheRegistry().Put(ctx_, state_.get());
}

CallState::Handle::~Handle() { TheRegistry().Remove(ctx_); }

CallState* CallState::Of(const grpc::ServerContextBase* ctx) { return TheRegistry().Find(ctx); }

}  // namespace gaoxin::pipeline
