// The role names of the suite, in a header without gRPC so that domain code (which links only
// gaoxin_core) can name the role a rule needs in its errors. auth.h checks them; the tokens file
// and README list them.
//
//   return MakeError(absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
//                    absl::StrCat("... needs the '", kPetitionPii, "' role"));
#ifndef GAOXIN_COMMON_ROLES_H_
#define GAOXIN_COMMON_ROLES_H_

#include "absl/strings/string_view.h"

namespace gaoxin {

inline constexpr absl::string_view kLeadsReader = "leads.reader";
inline constexpr absl::string_view kLeadsWriter = "leads.writer";
inline constexpr absl::string_view kEnterpriseReader = "enterprise.reader";
inline constexpr absl::string_view kEnterpriseWriter = "enterprise.writer";
inline constexpr absl::string_view kPetitionReader = "petition.reader";
inline constexpr absl::string_view kPetitionWriter = "petition.writer";
inline constexpr absl::string_view kPetitionPii = "petition.pii";
inline constexpr absl::string_view kAuditor = "auditor";
inline constexpr absl::string_view kAdmin = "admin";

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_ROLES_H_
