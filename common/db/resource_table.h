// A table of protobuf resources: the resource itself as a serialized blob (so adding a field to
// the .proto needs no migration), a version that is the resource's etag, and the columns a
// service filters on, kept in step with the blob on every write. Every insert and update appends
// a change event in the same transaction (see common_tables.h) and, in an audited unit of work,
// its audit record with the resource before and after (see audit_hook.h); the resource's name
// there is "<table>/<id>".
//
//   ResourceTable<v1::Lead> leads("leads", "lead", {"stage", "chain"},
//       [](const v1::Lead& l) { return std::vector<SqlValue>{l.stage(), l.industry_chain()}; });
//   ASSIGN_OR_RETURN(v1::Lead lead, leads.Get(tx, id));        // NOT_FOUND names the resource
//   lead.set_name("new");
//   ASSIGN_OR_RETURN(lead, leads.Update(tx, lead, etag));      // ABORTED on a stale etag
//
// The table must have columns (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state BLOB NOT NULL,
// <index columns>); the service's migration creates it with the indexes it needs.
#ifndef GAOXIN_COMMON_DB_RESOURCE_TABLE_H_
#define GAOXIN_COMMON_DB_RESOURCE_TABLE_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/common_tables.h"
#include "common/db/database.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace gaoxin::db {

// A page of resources and the key to continue after.
template <typename T>
struct ResourcePage {
  std::vector<T> items;
  // Set when more rows follow: the id of the last item.
  std::string next_after_key;
};

template <typename T>
class ResourceTable {
 public:
  using IndexFn = std::function<std::vector<SqlValue>(const T&)>;

  ResourceTable(std::string table, std::string resource_type, std::vector<std::string> columns,
                IndexFn index_values)
      : table_(std::move(table)),
        type_(std::move(resource_type)),
        columns_(std::move(columns)),
        index_values_(std::move(index_values)) {
    std::string cols = absl::StrJoin(columns_, ", ");
    std::string marks;
    std::string sets;
    for (const auto& c : columns_) {
      absl::StrAppend(&marks, ", ?");
      absl::StrAppend(&sets, ", ", c, " = ?");
    }
    insert_sql_ = absl::StrCat("INSERT INTO ", table_, "(id, version, state",
                               columns_.empty() ? "" : ", ", cols, ") VALUES(?, ?, ?", marks, ")");
    update_sql_ = absl::StrCat("UPDATE ", table_, " SET version = ?, state = ?", sets,
                               " WHERE id = ? AND version = ?");
    get_sql_ = absl::StrCat("SELECT state, version FROM ", table_, " WHERE id = ?");
    get_with_revision_sql_ = absl::StrCat(
        "SELECT state, version, (SELECT revision FROM change_log_head WHERE id = 1) FROM ", table_,
        " WHERE id = ?");
  }

  const std::string& resource_type() const { return type_; }
  // "<table>/<id>": how the audit names a resource.
  std::string ResourceName(absl::string_view id) const { return absl::StrCat(table_, "/", id); }

  absl::StatusOr<std::optional<T>> Find(Transaction& tx, absl::string_view id) const {
    ASSIGN_OR_RETURN(auto row, tx.QueryOne(get_sql_, {id}));
    if (!row) return std::optional<T>();
    ASSIGN_OR_RETURN(T item, Decode(*row));
    return std::optional<T>(std::move(item));
  }

  // Get, and the store's revision in the same statement (one round trip on a networked store).
  absl::StatusOr<T> GetWithRevision(Transaction& tx, absl::string_view id,
                                    int64_t* revision) const {
    ASSIGN_OR_RETURN(auto row, tx.QueryOne(get_with_revision_sql_, {id}));
    if (!row) return NotFoundError(type_, id);
    *revision = row->Int(2);
    return Decode(*row);
  }

  absl::StatusOr<T> Get(Transaction& tx, absl::string_view id) const {
    ASSIGN_OR_RETURN(std::optional<T> item, Find(tx, id));
    if (!item) return NotFoundError(type_, id);
    return *std::move(item);
  }

  // The start of a read-check-write: the stored item, or ABORTED when `expected_etag` (if not
  // empty) is not its etag, so a stale client fails before any rule runs. Update(tx, item, "")
  // then writes it at the version read.
  absl::StatusOr<T> GetForUpdate(Transaction& tx, absl::string_view id,
                                 absl::string_view expected_etag) const {
    ASSIGN_OR_RETURN(T item, Get(tx, id));
    if (!expected_etag.empty() && expected_etag != item.etag()) return EtagMismatch(type_);
    return item;
  }

  // Stores a new resource (its id already set) at version 1.
  absl::StatusOr<T> Insert(Transaction& tx, T item) const {
    item.set_etag("1");
    std::vector<SqlValue> params = {item.id(), 1, SqlValue::Blob(item.SerializeAsString())};
    for (auto& v : index_values_(item)) params.push_back(std::move(v));
    absl::Status s = tx.Execute(insert_sql_, params);
    if (absl::IsAlreadyExists(s)) {
      return AlreadyExists("ALREADY_EXISTS", absl::StrCat(type_, " '", item.id(), "' exists"));
    }
    RETURN_IF_ERROR(s);
    RETURN_IF_ERROR(
        AppendEvent(tx, type_, item.id(), EventKind::kCreated, item.SerializeAsString()).status());
    if (tx.audited()) {
      AuditChange change;
      change.resource = ResourceName(item.id());
      change.after = &item;
      change.etag_after = item.etag();
      RETURN_IF_ERROR(tx.RecordChange(change));
    }
    return item;
  }

