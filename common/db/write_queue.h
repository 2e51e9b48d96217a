// Group commit, written once for every store: WriteAsync callers queue units of work; one writer
// thread takes what has queued (up to max_batch units) and hands the batch to the store, which
// runs it as one transaction. RunUnits runs each unit under its own savepoint, so a failing unit
// rolls back alone and the rest of the batch still commits.
//
// The queue is bounded (max_queued): past it a write is refused at once with RESOURCE_EXHAUSTED
// and a retry hint, so a burst the disk cannot absorb pushes back on clients instead of growing
// memory. A unit whose call's deadline (common/call_deadline.h) has passed when its turn comes is
// not run: its caller has given up and would never learn the outcome.
//
//   WriteQueue queue({.max_batch = 512, .max_queued = 10000},
//                    [this](std::vector<WriteJob>& batch) { RunBatch(batch); });
//   queue.Start();
//   queue.Push({fn, done});
//   ...
//   queue.Stop();  // runs what is queued, then joins the writer
#ifndef GAOXIN_COMMON_DB_WRITE_QUEUE_H_
#define GAOXIN_COMMON_DB_WRITE_QUEUE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/call_deadline.h"
#include "common/db/database.h"

namespace gaoxin::db {

struct WriteJob {
  Database::WriteFn fn;
  Database::DoneFn done;
  // Set by Push: the store's audit sink and the audited call the job was queued in, if any.
  std::shared_ptr<AuditSink> audit_sink = nullptr;
  std::optional<AuditCall> audit_call = std::nullopt;
  // Set by Push from the thread's CallDeadlineScope: past it the unit is not started.
  absl::Time deadline = absl::InfiniteFuture();
};

struct WriteQueueLimits {
  // Most units of work one commit may carry.
  int max_batch = 512;
  // Most units waiting for the writer; 0 means unbounded.
  int max_queued = 10000;
};

// The error a write refused by a full queue gets: RESOURCE_EXHAUSTED, reason WRITE_QUEUE_FULL,
// with a RetryInfo hint.
absl::Status WriteQueueFullError(int max_queued);

class WriteQueue {
 public:
  using RunBatchFn = std::function<void(std::vector<WriteJob>&)>;

  WriteQueue(WriteQueueLimits limits, RunBatchFn run_batch);
  ~WriteQueue() { Stop(); }
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void Start();
  // Queues `job` with the audit sink, the thread's current AuditCallScope and CallDeadlineScope;
  // or, when max_queued units are waiting, calls job.done with WriteQueueFullError at once, on
  // this thread.
  void Push(WriteJob job);
  void SetAuditSink(std::shared_ptr<AuditSink> sink);
  // Runs every queued job, then stops the writer thread. Idempotent.
  void Stop();
  // Batches taken so far (the one running included).
  int64_t batches() const;
  // Units waiting for the writer now, and refused so far because the queue was full.
  int64_t queued() const;
  int64_t refused() const;

 private:
  void Loop();

  const WriteQueueLimits limits_;
  const RunBatchFn run_batch_;
  mutable absl::Mutex mu_;
  std::deque<WriteJob> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<AuditSink> audit_sink_ ABSL_GUARDED_BY(mu_);
  int64_t batches_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

// Runs each job's fn in `tx` under a savepoint of its own; returns each job's status (a job past
// its deadline is not run: DEADLINE_EXCEEDED). The caller has begun the transaction and commits
// it afterwards, unless tx.TransactionLost(): then RunUnits has stopped at the unit that lost it
// and the caller fails the whole batch with that status (FinishJobs).
std::vector<absl::Status> RunUnits(Transaction& tx, std::vector<WriteJob>& batch);

// Calls every job's done with its status, or with `commit` when the unit succeeded but the commit
// failed.
void FinishJobs(std::vector<WriteJob>& batch, std::vector<absl::Status>& results,
                const absl::Status& commit);

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_WRITE_QUEUE_H_
