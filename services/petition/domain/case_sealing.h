// Which fields of a case or meeting are sealed at rest and how: the petitioner's four fields and
// every free-text field (free_text.h), each sealed on its own (PiiCipher::Seal) and bound to its
// resource and path ("case/<id>/petitioner.name", "case/<id>/history.2.note",
// "meeting/<id>/attendees.0"), so no seal can be moved to another case or field.
//
//   ASSIGN_OR_RETURN(v1::Case stored, SealCase(cipher, std::move(plain)));   // id set
//   ASSIGN_OR_RETURN(v1::Case plain2, OpenCase(cipher, std::move(stored)));
//   // Re-sealing (the startup pass and the rotation command):
//   ASSIGN_OR_RETURN(bool changed, ResealCase(cipher, ResealMode::kCurrentKey, &stored, &found));
//
// Petitioner fields have always been sealed: one that is not is DATA_LOSS. Free text was stored
// in the clear before it was sealed, so an unsealed text field opens as itself until the startup
// pass or a write seals it.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_CASE_SEALING_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_CASE_SEALING_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "services/petition/domain/pii_crypto.h"

namespace gaoxin::petition {

// What `field` ("name", ...) of case `case_id`'s petitioner is bound to.
std::string PetitionerAssociatedData(absl::string_view case_id, absl::string_view field);

// Seals every personal-data field of a plaintext case (its id set) under the current key.
absl::StatusOr<v1::Case> SealCase(const PiiCipher& cipher, v1::Case c);
// Opens them. DATA_LOSS naming the case when a seal does not open (unknown key, tampered) or a
// petitioner field is not sealed.
absl::StatusOr<v1::Case> OpenCase(const PiiCipher& cipher, v1::Case c);
absl::StatusOr<v1::Meeting> SealMeeting(const PiiCipher& cipher, v1::Meeting m);
absl::StatusOr<v1::Meeting> OpenMeeting(const PiiCipher& cipher, v1::Meeting m);

enum class ResealMode {
  // Seal the fields still in the clear (stored before free text was sealed); leave seals alone.
  // Needs no key but the current one, so it is safe at every start-up.
  kPlaintextOnly,
  // Also re-seal every seal made under another key than the current one (key rotation).
  kCurrentKey,
};

// How many non-empty sealed fields were found per key id, before re-sealing; "plaintext" counts
// the fields found in the clear.
using SealCensus = std::map<std::string, int64_t>;
inline constexpr absl::string_view kPlaintextCensusKey = "plaintext";

// Re-seals `stored` (a case or meeting as kept at rest) in place by `mode`; true when anything
// changed. Fields already sealed under the current key are left byte for byte as they are.
// DATA_LOSS as OpenCase when a seal that must be re-sealed does not open.
absl::StatusOr<bool> ResealCase(const PiiCipher& cipher, ResealMode mode, v1::Case* stored,
                                SealCensus* census);
absl::StatusOr<bool> ResealMeeting(const PiiCipher& cipher, ResealMode mode, v1::Meeting* stored,
                                   SealCensus* census);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_CASE_SEALING_H_
