// The WHERE of a List over a table's index columns, built one clause at a time from the
// request's filters, with the parameters in step (every store's List methods build it so).
//
//   std::string where;
//   std::vector<db::SqlValue> params;
//   if (year != 0) db::AddFilter(&where, &params, "year = ?", year);
//   if (from != 0) db::AddFilter(&where, &params, "month >= ? AND month <= ?", {from, to});
//   ASSIGN_OR_RETURN(auto page, table.List(tx, where, params, after_key, limit));
#ifndef GAOXIN_COMMON_DB_FILTERS_H_
#define GAOXIN_COMMON_DB_FILTERS_H_

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/db/database.h"

namespace gaoxin::db {

// Appends `clause` (AND-ed to what is there) and the values of its placeholders.
// (A braced list picks this overload: {a, b}, {a} and {} alike.)
inline void AddFilter(std::string* where, std::vector<SqlValue>* params, absl::string_view clause,
                      std::initializer_list<SqlValue> values) {
  if (!where->empty()) where->append(" AND ");
  absl::StrAppend(where, clause);
  params->insert(params->end(), values.begin(), values.end());
}

inline void AddFilter(std::string* where, std::vector<SqlValue>* params, absl::string_view clause,
                      SqlValue value) {
  AddFilter(where, params, clause, {std::move(value)});
}

}  // namespace gaoxin::db

#endif  // GAOXIN_COMMON_DB_FILTERS_H_
