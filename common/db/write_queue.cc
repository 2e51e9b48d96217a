#include "common/db/write_queue.h"

#include <utility>

namespace gaoxin::db {

WriteQueue::WriteQueue(int max_batch, RunBatchFn run_batch)
    : max_batch_(max_batch), run_batch_(std::move(run_batch)) {}

void WriteQueue::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void WriteQueue::Push(WriteJob job) {
  if (const AuditCall* call = AuditCallScope::Current()) job.audit_call = *call;
  absl::MutexLock lock(&mu_);
  job.audit_sink = audit_sink_;
  queue_.push_back(std::move(job));
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
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
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
  for (size_t i = 0; i < batch.size(); ++i) {
    // Deferred: on PostgreSQL each travels with the next statement instead of costing a round
    // trip of its own. Should one fail, the statement after it fails, and so does COMMIT, which
    // then fails every unit of the batch (FinishJobs): no unit is reported done that is not.
    tx.Defer("SAVEPOINT unit");
    tx.SetAudit(batch[i].audit_sink.get(), batch[i].audit_call ? &*batch[i].audit_call : nullptr);
    absl::Status s = batch[i].fn(tx);
    tx.SetAudit(nullptr, nullptr);
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
