// A Database decorator that calls a listener after every write that committed, so that change
// feeds learn of local changes at once instead of waiting for their next poll.
//
//   db::CommitNotifier notifying(sqlite.get(), [&feed] { feed.NotifyLocalCommit(); });
//   LeadStore store(&notifying, clock);
#ifndef GAOXIN_COMMON_DB_COMMIT_NOTIFIER_H_
#define GAOXIN_COMMON_DB_COMMIT_NOTIFIER_H_

#include <functional>
#include <utility>

#include "common/db/database.h"

namespace gaoxin::db {

class CommitNotifier final : public Database {
 public:
  CommitNotifier(Database* inner, std::function<void()> on_commit)
      : inner_(inner), on_commit_(std::move(on_commit)) {}

  absl::Status Read(absl::FunctionRef<absl::Status(Transaction&)> fn) override {
    return inner_->Read(fn);
  }

  void WriteAsync(WriteFn fn, DoneFn done) override {
    inner_->WriteAsync(std::move(fn), [this, done = std::move(done)](absl::Status s) {
      if (s.ok()) on_commit_();
      if (done) done(std::move(s));
    });
  }

  void SetAuditSink(std::shared_ptr<AuditSink> sink) override {
    inner_->SetAuditSink(std::move(sink));
  }

 private:
  Database* inner_;
  std::function<void()> on_commit_;
};

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_COMMIT_NOTIFIER_H_
