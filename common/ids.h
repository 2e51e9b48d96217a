// Resource ids: a short type prefix, the creation time and randomness, e.g.
// "lead-018c1f3e2a7b9f04c2d17e5a" (12 hex digits of Unix milliseconds, 12 random hex digits).
//
// Time first, so that ids sort in creation order: B-tree inserts land at the end of the tables
// and indexes keyed by id instead of on a random page each, which keeps the pages a commit
// writes (and so the WAL) small; lists page in creation order too. 48 random bits make two ids
// of the same millisecond collide with odds of about 1 in 10^14, across replicas too. The ids
// say nothing about volume. Ids of the earlier form (16 random hex digits) stay valid.
#ifndef GAOXIN_COMMON_IDS_H_
#define GAOXIN_COMMON_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gaoxin {

std::string NewId(absl::string_view prefix);

// True when `id` looks like NewId(prefix) produced it; ids from clients are checked before any
// query so malformed ones get INVALID_ARGUMENT rather than NOT_FOUND.
bool IsValidId(absl::string_view id, absl::string_view prefix);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_IDS_H_
