// Repeat petitions (重复访): a new case from the same petitioner (same ID number, compared by its
// keyed hash) on the same category is marked repeat and linked to the earlier cases instead of
// counting as a new matter; after a 复核 decision on that matter it is not accepted at all
// (信访工作条例: after 复核 the same facts are not accepted again).
//
//   std::vector<PriorCase> earlier = store.CasesByIdHash(hash);   // any category
//   ASSIGN_OR_RETURN(RepeatResult r, DetectRepeat(hash, "回迁房办证", earlier));
//   c.set_is_repeat(r.is_repeat);
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_REPEAT_DETECTION_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_REPEAT_DETECTION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gaoxin/petition/v1/petition.pb.h"

namespace gaoxin::petition {

// What repeat detection needs to know of an earlier case; the store keeps these in the clear
// (the hash is not personal data without the key).
struct PriorCase {
  std::string id;
  std::string id_number_hash;
  std::string category;
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
  bool recheck_decided = false;  // the case reached RECHECKED
};

// Builds a PriorCase from a stored case and its ID-number hash.
PriorCase ToPriorCase(const v1::Case& c, absl::string_view id_number_hash);

struct RepeatResult {
  bool is_repeat = false;
  // The matching earlier cases, in the order given (the store gives them oldest first).
  std::vector<std::string> repeat_of_case_ids;
};

// Matches on equal non-empty hash and equal category (surrounding whitespace ignored); earlier
// cases of every status count, including closed and not-accepted ones. An empty hash (no ID
// number given) is never a repeat. FAILED_PRECONDITION MATTER_CLOSED_AFTER_RECHECK when any match
// had its 复核 decided.
absl::StatusOr<RepeatResult> DetectRepeat(absl::string_view id_number_hash,
                                          absl::string_view category,
                                          const std::vector<PriorCase>& earlier);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_REPEAT_DETECTION_H_
