// Resource ids: a short type prefix and 16 random hex digits, e.g. "lead-3f9a0c1d2e4b5a69".
// Random rather than sequential so ids leak nothing about volume and never collide across
// replicas that share a store.
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
