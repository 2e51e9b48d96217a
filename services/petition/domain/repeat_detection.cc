#include "services/petition/domain/repeat_detection.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "services/petition/domain/case_history.h"

namespace gaoxin::petition {

PriorCase ToPriorCase(const v1::Case& c, absl::string_view id_number_hash) {
  PriorCase p;
  p.id = c.id();
  p.id_number_hash = std::string(id_number_hash);
  p.category = c.category();
  p.status = c.status();
  p.recheck_decided = EverReached(c, v1::CASE_STATUS_RECHECKED);
  return p;
}

absl::StatusOr<RepeatResult> DetectRepeat(absl::string_view id_number_hash,
                                          absl::string_view category,
                                          const std::vector<PriorCase>& earlier) {
  RepeatResult result;
  if (id_number_hash.empty()) return result;
  const absl::string_view wanted = absl::StripAsciiWhitespace(category);
  for (const PriorCase& p : earlier) {
    if (p.id_number_hash != id_number_hash) continue;
    if (absl::StripAsciiWhitespace(p.category) != wanted) continue;
    if (p.recheck_decided) {
      return FailedPrecondition(
          "MATTER_CLOSED_AFTER_RECHECK",
          absl::StrCat("case ", p.id,
                       " on the same matter already had its 复核 decision; the same matter is "
                       "not accepted again"));
    }
    result.is_repeat = true;
    result.repeat_of_case_ids.push_back(p.id);
  }
  return result;
}

}  // namespace gaoxin::petition
