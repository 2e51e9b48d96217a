// Tables every service store has, whatever its domain (and the audit log's,
// common/audit/audit_log.h):
// - request_ids: AIP-155 idempotency. A create carrying a request_id records the id of what it
//   created in the same transaction, so a retried create returns the original resource.
// - events: the change log. Every change appends an event in the same transaction as the change,
//   so the log has exactly the committed changes, in commit order, each with the next revision
//   (gap-free, never reused, even after compaction: the head is a row of its own, updated in
//   the committing transaction), starting above 1 (the revision of a store without changes).
//
//   ASSIGN_OR_RETURN(auto existing, FindRequest(tx, "CreateLead", req.request_id()));
//   if (existing) return LoadLead(tx, *existing);
//   ...insert...
//   RETURN_IF_ERROR(RememberRequest(tx, "CreateLead", req.request_id(), lead.id()));
//   ASSIGN_OR_RETURN(int64_t rev, AppendEvent(tx, "lead", lead.id(), EventKind::kCreated, bytes));
#ifndef GAOXIN_COMMON_DB_COMMON_TABLES_H_
#define GAOXIN_COMMON_DB_COMMON_TABLES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/database.h"

namespace gaoxin::db {

enum class EventKind { kCreated = 1, kUpdated = 2, kDeleted = 3 };

absl::Status ApplyCommonSchema(Database& db);

// An AIP-155 request_id and what it is bound to: a digest of the principal, the method and the
// request's content (the request pipeline computes it). Empty `id`: the request is not
// idempotent.
struct RequestKey {
  std::string id;
  std::string binding;
};

// The id of what an earlier request with this key created, or nullopt. A request_id already
// used for another request (another principal, other content) is INVALID_ARGUMENT naming
// request_id (AIP-155): replaying the first resource would hide the client's mistake.
absl::StatusOr<std::optional<std::string>> FindRequest(Transaction& tx, absl::string_view method,
                                                       const RequestKey& key);
absl::Status RememberRequest(Transaction& tx, absl::string_view method, const RequestKey& key,
                             absl::string_view resource_id);
// Unbound forms, for callers outside the request pipeline (the leads follower).
absl::StatusOr<std::optional<std::string>> FindRequest(Transaction& tx, absl::string_view method,
                                                       absl::string_view request_id);
absl::Status RememberRequest(Transaction& tx, absl::string_view method,
                             absl::string_view request_id, absl::string_view resource_id);

// Appends a change of `resource_type`/`resource_id` carrying its new state; returns the revision.
absl::StatusOr<int64_t> AppendEvent(Transaction& tx, absl::string_view resource_type,
                                    absl::string_view resource_id, EventKind kind,
                                    absl::string_view state);
// The newest revision: never 0 (a store without changes is at 1), since a watch reads
// since_revision 0 as "from now".
absl::StatusOr<int64_t> CurrentRevision(Transaction& tx);

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_COMMON_TABLES_H_