  // Stores `item` over its previous version. `expected_etag` (if not empty) must match the stored
  // version, else ABORTED. `item.etag()` must be the version it was read at.
  absl::StatusOr<T> Update(Transaction& tx, T item, absl::string_view expected_etag) const {
    if (!expected_etag.empty() && expected_etag != item.etag()) return EtagMismatch(type_);
    int64_t version = 0;
    if (!absl::SimpleAtoi(item.etag(), &version)) return EtagMismatch(type_);
    // The audit diffs against the row as stored (one more read, only in an audited unit).
    std::optional<T> before;
    if (tx.audited()) {
      ASSIGN_OR_RETURN(before, Find(tx, item.id()));
    }
    item.set_etag(absl::StrCat(version + 1));
    std::vector<SqlValue> params = {version + 1, SqlValue::Blob(item.SerializeAsString())};
    for (auto& v : index_values_(item)) params.push_back(std::move(v));
    params.push_back(item.id());
    params.push_back(version);
    RETURN_IF_ERROR(tx.Execute(update_sql_, params));
    if (tx.changes() != 1) return EtagMismatch(type_);
    RETURN_IF_ERROR(
        AppendEvent(tx, type_, item.id(), EventKind::kUpdated, item.SerializeAsString()).status());
    if (tx.audited()) {
      AuditChange change;
      change.resource = ResourceName(item.id());
      change.before = before ? &*before : nullptr;
      change.etag_before = before ? before->etag() : "";
      change.after = &item;
      change.etag_after = item.etag();
      RETURN_IF_ERROR(tx.RecordChange(change));
    }
    return item;
  }

  // Resources matching `where` (SQL over the index columns, "" for all) with id > after_key,
  // ordered by id, at most `limit`.
  absl::StatusOr<ResourcePage<T>> List(Transaction& tx, absl::string_view where,
                                       std::vector<SqlValue> params, absl::string_view after_key,
                                       int limit) const {
    std::string sql = absl::StrCat("SELECT state, version, id FROM ", table_, " WHERE id > ?",
                                   where.empty() ? "" : " AND (", where, where.empty() ? "" : ")",
                                   " ORDER BY id LIMIT ?");
    params.insert(params.begin(), SqlValue(after_key));
    params.push_back(limit + 1);
    ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
    ResourcePage<T> page;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      ASSIGN_OR_RETURN(T item, Decode(rows[i]));
      page.items.push_back(std::move(item));
    }
    if (static_cast<int>(rows.size()) > limit) page.next_after_key = page.items.back().id();
    return page;
  }

  // Calls `fn` with every resource matching `where` whose id is after `after_key`, in id order,
  // until `fn` returns false. Reads `chunk_rows` rows a statement (keyset paging on the primary
  // key, all in `tx`'s snapshot), so memory stays bounded however large the table grows: the way
  // to fold a summary over a table.
  //
  //   RETURN_IF_ERROR(leads.ForEach(tx, "", {}, "", [&](v1::Lead&& l) { b.Add(l); return true; }));
  absl::Status ForEach(Transaction& tx, absl::string_view where,
                       const std::vector<SqlValue>& params, absl::string_view after_key,
                       absl::FunctionRef<bool(T&&)> fn, int chunk_rows = kForEachChunkRows) const {
    std::string after(after_key);
    while (true) {
      ASSIGN_OR_RETURN(ResourcePage<T> chunk, List(tx, where, params, after, chunk_rows));
      for (T& item : chunk.items) {
        if (!fn(std::move(item))) return absl::OkStatus();
      }
      if (chunk.next_after_key.empty()) return absl::OkStatus();
      after = std::move(chunk.next_after_key);
    }
  }

  // Every resource matching `where`, in id order; only for sets bounded by the filter (a year's
  // fundings, the cases of one ledger). A summary over a whole table folds it with ForEach.
  absl::StatusOr<std::vector<T>> All(Transaction& tx, absl::string_view where,
                                     const std::vector<SqlValue>& params) const {
    std::vector<T> items;
    RETURN_IF_ERROR(ForEach(tx, where, params, "", [&](T&& item) {
      items.push_back(std::move(item));
      return true;
    }));
    return items;
  }

  static constexpr int kForEachChunkRows = 1000;

 private:
  absl::StatusOr<T> Decode(const Row& row) const {
    T item;
    if (!item.ParseFromString(row.Blob(0))) {
      return absl::DataLossError(absl::StrCat("corrupt ", type_, " row"));
    }
    item.set_etag(absl::StrCat(row.Int(1)));
    return item;
  }

  std::string table_;
  std::string type_;
  std::vector<std::string> columns_;
  IndexFn index_values_;
  std::string insert_sql_;
  std::string update_sql_;
  std::string get_sql_;
  std::string get_with_revision_sql_;
};

// Reads one resource by id in its own snapshot; `revision`, when given, gets the store revision
// of that same snapshot (what a Get response reflects).
template <typename T>
absl::StatusOr<T> ReadById(Database& db, const ResourceTable<T>& table, absl::string_view id,
                           int64_t* revision = nullptr) {
  T item;
  // One statement either way (GetWithRevision reads the revision in the same statement).
  RETURN_IF_ERROR(db.ReadStatement([&](Transaction& tx) -> absl::Status {
    if (revision != nullptr) {
      ASSIGN_OR_RETURN(item, table.GetWithRevision(tx, id, revision));
    } else {
      ASSIGN_OR_RETURN(item, table.Get(tx, id));
    }
    return absl::OkStatus();
  }));
  return item;
}

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_RESOURCE_TABLE_H_
