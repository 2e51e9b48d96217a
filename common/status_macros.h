// Early-return helpers for absl::Status / absl::StatusOr, which Debian's Abseil 20220623 lacks.
//
//   RETURN_IF_ERROR(store.Put(x));
//   ASSIGN_OR_RETURN(Lead lead, store.Get(id));
#ifndef GAOXIN_COMMON_STATUS_MACROS_H_
#define GAOXIN_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GAOXIN_CONCAT_INNER_(a, b) a##b
#define GAOXIN_CONCAT_(a, b) GAOXIN_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::absl::Status gaoxin_status_ = (expr);          \
    if (!gaoxin_status_.ok()) return gaoxin_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  GAOXIN_ASSIGN_OR_RETURN_IMPL_(GAOXIN_CONCAT_(gaoxin_statusor_, __LINE__), lhs, expr)

#define GAOXIN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // GAOXIN_COMMON_STATUS_MACROS_H_
