#include "common/ids.h"

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace gaoxin {

std::string NewId(absl::string_view prefix) {
  thread_local absl::BitGen gen;
  const uint64_t millis =
      static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())) & 0xffffffffffffULL;
  const uint64_t random = absl::Uniform<uint64_t>(gen) & 0xffffffffffffULL;
  return absl::StrCat(prefix, "-", absl::StrFormat("%012x%012x", millis, random));
}

bool IsValidId(absl::string_view id, absl::string_view prefix) {
  if (!absl::StartsWith(id, prefix)) return false;
  id.remove_prefix(prefix.size());
  if (id.empty() || id[0] != '-') return false;
  id.remove_prefix(1);
  if (id.size() != 24 && id.size() != 16) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace gaoxin
