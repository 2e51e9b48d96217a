#include "common/ids.h"

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gaoxin {

std::string NewId(absl::string_view prefix) {
  thread_local absl::BitGen gen;
  return absl::StrCat(prefix, "-", absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen)));
}

bool IsValidId(absl::string_view id, absl::string_view prefix) {
  if (!absl::StartsWith(id, prefix)) return false;
  id.remove_prefix(prefix.size());
  if (id.size() != 17 || id[0] != '-') return false;
  for (char c : id.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace gaoxin
