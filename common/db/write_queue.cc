#include "common/db/write_queue.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace gaoxin::db {
absl::Status WriteQueueFullError(int max_queued) {
  return OverloadedError(
      "WRITE_QUEUE_FULL",
      absl::StrCat("the store's write queue is full (", max_queued,
                   " writes waiting for the disk); nothing was written, retry shortly"),
      absl::Milliseconds(200));
}

WriteQueue::WriteQueue(WriteQueueLimits limits, RunBatchFn run_batch)
    : limits_(limits), run_batch_(std::move(run_batch)) {}

void WriteQueue::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void WriteQueue::Push(WriteJob job) {
  if (const AuditCall* call = AuditCallScope::Current()) job.audit_call = *call;
  job.deadline = CallDeadlineScope::Current();
  {
    absl::MutexLock lock(&mu_);
    if (limits_.max_queued <= 0 || static_cast<int>(queue_.size()) < limits_.max_queued) {
      job.audit_sink = audit_sink_;
      queue_.push_back(std::move(job));
      return;
    }
    ++refused_;
  }
  // Outside the lock: done may queue another write.
  if (job.done) job.done(WriteQueueFullError(limits_.max_queued));
}

void WriteQueue::SetAuditSink(std::shared_ptr<AuditSink> sink) {
  absl::MutexLock lock(&mu_);
  audit_sink_ = std::move(sink);
}

void WriteQueue::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

int64_t WriteQueue::batches() const {
  absl::MutexLock lock(&mu_);
  return batches_;
}

int64_t WriteQueue::queued() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(queue_.size());
}

int64_t WriteQueue::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

void WriteQueue::Loop() {
  std::vector<WriteJob> batch;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WriteQueue* self)
               ABSL_NO_THREAD_SAFETY_ANALYSIS { return self->stopping_ || !self->queue_.empty(); },
          this));
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && static_cast<int>(batch.size()) < limits_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++batches_;
    }
    run_batch_(batch);
    batch.clear();
  }
}

std::vector<absl::Status> RunUnits(Transaction& tx, std::vector<WriteJob>& batch) {
  std::vector<absl::Status> results(batch.size());
  const absl::Time now = absl::Now();
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].deadline < now) {
      results[i] = absl::DeadlineExceededError(
          "the call's deadline passed while its write waited for the disk; nothing was written");
      continue;
    }
    // Deferred: on PostgreSQL each travels with the next statement instead of costing a round
    // trip of its own. Should one fail, the statement after it fails, and so does COMMIT, which
    // then fails every unit of the batch (FinishJobs): no unit is reported done that is not.
    tx.Defer("SAVEPOINT unit");
    tx.SetAudit(batch[i].audit_sink.get(), batch[i].audit_call ? &*batch[i].audit_call : nullptr);
    absl::Status s = batch[i].fn(tx);
    tx.SetAudit(nullptr, nullptr);
    if (!tx.TransactionLost().ok()) {
      // The store rolled the whole transaction back (SQLite on a full disk): the units before
      // this one are undone too, and the ones after must not run outside a transaction, where
      // each would commit on its own while the batch is reported failed. The caller fails every
      // unit of the batch with TransactionLost (FinishJobs).
      results[i] = std::move(s);
      break;
    }
    if (s.ok()) {
      tx.Defer("RELEASE unit");
    } else {
      // Undo only this unit; the others in the batch still commit.
      tx.Defer("ROLLBACK TO unit");
      tx.Defer("RELEASE unit");
    }
    results[i] = std::move(s);
  }
  return results;
}

void FinishJobs(std::vector<WriteJob>& batch, std::vector<absl::Status>& results,
                const absl::Status& commit) {
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!commit.ok() && results[i].ok()) results[i] = commit;
    if (batch[i].done) batch[i].done(std::move(results[i]));
  }
}

}  // namespace gaoxin::db
