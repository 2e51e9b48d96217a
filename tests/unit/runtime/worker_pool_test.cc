// common/worker_pool.h: every scheduled task runs, on the pool's threads, also those still
// queued when the pool is destroyed.
#include "common/worker_pool.h"

#include <atomic>
#include <set>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskOnItsThreadsIncludingThoseQueuedAtDestruction) {
  std::atomic<int> ran{0};
  absl::Mutex mu;
  std::set<std::thread::id> threads;
  {
    WorkerPool pool(3);
    for (int i = 0; i < 1000; ++i) {
      pool.Schedule([&] {
        ran.fetch_add(1);
        absl::MutexLock lock(&mu);
        threads.insert(std::this_thread::get_id());
      });
    }
  }  // destroyed at once: what is still queued runs before the threads end
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_LE(threads.size(), 3u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(WorkerPoolTest, TheReadPoolIsUnsetUnlessAServerSetsIt) {
  EXPECT_EQ(UnaryReadPool(), nullptr);
  WorkerPool pool(1);
  SetUnaryReadPool(&pool);
  EXPECT_EQ(UnaryReadPool(), &pool);
  SetUnaryReadPool(nullptr);
}

}  // namespace
}  // namespace gaoxin
