// Group commit, written once for every store: WriteAsync callers queue units of work; one writer
// thread takes what has queued (up to max_batch units) and hands the batch to the store, which
// runs it as one transaction. RunUnits runs each unit under its own savepoint, so a failing unit
// rolls back alone and the rest of the batch still commits.
//
//   WriteQueue queue(512, [this](std::vector<WriteJob>& batch) { RunBatch(batch); });
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
#include "common/db/database.h"

namespace gaoxin::db {

struct WriteJob {
  Database::WriteFn fn;
  Database::DoneFn done;
  // Set by Push: the store's audit sink and the audited call the job was queued in, if any.
  std::shared_ptr<AuditSink> audit_sink = nullptr;
  std::optional<AuditCall> audit_call = std::nullopt;
};

class WriteQueue {
 public:
  using RunBatchFn = std::function<void(std::vector<WriteJob>&)>;

  WriteQueue(int max_batch, RunBatchFn run_batch);
  ~WriteQueue() { Stop(); }
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void Start();
  // Queues `job` with the audit sink and the thread's current AuditCallScope.
  void Push(WriteJob job);
  void SetAuditSink(std::shared_ptr<AuditSink> sink);
  // Runs every queued job, then stops the writer thread. Idempotent.
  void Stop();
  // Batches taken so far (the one running included).
  int64_t batches() const;

 private:
  void Loop();

  const int max_batch_;
  const RunBatchFn run_batch_;
  mutable absl::Mutex mu_;
  std::deque<WriteJob> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<AuditSink> audit_sink_ ABSL_GUARDED_BY(mu_);
  int64_t batches_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

// Runs each job's fn in `tx` under a savepoint of its own; returns each job's status. The caller
// has begun the transaction and commits it afterwards.
std::vector<absl::Status> RunUnits(Transaction& tx, std::vector<WriteJob>& batch);

// Calls every job's done with its status, or with `commit` when the unit succeeded but the commit
// failed.
void FinishJobs(std::vector<WriteJob>& batch, std::vector<absl::Status>& results,
                const absl::Status& commit);

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_WRITE_QUEUE_H_
