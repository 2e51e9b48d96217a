// AIP-155 create-once, written once for every store: inside a write transaction, a create that
// carries a request_id either returns what the first request with that key created, or creates
// and remembers it, in the same transaction (so a crash can never leave one without the other).
// A key reused for another request is INVALID_ARGUMENT naming request_id (db::FindRequest).
//
//   db::WriteWithResult<v1::Ledger>(*db_, [&](Transaction& tx) {
//     return db::CreateOnce<v1::Ledger>(
//         tx, "CreateLedger", request_key,
//         [&](Transaction& tx, const std::string& id) { return ledgers_.Get(tx, id); },
//         [&](Transaction& tx) { return ledgers_.Insert(tx, ledger); });
//   }, done);
#ifndef GAOXIN_COMMON_DB_CREATE_ONCE_H_
#define GAOXIN_COMMON_DB_CREATE_ONCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/common_tables.h"
#include "common/db/database.h"
#include "common/status_macros.h"

namespace gaoxin::db {

// `load(tx, id)` reads what an earlier request with `key` created; `create(tx)` makes the
// resource (checks included) and returns it; its id() is what `key` is remembered with. An
// empty key.id creates every time.
template <typename T, typename Load, typename Create>
absl::StatusOr<T> CreateOnce(Transaction& tx, absl::string_view method, const RequestKey& key,
                             Load&& load, Create&& create) {
  ASSIGN_OR_RETURN(std::optional<std::string> existing, FindRequest(tx, method, key));
  if (existing) return load(tx, *existing);
  ASSIGN_OR_RETURN(T created, create(tx));
  RETURN_IF_ERROR(RememberRequest(tx, method, key, created.id()));
  return created;
}

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_CREATE_ONCE_H_
