// The store's side of the write audit (common/audit/audit_log.h implements it): who is making a
// change (AuditCall), what changed (AuditChange), and the sink a Database hands every audited
// unit of work, so a change and its audit record commit or roll back together.
//
// The request pipeline opens an AuditCallScope around a writing handler; every unit of work the
// handler queues on that thread (Database::WriteAsync) carries a copy of the call, and inside
// that unit ResourceTable's Insert and Update record each change through
// Transaction::RecordChange. Code that queues a write from another thread (a stream reactor)
// opens a scope of its own there:
//
//   db::AuditCallScope scope(&call);     // call: principal, method, request_id, on_behalf_of
//   store.UpdateLead(request, done);     // its unit of work is audited as `call`
//
// A unit queued outside any scope (start-up passes, the leads follower) is not audited.
#ifndef GAOXIN_COMMON_DB_AUDIT_HOOK_H_
#define GAOXIN_COMMON_DB_AUDIT_HOOK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace gaoxin::db {

class Transaction;

// The caller of an audited write.
struct AuditCall {
  // The authenticated principal, never a name the client sent.
  std::string principal;
  // A person the request names as acting, when that is not the principal.
  std::string on_behalf_of;
  // The full gRPC method name.
  std::string method;
  std::string request_id;
};

// One audited change of one resource, or one audited read.
struct AuditChange {
  // "leads/lead-1".
  std::string resource;
  // The resource as stored before (null: created) and after the change.
  const google::protobuf::Message* before = nullptr;
  const google::protobuf::Message* after = nullptr;
  std::string etag_before;
  std::string etag_after;
  // A read of personal data: `read_fields` names what was shown; before/after are unused.
  bool read = false;
  std::vector<std::string> read_fields;
  // When it happened, in Unix microseconds; 0 = now (what every live change uses).
  int64_t time_us = 0;
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Appends the record of `change` made by `call`, in `tx`.
  virtual absl::Status Append(Transaction& tx, const AuditCall& call,
                              const AuditChange& change) = 0;
  // One batch of the sink's retention pass, in `tx`: removes the oldest records past its
  // retention (at most a batch of them) and records that it did. Returns how many it removed;
  // 0 when there is nothing (left) to remove, or the sink keeps everything.
  virtual absl::StatusOr<int64_t> PruneBatch(Transaction& tx) {
    (void)tx;
    return 0;
  }
};

// Makes `call` the audited caller of the writes queued on this thread while the scope lives.
// Scopes nest; `call` must outlive the scope. Not copyable.
class AuditCallScope {
 public:
  explicit AuditCallScope(const AuditCall* call);
  ~AuditCallScope();
  AuditCallScope(const AuditCallScope&) = delete;
  AuditCallScope& operator=(const AuditCallScope&) = delete;

  // The innermost scope's call on this thread, or null.
  static const AuditCall* Current();

 private:
  const AuditCall* previous_;
};

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_AUDIT_HOOK_H_
