// A fixed set of threads running queued work in order of arrival: where unary read handlers run
// when the store is across a network (PostgreSQL), so that a handler waiting for the database
// never holds one of gRPC's few callback threads (common/rpc.h, RunUnary).
//
//   WorkerPool pool(8);
//   pool.Schedule([] { ... });
//   // ~WorkerPool runs what is queued, then joins.
#ifndef GAOXIN_COMMON_WORKER_POOL_H_
#define GAOXIN_COMMON_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace gaoxin {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Schedule(std::function<void()> work);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// The pool RunUnary hands read handlers to; null (the default) runs them inline, on the gRPC
// thread, which is right for an in-process store (SQLite answers in microseconds). Set once at
// start-up, before the server starts; the pool must outlive the server.
void SetUnaryReadPool(WorkerPool* pool);
WorkerPool* UnaryReadPool();

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_WORKER_POOL_H_
